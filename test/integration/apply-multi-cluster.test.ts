// One config, two clusters, each with its own real kube-apiserver: `alpha` (CONFIG_MAP,
// aws-auth) on the shared test apiserver, `beta` (API_AND_CONFIG_MAP, access entries) on a
// second apiserver this file starts. Each cluster gets exactly the teams that have access
// to it, through the mechanism its mode calls for; a change that concerns one cluster
// touches nothing on the other; destroy leaves both as they were.
//
// The tests run in order and share one environment.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EKSClient, ListAccessEntriesCommand } from "@aws-sdk/client-eks";
import { GetRolePolicyCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_CREDENTIALS } from "../env/aws-seed.js";
import { uniqueName } from "../env/context.js";
import { startKube, type KubeEnv } from "../env/kube.js";
import {
  ACCOUNT,
  type ApplyEnv,
  createNamespace,
  listRbac,
  MANAGED_LABEL,
  readAwsAuth,
  REGION,
  resetCluster,
  startApplyEnv,
} from "../support/apply-env.js";

const ALPHA = uniqueName("alpha");
const BETA = uniqueName("beta");
const NS = uniqueName("mc-pay");
const GROUPS = ["g-mc-payments", "g-mc-platform"];
const roleArn = (team: string): string => `arn:aws:iam::${ACCOUNT}:role/eksgate-${team}`;
const NODE_ROLES = `- rolearn: arn:aws:iam::${ACCOUNT}:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n`;

function configYaml(platformOnAlpha: boolean): string {
  return `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: ${ALPHA}
    region: ${REGION}
    authentication: auto
  - name: ${BETA}
    region: ${REGION}
    authentication: auto
teams:
  - name: payments
    iamGroup: g-mc-payments
    access:
      - cluster: ${ALPHA}
        clusterRole: edit
        namespaces: [${NS}]
  - name: platform
    iamGroup: g-mc-platform
    access:
${platformOnAlpha ? `      - cluster: ${ALPHA}\n        clusterRole: view\n` : ""}      - cluster: ${BETA}
        clusterRole: view
`;
}

interface Obj {
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly resourceVersion: string };
}

let env: ApplyEnv;
let beta: KubeEnv;
let kubeconfig: string;
let config: string;
let eks: EKSClient;

/** kubectl against the second apiserver, as its admin. */
function kubectlBeta(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      "kubectl",
      ["--kubeconfig", beta.adminKubeconfig, ...args],
      { encoding: "utf8", env: { ...process.env, KUBECACHEDIR: beta.kubeCacheDir } },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
  });
}

async function betaRbac(): Promise<Obj[]> {
  const r = await kubectlBeta([
    "get",
    "clusterroles,clusterrolebindings,roles,rolebindings",
    "-A",
    "-l",
    MANAGED_LABEL,
    "-o",
    "json",
  ]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { items: Obj[] }).items;
}

async function entries(cluster: string): Promise<string[]> {
  const out = await eks.send(new ListAccessEntriesCommand({ clusterName: cluster }));
  return [...(out.accessEntries ?? [])].sort();
}

const names = (objects: readonly Obj[]): string[] =>
  objects.map((o) => `${o.kind ?? ""} ${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort();

beforeAll(async () => {
  env = await startApplyEnv();
  beta = await startKube();
  await env.resetAws(GROUPS);
  env.seedCluster(ALPHA, "CONFIG_MAP");
  env.double.seedCluster({
    name: BETA,
    endpoint: beta.server,
    certificateAuthorityData: Buffer.from(beta.caData).toString("base64"),
    authenticationMode: "API_AND_CONFIG_MAP",
    bootstrapClusterCreatorAdminPermissions: false,
  });
  await createNamespace(NS);
  await resetCluster({ mapRoles: NODE_ROLES });
  // One kubeconfig, a context per cluster named after its ARN, each at its own apiserver.
  const contexts = [
    { name: env.clusterArn(ALPHA), server: env.kube.server, ca: env.kube.caData, token: env.kube.adminToken },
    { name: env.clusterArn(BETA), server: beta.server, ca: beta.caData, token: beta.adminToken },
  ];
  kubeconfig = join(env.dir, "two-clusters.kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: contexts.map((c) => ({
        name: c.name,
        cluster: { server: c.server, "certificate-authority-data": Buffer.from(c.ca).toString("base64") },
      })),
      users: contexts.map((c) => ({ name: c.name, user: { token: c.token } })),
      contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: c.name } })),
    }),
  );
  config = env.writeFile("two-clusters.yaml", configYaml(true));
  eks = new EKSClient({ region: REGION, endpoint: env.double.endpoint, credentials: SEED_CREDENTIALS });
});

afterAll(async () => {
  await resetCluster(undefined);
  eks.destroy();
  await beta.stop();
  await env.stop();
});

describe("one config, two clusters on two apiservers", () => {
  it("each cluster gets its teams, through aws-auth on alpha and access entries on beta", async () => {
    const apply = await env.run(["apply", "-c", config, "--auto-approve"], { kubeconfig });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);

    const mapRoles = (await readAwsAuth())?.data?.["mapRoles"] ?? "";
    expect(mapRoles).toContain(roleArn("payments"));
    expect(mapRoles).toContain(roleArn("platform"));
    expect(mapRoles).toContain(`arn:aws:iam::${ACCOUNT}:role/nodes`);

    expect(await entries(BETA)).toEqual([roleArn("platform")]);
    const betaAwsAuth = await kubectlBeta(["get", "configmap", "aws-auth", "-n", "kube-system"]);
    expect(betaAwsAuth.code).not.toBe(0);
    expect(betaAwsAuth.stderr).toContain("NotFound");

    expect(names(await listRbac())).toEqual([
      "ClusterRoleBinding /eksgate:platform:view",
      `RoleBinding ${NS}/eksgate:payments:edit`,
    ]);
    expect(names(await betaRbac())).toEqual(["ClusterRoleBinding /eksgate:platform:view"]);
  });

  it("a second plan has nothing to do on either cluster", async () => {
    const plan = await env.run(["plan", "-c", config], { kubeconfig });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("No changes");
  });

  it("taking a team off one cluster plans and changes only that cluster", async () => {
    const before = (await betaRbac()).map((o) => o.metadata.resourceVersion);
    const entriesBefore = await entries(BETA);
    writeFileSync(config, configYaml(false));
    const plan = await env.run(["plan", "-c", config, "--json"], { kubeconfig });
    expect(plan.code, plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as { steps: { id: string; resource: { cluster?: string } }[] })
      .steps;
    // Alpha's aws-auth entry and ClusterRoleBinding go, and the team role's DescribeCluster
    // permission shrinks to beta; nothing on beta itself.
    expect(steps.map((s) => s.id)).toEqual([
      "iam-role-policy/eksgate-platform/eksgate-platform-eks",
      `aws-auth/${ALPHA}`,
      `rbac/${ALPHA}/ClusterRoleBinding//eksgate:platform:view`,
    ]);

    const apply = await env.run(["apply", "-c", config, "--auto-approve"], { kubeconfig });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const mapRoles = (await readAwsAuth())?.data?.["mapRoles"] ?? "";
    expect(mapRoles).not.toContain(roleArn("platform"));
    expect(mapRoles).toContain(roleArn("payments"));
    expect(names(await listRbac())).toEqual([`RoleBinding ${NS}/eksgate:payments:edit`]);
    expect((await betaRbac()).map((o) => o.metadata.resourceVersion)).toEqual(before);
    expect(await entries(BETA)).toEqual(entriesBefore);
    const policy = await env.aws.iam.send(
      new GetRolePolicyCommand({ RoleName: "eksgate-platform", PolicyName: "eksgate-platform-eks" }),
    );
    const document = decodeURIComponent(policy.PolicyDocument ?? "");
    expect(document).toContain(env.clusterArn(BETA));
    expect(document).not.toContain(env.clusterArn(ALPHA));
  });

  it("destroy leaves both clusters as they were", async () => {
    const destroy = await env.run(["destroy", "-c", config, "--auto-approve"], { kubeconfig });
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    expect((await readAwsAuth())?.data?.["mapRoles"]).toBe(NODE_ROLES);
    expect(await listRbac()).toEqual([]);
    expect(await betaRbac()).toEqual([]);
    expect(await entries(BETA)).toEqual([]);
  });
});
