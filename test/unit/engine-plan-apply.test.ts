// The engine's plan and apply use cases end to end over the in-memory ports
// (test/support/fake-cloud.ts): makePlan observes and plans, applyPlan runs the steps, and
// planning again finds nothing to do. No step of the engine is stood in for; only AWS and
// Kubernetes are, by fakes that pass the same contract suites as the real adapters.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAwsAuthData } from "../../src/core/model/aws-auth.js";
import type { AccessConfig } from "../../src/core/model/access-config.js";
import { ROLE_ID_TAG_KEY } from "../../src/core/model/ownership.js";
import type { Plan, PlanScope } from "../../src/core/plan/plan.js";
import type { PolicyDocument } from "../../src/core/model/policy-document.js";
import { applyPlan, createStepRunner, type ApplyResult } from "../../src/engine/apply.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import { makePlan } from "../../src/engine/plan.js";
import type { KubePort } from "../../src/ports/kube.js";
import { FakeCloud } from "../support/fake-cloud.js";
import { expectGolden } from "../support/golden.js";
import { configFrom, PLANNED_AT, TWO_CLUSTERS_MODES, TWO_CLUSTERS_YAML } from "../support/observed-state.js";

const REPO = join(import.meta.dirname, "../..");
const EXAMPLE_YAML = readFileSync(join(REPO, "examples/eksgate.yaml"), "utf8");
const NODE_ROLE = (account: string): string => `- rolearn: arn:aws:iam::${account}:role/eks-nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;

/**
 * An account where nothing of eksgate exists yet: the config's groups, its clusters (in the
 * given modes, CONFIG_MAP by default) with a node role in aws-auth where the mode reads it
 * (unless `nodeRole` is false: no aws-auth at all), and the namespaces its RoleBindings
 * need.
 */
function freshCloud(
  config: AccessConfig,
  modes: Readonly<Record<string, string>> = {},
  nodeRole = true,
  denyReadAccount = false,
): FakeCloud {
  const cloud = new FakeCloud(config.accountId, undefined, { denyReadAccount });
  for (const team of config.teams) cloud.iam.createGroup(team.iamGroup);
  for (const cluster of config.clusters) {
    const mode = (modes[cluster.name] ?? "CONFIG_MAP") as "CONFIG_MAP" | "API_AND_CONFIG_MAP" | "API";
    cloud.eks(cluster.region).seedCluster(cluster.name, mode);
    const kube = cloud.kube(cluster.name);
    if (mode !== "API" && nodeRole)
      kube.seedConfigMap("kube-system", "aws-auth", { mapRoles: NODE_ROLE(config.accountId) }, "7");
    for (const team of config.teams) {
      for (const access of team.access) for (const ns of access.namespaces) kube.createNamespace(ns);
    }
  }
  return cloud;
}

async function planIn(
  cloud: FakeCloud,
  yaml: string,
  configFile: string,
  scope: Partial<PlanScope> = {},
): Promise<Plan> {
  const planned = await makePlan(
    {
      config: configFrom(yaml),
      configFile,
      configDigest: createHash("sha256").update(yaml).digest("hex"),
      scope: { destroy: false, ...scope },
    },
    cloud.deps,
  );
  if (!planned.ok) return expect.fail(planned.diagnostics.map((d) => `${d.code} ${d.summary}`).join("; "));
  return planned.value.plan;
}

/** Deletes a team role (and its permission policy) and creates it again: a new role id. */
async function recreateRole(cloud: FakeCloud, name: string): Promise<void> {
  const old = await cloud.iam.getRole(name);
  if (old === undefined) throw new Error(`no role ${name}`);
  await cloud.iam.deleteRolePolicy(name, `${name}-eks`);
  await cloud.iam.deleteRole(name);
  await cloud.iam.createRole({
    name,
    trustPolicy: old.trustPolicy,
    description: old.description ?? "",
    tags: old.tags,
  });
}

async function applyIn(cloud: FakeCloud, plan: Plan): Promise<void> {
  const result = await cloud.apply(plan);
  expect(result.ok, JSON.stringify(result.outcomes.map((o) => o.diagnostic).filter(Boolean))).toBe(true);
}

describe("plan, apply, plan again: the example config", () => {
  it("observes an untouched account as the planner's empty state (the golden plan, byte for byte)", async () => {
    const config = configFrom(EXAMPLE_YAML);
    // No aws-auth at all, as in the golden's empty state.
    const cloud = freshCloud(config, {}, false);
    const plan = await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml");
    // The plan's time comes from the cloud's clock; everything else must be the golden.
    expect(Date.parse(plan.createdAt)).toBeGreaterThan(Date.parse("2024-01-01T00:00:00.000Z"));
    expectGolden(
      "plan/example-empty.json",
      `${JSON.stringify({ ...plan, createdAt: PLANNED_AT }, null, 2)}\n`,
    );
  });

  it("converges: after apply, the next plan has no steps; the node role is still in aws-auth", async () => {
    const config = configFrom(EXAMPLE_YAML);
    const cloud = freshCloud(config);
    const first = await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml");
    expect(first.steps).toHaveLength(14);
    await applyIn(cloud, first);
    expect((await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml")).steps).toEqual([]);

    const awsAuth = await cloud.kube("dev.my-eks-cluster").readConfigMap("kube-system", "aws-auth");
    const parsed = parseAwsAuthData(awsAuth?.data ?? {});
    if (!parsed.ok) throw new Error("aws-auth does not parse");
    expect(parsed.value.effectiveRoles.map((r) => r.rolearn)).toEqual([
      `arn:aws:iam::${config.accountId}:role/eks-nodes`,
      ...config.teams.map((t) => t.roleArn),
    ]);
    expect(cloud.backups.map((b) => [b.cluster, b.name])).toEqual([["dev.my-eks-cluster", "aws-auth"]]);
    expect(cloud.backups[0]?.manifest).toContain("eks-nodes");
  });

  it("destroy removes eksgate's roles, policies, entries and bindings, and keeps the groups and the node role", async () => {
    const config = configFrom(EXAMPLE_YAML);
    const cloud = freshCloud(config);
    await applyIn(cloud, await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml"));
    await applyIn(cloud, await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml", { destroy: true }));

    expect(await cloud.iam.listRolesTagged("", [])).toEqual([]);
    for (const team of config.teams) {
      expect(await cloud.iam.groupExists(team.iamGroup)).toBe(true);
      expect(await cloud.iam.getGroupPolicy(team.iamGroup, `eksgate-${team.name}-assume`)).toBeUndefined();
    }
    const kube = cloud.kube("dev.my-eks-cluster");
    for (const kind of ["ClusterRole", "ClusterRoleBinding", "RoleBinding"] as const) {
      expect(await kube.listRbac(kind, {})).toEqual([]);
    }
    expect((await kube.readConfigMap("kube-system", "aws-auth"))?.data["mapRoles"]).toBe(
      NODE_ROLE(config.accountId),
    );
    expect((await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml", { destroy: true })).steps).toEqual([]);
  });

  it("keeps an entry another tool wrote to aws-auth between apply's read and its write (409, read again)", async () => {
    const config = configFrom(EXAMPLE_YAML);
    const cloud = freshCloud(config);
    const plan = await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml");
    const kube = cloud.kube("dev.my-eks-cluster");
    const late = `- rolearn: arn:aws:iam::${config.accountId}:role/late-writer\n  username: late\n  groups: [late]\n`;
    let reads = 0;
    const racing: KubePort = {
      server: kube.server,
      readConfigMap: async (namespace, name) => {
        const read = await kube.readConfigMap(namespace, name);
        reads += 1;
        if (reads === 1 && read !== undefined) {
          // Another writer, with the version it read, gets in first.
          await kube.replaceConfigMapData(
            namespace,
            name,
            { ...read.data, mapRoles: `${read.data["mapRoles"] ?? ""}${late}` },
            read.resourceVersion,
          );
        }
        return read;
      },
      replaceConfigMapData: (...args) => kube.replaceConfigMapData(...args),
      createConfigMap: (...args) => kube.createConfigMap(...args),
      listRbac: (...args) => kube.listRbac(...args),
      getRbac: (...args) => kube.getRbac(...args),
      upsertRbac: (...args) => kube.upsertRbac(...args),
      deleteRbac: (...args) => kube.deleteRbac(...args),
      namespaceExists: (...args) => kube.namespaceExists(...args),
      deleteConfigMap: (...args) => kube.deleteConfigMap(...args),
      reviewAccess: (...args) => kube.reviewAccess(...args),
    };
    const result = await applyPlan(
      plan,
      createStepRunner(plan, cloud.deps, () => Promise.resolve(racing)),
    );
    expect(result.ok).toBe(true);
    expect(reads).toBe(2);
    expect(cloud.events.filter((e) => e.type === "retry")).toHaveLength(1);
    const mapRoles = (await kube.readConfigMap("kube-system", "aws-auth"))?.data["mapRoles"] ?? "";
    expect(mapRoles.startsWith(`${NODE_ROLE(config.accountId)}${late}`)).toBe(true);
    expect((await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml")).steps).toEqual([]);
  });
});

describe("plan, apply, plan again: two clusters, aws-auth and access entries", () => {
  it("converges, and each access entry records the id of the role it was made for", async () => {
    const config = configFrom(TWO_CLUSTERS_YAML);
    const cloud = freshCloud(config, TWO_CLUSTERS_MODES);
    await applyIn(cloud, await planIn(cloud, TWO_CLUSTERS_YAML, "eksgate.yaml"));
    expect((await planIn(cloud, TWO_CLUSTERS_YAML, "eksgate.yaml")).steps).toEqual([]);
    const eks = cloud.eks("eu-west-1");
    const principals = [...(await eks.listAccessEntries("prod"))].sort();
    expect(principals).toEqual(["eksgate-payments", "eksgate-support"].map((n) => cloud.iam.roleArn(n)));
    for (const principal of principals) {
      const entry = await eks.describeAccessEntry("prod", principal);
      const role = await cloud.iam.getRole(principal.slice(principal.lastIndexOf("/") + 1));
      expect(entry?.tags[ROLE_ID_TAG_KEY]).toBe(role?.roleId);
    }
  });

  it("replaces the access entry of a role deleted and created again, then converges", async () => {
    const config = configFrom(TWO_CLUSTERS_YAML);
    const cloud = freshCloud(config, TWO_CLUSTERS_MODES);
    await applyIn(cloud, await planIn(cloud, TWO_CLUSTERS_YAML, "eksgate.yaml"));
    await recreateRole(cloud, "eksgate-support");
    const plan = await planIn(cloud, TWO_CLUSTERS_YAML, "eksgate.yaml");
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["iam-role-policy/eksgate-support/eksgate-support-eks", "create"],
      [`access-entry/prod/${cloud.iam.roleArn("eksgate-support")}`, "replace"],
    ]);
    await applyIn(cloud, plan);
    expect((await planIn(cloud, TWO_CLUSTERS_YAML, "eksgate.yaml")).steps).toEqual([]);
  });
});

describe("plan and apply at scale: batch reads, parallel steps", () => {
  it("plans the same with GetAccountAuthorizationDetails as with the per-role calls it falls back to, and says so", async () => {
    const config = configFrom(TWO_CLUSTERS_YAML);
    const batch = freshCloud(config, TWO_CLUSTERS_MODES);
    const single = freshCloud(config, TWO_CLUSTERS_MODES, true, true);
    await applyIn(batch, await planIn(batch, TWO_CLUSTERS_YAML, "eksgate.yaml"));
    await applyIn(single, await planIn(single, TWO_CLUSTERS_YAML, "eksgate.yaml"));
    // Drift on one role, seen through either read.
    for (const cloud of [batch, single])
      await cloud.iam.putRolePolicy("eksgate-support", "eksgate-support-eks", {
        Version: "2012-10-17",
        Statement: [],
      });
    const fromBatch = await planIn(batch, TWO_CLUSTERS_YAML, "eksgate.yaml");
    const fromSingle = await planIn(single, TWO_CLUSTERS_YAML, "eksgate.yaml");
    expect(fromBatch.steps.map((s) => s.id)).toEqual(["iam-role-policy/eksgate-support/eksgate-support-eks"]);
    expect({ ...fromSingle, createdAt: "" }).toEqual({ ...fromBatch, createdAt: "" });
    const said = (cloud: FakeCloud) =>
      cloud.events.some((e) => e.type === "observe" && e.what.includes("GetAccountAuthorizationDetails"));
    expect(said(single)).toBe(true);
    expect(said(batch)).toBe(false);
  });

  it("applies the same state one step at a time as with 10 in flight, and both converge", async () => {
    const config = configFrom(TWO_CLUSTERS_YAML);
    const states: unknown[] = [];
    for (const parallelism of [1, 10]) {
      const cloud = freshCloud(config, TWO_CLUSTERS_MODES);
      const plan = await planIn(cloud, TWO_CLUSTERS_YAML, "eksgate.yaml");
      const result = await applyPlan(
        plan,
        createStepRunner(plan, cloud.deps, (c) => Promise.resolve(cloud.kube(c))),
        {
          parallelism,
        },
      );
      expect(result.outcomes.map((o) => [o.step.id, o.status])).toEqual(
        plan.steps.map((s) => [s.id, "done"]),
      );
      expect((await planIn(cloud, TWO_CLUSTERS_YAML, "eksgate.yaml")).steps).toEqual([]);
      states.push({
        roles: (await cloud.iam.readAccount()).roles.map((r) => ({ ...r, roleId: "", createDate: "" })),
        awsAuth: await cloud.kube("dev").readConfigMap("kube-system", "aws-auth"),
        bindings: await cloud.kube("prod").listRbac("RoleBinding", {}),
      });
    }
    expect(states[1]).toEqual(states[0]);
  });
});

/** Records each port method called through it, as `port.method`. */
function counted<T extends object>(port: T, name: string, calls: string[]): T {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(`${name}.${String(key)}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * Applies a saved plan as `eksgate apply plan.json` does (each step's resource read again
 * before it writes), recording every port call.
 */
async function applySaved(
  cloud: FakeCloud,
  plan: Plan,
  parallelism = 10,
): Promise<{ result: ApplyResult; calls: string[] }> {
  const calls: string[] = [];
  const deps: EngineDeps = {
    ...cloud.deps,
    iam: counted(cloud.iam, "iam", calls),
    eks: (region) => counted(cloud.eks(region), "eks", calls),
  };
  const runner = createStepRunner(
    plan,
    deps,
    (cluster) => Promise.resolve(counted(cloud.kube(cluster), "kube", calls)),
    { recheck: true },
  );
  return { result: await applyPlan(plan, runner, { parallelism }), calls };
}

const LIST_CALLS =
  /\.(readAccount|listRolesTagged|listRolePolicies|listAccessEntries|listRbac|groupExists|describeCluster|namespaceExists)$/;
const WRITE_CALLS = /\.(create|update|put|delete|tag|associate|disassociate|upsert|replace)/i;

/** `failed` with its diagnostic, the rest as their status. */
function statuses(result: ApplyResult): [string, string, string?][] {
  return result.outcomes.map((o) =>
    o.diagnostic !== undefined
      ? [o.step.id, o.status, `${o.diagnostic.code} ${o.diagnostic.summary}`]
      : [o.step.id, o.status],
  );
}

const VIEW_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const ACCESS_POLICIES_YAML = `${TWO_CLUSTERS_YAML}  - name: web
    iamGroup: web-devs
    access:
      - cluster: prod
        accessPolicy: edit
        namespaces: [web]
      - cluster: prod
        accessPolicy: view
`.replace("customRoles:", "__CUSTOM__");

describe("a saved plan, applied without planning again", () => {
  // customRoles must stay last in the YAML: move the extra team before it.
  const yaml = ACCESS_POLICIES_YAML.replace(
    /__CUSTOM__([\s\S]*?)(  - name: web[\s\S]*)$/,
    (_m, custom: string, web: string) => `${web}customRoles:${custom}`,
  );

  it("reads again only what each step is about, and finds it as planned when nothing changed (create, replace, destroy)", async () => {
    for (const denyReadAccount of [false, true]) {
      const config = configFrom(yaml);
      const cloud = freshCloud(config, TWO_CLUSTERS_MODES, true, denyReadAccount);
      cloud.iam.createGroup("web-devs");
      cloud.kube("prod").createNamespace("web");
      const first = await planIn(cloud, yaml, "eksgate.yaml");
      expect(first.steps.some((s) => s.resource.kind === "access-policy")).toBe(true);
      const created = await applySaved(cloud, first, 1);
      expect(statuses(created.result)).toEqual(first.steps.map((s) => [s.id, "done"]));
      // No plan again: none of observe's list calls, and one read per step at most (an
      // access entry's create also reads its role's id, aws-auth is read by its writer).
      expect(created.calls.filter((c) => LIST_CALLS.test(c))).toEqual([]);
      const reads = created.calls.filter((c) => !WRITE_CALLS.test(c));
      const entryCreates = first.steps.filter((s) => s.resource.kind === "access-entry").length;
      expect(reads.length).toBe(first.steps.length + entryCreates);
      expect((await planIn(cloud, yaml, "eksgate.yaml")).steps).toEqual([]);

      // A role deleted and created again: its entry is replaced, its policies associated again.
      await recreateRole(cloud, "eksgate-web");
      const replace = await planIn(cloud, yaml, "eksgate.yaml");
      expect(replace.steps.map((s) => s.action)).toContain("replace");
      expect(statuses((await applySaved(cloud, replace)).result)).toEqual(
        replace.steps.map((s) => [s.id, "done"]),
      );

      // Destroy. An entry's check is about the entry, not its access policies: a policy
      // removed first (as a policy step of the same plan would) does not refuse it.
      const destroy = await planIn(cloud, yaml, "eksgate.yaml", { destroy: true });
      const web = cloud.iam.roleArn("eksgate-web");
      expect(destroy.steps.map((s) => s.id)).toContain(`access-entry/prod/${web}`);
      await cloud.eks("eu-west-1").disassociateAccessPolicy("prod", web, VIEW_POLICY);
      expect(statuses((await applySaved(cloud, destroy)).result)).toEqual(
        destroy.steps.map((s) => [s.id, "done"]),
      );
      expect((await planIn(cloud, yaml, "eksgate.yaml", { destroy: true })).steps).toEqual([]);
    }
  });

  it("refuses a step whose resource changed since the plan (EG313, naming what changed), and writes nothing for it", async () => {
    const config = configFrom(EXAMPLE_YAML);
    const cloud = freshCloud(config);
    await applyIn(cloud, await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml"));
    await cloud.iam.updateTrustPolicy("eksgate-rnd", { Version: "2012-10-17", Statement: [] });
    await cloud.iam.putRolePolicy("eksgate-rnd", "eksgate-rnd-eks", { Version: "2012-10-17", Statement: [] });
    const saved = await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml");
    expect(saved.steps.map((s) => s.id)).toEqual([
      "iam-role/eksgate-rnd",
      "iam-role-policy/eksgate-rnd/eksgate-rnd-eks",
    ]);

    // Someone edits the trust policy again after the plan was made.
    const theirs: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" }],
    };
    await cloud.iam.updateTrustPolicy("eksgate-rnd", theirs);
    const { result, calls } = await applySaved(cloud, saved, 1);
    expect(result.ok).toBe(false);
    expect(statuses(result)).toEqual([
      [
        "iam-role/eksgate-rnd",
        "failed",
        "EG313 iam-role/eksgate-rnd: refused: changed since the plan was made: trustPolicy",
      ],
      ["iam-role-policy/eksgate-rnd/eksgate-rnd-eks", "not-attempted"],
    ]);
    expect(result.outcomes[0]?.diagnostic?.detail).toContain("run eksgate plan again");
    expect(calls.filter((c) => WRITE_CALLS.test(c))).toEqual([]);
    expect((await cloud.iam.getRole("eksgate-rnd"))?.trustPolicy).toEqual(theirs);
  });

  it("refuses a create whose resource appeared since, and a delete whose resource went", async () => {
    const config = configFrom(EXAMPLE_YAML);
    const cloud = freshCloud(config);
    const first = await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml");
    const binding = first.steps.find(
      (s) => s.resource.kind === "rbac" && s.resource.objectKind === "RoleBinding",
    );
    if (binding?.payload.type !== "rbac") throw new Error("no binding step");
    await cloud.kube("dev.my-eks-cluster").upsertRbac(binding.payload.object);
    const { result } = await applySaved(cloud, first);
    expect(result.outcomes.find((o) => o.step.id === binding.id)?.diagnostic?.summary).toBe(
      `${binding.id}: refused: it did not exist when the plan was made, and exists now`,
    );

    const fresh = freshCloud(config);
    await applyIn(fresh, await planIn(fresh, EXAMPLE_YAML, "examples/eksgate.yaml"));
    const destroy = await planIn(fresh, EXAMPLE_YAML, "examples/eksgate.yaml", { destroy: true });
    await fresh.iam.deleteGroupPolicy("dev.rnd.group", "eksgate-rnd-assume");
    const removed = await applySaved(fresh, destroy, 1);
    expect(removed.result.outcomes.find((o) => o.status === "failed")?.diagnostic?.summary).toBe(
      "iam-group-policy/dev.rnd.group/eksgate-rnd-assume: refused: it existed when the plan was made, and is gone now",
    );
  });

  it("applies despite changes the steps are not about: another role's entry in aws-auth, another role, another binding", async () => {
    const config = configFrom(EXAMPLE_YAML);
    const cloud = freshCloud(config);
    const saved = await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml");
    const kube = cloud.kube("dev.my-eks-cluster");
    const current = await kube.readConfigMap("kube-system", "aws-auth");
    if (current === undefined) throw new Error("no aws-auth");
    const foreign = `- rolearn: arn:aws:iam::${config.accountId}:role/ci-deployer\n  username: ci\n  groups: [ci]\n`;
    await kube.replaceConfigMapData(
      "kube-system",
      "aws-auth",
      { ...current.data, mapRoles: `${current.data["mapRoles"] ?? ""}${foreign}`, mapUsers: "[]\n" },
      current.resourceVersion,
    );
    await cloud.iam.createRole({
      name: "unrelated",
      trustPolicy: { Version: "2012-10-17", Statement: [] },
      description: "",
      tags: [],
    });
    const { result } = await applySaved(cloud, saved);
    expect(statuses(result)).toEqual(saved.steps.map((s) => [s.id, "done"]));
    const after = await kube.readConfigMap("kube-system", "aws-auth");
    expect(after?.data["mapRoles"]).toContain(foreign);
    expect(after?.data["mapUsers"]).toBe("[]\n");
    expect((await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml")).steps).toEqual([]);
  });

  it("refuses the aws-auth step when an entry of a role it writes changed, on the writer's own read", async () => {
    const config = configFrom(EXAMPLE_YAML);
    const cloud = freshCloud(config);
    await applyIn(cloud, await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml"));
    const destroy = await planIn(cloud, EXAMPLE_YAML, "examples/eksgate.yaml", {
      destroy: true,
      team: "rnd",
    });
    const kube = cloud.kube("dev.my-eks-cluster");
    const current = await kube.readConfigMap("kube-system", "aws-auth");
    if (current === undefined) throw new Error("no aws-auth");
    const rnd = config.teams.find((t) => t.name === "rnd")?.roleArn ?? "";
    const edited = (current.data["mapRoles"] ?? "").replace(
      /(rolearn: \S*eksgate-rnd\n\s+username: )\S+/,
      "$1someone-else",
    );
    expect(edited).not.toBe(current.data["mapRoles"]);
    await kube.replaceConfigMapData(
      "kube-system",
      "aws-auth",
      { ...current.data, mapRoles: edited },
      current.resourceVersion,
    );
    const { result, calls } = await applySaved(cloud, destroy, 1);
    const refused = result.outcomes.find((o) => o.status === "failed");
    expect(refused?.step.id).toBe("aws-auth/dev.my-eks-cluster");
    expect(refused?.diagnostic?.summary).toBe(
      `aws-auth/dev.my-eks-cluster: refused: changed since the plan was made: ${rnd.toLowerCase()}`,
    );
    expect(calls.filter((c) => c === "kube.replaceConfigMapData")).toEqual([]);
    expect((await kube.readConfigMap("kube-system", "aws-auth"))?.data["mapRoles"]).toBe(edited);
  });
});
