// Plan and apply of one config over two accounts, with the real engine over two in-memory
// accounts (the port fakes): the IAM group in the identity account, the clusters and the
// team roles in the cluster account, each account written through its own ports.
import { describe, expect, it } from "vitest";
import type { EngineDeps } from "../../src/engine/deps.js";
import { applyPlan, createStepRunner } from "../../src/engine/apply.js";
import { makePlan } from "../../src/engine/plan.js";
import { FakeCloud } from "../support/fake-cloud.js";
import { FakeClock } from "../support/fakes/clock.js";
import { configFrom } from "../support/observed-state.js";
import { PortError } from "../../src/ports/errors.js";
import type { IamPort } from "../../src/ports/iam.js";

const IDENTITY = "111111111111";
const PROD = "222222222222";

const config = configFrom(`apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accounts:
  - { id: "${IDENTITY}", alias: identity }
  - { id: "${PROD}", alias: prod, roleArn: "arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole" }
identityAccount: identity
clusters:
  - { name: blue, region: eu-west-1, account: prod, authentication: aws-auth }
  - { name: green, region: eu-west-1, account: prod, authentication: access-entries }
teams:
  - name: rnd
    iamGroup: rnd-devs
    access:
      - { cluster: blue, clusterRole: view }
      - { cluster: green, clusterRole: edit }
`);

function org(): { identity: FakeCloud; prod: FakeCloud; deps: EngineDeps } {
  const clock = new FakeClock();
  const identity = new FakeCloud(IDENTITY, clock);
  const prod = new FakeCloud(PROD, clock);
  identity.iam.createGroup("rnd-devs");
  prod.eks("eu-west-1").seedCluster("blue", "CONFIG_MAP");
  prod.eks("eu-west-1").seedCluster("green", "API_AND_CONFIG_MAP");
  const deps: EngineDeps = {
    ...identity.deps,
    iamIn: (account) => {
      if (account !== PROD) throw new Error(`no account ${account}`);
      return prod.iam;
    },
    eksIn: (account, region) => {
      if (account !== PROD) throw new Error(`no account ${account}`);
      return prod.eks(region);
    },
    kube: (cluster) => Promise.resolve({ ok: true, value: prod.kube(cluster.name), diagnostics: [] }),
  };
  return { identity, prod, deps };
}

const request = { config, configFile: "org.yaml", configDigest: "0".repeat(64), scope: { destroy: false } };

describe("engine: IAM-group teams across accounts", () => {
  it("puts the role in the cluster account, trusting the identity account, and the group policy in the identity account", async () => {
    const { identity, prod, deps } = org();
    const planned = await makePlan(request, deps);
    if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
    const plan = planned.value.plan;
    expect(plan.clusters).toEqual({
      blue: { region: "eu-west-1", account: PROD },
      green: { region: "eu-west-1", account: PROD },
    });
    expect(plan.steps.map((s) => s.id)).toEqual([
      `iam-role/${PROD}/eksgate-rnd`,
      `iam-role-policy/${PROD}/eksgate-rnd/eksgate-rnd-eks`,
      "iam-group-policy/rnd-devs/eksgate-rnd-assume",
      `access-entry/green/arn:aws:iam::${PROD}:role/eksgate-rnd`,
      "aws-auth/blue",
      "rbac/blue/ClusterRoleBinding//eksgate:rnd:view",
      "rbac/green/ClusterRoleBinding//eksgate:rnd:edit",
    ]);
    const result = await applyPlan(
      plan,
      createStepRunner(plan, deps, (c) => Promise.resolve(prod.kube(c))),
    );
    expect(result.ok).toBe(true);

    expect(await identity.iam.getRole("eksgate-rnd")).toBeUndefined();
    const role = await prod.iam.getRole("eksgate-rnd");
    expect(role?.arn).toBe(`arn:aws:iam::${PROD}:role/eksgate-rnd`);
    expect(role?.trustPolicy.Statement).toEqual([
      expect.objectContaining({
        Principal: { AWS: `arn:aws:iam::${IDENTITY}:root` },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:RoleSessionName": "${aws:username}" } },
      }),
    ]);
    const groupPolicy = await identity.iam.getGroupPolicy("rnd-devs", "eksgate-rnd-assume");
    expect(groupPolicy?.Statement).toEqual([
      expect.objectContaining({
        Action: "sts:AssumeRole",
        Resource: `arn:aws:iam::${PROD}:role/eksgate-rnd`,
      }),
    ]);
    const rolePolicy = await prod.iam.getRolePolicy("eksgate-rnd", "eksgate-rnd-eks");
    expect([rolePolicy?.Statement].flat()[0]).toMatchObject({
      Action: "eks:DescribeCluster",
      Resource: [`arn:aws:eks:eu-west-1:${PROD}:cluster/blue`, `arn:aws:eks:eu-west-1:${PROD}:cluster/green`],
    });
    const entry = await prod.eks("eu-west-1").describeAccessEntry("green", role?.arn ?? "");
    expect(entry).toMatchObject({
      username: "eksgate:rnd:{{SessionName}}",
      kubernetesGroups: ["eksgate:rnd"],
    });
    const awsAuth = await prod.kube("blue").readConfigMap("kube-system", "aws-auth");
    expect(awsAuth?.data["mapRoles"]).toContain(`rolearn: arn:aws:iam::${PROD}:role/eksgate-rnd`);

    const again = await makePlan(request, deps);
    if (!again.ok) throw new Error(JSON.stringify(again.diagnostics));
    expect(again.value.plan.steps).toEqual([]);
  });

  it("a permission missing in the cluster account names the account, the identity and the permission", async () => {
    const { prod, deps } = org();
    // The cluster account's IAM as a role lacking iam:CreateRole sees it.
    const denying: IamPort = Object.create(prod.iam) as IamPort;
    Object.assign(denying, {
      createRole: () =>
        Promise.reject(
          new PortError("access-denied", "not authorized to perform iam:CreateRole", {
            operation: "iam:CreateRole",
            identity: `arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/eksgate`,
            missingPermission: "iam:CreateRole",
          }),
        ),
    });
    const limited: EngineDeps = { ...deps, iamIn: () => denying };
    const planned = await makePlan(request, limited);
    if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics));
    const plan = planned.value.plan;
    const result = await applyPlan(
      plan,
      createStepRunner(plan, limited, (c) => Promise.resolve(prod.kube(c))),
    );
    const failed = result.outcomes.find((o) => o.status === "failed");
    expect(failed?.diagnostic?.code).toBe("EG301");
    expect(failed?.diagnostic?.summary).toBe(
      `iam-role/${PROD}/eksgate-rnd: arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/eksgate is not allowed to iam:CreateRole in account ${PROD}`,
    );
  });
});
