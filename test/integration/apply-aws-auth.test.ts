// End to end, aws-auth mode: the built CLI plans, applies, re-plans, changes, removes and
// destroys against moto (IAM), the EKS double (a CONFIG_MAP cluster) and the real
// kube-apiserver, whose pre-existing aws-auth is full of entries eksgate does not own.
// Every step is checked on the real state: IAM through the SDK, the cluster through its
// API (ConfigMap bytes, RBAC objects, SubjectAccessReviews), the double's request log.
//
// The tests of this file run in order and share one environment: each builds on the state
// the previous one left (first apply, no-op, change, remove, destroy).
import { PutGroupPolicyCommand, CreateRoleCommand } from "@aws-sdk/client-iam";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../env/context.js";
import {
  ACCOUNT,
  type ApplyEnv,
  canI,
  createNamespace,
  createRbacObject,
  deleteRbacObject,
  getRbacObject,
  iamSnapshot,
  isAwsWrite,
  listRbac,
  readAwsAuth,
  rbacKey,
  rbacVersions,
  resetCluster,
  setAwsAuth,
  startApplyEnv,
} from "../support/apply-env.js";

const CLUSTER = uniqueName("aa");
const NS_A = uniqueName("pay-a");
const NS_B = uniqueName("pay-b");
const NS_C = uniqueName("pay-c");
const GROUPS = ["g-admins", "g-payments", "g-support"];
const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;

// A realistic aws-auth: a node role, another tool's entry, crazy-case field names, an SSO
// entry, a userid field, comments, mapUsers and mapAccounts, an annotation and a label.
const FOREIGN_MAP_ROLES = `# managed by eksctl: the node group
- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-nodegroup-NodeInstanceRole-1ABC
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
- RoleArn: arn:aws:iam::${ACCOUNT}:role/CrazyCaseOps
  UserName: "ops:{{SessionName}}"
  GROUPS: [ops-readers]
- sso:
    permissionSetName: ReadOnly
    accountID: "${ACCOUNT}"
  username: "sso-ro:{{SessionName}}"
  groups: [sso-readers]
- rolearn: arn:aws:iam::${ACCOUNT}:role/strict-mode
  username: strict
  groups: [strict-group]
  userid: AROAEXAMPLESTRICT0001
- rolearn: arn:aws:iam::${ACCOUNT}:role/argo-deployer   # written by another tool
  username: argo
  groups:
  - argo-deployers
`;
const FOREIGN_DATA: Record<string, string> = {
  mapRoles: FOREIGN_MAP_ROLES,
  mapUsers: `- userarn: arn:aws:iam::${ACCOUNT}:user/alice\n  username: alice\n  groups: [viewers]\n`,
  mapAccounts: `- "210987654321"\n`,
};
const FOREIGN_META = {
  labels: { "other.tool/owner": "platform" },
  annotations: { "other.tool/note": "hands off" },
};

interface TeamSpec {
  readonly name: string;
  readonly group: string;
  readonly role: string;
  readonly namespaces?: readonly string[];
  readonly admin?: boolean;
  readonly systemMasters?: boolean;
}

function configYaml(teams: readonly TeamSpec[]): string {
  const lines = [
    "apiVersion: eksgate.dev/v1alpha1",
    "kind: AccessConfig",
    `accountId: "${ACCOUNT}"`,
    "clusters:",
    `  - name: ${CLUSTER}`,
    "    region: us-east-2",
    "    authentication: auto",
    "teams:",
  ];
  for (const t of teams) {
    lines.push(`  - name: ${t.name}`, `    iamGroup: ${t.group}`);
    if (t.systemMasters === true) lines.push("    systemMasters: true");
    lines.push("    access:", `      - cluster: ${CLUSTER}`, `        clusterRole: ${t.role}`);
    if (t.namespaces !== undefined) lines.push(`        namespaces: [${t.namespaces.join(", ")}]`);
    if (t.admin === true) lines.push("        allowClusterAdmin: true");
  }
  return `${lines.join("\n")}\n`;
}

const ADMINS: TeamSpec = { name: "admins", group: "g-admins", role: "cluster-admin", admin: true };
const PAYMENTS: TeamSpec = { name: "payments", group: "g-payments", role: "edit", namespaces: [NS_A, NS_B] };
const SUPPORT: TeamSpec = { name: "support", group: "g-support", role: "view" };

interface MapRole {
  rolearn?: string;
  username?: string;
  groups?: string[];
}

/** mapRoles as parsed YAML, field names as written. */
function mapRoles(data: Record<string, string> | undefined): Record<string, unknown>[] {
  return (parse(data?.["mapRoles"] ?? "[]") as Record<string, unknown>[] | null) ?? [];
}

/** The live mapRoles entry of a role (eksgate writes lowercase field names). */
function entryOf(data: Record<string, string> | undefined, arn: string): MapRole | undefined {
  return mapRoles(data).find(
    (e) => (e["rolearn"] as string | undefined)?.toLowerCase() === arn.toLowerCase(),
  );
}

/** The Kubernetes identity the authenticator gives a member of a team, from the live aws-auth. */
async function identityOf(team: string, session: string): Promise<{ user: string; groups: string[] }> {
  const entry = entryOf((await readAwsAuth())?.data, roleArn(`eksgate-${team}`));
  if (entry?.username === undefined) throw new Error(`no aws-auth entry for team ${team}`);
  return { user: entry.username.replace("{{SessionName}}", session), groups: entry.groups ?? [] };
}

let env: ApplyEnv;
let configFile: string;
const foreignBindings: { kind: string; metadata: { name: string; namespace?: string } }[] = [];
const foreignVersions: Record<string, string> = {};

async function foreignRbacUnchanged(): Promise<void> {
  for (const object of foreignBindings) {
    const live = await getRbacObject(object);
    expect(live?.metadata.resourceVersion, `${object.kind} ${object.metadata.name}`).toBe(
      foreignVersions[`${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`],
    );
  }
}

/** Everything eksgate does not own in aws-auth is still there, byte for byte. */
async function foreignAwsAuthIntact(): Promise<void> {
  const live = await readAwsAuth();
  expect(live?.data?.["mapUsers"]).toBe(FOREIGN_DATA["mapUsers"]);
  expect(live?.data?.["mapAccounts"]).toBe(FOREIGN_DATA["mapAccounts"]);
  expect(live?.data?.["mapRoles"]?.startsWith(FOREIGN_MAP_ROLES)).toBe(true);
  expect(mapRoles(live?.data).slice(0, 5)).toEqual(mapRoles(FOREIGN_DATA));
  expect(live?.metadata.labels).toEqual(FOREIGN_META.labels);
  expect(live?.metadata.annotations).toEqual(FOREIGN_META.annotations);
}

beforeAll(async () => {
  env = await startApplyEnv();
  await env.resetAws(GROUPS);
  // Foreign IAM objects: a node role and a policy another tool put on a team's group.
  await env.aws.iam.send(
    new CreateRoleCommand({
      RoleName: "eks-nodegroup-NodeInstanceRole-1ABC",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
    }),
  );
  await env.aws.iam.send(
    new PutGroupPolicyCommand({
      GroupName: "g-support",
      PolicyName: "ci-read-logs",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "logs:GetLogEvents", Resource: "*" }],
      }),
    }),
  );
  await resetCluster(undefined);
  await setAwsAuth(FOREIGN_DATA, FOREIGN_META);
  for (const ns of [NS_A, NS_B, NS_C]) await createNamespace(ns);
  // Foreign RBAC objects, one of them bound to the same built-in role a team gets.
  for (const object of [
    {
      kind: "ClusterRoleBinding",
      metadata: { name: uniqueName("helm-readers"), labels: { "app.kubernetes.io/managed-by": "Helm" } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "ops-readers" }],
    },
    {
      kind: "RoleBinding",
      metadata: { name: "ci-deployer", namespace: NS_A },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "argo-deployers" }],
    },
  ]) {
    const created = await createRbacObject(object);
    foreignBindings.push(object);
    foreignVersions[rbacKey({ ...created, kind: object.kind })] = created.metadata.resourceVersion;
  }
  env.seedCluster(CLUSTER, "CONFIG_MAP");
  configFile = env.writeFile("eksgate.yaml", configYaml([ADMINS, PAYMENTS, SUPPORT]));
});

afterAll(async () => {
  const started = env as ApplyEnv | undefined; // undefined when beforeAll failed half-way
  if (started === undefined) return;
  await resetCluster(undefined);
  for (const object of foreignBindings) await deleteRbacObject(object);
  await started.stop();
});

describe("aws-auth mode, from an empty account to destroy", () => {
  it("plan shows every change, grouped, and exits 2 with --detailed-exitcode", async () => {
    const text = await env.run(["plan", "-c", configFile, "--detailed-exitcode"]);
    expect(text.stderr).not.toMatch(/error/i);
    expect(text.code).toBe(2);
    for (const heading of ["IAM", "Cluster authentication (aws-auth and access entries)", "Kubernetes RBAC"])
      expect(text.stdout).toContain(`\n${heading}\n`);
    expect(text.stdout).toContain("Plan: 13 to create, 1 to update, 0 to replace, 0 to delete.");

    const json = await env.run(["plan", "-c", configFile, "--json"]);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as {
      steps: { id: string; action: string; reason: string; changes: string[] }[];
    };
    const ids = plan.steps.map((s) => `${s.action} ${s.id}`).sort();
    expect(ids).toEqual(
      [
        ...["admins", "payments", "support"].flatMap((t) => [
          `create iam-role/eksgate-${t}`,
          `create iam-role-policy/eksgate-${t}/eksgate-${t}-eks`,
          `create iam-group-policy/g-${t}/eksgate-${t}-assume`,
        ]),
        `update aws-auth/${CLUSTER}`,
        `create rbac/${CLUSTER}/ClusterRoleBinding//eksgate:admins:cluster-admin`,
        `create rbac/${CLUSTER}/ClusterRoleBinding//eksgate:support:view`,
        `create rbac/${CLUSTER}/RoleBinding/${NS_A}/eksgate:payments:edit`,
        `create rbac/${CLUSTER}/RoleBinding/${NS_B}/eksgate:payments:edit`,
      ].sort(),
    );
    for (const step of plan.steps) expect(step.reason.length).toBeGreaterThan(0);
    const awsAuth = plan.steps.find((s) => s.id === `aws-auth/${CLUSTER}`);
    for (const team of ["admins", "payments", "support"])
      expect(awsAuth?.changes.some((l) => l.startsWith("+") && l.includes(roleArn(`eksgate-${team}`)))).toBe(
        true,
      );
    // Nothing eksgate does not own is touched by the plan.
    expect(awsAuth?.changes.every((l) => l.includes("eksgate-"))).toBe(true);
  });

  it("apply creates everything, saves a backup of the previous aws-auth and prints its path", async () => {
    const before = await readAwsAuth();
    const result = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("Apply complete: 14 changes made.");

    // IAM, read straight from moto.
    const iam = await iamSnapshot(env.aws, GROUPS);
    expect(iam.roles).toEqual({
      "eks-nodegroup-NodeInstanceRole-1ABC": [],
      "eksgate-admins": ["eksgate-admins-eks"],
      "eksgate-payments": ["eksgate-payments-eks"],
      "eksgate-support": ["eksgate-support-eks"],
    });
    expect(iam.groups).toEqual({
      "g-admins": ["eksgate-admins-assume"],
      "g-payments": ["eksgate-payments-assume"],
      "g-support": ["ci-read-logs", "eksgate-support-assume"],
    });

    // aws-auth: one entry per team, after everything that was there, which is intact.
    const live = await readAwsAuth();
    await foreignAwsAuthIntact();
    expect(mapRoles(live?.data)).toHaveLength(8);
    for (const team of ["admins", "payments", "support"]) {
      expect(entryOf(live?.data, roleArn(`eksgate-${team}`))).toEqual({
        rolearn: roleArn(`eksgate-${team}`),
        username: `eksgate:${team}:{{SessionName}}`,
        groups: [`eksgate:${team}`],
      });
    }
    // system:masters is never written unless a team asks for it.
    expect(live?.data?.["mapRoles"]).not.toContain("system:masters");

    // RBAC.
    const rbac = (await listRbac()).map(rbacKey).sort();
    expect(rbac).toEqual(
      [
        "ClusterRoleBinding//eksgate:admins:cluster-admin",
        "ClusterRoleBinding//eksgate:support:view",
        `RoleBinding/${NS_A}/eksgate:payments:edit`,
        `RoleBinding/${NS_B}/eksgate:payments:edit`,
      ].sort(),
    );
    await foreignRbacUnchanged();

    // The backup: its path was printed, and it holds the aws-auth that was replaced.
    const printed = /saved the previous aws-auth of \S+ to (\S+\.yaml)/.exec(result.stderr)?.[1];
    expect(printed).toBeDefined();
    expect(printed?.startsWith(`${env.stateHome}/eksgate/backups/`)).toBe(true);
    const backup = parse(readFileSync(printed ?? "", "utf8")) as {
      metadata: { resourceVersion: string };
      data: Record<string, string>;
    };
    expect(backup.data).toEqual(before?.data);
    expect(backup.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
  });

  it("the same plan then shows no changes, and a second apply makes zero writes", async () => {
    const plan = await env.run(["plan", "-c", configFile, "--detailed-exitcode"]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain("No changes");

    const awsAuthBefore = await readAwsAuth();
    const rbacBefore = await rbacVersions();
    env.markAws();
    env.double.clearRequests();
    const apply = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toContain("No changes");
    expect(env.awsCalls().length).toBeGreaterThan(0);
    expect(env.awsCalls().filter((c) => isAwsWrite(c.action))).toEqual([]);
    expect(Object.keys(env.double.requestCounts())).toEqual(["DescribeCluster"]);
    expect((await readAwsAuth())?.metadata.resourceVersion).toBe(awsAuthBefore?.metadata.resourceVersion);
    expect(await rbacVersions()).toEqual(rbacBefore);
    expect(apply.stderr).not.toContain("saved the previous aws-auth");
  });

  it("the apiserver answers SubjectAccessReviews for each team's mapped identity as the config says", async () => {
    const admins = await identityOf("admins", "alice");
    expect(admins).toEqual({ user: "eksgate:admins:alice", groups: ["eksgate:admins"] });
    for (const q of [
      { verb: "delete", resource: "nodes" },
      { verb: "create", resource: "clusterroles", group: "rbac.authorization.k8s.io" },
      { verb: "get", resource: "secrets", namespace: "kube-system" },
    ])
      expect(await canI(admins.user, admins.groups, q), JSON.stringify(q)).toBe(true);

    const payments = await identityOf("payments", "bob");
    const deploy = (namespace: string) => ({
      verb: "create",
      resource: "deployments",
      group: "apps",
      namespace,
    });
    expect(await canI(payments.user, payments.groups, deploy(NS_A))).toBe(true);
    expect(await canI(payments.user, payments.groups, deploy(NS_B))).toBe(true);
    expect(await canI(payments.user, payments.groups, deploy(NS_C))).toBe(false);
    expect(await canI(payments.user, payments.groups, deploy("default"))).toBe(false);
    expect(await canI(payments.user, payments.groups, { verb: "list", resource: "pods" })).toBe(false);
    expect(
      await canI(payments.user, payments.groups, {
        verb: "create",
        resource: "rolebindings",
        group: "rbac.authorization.k8s.io",
        namespace: NS_A,
      }),
    ).toBe(false);

    const support = await identityOf("support", "carol");
    const pods = (verb: string, namespace: string) => ({ verb, resource: "pods", namespace });
    expect(await canI(support.user, support.groups, pods("get", NS_C))).toBe(true);
    expect(await canI(support.user, support.groups, pods("list", "kube-system"))).toBe(true);
    expect(await canI(support.user, support.groups, pods("delete", NS_A))).toBe(false);
    expect(
      await canI(support.user, support.groups, { verb: "get", resource: "secrets", namespace: NS_A }),
    ).toBe(false);
    expect(
      await canI(support.user, support.groups, { verb: "create", resource: "configmaps", namespace: NS_A }),
    ).toBe(false);

    // Without the mapped group the same user name gets nothing.
    expect(await canI("eksgate:admins:alice", [], { verb: "get", resource: "pods", namespace: NS_A })).toBe(
      false,
    );
  });

  it("changing a team's role and namespaces and removing a team converge, and foreign objects stay", async () => {
    const payments: TeamSpec = { ...PAYMENTS, role: "view", namespaces: [NS_B, NS_C] };
    configFile = env.writeFile("eksgate.yaml", configYaml([ADMINS, payments]));
    const plan = await env.run(["plan", "-c", configFile, "--json"]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as { steps: { id: string; action: string; reason: string }[] })
      .steps;
    expect(steps.map((s) => `${s.action} ${s.id}`).sort()).toEqual(
      [
        `update aws-auth/${CLUSTER}`,
        `create rbac/${CLUSTER}/RoleBinding/${NS_B}/eksgate:payments:view`,
        `create rbac/${CLUSTER}/RoleBinding/${NS_C}/eksgate:payments:view`,
        `delete rbac/${CLUSTER}/RoleBinding/${NS_A}/eksgate:payments:edit`,
        `delete rbac/${CLUSTER}/RoleBinding/${NS_B}/eksgate:payments:edit`,
        `delete rbac/${CLUSTER}/ClusterRoleBinding//eksgate:support:view`,
        "delete iam-role-policy/eksgate-support/eksgate-support-eks",
        "delete iam-group-policy/g-support/eksgate-support-assume",
        "delete iam-role/eksgate-support",
      ].sort(),
    );
    expect(steps.find((s) => s.id === "iam-role/eksgate-support")?.reason).toContain(
      "no longer in the config",
    );

    const apply = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);

    const iam = await iamSnapshot(env.aws, GROUPS);
    expect(Object.keys(iam.roles).sort()).toEqual([
      "eks-nodegroup-NodeInstanceRole-1ABC",
      "eksgate-admins",
      "eksgate-payments",
    ]);
    expect(iam.groups["g-support"]).toEqual(["ci-read-logs"]);
    const live = await readAwsAuth();
    await foreignAwsAuthIntact();
    expect(entryOf(live?.data, roleArn("eksgate-support"))).toBeUndefined();
    expect(mapRoles(live?.data)).toHaveLength(7);
    await foreignRbacUnchanged();

    const who = await identityOf("payments", "bob");
    const q = (verb: string, resource: string, namespace: string, group = "") => ({
      verb,
      resource,
      namespace,
      group,
    });
    expect(await canI(who.user, who.groups, q("get", "pods", NS_A))).toBe(false);
    expect(await canI(who.user, who.groups, q("get", "pods", NS_B))).toBe(true);
    expect(await canI(who.user, who.groups, q("get", "pods", NS_C))).toBe(true);
    expect(await canI(who.user, who.groups, q("create", "deployments", NS_B, "apps"))).toBe(false);
    // The removed team's group no longer has any binding.
    expect(await canI("eksgate:support:carol", ["eksgate:support"], q("get", "pods", NS_C))).toBe(false);

    const again = await env.run(["plan", "-c", configFile, "--detailed-exitcode"]);
    expect(again.code, again.stdout).toBe(0);
  });

  it("destroy --team removes only that team's objects", async () => {
    const result = await env.run(["destroy", "-c", configFile, "--team", "admins", "--auto-approve"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const iam = await iamSnapshot(env.aws, GROUPS);
    expect(Object.keys(iam.roles).sort()).toEqual([
      "eks-nodegroup-NodeInstanceRole-1ABC",
      "eksgate-payments",
    ]);
    expect(iam.groups).toEqual({
      "g-admins": [],
      "g-payments": ["eksgate-payments-assume"],
      "g-support": ["ci-read-logs"],
    });
    const live = await readAwsAuth();
    await foreignAwsAuthIntact();
    expect(entryOf(live?.data, roleArn("eksgate-admins"))).toBeUndefined();
    expect(entryOf(live?.data, roleArn("eksgate-payments"))).toBeDefined();
    expect((await listRbac()).map(rbacKey).sort()).toEqual([
      `RoleBinding/${NS_B}/eksgate:payments:view`,
      `RoleBinding/${NS_C}/eksgate:payments:view`,
    ]);
    await foreignRbacUnchanged();
  });

  it("destroy removes everything eksgate made and gives back aws-auth exactly as it was", async () => {
    const result = await env.run(["destroy", "-c", configFile, "--auto-approve"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const iam = await iamSnapshot(env.aws, GROUPS);
    expect(iam.roles).toEqual({ "eks-nodegroup-NodeInstanceRole-1ABC": [] });
    expect(iam.groups).toEqual({ "g-admins": [], "g-payments": [], "g-support": ["ci-read-logs"] });
    expect(await listRbac()).toEqual([]);
    await foreignRbacUnchanged();
    const live = await readAwsAuth();
    expect(live?.data).toEqual(FOREIGN_DATA);
    expect(live?.metadata.labels).toEqual(FOREIGN_META.labels);
    expect(live?.metadata.annotations).toEqual(FOREIGN_META.annotations);

    const again = await env.run(["destroy", "-c", configFile, "--auto-approve"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain("No changes");
  });

  it("system:masters is written only when a team sets systemMasters: true", async () => {
    configFile = env.writeFile("eksgate.yaml", configYaml([{ ...ADMINS, systemMasters: true }]));
    const plan = await env.run(["plan", "-c", configFile]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /\+ mapRoles\[\d+\] \S+eksgate-admins .*groups=\[eksgate:admins, system:masters\]/,
    );
    const apply = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const live = await readAwsAuth();
    expect(entryOf(live?.data, roleArn("eksgate-admins"))?.groups).toEqual([
      "eksgate:admins",
      "system:masters",
    ]);
    await foreignAwsAuthIntact();

    // Turning it off again takes system:masters away.
    configFile = env.writeFile("eksgate.yaml", configYaml([ADMINS]));
    const off = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(off.code, off.stdout + off.stderr).toBe(0);
    expect((await readAwsAuth())?.data?.["mapRoles"]).not.toContain("system:masters");
  });
});
