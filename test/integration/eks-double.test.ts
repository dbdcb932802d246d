// Contract tests for the EKS access-entry double (docs/specs/eks-access-entries-double.md),
// driven through the real @aws-sdk/client-eks over HTTP, with moto as the IAM the double
// asks for principal IDs. Section numbers in the test names refer to the spec.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  type CreateAccessEntryCommandInput,
  CreateClusterCommand,
  type CreateClusterCommandInput,
  DeleteAccessEntryCommand,
  DeleteClusterCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  DisassociateAccessPolicyCommand,
  EKSClient,
  InvalidParameterException,
  InvalidRequestException,
  ListAccessEntriesCommand,
  ListAccessPoliciesCommand,
  ListAssociatedAccessPoliciesCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
  NotFoundException,
  paginateListAccessEntries,
  ResourceInUseException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccessEntryCommand,
  UpdateClusterConfigCommand,
} from "@aws-sdk/client-eks";
import {
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EksDouble, startEksDouble } from "../env/eks-double/index.js";
import { type MotoServer, startMoto } from "../env/moto.js";

const execFileAsync = promisify(execFile);
const ACCOUNT = "123456789012";
const POLICY = (name: string): string => `arn:aws:eks::aws:cluster-access-policy/${name}`;
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" },
  ],
});
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

let moto: MotoServer;
let double: EksDouble;
let eks: EKSClient;
let iam: IAMClient;
let clock = new Date("2026-01-01T00:00:00Z");

beforeAll(async () => {
  moto = await startMoto();
  double = await startEksDouble({ iamEndpoint: moto.endpoint, now: () => clock });
  eks = new EKSClient({ endpoint: double.endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
  iam = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials });
});

afterAll(async () => {
  eks.destroy();
  iam.destroy();
  await double.stop();
  await moto.stop();
});

beforeEach(async () => {
  double.reset();
  await moto.reset();
  clock = new Date("2026-01-01T00:00:00Z");
});

function clusterInput(
  name: string,
  accessConfig?: CreateClusterCommandInput["accessConfig"],
): CreateClusterCommandInput {
  return {
    name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-cluster`,
    resourcesVpcConfig: { subnetIds: ["subnet-1"] },
    ...(accessConfig ? { accessConfig } : {}),
  };
}

async function apiCluster(name = "prod"): Promise<string> {
  await eks.send(new CreateClusterCommand(clusterInput(name, { authenticationMode: "API" })));
  return name;
}

async function role(name: string, path = "/"): Promise<{ arn: string; id: string }> {
  const { Role } = await iam.send(
    new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: TRUST }),
  );
  return { arn: Role?.Arn ?? "", id: Role?.RoleId ?? "" };
}

async function createEntry(input: Partial<CreateAccessEntryCommandInput> & { principalArn: string }) {
  const out = await eks.send(new CreateAccessEntryCommand({ clusterName: "prod", ...input }));
  return out.accessEntry;
}

/** Runs `send` and returns the error it raised (fails the test when it succeeds). */
async function failure(
  send: () => Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await send();
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail");
}

describe("§2 clusters and accessConfig", () => {
  it("CreateCluster defaults accessConfig to CONFIG_MAP with bootstrap admin, and DescribeCluster returns it", async () => {
    const created = await eks.send(new CreateClusterCommand(clusterInput("alpha")));
    expect(created.cluster?.accessConfig).toEqual({
      authenticationMode: "CONFIG_MAP",
      bootstrapClusterCreatorAdminPermissions: true,
    });
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: "alpha" }));
    expect(cluster?.name).toBe("alpha");
    expect(cluster?.arn).toBe(`arn:aws:eks:us-east-1:${ACCOUNT}:cluster/alpha`);
    expect(cluster?.status).toBe("ACTIVE");
    expect(cluster?.endpoint).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.us-east-1\.eks\.amazonaws\.com$/);
    expect(Buffer.from(cluster?.certificateAuthority?.data ?? "", "base64").length).toBeGreaterThan(0);
    expect(cluster?.createdAt).toEqual(clock);
  });

  it("CreateCluster keeps the accessConfig it is given", async () => {
    await eks.send(
      new CreateClusterCommand(
        clusterInput("beta", {
          authenticationMode: "API_AND_CONFIG_MAP",
          bootstrapClusterCreatorAdminPermissions: false,
        }),
      ),
    );
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: "beta" }));
    expect(cluster?.accessConfig).toEqual({
      authenticationMode: "API_AND_CONFIG_MAP",
      bootstrapClusterCreatorAdminPermissions: false,
    });
  });

  it("CreateCluster rejects a taken name (409), a missing roleArn and an unknown mode", async () => {
    await eks.send(new CreateClusterCommand(clusterInput("alpha")));
    const taken = await failure(() => eks.send(new CreateClusterCommand(clusterInput("alpha"))));
    expect(taken).toBeInstanceOf(ResourceInUseException);
    expect(taken.$metadata.httpStatusCode).toBe(409);
    const { roleArn: _roleArn, ...noRole } = clusterInput("gamma");
    expect(
      await failure(() => eks.send(new CreateClusterCommand(noRole as CreateClusterCommandInput))),
    ).toBeInstanceOf(InvalidParameterException);
    const badMode = clusterInput("delta", { authenticationMode: "LDAP" as "API" });
    expect(await failure(() => eks.send(new CreateClusterCommand(badMode)))).toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it("DescribeCluster and DeleteCluster of an unknown cluster raise ResourceNotFoundException (404)", async () => {
    const missing = await failure(() => eks.send(new DescribeClusterCommand({ name: "nope" })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata.httpStatusCode).toBe(404);
    expect(await failure(() => eks.send(new DeleteClusterCommand({ name: "nope" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("DeleteCluster answers DELETING and the cluster and its entries are gone", async () => {
    await apiCluster("prod");
    const { arn } = await role("dev");
    await createEntry({ principalArn: arn });
    const { cluster } = await eks.send(new DeleteClusterCommand({ name: "prod" }));
    expect(cluster?.status).toBe("DELETING");
    expect(await failure(() => eks.send(new DescribeClusterCommand({ name: "prod" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(double.principalIdOf("prod", arn)).toBeUndefined();
  });

  it("ListClusters pages with maxResults/nextToken and rejects maxResults outside 1..100", async () => {
    const names = ["c1", "c2", "c3", "c4", "c5"];
    for (const name of names) await eks.send(new CreateClusterCommand(clusterInput(name)));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await eks.send(
        new ListClustersCommand({ maxResults: 2, ...(nextToken ? { nextToken } : {}) }),
      );
      expect(page.clusters?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.clusters ?? []));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
    expect(await failure(() => eks.send(new ListClustersCommand({ maxResults: 0 })))).toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it("UpdateClusterConfig moves CONFIG_MAP -> API_AND_CONFIG_MAP -> API and returns an AccessConfigUpdate", async () => {
    await eks.send(new CreateClusterCommand(clusterInput("prod")));
    const first = await eks.send(
      new UpdateClusterConfigCommand({
        name: "prod",
        accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" },
      }),
    );
    expect(first.update).toMatchObject({
      status: "InProgress",
      type: "AccessConfigUpdate",
      params: [{ type: "AuthenticationMode", value: "API_AND_CONFIG_MAP" }],
    });
    expect(first.update?.id).toMatch(/^[0-9a-f-]{36}$/);
    const described = await eks.send(
      new DescribeUpdateCommand({ name: "prod", updateId: first.update?.id ?? "" }),
    );
    expect(described.update?.status).toBe("Successful");
    await eks.send(
      new UpdateClusterConfigCommand({ name: "prod", accessConfig: { authenticationMode: "API" } }),
    );
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: "prod" }));
    expect(cluster?.accessConfig?.authenticationMode).toBe("API");
  });

  it("UpdateClusterConfig refuses to go back, to skip API_AND_CONFIG_MAP, or to stay put", async () => {
    await eks.send(new CreateClusterCommand(clusterInput("cm")));
    await eks.send(new CreateClusterCommand(clusterInput("api", { authenticationMode: "API" })));
    const attempts: [string, "CONFIG_MAP" | "API_AND_CONFIG_MAP" | "API"][] = [
      ["cm", "API"],
      ["cm", "CONFIG_MAP"],
      ["api", "API_AND_CONFIG_MAP"],
      ["api", "CONFIG_MAP"],
      ["api", "API"],
    ];
    for (const [name, mode] of attempts) {
      const error = await failure(() =>
        eks.send(new UpdateClusterConfigCommand({ name, accessConfig: { authenticationMode: mode } })),
      );
      expect(error, `${name} -> ${mode}`).toBeInstanceOf(InvalidParameterException);
    }
    const cm = await eks.send(new DescribeClusterCommand({ name: "cm" }));
    expect(cm.cluster?.accessConfig?.authenticationMode).toBe("CONFIG_MAP");
  });

  it("seedCluster puts a cluster in place with a given endpoint and CA", async () => {
    const caData = Buffer.from("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n").toString(
      "base64",
    );
    double.seedCluster({
      name: "local",
      endpoint: "https://127.0.0.1:6443",
      certificateAuthorityData: caData,
      authenticationMode: "API_AND_CONFIG_MAP",
    });
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: "local" }));
    expect(cluster?.endpoint).toBe("https://127.0.0.1:6443");
    expect(cluster?.certificateAuthority?.data).toBe(caData);
    expect(cluster?.accessConfig?.authenticationMode).toBe("API_AND_CONFIG_MAP");
  });

  it("the cluster creator gets an admin entry only with bootstrap permissions in an access-entry mode", async () => {
    const creator = await role("creator");
    const withCreator = await startEksDouble({ iamEndpoint: moto.endpoint, clusterCreatorArn: creator.arn });
    const client = new EKSClient({
      endpoint: withCreator.endpoint,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
    });
    try {
      await client.send(new CreateClusterCommand(clusterInput("boot", { authenticationMode: "API" })));
      const policies = await client.send(
        new ListAssociatedAccessPoliciesCommand({ clusterName: "boot", principalArn: creator.arn }),
      );
      expect(policies.associatedAccessPolicies?.map((p) => [p.policyArn, p.accessScope?.type])).toEqual([
        [POLICY("AmazonEKSClusterAdminPolicy"), "cluster"],
      ]);
      expect(withCreator.principalIdOf("boot", creator.arn)).toBe(creator.id);

      await client.send(
        new CreateClusterCommand(
          clusterInput("noboot", {
            authenticationMode: "API",
            bootstrapClusterCreatorAdminPermissions: false,
          }),
        ),
      );
      const none = await client.send(new ListAccessEntriesCommand({ clusterName: "noboot" }));
      expect(none.accessEntries).toEqual([]);
      await client.send(new CreateClusterCommand(clusterInput("configmap")));
      expect(withCreator.principalIdOf("configmap", creator.arn)).toBeUndefined();
    } finally {
      client.destroy();
      await withCreator.stop();
    }
  });
});

describe("§3 authentication mode gate", () => {
  it("every access-entry operation on a CONFIG_MAP cluster raises InvalidRequestException (400)", async () => {
    await eks.send(new CreateClusterCommand(clusterInput("prod")));
    const { arn } = await role("dev");
    const key = { clusterName: "prod", principalArn: arn };
    const calls: [string, () => Promise<unknown>][] = [
      ["CreateAccessEntry", () => eks.send(new CreateAccessEntryCommand(key))],
      ["DescribeAccessEntry", () => eks.send(new DescribeAccessEntryCommand(key))],
      ["ListAccessEntries", () => eks.send(new ListAccessEntriesCommand({ clusterName: "prod" }))],
      [
        "UpdateAccessEntry",
        () => eks.send(new UpdateAccessEntryCommand({ ...key, kubernetesGroups: ["a"] })),
      ],
      ["DeleteAccessEntry", () => eks.send(new DeleteAccessEntryCommand(key))],
      [
        "AssociateAccessPolicy",
        () =>
          eks.send(
            new AssociateAccessPolicyCommand({
              ...key,
              policyArn: POLICY("AmazonEKSViewPolicy"),
              accessScope: { type: "cluster" },
            }),
          ),
      ],
      [
        "DisassociateAccessPolicy",
        () =>
          eks.send(new DisassociateAccessPolicyCommand({ ...key, policyArn: POLICY("AmazonEKSViewPolicy") })),
      ],
      ["ListAssociatedAccessPolicies", () => eks.send(new ListAssociatedAccessPoliciesCommand(key))],
    ];
    for (const [name, call] of calls) {
      const error = await failure(call);
      expect(error, name).toBeInstanceOf(InvalidRequestException);
      expect(error.$metadata.httpStatusCode, name).toBe(400);
    }
    expect(double.requestCounts()["CreateAccessEntry"]).toBe(1);
  });

  it("after switching to API_AND_CONFIG_MAP the same CreateAccessEntry succeeds", async () => {
    await eks.send(new CreateClusterCommand(clusterInput("prod")));
    const { arn } = await role("dev");
    await failure(() => createEntry({ principalArn: arn }));
    await eks.send(
      new UpdateClusterConfigCommand({
        name: "prod",
        accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" },
      }),
    );
    expect((await createEntry({ principalArn: arn }))?.principalArn).toBe(arn);
  });

  it("access-entry operations on an unknown cluster raise ResourceNotFoundException", async () => {
    const error = await failure(() => eks.send(new ListAccessEntriesCommand({ clusterName: "ghost" })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe("§4 CreateAccessEntry", () => {
  beforeEach(async () => {
    await apiCluster("prod");
  });

  it("a role entry gets the assumed-role username without the path, the role ID, and its tags", async () => {
    const dev = await role("dev", "/teams/");
    const entry = await createEntry({
      principalArn: dev.arn,
      kubernetesGroups: ["team-dev"],
      tags: { owner: "eksgate" },
    });
    expect(entry).toEqual({
      clusterName: "prod",
      principalArn: `arn:aws:iam::${ACCOUNT}:role/teams/dev`,
      kubernetesGroups: ["team-dev"],
      accessEntryArn: expect.stringMatching(
        new RegExp(`^arn:aws:eks:us-east-1:${ACCOUNT}:access-entry/prod/role/${ACCOUNT}/dev/[0-9a-f-]{36}$`),
      ) as unknown,
      createdAt: clock,
      modifiedAt: clock,
      tags: { owner: "eksgate" },
      username: `arn:aws:sts::${ACCOUNT}:assumed-role/dev/{{SessionName}}`,
      type: "STANDARD",
    });
    expect(double.principalIdOf("prod", dev.arn)).toBe(dev.id);
    const described = await eks.send(
      new DescribeAccessEntryCommand({ clusterName: "prod", principalArn: dev.arn }),
    );
    expect(described.accessEntry).toEqual(entry);
  });

  it("a user entry's default username is the user ARN and the user ID is stored", async () => {
    const { User } = await iam.send(new CreateUserCommand({ UserName: "alice" }));
    const entry = await createEntry({ principalArn: User?.Arn ?? "" });
    expect(entry?.username).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(entry?.kubernetesGroups).toEqual([]);
    expect(double.principalIdOf("prod", User?.Arn ?? "")).toBe(User?.UserId);
  });

  it("a second entry for the same principal raises ResourceInUseException (409) and changes nothing", async () => {
    const { arn } = await role("dev");
    const first = await createEntry({ principalArn: arn, kubernetesGroups: ["a"] });
    const error = await failure(() => createEntry({ principalArn: arn, kubernetesGroups: ["b"] }));
    expect(error).toBeInstanceOf(ResourceInUseException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    const now = await eks.send(new DescribeAccessEntryCommand({ clusterName: "prod", principalArn: arn }));
    expect(now.accessEntry).toEqual(first);
  });

  it("a retry with the same clientRequestToken returns the entry it created", async () => {
    const { arn } = await role("dev");
    const first = await createEntry({ principalArn: arn, clientRequestToken: "token-1" });
    const again = await createEntry({ principalArn: arn, clientRequestToken: "token-1" });
    expect(again).toEqual(first);
    expect(
      await failure(() => createEntry({ principalArn: arn, clientRequestToken: "token-2" })),
    ).toBeInstanceOf(ResourceInUseException);
  });

  it("only IAM users and roles that exist, with the exact ARN, are principals", async () => {
    await role("dev", "/teams/");
    const bad = [
      `arn:aws:iam::${ACCOUNT}:group/developers`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/dev/alice`,
      `arn:aws:iam::${ACCOUNT}:root`,
      `arn:aws:iam::${ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS`,
      `arn:aws:iam::${ACCOUNT}:policy/p`,
      "not-an-arn",
      `arn:aws:iam::${ACCOUNT}:role/missing`,
      `arn:aws:iam::${ACCOUNT}:role/dev`, // exists only under /teams/
    ];
    for (const principalArn of bad) {
      const error = await failure(() => createEntry({ principalArn }));
      expect(error, principalArn).toBeInstanceOf(InvalidParameterException);
    }
    expect((await eks.send(new ListAccessEntriesCommand({ clusterName: "prod" }))).accessEntries).toEqual([]);
  });

  it("a STANDARD entry for another account's role is accepted without an IAM lookup", async () => {
    const foreign = "arn:aws:iam::210987654321:role/auditor";
    expect((await createEntry({ principalArn: foreign }))?.username).toBe(
      "arn:aws:sts::210987654321:assumed-role/auditor/{{SessionName}}",
    );
    expect(double.principalIdOf("prod", foreign)).toMatch(/^AROA[0-9A-F]{17}$/);
  });

  it("node types take a role of the cluster's account and get node usernames", async () => {
    const expected: Record<string, string> = {
      EC2_LINUX: "system:node:{{EC2PrivateDNSName}}",
      EC2_WINDOWS: "system:node:{{EC2PrivateDNSName}}",
      EC2: "system:node:{{EC2PrivateDNSName}}",
      FARGATE_LINUX: "system:node:{{SessionName}}",
      HYBRID_LINUX: "system:node:{{SessionName}}",
    };
    for (const [type, username] of Object.entries(expected)) {
      const { arn } = await role(`node-${type.toLowerCase().replace(/_/g, "-")}`);
      const entry = await createEntry({ principalArn: arn, type });
      expect(entry?.type, type).toBe(type);
      expect(entry?.username, type).toBe(username);
    }
  });

  it("node types refuse kubernetesGroups, a username, a user principal and an unknown type", async () => {
    const node = await role("node");
    const { User } = await iam.send(new CreateUserCommand({ UserName: "bob" }));
    const bad: (Partial<CreateAccessEntryCommandInput> & { principalArn: string })[] = [
      { principalArn: node.arn, type: "EC2_LINUX", kubernetesGroups: ["workers"] },
      { principalArn: node.arn, type: "FARGATE_LINUX", username: "fargate:{{SessionName}}" },
      { principalArn: User?.Arn ?? "", type: "EC2_LINUX" },
      { principalArn: "arn:aws:iam::210987654321:role/node", type: "EC2_LINUX" },
      { principalArn: node.arn, type: "BARE_METAL" },
    ];
    for (const input of bad) {
      const error = await failure(() => createEntry(input));
      expect(error, JSON.stringify(input)).toBeInstanceOf(InvalidParameterException);
    }
  });

  it("usernames: reserved prefixes and a missing ':' before the session placeholder are rejected", async () => {
    const { arn } = await role("dev");
    const rejected = [
      "system:dev",
      "eks:dev",
      "aws:dev",
      "amazon:dev",
      "iam:dev",
      "dev-{{SessionName}}",
      "dev/{{SessionNameRaw}}",
      "",
    ];
    for (const username of rejected) {
      const error = await failure(() => createEntry({ principalArn: arn, username }));
      expect(error, username).toBeInstanceOf(InvalidParameterException);
    }
    const entry = await createEntry({ principalArn: arn, username: "team-dev:{{SessionName}}" });
    expect(entry?.username).toBe("team-dev:{{SessionName}}");
  });

  it("usernames without a placeholder, and with a ':' before {{SessionNameRaw}}, are accepted", async () => {
    const a = await role("a");
    const b = await role("b");
    expect((await createEntry({ principalArn: a.arn, username: "alice" }))?.username).toBe("alice");
    expect((await createEntry({ principalArn: b.arn, username: "x:y-{{SessionNameRaw}}" }))?.username).toBe(
      "x:y-{{SessionNameRaw}}",
    );
  });

  it("kubernetesGroups starting with system: are rejected", async () => {
    const { arn } = await role("dev");
    for (const group of ["system:masters", "system:authenticated"]) {
      const error = await failure(() => createEntry({ principalArn: arn, kubernetesGroups: ["ok", group] }));
      expect(error, group).toBeInstanceOf(InvalidParameterException);
    }
    expect(
      (await createEntry({ principalArn: arn, kubernetesGroups: ["my-system:x"] }))?.kubernetesGroups,
    ).toEqual(["my-system:x"]);
  });
});

describe("§5 Describe, Update, Delete and List access entries", () => {
  beforeEach(async () => {
    await apiCluster("prod");
  });

  it("UpdateAccessEntry replaces the fields it is given, keeps the others and moves modifiedAt", async () => {
    const { arn } = await role("dev");
    const created = await createEntry({
      principalArn: arn,
      kubernetesGroups: ["a"],
      username: "dev:{{SessionName}}",
    });
    clock = new Date("2026-01-02T00:00:00Z");
    const groupsOnly = await eks.send(
      new UpdateAccessEntryCommand({ clusterName: "prod", principalArn: arn, kubernetesGroups: ["b", "c"] }),
    );
    expect(groupsOnly.accessEntry).toMatchObject({
      kubernetesGroups: ["b", "c"],
      username: "dev:{{SessionName}}",
    });
    expect(groupsOnly.accessEntry?.createdAt).toEqual(created?.createdAt);
    expect(groupsOnly.accessEntry?.modifiedAt).toEqual(clock);
    const userOnly = await eks.send(
      new UpdateAccessEntryCommand({ clusterName: "prod", principalArn: arn, username: "developer" }),
    );
    expect(userOnly.accessEntry).toMatchObject({ kubernetesGroups: ["b", "c"], username: "developer" });
    const cleared = await eks.send(
      new UpdateAccessEntryCommand({ clusterName: "prod", principalArn: arn, kubernetesGroups: [] }),
    );
    expect(cleared.accessEntry?.kubernetesGroups).toEqual([]);
  });

  it("UpdateAccessEntry applies the username and group rules and refuses node types", async () => {
    const { arn } = await role("dev");
    const node = await role("node");
    await createEntry({ principalArn: arn });
    await createEntry({ principalArn: node.arn, type: "EC2_LINUX" });
    const bad = [
      { principalArn: arn, kubernetesGroups: ["system:masters"] },
      { principalArn: arn, username: "eks:me" },
      { principalArn: arn, username: "me-{{SessionName}}" },
      { principalArn: node.arn, kubernetesGroups: ["workers"] },
      { principalArn: node.arn, username: "node:{{SessionName}}" },
    ];
    for (const input of bad) {
      const error = await failure(() =>
        eks.send(new UpdateAccessEntryCommand({ clusterName: "prod", ...input })),
      );
      expect(error, JSON.stringify(input)).toBeInstanceOf(InvalidParameterException);
    }
  });

  it("Describe, Update and Delete of a principal without an entry raise ResourceNotFoundException (404)", async () => {
    const key = { clusterName: "prod", principalArn: `arn:aws:iam::${ACCOUNT}:role/none` };
    for (const call of [
      () => eks.send(new DescribeAccessEntryCommand(key)),
      () => eks.send(new UpdateAccessEntryCommand({ ...key, kubernetesGroups: ["a"] })),
      () => eks.send(new DeleteAccessEntryCommand(key)),
    ]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.$metadata.httpStatusCode).toBe(404);
    }
  });

  it("DeleteAccessEntry removes the entry and its associations; the principal can get a new entry", async () => {
    const { arn } = await role("dev");
    await createEntry({ principalArn: arn });
    await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: arn,
        policyArn: POLICY("AmazonEKSViewPolicy"),
        accessScope: { type: "cluster" },
      }),
    );
    await eks.send(new DeleteAccessEntryCommand({ clusterName: "prod", principalArn: arn }));
    expect(
      await failure(() =>
        eks.send(new DescribeAccessEntryCommand({ clusterName: "prod", principalArn: arn })),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    await createEntry({ principalArn: arn });
    const policies = await eks.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: "prod", principalArn: arn }),
    );
    expect(policies.associatedAccessPolicies).toEqual([]);
  });

  it("ListAccessEntries pages with maxResults/nextToken and the SDK paginator sees every entry once", async () => {
    const arns: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { arn } = await role(`team-${i}`);
      await createEntry({ principalArn: arn });
      arns.push(arn);
    }
    const first = await eks.send(new ListAccessEntriesCommand({ clusterName: "prod", maxResults: 3 }));
    expect(first.accessEntries).toHaveLength(3);
    expect(first.nextToken).toBeTypeOf("string");
    const all: string[] = [];
    for await (const page of paginateListAccessEntries(
      { client: eks, pageSize: 3 },
      { clusterName: "prod" },
    )) {
      all.push(...(page.accessEntries ?? []));
    }
    expect(all).toEqual([...arns].sort());
    expect(double.requestCounts()["ListAccessEntries"]).toBe(4);
  });

  it("ListAccessEntries rejects a foreign or garbled nextToken and maxResults over 100", async () => {
    await apiCluster("other");
    for (let i = 0; i < 3; i++) {
      const { arn } = await role(`r-${i}`);
      await createEntry({ principalArn: arn });
      await createEntry({ clusterName: "other", principalArn: arn });
    }
    const page = await eks.send(new ListAccessEntriesCommand({ clusterName: "other", maxResults: 1 }));
    const bad = [
      { clusterName: "prod", nextToken: page.nextToken ?? "" },
      { clusterName: "prod", nextToken: "garbage" },
      { clusterName: "prod", maxResults: 101 },
    ];
    for (const input of bad) {
      const error = await failure(() => eks.send(new ListAccessEntriesCommand(input)));
      expect(error, JSON.stringify(input)).toBeInstanceOf(InvalidParameterException);
    }
  });

  it("ListAccessEntries filters by associatedPolicyArn", async () => {
    const viewer = await role("viewer");
    const editor = await role("editor");
    await createEntry({ principalArn: viewer.arn });
    await createEntry({ principalArn: editor.arn });
    await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: viewer.arn,
        policyArn: POLICY("AmazonEKSViewPolicy"),
        accessScope: { type: "namespace", namespaces: ["dev"] },
      }),
    );
    const filtered = await eks.send(
      new ListAccessEntriesCommand({
        clusterName: "prod",
        associatedPolicyArn: POLICY("AmazonEKSViewPolicy"),
      }),
    );
    expect(filtered.accessEntries).toEqual([viewer.arn]);
  });
});

describe("§6 access policies", () => {
  beforeEach(async () => {
    await apiCluster("prod");
  });

  it("ListAccessPolicies returns the AWS-owned AmazonEKS* policies and pages", async () => {
    const { accessPolicies } = await eks.send(new ListAccessPoliciesCommand({}));
    const names = (accessPolicies ?? []).map((p) => p.name);
    for (const name of [
      "AmazonEKSClusterAdminPolicy",
      "AmazonEKSAdminPolicy",
      "AmazonEKSEditPolicy",
      "AmazonEKSViewPolicy",
      "AmazonEKSAdminViewPolicy",
    ]) {
      expect(accessPolicies).toContainEqual({ name, arn: POLICY(name) });
    }
    const paged: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await eks.send(
        new ListAccessPoliciesCommand({ maxResults: 2, ...(nextToken ? { nextToken } : {}) }),
      );
      paged.push(...(page.accessPolicies ?? []).map((p) => p.name ?? ""));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(paged).toEqual(names);
  });

  it("A1: ListAccessPolicies lists the 33 policies of 2026, then those a test adds as AWS adds them", async () => {
    const { accessPolicies } = await eks.send(new ListAccessPoliciesCommand({}));
    expect(accessPolicies).toHaveLength(33);
    const names = (accessPolicies ?? []).map((p) => p.name ?? "");
    expect(names).toEqual([...names].sort());
    for (const name of [
      "AmazonEKSSecretReaderPolicy",
      "AmazonEKSArgoCDPolicy",
      "AmazonSagemakerHyperpodSpacePolicy",
    ])
      expect(names).toContain(name);
    const later = await startEksDouble({
      iamEndpoint: moto.endpoint,
      extraAccessPolicies: ["AmazonEKSFuturePolicy"],
    });
    const client = new EKSClient({
      endpoint: later.endpoint,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
    });
    try {
      const listed = (await client.send(new ListAccessPoliciesCommand({}))).accessPolicies ?? [];
      expect(listed).toHaveLength(34);
      expect(listed[33]).toEqual({ name: "AmazonEKSFuturePolicy", arn: POLICY("AmazonEKSFuturePolicy") });
    } finally {
      client.destroy();
      await later.stop();
    }
  });

  it("AssociateAccessPolicy stores cluster and namespace scopes (wildcards allowed) and lists them", async () => {
    const { arn } = await role("dev");
    await createEntry({ principalArn: arn });
    const associated = await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: arn,
        policyArn: POLICY("AmazonEKSEditPolicy"),
        accessScope: { type: "namespace", namespaces: ["dev-*", "shared"] },
      }),
    );
    expect(associated).toMatchObject({
      clusterName: "prod",
      principalArn: arn,
      associatedAccessPolicy: {
        policyArn: POLICY("AmazonEKSEditPolicy"),
        accessScope: { type: "namespace", namespaces: ["dev-*", "shared"] },
        associatedAt: clock,
        modifiedAt: clock,
      },
    });
    await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: arn,
        policyArn: POLICY("AmazonEKSViewPolicy"),
        accessScope: { type: "cluster" },
      }),
    );
    const listed = await eks.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: "prod", principalArn: arn }),
    );
    expect(listed.clusterName).toBe("prod");
    expect(listed.principalArn).toBe(arn);
    expect(listed.associatedAccessPolicies?.map((p) => [p.policyArn, p.accessScope])).toEqual([
      [POLICY("AmazonEKSEditPolicy"), { type: "namespace", namespaces: ["dev-*", "shared"] }],
      [POLICY("AmazonEKSViewPolicy"), { type: "cluster", namespaces: [] }],
    ]);
    const onePage = await eks.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: "prod", principalArn: arn, maxResults: 1 }),
    );
    expect(onePage.associatedAccessPolicies).toHaveLength(1);
    expect(onePage.nextToken).toBeTypeOf("string");
  });

  it("associating the same policy again replaces its scope and keeps associatedAt", async () => {
    const { arn } = await role("dev");
    await createEntry({ principalArn: arn });
    const policyArn = POLICY("AmazonEKSViewPolicy");
    await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: arn,
        policyArn,
        accessScope: { type: "cluster" },
      }),
    );
    const firstAt = clock;
    clock = new Date("2026-01-03T00:00:00Z");
    const again = await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: arn,
        policyArn,
        accessScope: { type: "namespace", namespaces: ["ops"] },
      }),
    );
    expect(again.associatedAccessPolicy).toMatchObject({
      accessScope: { type: "namespace", namespaces: ["ops"] },
      associatedAt: firstAt,
      modifiedAt: clock,
    });
    const listed = await eks.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: "prod", principalArn: arn }),
    );
    expect(listed.associatedAccessPolicies).toHaveLength(1);
  });

  it("AssociateAccessPolicy validates the scope, the policy and the entry type", async () => {
    const { arn } = await role("dev");
    const node = await role("node");
    await createEntry({ principalArn: arn });
    await createEntry({ principalArn: node.arn, type: "EC2_LINUX" });
    const view = POLICY("AmazonEKSViewPolicy");
    const bad = [
      { principalArn: arn, policyArn: view, accessScope: { type: "namespace" as const } },
      { principalArn: arn, policyArn: view, accessScope: { type: "namespace" as const, namespaces: [] } },
      {
        principalArn: arn,
        policyArn: view,
        accessScope: { type: "namespace" as const, namespaces: ["Bad_NS"] },
      },
      {
        principalArn: arn,
        policyArn: view,
        accessScope: { type: "namespace" as const, namespaces: ["*-dev"] },
      },
      { principalArn: arn, policyArn: view, accessScope: { type: "cluster" as const, namespaces: ["dev"] } },
      { principalArn: arn, policyArn: view, accessScope: { type: "global" as "cluster" } },
      {
        principalArn: arn,
        policyArn: POLICY("AmazonEKSMadeUpPolicy"),
        accessScope: { type: "cluster" as const },
      },
      {
        principalArn: arn,
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        accessScope: { type: "cluster" as const },
      },
      { principalArn: node.arn, policyArn: view, accessScope: { type: "cluster" as const } },
    ];
    for (const input of bad) {
      const error = await failure(() =>
        eks.send(new AssociateAccessPolicyCommand({ clusterName: "prod", ...input })),
      );
      expect(error, JSON.stringify(input)).toBeInstanceOf(InvalidParameterException);
    }
    const missing = await failure(() =>
      eks.send(
        new AssociateAccessPolicyCommand({
          clusterName: "prod",
          principalArn: `arn:aws:iam::${ACCOUNT}:role/none`,
          policyArn: view,
          accessScope: { type: "cluster" },
        }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it("an EC2 (Auto Mode) entry takes AmazonEKSAutoNodePolicy only", async () => {
    const node = await role("auto-node");
    await createEntry({ principalArn: node.arn, type: "EC2" });
    const ok = await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: node.arn,
        policyArn: POLICY("AmazonEKSAutoNodePolicy"),
        accessScope: { type: "cluster" },
      }),
    );
    expect(ok.associatedAccessPolicy?.policyArn).toBe(POLICY("AmazonEKSAutoNodePolicy"));
    const { arn } = await role("dev");
    await createEntry({ principalArn: arn });
    const refused = await failure(() =>
      eks.send(
        new AssociateAccessPolicyCommand({
          clusterName: "prod",
          principalArn: arn,
          policyArn: POLICY("AmazonEKSAutoNodePolicy"),
          accessScope: { type: "cluster" },
        }),
      ),
    );
    expect(refused).toBeInstanceOf(InvalidParameterException);
  });

  it("DisassociateAccessPolicy removes an association; removing it again raises ResourceNotFoundException", async () => {
    const { arn } = await role("dev");
    await createEntry({ principalArn: arn });
    const policyArn = POLICY("AmazonEKSAdminPolicy");
    await eks.send(
      new AssociateAccessPolicyCommand({
        clusterName: "prod",
        principalArn: arn,
        policyArn,
        accessScope: { type: "cluster" },
      }),
    );
    await eks.send(
      new DisassociateAccessPolicyCommand({ clusterName: "prod", principalArn: arn, policyArn }),
    );
    const listed = await eks.send(
      new ListAssociatedAccessPoliciesCommand({ clusterName: "prod", principalArn: arn }),
    );
    expect(listed.associatedAccessPolicies).toEqual([]);
    const again = await failure(() =>
      eks.send(new DisassociateAccessPolicyCommand({ clusterName: "prod", principalArn: arn, policyArn })),
    );
    expect(again).toBeInstanceOf(ResourceNotFoundException);
    expect(double.requests().at(-1)?.path).toBe(
      `/clusters/prod/access-entries/${encodeURIComponent(arn)}/access-policies/${encodeURIComponent(policyArn)}`,
    );
  });
});

describe("§7 principal ID binding", () => {
  beforeEach(async () => {
    await apiCluster("prod");
  });

  it("a role deleted and recreated under the same ARN no longer matches its entry", async () => {
    const original = await role("dev");
    await createEntry({ principalArn: original.arn, kubernetesGroups: ["team-dev"] });
    expect(await double.checkAccessEntry("prod", original.arn)).toEqual({
      kind: "active",
      principalId: original.id,
    });

    await iam.send(new DeleteRoleCommand({ RoleName: "dev" }));
    expect(await double.checkAccessEntry("prod", original.arn)).toEqual({
      kind: "principal-missing",
      storedPrincipalId: original.id,
    });

    const recreated = await role("dev");
    expect(recreated.arn).toBe(original.arn);
    expect(recreated.id).not.toBe(original.id);
    expect(await double.checkAccessEntry("prod", original.arn)).toEqual({
      kind: "stale",
      storedPrincipalId: original.id,
      currentPrincipalId: recreated.id,
    });
    expect(double.resolveAccessEntry("prod", original.arn, recreated.id).kind).toBe("stale");
    // The entry itself still describes fine: the API shows no sign of the mismatch.
    const described = await eks.send(
      new DescribeAccessEntryCommand({ clusterName: "prod", principalArn: original.arn }),
    );
    expect(described.accessEntry?.kubernetesGroups).toEqual(["team-dev"]);

    await eks.send(new DeleteAccessEntryCommand({ clusterName: "prod", principalArn: original.arn }));
    await createEntry({ principalArn: original.arn });
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: "dev" }));
    expect(double.principalIdOf("prod", original.arn)).toBe(Role?.RoleId);
    expect(double.resolveAccessEntry("prod", original.arn, Role?.RoleId).kind).toBe("active");
    expect(double.resolveAccessEntry("prod", `arn:aws:iam::${ACCOUNT}:role/none`, "x")).toEqual({
      kind: "no-entry",
    });
  });

  it("a custom principalLookup replaces IAM", async () => {
    const seen: string[] = [];
    const custom = await startEksDouble({
      principalLookup: (principal) => {
        seen.push(principal.arn);
        return Promise.resolve(
          principal.name === "known" ? { id: "AROAKNOWN", arn: principal.arn } : undefined,
        );
      },
    });
    const client = new EKSClient({
      endpoint: custom.endpoint,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
    });
    try {
      await client.send(new CreateClusterCommand(clusterInput("c", { authenticationMode: "API" })));
      const known = `arn:aws:iam::${ACCOUNT}:role/known`;
      await client.send(new CreateAccessEntryCommand({ clusterName: "c", principalArn: known }));
      expect(custom.principalIdOf("c", known)).toBe("AROAKNOWN");
      const error = await failure(() =>
        client.send(
          new CreateAccessEntryCommand({
            clusterName: "c",
            principalArn: `arn:aws:iam::${ACCOUNT}:role/other`,
          }),
        ),
      );
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(seen).toEqual([known, `arn:aws:iam::${ACCOUNT}:role/other`]);
    } finally {
      client.destroy();
      await custom.stop();
    }
  });
});

describe("§8 tags", () => {
  it("TagResource, ListTagsForResource and UntagResource work on access entries and clusters", async () => {
    const { cluster } = await eks.send(
      new CreateClusterCommand({
        ...clusterInput("prod", { authenticationMode: "API" }),
        tags: { env: "prod" },
      }),
    );
    const { arn } = await role("dev");
    const entry = await createEntry({ principalArn: arn, tags: { a: "1" } });
    const entryArn = entry?.accessEntryArn ?? "";
    await eks.send(
      new TagResourceCommand({ resourceArn: entryArn, tags: { b: "2", "eksgate.io/owner": "team-dev" } }),
    );
    await eks.send(new UntagResourceCommand({ resourceArn: entryArn, tagKeys: ["a"] }));
    expect((await eks.send(new ListTagsForResourceCommand({ resourceArn: entryArn }))).tags).toEqual({
      b: "2",
      "eksgate.io/owner": "team-dev",
    });
    const described = await eks.send(
      new DescribeAccessEntryCommand({ clusterName: "prod", principalArn: arn }),
    );
    expect(described.accessEntry?.tags).toEqual({ b: "2", "eksgate.io/owner": "team-dev" });
    expect(
      (await eks.send(new ListTagsForResourceCommand({ resourceArn: cluster?.arn ?? "" }))).tags,
    ).toEqual({
      env: "prod",
    });
    const unknown = await failure(() =>
      eks.send(
        new ListTagsForResourceCommand({ resourceArn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/none` }),
      ),
    );
    expect(unknown).toBeInstanceOf(NotFoundException);
  });
});

describe("§9 wire format and request log", () => {
  it("errors carry x-amzn-errortype, __type, message and clusterName", async () => {
    const response = await fetch(`${double.endpoint}/clusters/ghost/access-entries`);
    expect(response.status).toBe(404);
    expect(response.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ __type: "ResourceNotFoundException", clusterName: "ghost" });
    expect(body["message"]).toBeTypeOf("string");
  });

  it("an unknown route answers 404 UnknownOperationException and a bad body 400 SerializationException", async () => {
    const unknown = await fetch(`${double.endpoint}/clusters/x/addons`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    const garbled = await fetch(`${double.endpoint}/clusters`, { method: "POST", body: "{not json" });
    expect(garbled.status).toBe(400);
    expect(garbled.headers.get("x-amzn-errortype")).toBe("SerializationException");
  });

  it("records method, path, operation and outcome of every request, and reset clears the log", async () => {
    await apiCluster("prod");
    const { arn } = await role("dev");
    await createEntry({ principalArn: arn });
    await failure(() => createEntry({ principalArn: arn }));
    await eks.send(new DescribeAccessEntryCommand({ clusterName: "prod", principalArn: arn }));
    expect(double.requests().map((r) => [r.method, r.operation, r.status])).toEqual([
      ["POST", "CreateCluster", 200],
      ["POST", "CreateAccessEntry", 200],
      ["POST", "CreateAccessEntry", 409],
      ["GET", "DescribeAccessEntry", 200],
    ]);
    expect(double.requests()[2]).toMatchObject({
      path: "/clusters/prod/access-entries",
      clusterName: "prod",
      errorType: "ResourceInUseException",
    });
    expect(double.requests()[3]?.principalArn).toBe(arn);
    expect(double.requestCounts()).toEqual({
      CreateCluster: 1,
      CreateAccessEntry: 2,
      DescribeAccessEntry: 1,
    });
    double.clearRequests();
    expect(double.requests()).toEqual([]);
    expect((await eks.send(new ListClustersCommand({}))).clusters).toEqual(["prod"]);
    double.reset();
    expect((await eks.send(new ListClustersCommand({}))).clusters).toEqual([]);
    expect(double.requests().map((r) => r.operation)).toEqual(["ListClusters"]);
  });

  it("the aws CLI (botocore) reads an entry and gets a 409 through the same wire format", async () => {
    await apiCluster("prod");
    const { arn } = await role("dev");
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_DEFAULT_REGION: "us-east-1",
    };
    const aws = async (...args: string[]): Promise<unknown> => {
      const { stdout } = await execFileAsync(
        "aws",
        ["--endpoint-url", double.endpoint, "--output", "json", "eks", ...args],
        {
          env,
        },
      );
      return JSON.parse(stdout) as unknown;
    };
    // The SDK creates the entry; botocore must address it (path encoding) and parse a 409.
    await createEntry({ principalArn: arn, kubernetesGroups: ["team-dev"] });
    const described = (await aws(
      "describe-access-entry",
      "--cluster-name",
      "prod",
      "--principal-arn",
      arn,
    )) as {
      accessEntry: { kubernetesGroups: string[]; username: string };
    };
    expect(described.accessEntry.kubernetesGroups).toEqual(["team-dev"]);
    expect(described.accessEntry.username).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/dev/{{SessionName}}`);
    const failed = await execFileAsync(
      "aws",
      [
        "--endpoint-url",
        double.endpoint,
        "eks",
        "create-access-entry",
        "--cluster-name",
        "prod",
        "--principal-arn",
        arn,
        "--kubernetes-groups",
        "other",
      ],
      { env },
    ).catch((error: unknown) => error as { stderr: string });
    expect(failed.stderr).toContain("ResourceInUseException");
  });
});
