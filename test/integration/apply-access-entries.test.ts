// End to end, access-entries mode: a cluster in API_AND_CONFIG_MAP (the EKS double) with
// `authentication: auto`. The built CLI creates STANDARD access entries with the team's
// group, username and eksgate's tags, expresses systemMasters as the cluster-scoped
// AmazonEKSClusterAdminPolicy, makes no writes on a second apply, and notices a role that
// was deleted and recreated under the same ARN (the entry silently stops working) by
// planning a replacement with the reason.
//
// The tests run in order and share one environment.
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  CreateRoleCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
} from "@aws-sdk/client-iam";
import {
  DescribeAccessEntryCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAssociatedAccessPoliciesCommand,
} from "@aws-sdk/client-eks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_CREDENTIALS } from "../env/aws-seed.js";
import { uniqueName } from "../env/context.js";
import {
  ACCOUNT,
  type ApplyEnv,
  canI,
  createNamespace,
  isAwsWrite,
  listRbac,
  rbacKey,
  rbacVersions,
  readAwsAuth,
  REGION,
  resetCluster,
  roleInfo,
  setAwsAuth,
  startApplyEnv,
} from "../support/apply-env.js";

const CLUSTER = uniqueName("ae");
const NS = uniqueName("ae-pay");
const GROUPS = ["g-admins", "g-payments"];
const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const NODE_ROLES = `- rolearn: arn:aws:iam::${ACCOUNT}:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n`;

const CONFIG = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: ${CLUSTER}
    region: ${REGION}
teams:
  - name: admins
    iamGroup: g-admins
    systemMasters: true
    access:
      - cluster: ${CLUSTER}
        clusterRole: cluster-admin
        allowClusterAdmin: true
  - name: payments
    iamGroup: g-payments
    access:
      - cluster: ${CLUSTER}
        clusterRole: edit
        namespaces: [${NS}]
`;

let env: ApplyEnv;
let eks: EKSClient;
let configFile: string;

interface PlanJson {
  steps: { id: string; action: string; reason: string; changes: string[] }[];
}

async function entry(principalArn: string) {
  const out = await eks.send(new DescribeAccessEntryCommand({ clusterName: CLUSTER, principalArn }));
  return out.accessEntry;
}

async function policies(principalArn: string) {
  const out = await eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName: CLUSTER, principalArn }));
  return (out.associatedAccessPolicies ?? []).map((p) => ({ policyArn: p.policyArn, scope: p.accessScope }));
}

const EKS_WRITES = /^(Create|Update|Delete|Associate|Disassociate|Tag|Untag)/;

beforeAll(async () => {
  env = await startApplyEnv();
  eks = new EKSClient({
    endpoint: env.double.endpoint,
    region: REGION,
    credentials: SEED_CREDENTIALS,
    maxAttempts: 1,
  });
  await env.resetAws(GROUPS);
  await resetCluster(undefined);
  await setAwsAuth({ mapRoles: NODE_ROLES });
  await createNamespace(NS);
  env.seedCluster(CLUSTER, "API_AND_CONFIG_MAP");
  configFile = env.writeFile("eksgate.yaml", CONFIG);
});

afterAll(async () => {
  // undefined when beforeAll failed half-way
  (eks as EKSClient | undefined)?.destroy();
  const started = env as ApplyEnv | undefined;
  if (started === undefined) return;
  await resetCluster(undefined);
  await started.stop();
});

describe("access-entries mode", () => {
  it("apply creates STANDARD entries with the team's group, username and tags, and the admin policy for systemMasters", async () => {
    const plan = await env.run(["plan", "-c", configFile, "--json"]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as PlanJson).steps.map((s) => `${s.action} ${s.id}`);
    expect(steps).toContain(`create access-entry/${CLUSTER}/${roleArn("eksgate-admins")}`);
    expect(steps).toContain(`create access-entry/${CLUSTER}/${roleArn("eksgate-payments")}`);
    expect(steps).toContain(
      `create access-policy/${CLUSTER}/${roleArn("eksgate-admins")}/${CLUSTER_ADMIN_POLICY}`,
    );
    expect(steps.some((s) => s.includes("aws-auth"))).toBe(false);

    const awsAuthBefore = await readAwsAuth();
    const apply = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);

    const listed = await eks.send(new ListAccessEntriesCommand({ clusterName: CLUSTER }));
    expect([...(listed.accessEntries ?? [])].sort()).toEqual([
      roleArn("eksgate-admins"),
      roleArn("eksgate-payments"),
    ]);
    for (const team of ["admins", "payments"]) {
      const arn = roleArn(`eksgate-${team}`);
      const live = await entry(arn);
      const role = await roleInfo(env.aws, `eksgate-${team}`);
      expect(live?.type).toBe("STANDARD");
      expect(live?.kubernetesGroups).toEqual([`eksgate:${team}`]);
      expect(live?.username).toBe(`eksgate:${team}:{{SessionName}}`);
      expect(live?.tags).toEqual({
        "eksgate.dev/managed-by": "eksgate",
        "eksgate.dev/team": team,
        "eksgate.dev/role-id": role.id,
      });
      expect(await env.double.checkAccessEntry(CLUSTER, arn)).toEqual({
        kind: "active",
        principalId: role.id,
      });
    }
    expect(await policies(roleArn("eksgate-admins"))).toEqual([
      { policyArn: CLUSTER_ADMIN_POLICY, scope: { type: "cluster", namespaces: [] } },
    ]);
    expect(await policies(roleArn("eksgate-payments"))).toEqual([]);
    // No system: group anywhere, and aws-auth was not touched in this mode.
    expect(
      (await entry(roleArn("eksgate-admins")))?.kubernetesGroups?.some((g) => g.startsWith("system:")),
    ).toBe(false);
    expect((await readAwsAuth())?.metadata.resourceVersion).toBe(awsAuthBefore?.metadata.resourceVersion);

    // RBAC answers for the entry's group as configured.
    expect((await listRbac()).map(rbacKey).sort()).toEqual([
      "ClusterRoleBinding//eksgate:admins:cluster-admin",
      `RoleBinding/${NS}/eksgate:payments:edit`,
    ]);
    const deploy = (namespace: string) => ({
      verb: "create",
      resource: "deployments",
      group: "apps",
      namespace,
    });
    expect(await canI("eksgate:payments:bob", ["eksgate:payments"], deploy(NS))).toBe(true);
    expect(await canI("eksgate:payments:bob", ["eksgate:payments"], deploy("default"))).toBe(false);
  });

  it("a second apply makes no writes", async () => {
    const plan = await env.run(["plan", "-c", configFile, "--detailed-exitcode"]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const rbacBefore = await rbacVersions();
    const awsAuthBefore = await readAwsAuth();
    env.markAws();
    env.double.clearRequests();
    const apply = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(env.awsCalls().filter((c) => isAwsWrite(c.action))).toEqual([]);
    const ops = Object.keys(env.double.requestCounts());
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.filter((op) => EKS_WRITES.test(op))).toEqual([]);
    expect(await rbacVersions()).toEqual(rbacBefore);
    expect((await readAwsAuth())?.metadata.resourceVersion).toBe(awsAuthBefore?.metadata.resourceVersion);
  });

  it("a role deleted and recreated under the same ARN: plan shows a replace of its entry, with the reason", async () => {
    const name = "eksgate-payments";
    const old = await roleInfo(env.aws, name);
    const trust = (await env.aws.iam.send(new GetRoleCommand({ RoleName: name }))).Role
      ?.AssumeRolePolicyDocument;
    const tags = (await env.aws.iam.send(new ListRoleTagsCommand({ RoleName: name }))).Tags;
    const inline = await env.aws.iam.send(new ListRolePoliciesCommand({ RoleName: name }));
    for (const policy of inline.PolicyNames ?? [])
      await env.aws.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy }));
    await env.aws.iam.send(new DeleteRoleCommand({ RoleName: name }));
    await env.aws.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: decodeURIComponent(trust ?? ""),
        Tags: tags,
      }),
    );
    const recreated = await roleInfo(env.aws, name);
    expect(recreated.id).not.toBe(old.id);
    expect(await env.double.checkAccessEntry(CLUSTER, recreated.arn)).toMatchObject({ kind: "stale" });

    const plan = await env.run(["plan", "-c", configFile, "--json"]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as PlanJson).steps;
    const replace = steps.find((s) => s.id === `access-entry/${CLUSTER}/${recreated.arn}`);
    expect(replace?.action).toBe("replace");
    expect(replace?.reason).toContain("recreated");
    expect(replace?.reason).toContain(old.id);
    expect(replace?.reason).toContain(recreated.id);

    const apply = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(await env.double.checkAccessEntry(CLUSTER, recreated.arn)).toEqual({
      kind: "active",
      principalId: recreated.id,
    });
    expect((await entry(recreated.arn))?.tags?.["eksgate.dev/role-id"]).toBe(recreated.id);
    const again = await env.run(["plan", "-c", configFile, "--detailed-exitcode"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it("a role deleted outside eksgate: one apply recreates it and replaces its now-stale entry", async () => {
    const name = "eksgate-admins";
    const old = await roleInfo(env.aws, name);
    const inline = await env.aws.iam.send(new ListRolePoliciesCommand({ RoleName: name }));
    for (const policy of inline.PolicyNames ?? [])
      await env.aws.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy }));
    await env.aws.iam.send(new DeleteRoleCommand({ RoleName: name }));

    const plan = await env.run(["plan", "-c", configFile, "--json"]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as PlanJson).steps;
    expect(steps.find((s) => s.id === `iam-role/${name}`)?.action).toBe("create");
    expect(steps.find((s) => s.id === `access-entry/${CLUSTER}/${old.arn}`)?.action).toBe("replace");

    const apply = await env.run(["apply", "-c", configFile, "--auto-approve"]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const now = await roleInfo(env.aws, name);
    expect(await env.double.checkAccessEntry(CLUSTER, now.arn)).toEqual({
      kind: "active",
      principalId: now.id,
    });
    expect(await policies(now.arn)).toEqual([
      { policyArn: CLUSTER_ADMIN_POLICY, scope: { type: "cluster", namespaces: [] } },
    ]);
    const again = await env.run(["plan", "-c", configFile, "--detailed-exitcode"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it("destroy removes the entries, their policies and the bindings, and leaves aws-auth alone", async () => {
    const awsAuthBefore = await readAwsAuth();
    const result = await env.run(["destroy", "-c", configFile, "--auto-approve"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const listed = await eks.send(new ListAccessEntriesCommand({ clusterName: CLUSTER }));
    expect(listed.accessEntries ?? []).toEqual([]);
    expect(await listRbac()).toEqual([]);
    expect((await readAwsAuth())?.metadata.resourceVersion).toBe(awsAuthBefore?.metadata.resourceVersion);
    expect((await readAwsAuth())?.data).toEqual({ mapRoles: NODE_ROLES });
  });
});
