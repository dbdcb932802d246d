// End to end, `eksgate migrate` and `eksgate migrate --apply` as a child process against
// moto (IAM), the EKS access-entry double (clusters, entries, mode switches) and a private
// real kube-apiserver whose authorizer chain is RBAC plus the double's access-policy
// webhook (RBAC,Webhook, as EKS adds its access-policy authorizer to RBAC). The plan is made
// live from a realistic aws-auth (nodes, Fargate, Karpenter, an admin with odd-case keys,
// a team with several groups and a templated username, an SSO role and a CI role with
// paths, a user with a path), applied, and each principal then checked through the
// cluster with SubjectAccessReviews.
//
// The interruption test is deterministic: the double holds the n-th EKS request of a run
// unanswered, the test kills the CLI with SIGKILL while it waits, and runs it again. It
// kills before the run's first request, before every EKS write, and before the reads that
// open the two Kubernetes-only steps (the aws-auth write, the ConfigMap's deletion): so at
// every state the apply can leave. (Every request in turn takes 20 minutes on a loaded
// two-core machine; the unit test interrupts at every write of each port instead.)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateRoleCommand, CreateUserCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MigrationPlan } from "../../src/core/migrate/index.js";
import { awsClients, SEED_CREDENTIALS, type AwsClients } from "../env/aws-seed.js";
import { type EksDouble, startEksDouble } from "../env/eks-double/index.js";
import { apiRequest, type ApiClient, type KubeEnv, startKube } from "../env/kube.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";
import { buildCli, type CliResult } from "../support/apply-env.js";
import { liveAccessPolicyWarnings } from "../../src/cli/commands/access-policy-check.js";
import { LONG_SCENARIO_TIMEOUT_MS } from "../support/time-limits.js";

const A = MOTO_ACCOUNT_ID;
const REGION = "us-east-2";
const CLUSTER = "prod";
const ARN = `arn:aws:eks:${REGION}:${A}:cluster/${CLUSTER}`;
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: "sts:AssumeRole" }],
});
const role = (name: string): string => `arn:aws:iam::${A}:role/${name}`;

/** Roles (name -> path) and users the aws-auth below names; IAM holds them with their paths. */
const ROLES: Record<string, string> = {
  "eks-nodes": "/",
  "eks-fargate": "/",
  "KarpenterNodeRole-prod": "/",
  "platform-admin": "/",
  "team-payments": "/",
  "ci-deployer": "/automation/",
  AWSReservedSSO_Developers_0123456789abcdef: `/aws-reserved/sso.amazonaws.com/${REGION}/`,
};

const REALISTIC = {
  mapRoles: `- rolearn: ${role("eks-nodes")}
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
- rolearn: ${role("KarpenterNodeRole-prod")}
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: ${role("eks-fargate")}
  username: system:node:{{SessionName}}
  groups:
    - system:bootstrappers
    - system:nodes
    - system:node-proxier
- RoleArn: ${role("platform-admin")}
  UserName: "admin:{{SessionName}}"
  GROUPS:
    - system:masters
    - platform
- rolearn: ${role("team-payments")}
  username: "payments:{{SessionNameRaw}}"
  groups:
    - payments-deployers
    - readers
- rolearn: ${role("AWSReservedSSO_Developers_0123456789abcdef")}
  username: "sso-dev:{{SessionName}}"
  groups:
    - developers
- rolearn: ${role("ci-deployer")}
  username: ci-deployer
  groups:
    - deployers
`,
  mapUsers: `- userarn: arn:aws:iam::${A}:user/ops/oncall-bot
  username: oncall-bot
  groups:
    - readers
`,
};

/** The interruption test's smaller aws-auth: a node role, the admin, a team. */
const SMALL = {
  mapRoles: REALISTIC.mapRoles
    .split(/(?=^- )/m)
    .filter((e) => /eks-nodes|platform-admin|team-payments/.test(e))
    .join(""),
};

const NAMESPACES = ["payments", "dev"];
const BINDINGS: {
  kind: "ClusterRoleBinding" | "RoleBinding";
  name: string;
  ns?: string;
  group: string;
  role: string;
}[] = [
  { kind: "ClusterRoleBinding", name: "readers-view", group: "readers", role: "view" },
  { kind: "ClusterRoleBinding", name: "platform-view", group: "platform", role: "view" },
  { kind: "ClusterRoleBinding", name: "deployers-edit", group: "deployers", role: "edit" },
  {
    kind: "RoleBinding",
    name: "payments-deployers",
    ns: "payments",
    group: "payments-deployers",
    role: "edit",
  },
  { kind: "RoleBinding", name: "developers", ns: "dev", group: "developers", role: "edit" },
];

let moto: MotoServer;
let double: EksDouble;
let kube: KubeEnv;
let aws: AwsClients;
let cli: string;
let dir: string;
let kubeconfig: string;
let admin: ApiClient;

async function kubeCall(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return apiRequest(admin, method, path, body);
}

async function kubeOk(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await kubeCall(method, path, body);
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${method} ${path}: HTTP ${res.status} ${res.body}`);
  return JSON.parse(res.body) as unknown;
}

const AWS_AUTH = "/api/v1/namespaces/kube-system/configmaps/aws-auth";

async function readAwsAuth(): Promise<Record<string, string> | undefined> {
  const res = await kubeCall("GET", AWS_AUTH);
  if (res.status === 404) return undefined;
  return (JSON.parse(res.body) as { data?: Record<string, string> }).data ?? {};
}

/** The cluster before the migration: CONFIG_MAP in the double, this aws-auth, no bridge left. */
async function freshCluster(data: Record<string, string>): Promise<void> {
  double.reset();
  double.seedCluster({
    name: CLUSTER,
    endpoint: kube.server,
    certificateAuthorityData: Buffer.from(kube.caData).toString("base64"),
    authenticationMode: "CONFIG_MAP",
    bootstrapClusterCreatorAdminPermissions: false,
  });
  await kubeCall("DELETE", AWS_AUTH);
  await kubeOk("POST", "/api/v1/namespaces/kube-system/configmaps", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "aws-auth", namespace: "kube-system" },
    data,
  });
  await kubeCall("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/eksgate-migration-admin");
}

function run(args: readonly string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: dir,
    env: {
      PATH: process.env["PATH"],
      HOME: dir,
      NO_COLOR: "1",
      AWS_ACCESS_KEY_ID: SEED_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SEED_CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_IAM: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_EKS: double.endpoint,
      KUBECONFIG: kubeconfig,
      XDG_STATE_HOME: join(dir, "state"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

function eksgate(args: readonly string[]): Promise<CliResult> {
  return run(args).done;
}

async function planFor(to: "API" | "API_AND_CONFIG_MAP", file: string): Promise<MigrationPlan> {
  const r = await eksgate(["migrate", "--cluster", CLUSTER, "--to", to, "--out", join(dir, file), "--json"]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return JSON.parse(r.stdout) as MigrationPlan;
}

/** Entries, mode and aws-auth as the double and the apiserver hold them now. */
async function state(): Promise<unknown> {
  const cluster = CLUSTER;
  const described = await fetch(`${double.endpoint}/clusters/${cluster}`).then(
    (r) => r.json() as Promise<{ cluster: { accessConfig: { authenticationMode: string } } }>,
  );
  const mode = described.cluster.accessConfig.authenticationMode;
  const entries: unknown[] = [];
  if (mode !== "CONFIG_MAP") {
    const listed = await fetch(`${double.endpoint}/clusters/${cluster}/access-entries`).then(
      (r) => r.json() as Promise<{ accessEntries: string[] }>,
    );
    for (const arn of [...listed.accessEntries].sort()) {
      const e = await fetch(
        `${double.endpoint}/clusters/${cluster}/access-entries/${encodeURIComponent(arn)}`,
      ).then((r) => r.json() as Promise<{ accessEntry: Record<string, unknown> }>);
      const p = await fetch(
        `${double.endpoint}/clusters/${cluster}/access-entries/${encodeURIComponent(arn)}/access-policies`,
      ).then(
        (r) =>
          r.json() as Promise<{ associatedAccessPolicies: { policyArn: string; accessScope: unknown }[] }>,
      );
      entries.push({
        principalArn: arn,
        type: e.accessEntry["type"],
        kubernetesGroups: e.accessEntry["kubernetesGroups"],
        username: e.accessEntry["username"],
        policies: p.associatedAccessPolicies.map((x) => ({
          policyArn: x.policyArn,
          accessScope: x.accessScope,
        })),
      });
    }
  }
  const bridge = await kubeCall(
    "GET",
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/eksgate-migration-admin",
  );
  return { mode, entries, awsAuth: await readAwsAuth(), bridge: bridge.status };
}

/** What the cluster answers a SubjectAccessReview for each planned sample, as the entry now maps it. */
async function liveChecks(plan: MigrationPlan): Promise<string[]> {
  const wrong: string[] = [];
  for (const check of plan.verification) {
    const e = await fetch(
      `${double.endpoint}/clusters/${CLUSTER}/access-entries/${encodeURIComponent(check.principalArn)}`,
    ).then(
      (r) =>
        r.json() as Promise<{ accessEntry?: { username: string; kubernetesGroups: string[]; type: string } }>,
    );
    if (e.accessEntry === undefined) {
      wrong.push(`${check.principalArn}: no entry`);
      continue;
    }
    const session = check.sessionName ?? "";
    const user = e.accessEntry.username
      .split("{{SessionName}}")
      .join(session.replace(/@/g, "-"))
      .split("{{SessionNameRaw}}")
      .join(session);
    const groups =
      e.accessEntry.type === "STANDARD"
        ? e.accessEntry.kubernetesGroups
        : e.accessEntry.type === "FARGATE_LINUX"
          ? ["system:bootstrappers", "system:nodes", "system:node-proxier"]
          : ["system:nodes"];
    for (const sample of check.samples) {
      const r = sample.request;
      const attributes =
        "path" in r
          ? { nonResourceAttributes: { verb: r.verb, path: r.path } }
          : {
              resourceAttributes: {
                verb: r.verb,
                group: r.apiGroup,
                resource: r.resource,
                ...(r.subresource !== undefined ? { subresource: r.subresource } : {}),
                ...(r.name !== undefined ? { name: r.name } : {}),
                ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
              },
            };
      const review = (await kubeOk("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user,
          groups: [...groups, "system:authenticated"],
          extra: { canonicalArn: [check.principalArn.replace(/:role\/(?:[^/]+\/)*/, ":role/")] },
          ...attributes,
        },
      })) as { status?: { allowed?: boolean } };
      if ((review.status?.allowed === true) !== sample.allowed)
        wrong.push(
          `${check.principalArn}: ${sample.described} expected ${sample.allowed ? "allowed" : "denied"}`,
        );
    }
  }
  return wrong;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "eksgate-migrate-e2e-"));
  cli = await buildCli();
  moto = await startMoto();
  double = await startEksDouble({ iamEndpoint: moto.endpoint, region: REGION });
  kube = await startKube({ authorizationWebhookUrl: double.authorizeUrl(CLUSTER) });
  admin = { server: kube.server, caData: kube.caData, token: kube.adminToken };
  aws = awsClients(moto.endpoint, SEED_CREDENTIALS, REGION);
  for (const [name, path] of Object.entries(ROLES)) {
    await aws.iam.send(
      new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: TRUST }),
    );
  }
  await aws.iam.send(new CreateUserCommand({ UserName: "oncall-bot", Path: "/ops/" }));
  for (const ns of NAMESPACES) {
    await kubeOk("POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns },
    });
  }
  for (const b of BINDINGS) {
    const base = "/apis/rbac.authorization.k8s.io/v1";
    await kubeOk(
      "POST",
      b.ns === undefined ? `${base}/clusterrolebindings` : `${base}/namespaces/${b.ns}/rolebindings`,
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: b.kind,
        metadata: { name: b.name, ...(b.ns === undefined ? {} : { namespace: b.ns }) },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: b.group }],
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: b.role },
      },
    );
  }
  kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: ARN,
          cluster: {
            server: kube.server,
            "certificate-authority-data": Buffer.from(kube.caData).toString("base64"),
          },
        },
      ],
      users: [{ name: ARN, user: { token: kube.adminToken } }],
      contexts: [{ name: ARN, context: { cluster: ARN, user: ARN } }],
      "current-context": ARN,
    }),
    { mode: 0o600 },
  );
}, LONG_SCENARIO_TIMEOUT_MS);

afterAll(async () => {
  aws.iam.destroy();
  aws.sts.destroy();
  await kube.stop();
  await double.stop();
  await moto.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("eksgate migrate --apply against a live apiserver", { timeout: LONG_SCENARIO_TIMEOUT_MS }, () => {
  it("a realistic aws-auth: the proof finds no loss, apply converges, every principal passes through the live cluster", async () => {
    await freshCluster(REALISTIC);
    const plan = await planFor("API", "realistic.json");
    expect(plan.proof.differences).toEqual([]);
    expect(plan.blockingCodes).toEqual([]);
    expect(plan.accessEntries.map((e) => [e.principalArn, e.type])).toEqual([
      [`arn:aws:iam::${A}:role/KarpenterNodeRole-prod`, "EC2_LINUX"],
      [`arn:aws:iam::${A}:role/automation/ci-deployer`, "STANDARD"],
      [
        `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/${REGION}/AWSReservedSSO_Developers_0123456789abcdef`,
        "STANDARD",
      ],
      [`arn:aws:iam::${A}:role/eks-fargate`, "FARGATE_LINUX"],
      [`arn:aws:iam::${A}:role/eks-nodes`, "EC2_LINUX"],
      [`arn:aws:iam::${A}:role/platform-admin`, "STANDARD"],
      [`arn:aws:iam::${A}:role/team-payments`, "STANDARD"],
      [`arn:aws:iam::${A}:user/ops/oncall-bot`, "STANDARD"],
    ]);
    const apply = await eksgate([
      "migrate",
      "--cluster",
      CLUSTER,
      "--apply",
      join(dir, "realistic.json"),
      "--auto-approve",
    ]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stderr).toContain("verify through the cluster: 8 principal(s)");
    expect(await liveChecks(plan)).toEqual([]);
    const after = (await state()) as { mode: string; awsAuth?: unknown; bridge: number };
    expect(after.mode).toBe("API");
    expect(after.awsAuth).toBeUndefined();
    expect(after.bridge).toBe(404);
    // A second run changes nothing.
    double.clearRequests();
    const again = await eksgate([
      "migrate",
      "--cluster",
      CLUSTER,
      "--apply",
      join(dir, "realistic.json"),
      "--auto-approve",
    ]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const writes = double
      .requests()
      .filter((r) => r.method !== "GET" && r.operation !== "Authorize")
      .map((r) => r.operation);
    expect(writes).toEqual([]);
  });

  it("killed with SIGKILL before its first request, before every EKS write and before each Kubernetes write: the next run converges", async () => {
    await freshCluster(SMALL);
    const plan = await planFor("API", "small.json");
    expect(plan.blockingCodes).toEqual([]);
    const args = ["migrate", "--cluster", CLUSTER, "--apply", join(dir, "small.json"), "--auto-approve"];
    double.clearRequests();
    const reference = await eksgate(args);
    expect(reference.code, reference.stdout + reference.stderr).toBe(0);
    const log = double.requests().filter((r) => r.operation !== "Authorize");
    const expected = await state();
    // 1-based positions: the first request, every write, the first read of the aws-auth
    // step (its re-check of each entry), the read that follows the aws-auth write (the
    // mode step's DescribeCluster) and the delete step's DescribeCluster (the last request).
    const switches = log.flatMap((r, i) => (r.operation === "UpdateClusterConfig" ? [i + 1] : []));
    expect(switches).toHaveLength(2);
    const removals = plan.decisions.filter((d) => d.removeFromAwsAuth && d.principalArn !== undefined).length;
    const awsAuthStep = (switches[1] ?? 0) - 1 - removals;
    expect(log.slice(awsAuthStep - 1, awsAuthStep - 1 + removals).map((r) => r.operation)).toEqual(
      Array.from({ length: removals }, () => "DescribeAccessEntry"),
    );
    expect(log[log.length - 1]?.operation).toBe("DescribeCluster");
    const points = [
      ...new Set([1, ...log.flatMap((r, i) => (r.method === "GET" ? [] : [i + 1])), awsAuthStep, log.length]),
    ].sort((a, b) => a - b);
    expect(points.length).toBeGreaterThanOrEqual(plan.accessEntries.length + 4);
    for (const n of points) {
      await freshCluster(SMALL);
      const held = double.holdRequest(n);
      const { child, done } = run(args);
      const operation = await Promise.race([
        held,
        done.then((r) => `exited ${r.code}: ${r.stdout}${r.stderr}`),
      ]);
      expect(operation, `n=${n}`).not.toMatch(/^exited/);
      child.kill("SIGKILL");
      const killed = await done;
      double.releaseHeld();
      expect(killed.signal, `n=${n}`).toBe("SIGKILL");
      const rerun = await eksgate(args);
      expect(rerun.code, `n=${n} (held ${operation}): ${rerun.stdout}${rerun.stderr}`).toBe(0);
      expect(await state(), `n=${n} (held ${operation})`).toEqual(expected);
    }
  });

  it("a policy ListAccessPolicies lists that the table does not know: EG418 names it", async () => {
    const later = await startEksDouble({
      iamEndpoint: moto.endpoint,
      region: REGION,
      extraAccessPolicies: ["AmazonEKSFuturePolicy"],
    });
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EKS: later.endpoint,
      AWS_ACCESS_KEY_ID: SEED_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SEED_CREDENTIALS.secretAccessKey,
    });
    try {
      const warnings = await liveAccessPolicyWarnings({ region: REGION });
      expect(warnings.map((w) => w.code)).toEqual(["EG418"]);
      expect(warnings[0]?.summary).toContain("AmazonEKSFuturePolicy");
      expect(await liveAccessPolicyWarnings({ region: REGION, snapshot: dir })).toEqual([]);
    } finally {
      for (const key of ["AWS_ENDPOINT_URL_EKS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
        if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = saved[key];
      }
      await later.stop();
    }
  });
});
