// A normalized AccessConfig shaped like the article's setup (group dev.rnd.group with
// cluster-admin on dev.my-eks-cluster in us-east-2) plus a namespaced `edit` team, a
// `view` team on two clusters and a custom role, for tests of the pure model builders.
import type { AccessConfig, Cluster, Team, TeamAccess } from "../../src/core/model/access-config.js";

export const ACCOUNT_ID = "123456789123";

export function cluster(name: string, region: string, partition = "aws", accountId = ACCOUNT_ID): Cluster {
  return {
    name,
    region,
    authentication: "aws-auth",
    arn: `arn:${partition}:eks:${region}:${accountId}:cluster/${name}`,
    accountId,
  };
}

export function access(
  clusterName: string,
  clusterRole: string,
  namespaces: readonly string[] = [],
): TeamAccess {
  return {
    cluster: clusterName,
    clusterRole,
    namespaces,
    allowClusterAdmin: clusterRole === "cluster-admin",
  };
}

export function team(name: string, overrides: Partial<Team> = {}, partition = "aws"): Team {
  const roleName = overrides.roleName ?? `eksgate-${name}`;
  return {
    name,
    iamGroup: `${name}-group`,
    sessionName: "caller",
    requireMfa: false,
    access: [],
    roleName,
    roleArn: `arn:${partition}:iam::${ACCOUNT_ID}:role/${roleName}`,
    kubernetesGroup: `eksgate:${name}`,
    kubernetesUsername: `eksgate:${name}:{{SessionName}}`,
    systemMasters: false,
    ...overrides,
  };
}

export const DEV = cluster("dev.my-eks-cluster", "us-east-2");
export const PROD = cluster("prod-eks", "eu-west-1");

export function exampleConfig(): AccessConfig {
  return {
    accountId: ACCOUNT_ID,
    accounts: [{ id: ACCOUNT_ID, reach: { kind: "default" } }],
    partition: "aws",
    clusters: [DEV, PROD],
    teams: [
      team("rnd", { iamGroup: "dev.rnd.group", access: [access(DEV.name, "cluster-admin")] }),
      team("payments", {
        iamGroup: "payments-devs",
        requireMfa: true,
        access: [
          access(DEV.name, "edit", ["payments", "payments-staging"]),
          access(PROD.name, "log-reader", ["payments"]),
        ],
      }),
      team("observers", {
        iamGroup: "observers",
        sessionName: "free",
        access: [access(PROD.name, "view"), access(DEV.name, "view")],
      }),
    ],
    customRoles: [
      {
        name: "log-reader",
        rules: [
          { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] },
        ],
      },
      { name: "unused", rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] },
    ],
  };
}

export function teamNamed(config: AccessConfig, name: string): Team {
  const found = config.teams.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no team ${name}`);
  return found;
}
