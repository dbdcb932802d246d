// End to end, the safety promises of apply: a concurrent aws-auth writer loses nothing
// (409 Conflict, re-read, retry); a broken aws-auth stops everything before any write; an
// apply killed after any step converges on the next run without duplicates or orphans;
// IAM and Kubernetes permission errors name what was missing and who lacked it (the RBAC
// escalation check explained as such); a saved plan is applied without planning again,
// each step refused (EG313) when what it is about changed since the plan, and only then.
//
// Each test starts from a reset environment (moto, the double, eksgate's RBAC objects,
// aws-auth), with a fresh cluster name.
import { createHash } from "node:crypto";
import { UpdateAssumeRolePolicyCommand } from "@aws-sdk/client-iam";
import { parse } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createIamPort } from "../../src/adapters/aws/iam.js";
import { createEksPortForRegion } from "../../src/adapters/aws/eks.js";
import { fileBackupStore } from "../../src/adapters/fs/backups.js";
import { loadConfigFile } from "../../src/adapters/fs/config-file.js";
import { resolveKubeConnection } from "../../src/adapters/kube/connection.js";
import { createKubePort } from "../../src/adapters/kube/kube-port.js";
import { applyPlan, createStepRunner } from "../../src/engine/apply.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import type { EngineEvent } from "../../src/engine/events.js";
import { makePlan } from "../../src/engine/plan.js";
import type { KubePort } from "../../src/ports/kube.js";
import { createUserWithAccessKey, putUserPolicy, SEED_CREDENTIALS } from "../env/aws-seed.js";
import { uniqueName } from "../env/context.js";
import {
  ACCOUNT,
  admin,
  type ApplyEnv,
  type CliResult,
  createNamespace,
  createRbacObject,
  deleteRbacObject,
  editAwsAuth,
  getRbacObject,
  iamSnapshot,
  isAwsWrite,
  listRbac,
  rbacKey,
  readAwsAuth,
  REGION,
  resetCluster,
  startApplyEnv,
} from "../support/apply-env.js";
import { LONG_SCENARIO_TIMEOUT_MS } from "../support/time-limits.js";

const GROUPS = ["g-pay", "g-ops"];
const NS_1 = uniqueName("safe-1");
const NS_2 = uniqueName("safe-2");
const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const NODE_ENTRY = `- rolearn: arn:aws:iam::${ACCOUNT}:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n`;
const FOREIGN = { mapRoles: NODE_ENTRY, mapAccounts: `- "210987654321"\n` };

interface TeamSpec {
  readonly name: string;
  readonly group: string;
  readonly role: string;
  readonly namespaces?: readonly string[];
  readonly admin?: boolean;
}

const PAY: TeamSpec = { name: "pay", group: "g-pay", role: "edit", namespaces: [NS_1, NS_2] };
const OPS: TeamSpec = { name: "ops", group: "g-ops", role: "cluster-admin", admin: true };

function configYaml(cluster: string, teams: readonly TeamSpec[]): string {
  const lines = [
    "apiVersion: eksgate.dev/v1alpha1",
    "kind: AccessConfig",
    `accountId: "${ACCOUNT}"`,
    "clusters:",
    `  - name: ${cluster}`,
    `    region: ${REGION}`,
    "teams:",
  ];
  for (const t of teams) {
    lines.push(`  - name: ${t.name}`, `    iamGroup: ${t.group}`, "    access:");
    lines.push(`      - cluster: ${cluster}`, `        clusterRole: ${t.role}`);
    if (t.namespaces !== undefined) lines.push(`        namespaces: [${t.namespaces.join(", ")}]`);
    if (t.admin === true) lines.push("        allowClusterAdmin: true");
  }
  return `${lines.join("\n")}\n`;
}

let env: ApplyEnv;

/** A fresh cluster name, moto/double reset, the cluster's eksgate objects gone, aws-auth = FOREIGN. */
async function freshCluster(teams: readonly TeamSpec[]): Promise<{ cluster: string; config: string }> {
  await env.resetAws(GROUPS);
  await resetCluster(FOREIGN);
  const cluster = uniqueName("safe");
  env.seedCluster(cluster, "CONFIG_MAP");
  return { cluster, config: env.writeFile(`${cluster}.yaml`, configYaml(cluster, teams)) };
}

function output(r: CliResult): string {
  return r.stdout + r.stderr;
}

function mapRolesOf(data: Record<string, string> | undefined): { rolearn?: string; groups?: string[] }[] {
  return (parse(data?.["mapRoles"] ?? "[]") as { rolearn?: string; groups?: string[] }[] | null) ?? [];
}

/** The state a complete apply of PAY leaves: exactly one of everything, nothing else. */
async function expectConvergedPay(): Promise<void> {
  const iam = await iamSnapshot(env.aws, GROUPS);
  expect(iam.roles).toEqual({ "eksgate-pay": ["eksgate-pay-eks"] });
  expect(iam.groups).toEqual({ "g-pay": ["eksgate-pay-assume"], "g-ops": [] });
  const live = await readAwsAuth();
  expect(live?.data?.["mapAccounts"]).toBe(FOREIGN.mapAccounts);
  expect(live?.data?.["mapRoles"]?.startsWith(NODE_ENTRY)).toBe(true);
  const entries = mapRolesOf(live?.data);
  expect(entries).toHaveLength(2);
  expect(entries.filter((e) => e.rolearn === roleArn("eksgate-pay"))).toHaveLength(1);
  expect((await listRbac()).map(rbacKey).sort()).toEqual([
    `RoleBinding/${NS_1}/eksgate:pay:edit`,
    `RoleBinding/${NS_2}/eksgate:pay:edit`,
  ]);
}

beforeAll(async () => {
  env = await startApplyEnv();
  await createNamespace(NS_1);
  await createNamespace(NS_2);
});

afterAll(async () => {
  const started = env as ApplyEnv | undefined; // undefined when beforeAll failed
  if (started === undefined) return;
  await resetCluster(undefined);
  await started.stop();
});

beforeEach(async () => {
  await env.moto.setEnforcement(false);
});

// The longest scenarios of the suite: an apply killed at each of six steps, each time on a
// fresh cluster, applied again and planned.
describe("apply safety", { timeout: LONG_SCENARIO_TIMEOUT_MS }, () => {
  it("a concurrent aws-auth writer between eksgate's read and write: 409, re-read, both changes survive", async () => {
    const { cluster, config: file } = await freshCluster([PAY]);
    const loaded = await loadConfigFile(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const events: EngineEvent[] = [];
    const connect = async (arn: string, endpoint: string, caData: string) => {
      const connection = await resolveKubeConnection({
        kubeconfigPath: env.kubeconfig,
        cluster: { name: cluster, arn, endpoint, caData },
      });
      if (!connection.ok) throw new Error(JSON.stringify(connection.diagnostics));
      return createKubePort(connection.value);
    };
    const deps: EngineDeps = {
      iam: createIamPort({
        region: REGION,
        credentials: SEED_CREDENTIALS,
        endpoints: { iam: env.moto.endpoint, sts: env.moto.endpoint },
        maxAttempts: 1,
      }),
      eks: createEksPortForRegion({ credentials: SEED_CREDENTIALS, endpoint: env.double.endpoint }),
      kube: async (_cluster, described) => ({
        ok: true,
        value: await connect(described.arn, described.endpoint, described.certificateAuthorityData),
        diagnostics: [],
      }),
      clock: {
        now: () => new Date().toISOString(),
        sleep: (ms) =>
          new Promise((done) => {
            setTimeout(done, ms);
          }),
      },
      backups: fileBackupStore(`${env.stateHome}/in-process`),
      events: (event) => events.push(event),
    };
    const planned = await makePlan(
      {
        config: loaded.value,
        configFile: file,
        configDigest: createHash("sha256")
          .update(loaded.text ?? "")
          .digest("hex"),
        scope: { destroy: false },
      },
      deps,
    );
    if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
    expect(planned.value.plan.steps.map((s) => s.id)).toContain(`aws-auth/${cluster}`);

    // The apply's connection: after its first read of aws-auth, another tool adds an entry.
    const late = `- rolearn: arn:aws:iam::${ACCOUNT}:role/late-writer\n  username: late\n  groups: [late-group]\n`;
    const described = await deps.eks(REGION).describeCluster(cluster);
    if (described === undefined) throw new Error("cluster not found");
    const inner = await connect(described.arn, described.endpoint, described.certificateAuthorityData);
    let reads = 0;
    const racing: KubePort = {
      ...inner,
      server: inner.server,
      async readConfigMap(namespace, name) {
        const read = await inner.readConfigMap(namespace, name);
        reads += 1;
        if (reads === 1)
          await editAwsAuth((data) => ({ ...data, mapRoles: `${data["mapRoles"] ?? ""}${late}` }));
        return read;
      },
    };
    const result = await applyPlan(
      planned.value.plan,
      createStepRunner(planned.value.plan, deps, () => Promise.resolve(racing)),
    );
    expect(result.ok, JSON.stringify(result.outcomes.map((o) => o.diagnostic))).toBe(true);
    expect(reads).toBe(2);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);

    const live = await readAwsAuth();
    const arns = mapRolesOf(live?.data).map((e) => e.rolearn);
    expect(arns).toEqual([roleArn("nodes"), roleArn("late-writer"), roleArn("eksgate-pay")]);
    expect(live?.data?.["mapRoles"]?.startsWith(`${NODE_ENTRY}${late}`)).toBe(true);
    expect(live?.data?.["mapAccounts"]).toBe(FOREIGN.mapAccounts);
  });

  it("a live aws-auth with a broken mapRoles: plan and apply exit 1 with EG213 and nothing is written", async () => {
    const { config } = await freshCluster([PAY]);
    const broken = `- rolearn: arn:aws:iam::${ACCOUNT}:role/nodes\n  username: [unclosed\n  groups: x\n`;
    await editAwsAuth((data) => ({ ...data, mapRoles: broken }));
    const before = await readAwsAuth();
    env.markAws();

    const plan = await env.run(["plan", "-c", config, "--detailed-exitcode"]);
    expect(plan.code, output(plan)).toBe(1);
    expect(plan.stderr).toContain("EG213");
    expect(plan.stderr).toContain("mapRoles");

    const apply = await env.run(["apply", "-c", config, "--auto-approve"]);
    expect(apply.code, output(apply)).toBe(1);
    expect(apply.stderr).toContain("EG213");
    expect(env.awsCalls().filter((c) => isAwsWrite(c.action))).toEqual([]);
    expect((await readAwsAuth())?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    expect((await readAwsAuth())?.data).toEqual(before?.data);
    expect(await listRbac()).toEqual([]);
    expect((await iamSnapshot(env.aws, GROUPS)).roles).toEqual({});
  });

  it("an apply killed after each step k: the next apply converges with no duplicates or orphans", async () => {
    // Find N from a plan of the same config.
    const probe = await freshCluster([PAY]);
    const plan = await env.run(["plan", "-c", probe.config, "--json"]);
    const total = (JSON.parse(plan.stdout) as { steps: unknown[] }).steps.length;
    expect(total).toBe(6);

    for (let k = 0; k < total; k++) {
      const { config } = await freshCluster([PAY]);
      // One step at a time: after the k-th progress line the child still has whole
      // round trips to moto and the apiserver ahead of it, which the kill lands within.
      const child = env.spawnCli(["apply", "-c", config, "--auto-approve", "--parallelism", "1"]);
      let stderr = "";
      let stdout = "";
      const killedAfter = await new Promise<number>((done) => {
        const check = (): void => {
          const finished = stderr.match(/^\[\d+\/\d+\] .*$/gm)?.length ?? 0;
          const ready = k === 0 ? stdout.includes("Plan:") : finished >= k;
          if (ready && child.exitCode === null && child.signalCode === null) {
            child.kill("SIGKILL");
          }
        };
        child.stdout?.setEncoding("utf8").on("data", (c: string) => {
          stdout += c;
          check();
        });
        child.stderr?.setEncoding("utf8").on("data", (c: string) => {
          stderr += c;
          check();
        });
        child.on("close", () => {
          done(stderr.match(/^\[\d+\/\d+\] .*$/gm)?.length ?? 0);
        });
      });
      expect(child.signalCode, `k=${k}: ${stdout}${stderr}`).toBe("SIGKILL");
      expect(killedAfter, `k=${k}`).toBeGreaterThanOrEqual(k);
      expect(killedAfter, `k=${k}`).toBeLessThan(total);

      const again = await env.run(["apply", "-c", config, "--auto-approve"]);
      expect(again.code, `k=${k}: ${output(again)}`).toBe(0);
      await expectConvergedPay();
      const check = await env.run(["plan", "-c", config, "--detailed-exitcode"]);
      expect(check.code, `k=${k}: ${output(check)}`).toBe(0);
    }
  });

  it("an AWS identity without IAM write permissions: EG301 names iam:CreateRole and the identity", async () => {
    const { config } = await freshCluster([PAY]);
    const reader = await createUserWithAccessKey(env.aws.iam, "eksgate-reader");
    await putUserPolicy(env.aws.iam, "eksgate-reader", "read-only", {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["iam:Get*", "iam:List*", "sts:GetCallerIdentity"], Resource: "*" },
      ],
    });
    await env.moto.setEnforcement(true);
    try {
      const apply = await env.run(["apply", "-c", config, "--auto-approve"], {
        credentials: reader.credentials,
      });
      expect(apply.code, output(apply)).toBe(1);
      expect(output(apply)).toContain("EG301");
      expect(output(apply)).toContain("iam:CreateRole");
      expect(output(apply)).toContain(reader.arn);
    } finally {
      await env.moto.setEnforcement(false);
    }
    expect((await iamSnapshot(env.aws, GROUPS)).roles).toEqual({});
  });

  it("a Kubernetes identity that may create bindings but does not hold cluster-admin: EG302, the escalation check", async () => {
    const { config } = await freshCluster([OPS]);
    const roleName = uniqueName("e2e-rbac-writer");
    const rbacWriter = {
      kind: "ClusterRole",
      metadata: { name: roleName },
      rules: [
        { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "create", "patch", "update"] },
        { apiGroups: [""], resources: ["namespaces"], verbs: ["get"] },
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["clusterroles", "clusterrolebindings", "rolebindings"],
          verbs: ["get", "list", "create", "update", "delete"],
        },
      ],
    };
    const grant = {
      kind: "ClusterRoleBinding",
      metadata: { name: roleName },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
      subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "eksgate-test-lowpriv" }],
    };
    await createRbacObject(rbacWriter);
    await createRbacObject(grant);
    try {
      const kubeconfig = env.kubeconfigFor(env.kube.lowPrivToken, `${env.dir}/lowpriv.kubeconfig`);
      const apply = await env.run(["apply", "-c", config, "--auto-approve"], { kubeconfig });
      expect(apply.code, output(apply)).toBe(1);
      expect(apply.stdout).toContain("EG302");
      expect(apply.stdout).toContain("escalation");
      expect(apply.stdout).toContain("eksgate-test-lowpriv");
      expect(apply.stdout).toContain("ClusterRoleBinding eksgate:ops:cluster-admin");
      expect(await listRbac()).toEqual([]);
    } finally {
      await deleteRbacObject(grant);
      await deleteRbacObject(rbacWriter);
    }
  });

  it("a saved plan applies without planning again: a change to what a step is about refuses that step (EG313) before it writes, other changes do not", async () => {
    const { cluster, config } = await freshCluster([PAY]);
    const planFile = async (name: string): Promise<string> => {
      const file = `${env.dir}/${cluster}-${name}.json`;
      const planned = await env.run(["plan", "-c", config, "--out", file]);
      expect(planned.code, output(planned)).toBe(0);
      return file;
    };
    const first = await planFile("1");
    env.markAws();
    const applied = await env.run(["apply", first, "--auto-approve"]);
    expect(applied.code, output(applied)).toBe(0);
    await expectConvergedPay();
    // No plan again: none of the account-wide reads; one read per IAM step (role, its
    // policy, the group policy), just before its write.
    const actions = env.awsCalls().map((c) => c.action);
    expect(actions.filter((a) => !isAwsWrite(a)).sort()).toEqual([
      "GetGroupPolicy",
      "GetRole",
      "GetRolePolicy",
    ]);

    // Unrelated changes after the plan: another role's aws-auth entry, a binding of another tool.
    env.writeFile(`${cluster}.yaml`, configYaml(cluster, [PAY, OPS]));
    const second = await planFile("2");
    const someoneElse = `- rolearn: ${roleArn("someone-else")}\n  username: else\n  groups: [else]\n`;
    await editAwsAuth((data) => ({ ...data, mapRoles: `${data["mapRoles"] ?? ""}${someoneElse}` }));
    const other = {
      kind: "ClusterRoleBinding",
      metadata: { name: uniqueName("other-tool") },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "other" }],
    };
    await createRbacObject(other);
    try {
      const applySecond = await env.run(["apply", second, "--auto-approve"]);
      expect(applySecond.code, output(applySecond)).toBe(0);
      expect((await readAwsAuth())?.data?.["mapRoles"]).toContain(someoneElse);
      expect(await getRbacObject(other)).toBeDefined();
      expect(
        await getRbacObject({ kind: "ClusterRoleBinding", metadata: { name: "eksgate:ops:cluster-admin" } }),
      ).toBeDefined();
    } finally {
      await deleteRbacObject(other);
    }

    // OPS is removed again; before the apply, someone adds a subject to its binding.
    env.writeFile(`${cluster}.yaml`, configYaml(cluster, [PAY]));
    const third = await planFile("3");
    const binding = { kind: "ClusterRoleBinding", metadata: { name: "eksgate:ops:cluster-admin" } };
    const live = await getRbacObject(binding);
    if (live === undefined) throw new Error("no ops binding");
    const subjects = [
      ...(live.subjects ?? []),
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "intruders" },
    ];
    const edited = await admin(
      "PUT",
      `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${binding.metadata.name}`,
      {
        ...live,
        apiVersion: "rbac.authorization.k8s.io/v1",
        subjects,
      },
    );
    expect(edited.status, edited.body).toBe(200);
    env.markAws();
    const refused = await env.run(["apply", third, "--auto-approve", "--parallelism", "1"]);
    expect(refused.code, output(refused)).toBe(1);
    expect(refused.stdout).toContain("EG313");
    expect(refused.stdout).toContain(
      `rbac/${cluster}/ClusterRoleBinding//eksgate:ops:cluster-admin: refused: changed since the plan was made: subjects`,
    );
    expect((await getRbacObject(binding))?.subjects?.map((s) => s.name)).toContain("intruders");
    // The IAM deletes come after the bindings' in the plan: not attempted.
    expect(env.awsCalls().filter((c) => isAwsWrite(c.action))).toEqual([]);

    // Planned again; now someone edits the ops role's trust policy before the apply.
    const fourth = await planFile("4");
    await env.aws.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: "eksgate-ops",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    env.markAws();
    const roleRefused = await env.run(["apply", fourth, "--auto-approve", "--parallelism", "1"]);
    expect(roleRefused.code, output(roleRefused)).toBe(1);
    expect(roleRefused.stdout).toContain(
      "iam-role/eksgate-ops: refused: changed since the plan was made: trustPolicy",
    );
    expect(env.awsCalls().map((c) => c.action)).not.toContain("DeleteRole");
    expect((await iamSnapshot(env.aws, GROUPS)).roles).toHaveProperty("eksgate-ops");

    // A plan made now applies, and the other tool's aws-auth entry is still there.
    const fifth = await planFile("5");
    const converged = await env.run(["apply", fifth, "--auto-approve"]);
    expect(converged.code, output(converged)).toBe(0);
    expect((await readAwsAuth())?.data?.["mapRoles"]).toContain(someoneElse);
    expect((await iamSnapshot(env.aws, GROUPS)).roles).toEqual({ "eksgate-pay": ["eksgate-pay-eks"] });
  });
});
