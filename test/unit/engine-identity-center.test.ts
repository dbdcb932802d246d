// Plan and apply of Identity Center teams with the real engine over in-memory accounts (the
// port fakes): Identity Center administered from the management account, the clusters in a
// workload account. The fake Identity Center makes the AWSReservedSSO_* role in the account's
// IAM when a permission set is first assigned there, as Identity Center does (moto does not).
import { describe, expect, it } from "vitest";
import type { AccessConfig } from "../../src/core/model/access-config.js";
import type { Plan } from "../../src/core/plan/plan.js";
import { applyPlan, createStepRunner } from "../../src/engine/apply.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import { makePlan } from "../../src/engine/plan.js";
import { isPortError, PortError } from "../../src/ports/errors.js";
import type { IamPort } from "../../src/ports/iam.js";
import { FakeCloud } from "../support/fake-cloud.js";
import { FakeClock } from "../support/fakes/clock.js";
import { FakeIdentityCenter } from "../support/fakes/identity-center.js";
import { configFrom } from "../support/observed-state.js";
import { locateInConfig } from "../../src/core/config/source.js";

const MANAGEMENT = "111111111111";
const PROD = "222222222222";
const REGION = "eu-west-1";
const RESERVED_PATH = `/aws-reserved/sso.amazonaws.com/${REGION}/`;

function configYaml(team = "", extraTeams = ""): string {
  return `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accounts:
  - { id: "${MANAGEMENT}", alias: management }
  - { id: "${PROD}", alias: prod, roleArn: "arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole" }
identityAccount: management
identityCenter: { account: management, region: ${REGION} }
clusters:
  - { name: blue, region: ${REGION}, account: prod, authentication: aws-auth }
  - { name: green, region: ${REGION}, account: prod, authentication: access-entries }
teams:
  - name: devs
    identityCenter: { group: Developers, permissionSet: EksDevs${team} }
    access:
      - { cluster: blue, clusterRole: view }
      - { cluster: green, clusterRole: edit }
${extraTeams}`;
}

interface Org {
  readonly management: FakeCloud;
  readonly prod: FakeCloud;
  readonly idc: FakeIdentityCenter;
  readonly groupId: string;
  readonly deps: EngineDeps;
  /** Suffixes of the roles the fake Identity Center made, in order. */
  readonly suffixes: string[];
}

function org(options: { readonly pendingPolls?: number } = {}): Org {
  const clock = new FakeClock();
  const management = new FakeCloud(MANAGEMENT, clock);
  const prod = new FakeCloud(PROD, clock);
  const clouds = new Map([
    [MANAGEMENT, management],
    [PROD, prod],
  ]);
  const suffixes: string[] = [];
  const idc = new FakeIdentityCenter({
    ...(options.pendingPolls !== undefined ? { pendingPolls: options.pendingPolls } : {}),
    onAssigned: (target, permissionSet) => {
      const suffix = (suffixes.length + 1).toString(16).padStart(16, "0");
      suffixes.push(suffix);
      clouds
        .get(target.accountId)
        ?.iam.seedRole(reservedRole(permissionSet, suffix, `AROAIDC${suffix}`, clock.now()));
    },
  });
  const groupId = idc.createGroup("Developers");
  prod.eks(REGION).seedCluster("blue", "CONFIG_MAP");
  prod.eks(REGION).seedCluster("green", "API_AND_CONFIG_MAP");
  const deps: EngineDeps = {
    ...management.deps,
    identityCenter: idc,
    iamIn: (account) => cloud(clouds, account).iam,
    eksIn: (account, region) => cloud(clouds, account).eks(region),
    kube: (cluster) =>
      Promise.resolve({
        ok: true,
        value: cloud(clouds, cluster.accountId).kube(cluster.name),
        diagnostics: [],
      }),
  };
  return { management, prod, idc, groupId, deps, suffixes };
}

function cloud(clouds: ReadonlyMap<string, FakeCloud>, account: string): FakeCloud {
  const found = clouds.get(account);
  if (found === undefined) throw new Error(`no account ${account}`);
  return found;
}

function reservedRole(permissionSet: string, suffix: string, roleId: string, createDate: string) {
  return {
    name: `AWSReservedSSO_${permissionSet}_${suffix}`,
    path: RESERVED_PATH,
    roleId: roleId.padEnd(21, "0").slice(0, 21),
    createDate,
    trustPolicy: {
      Version: "2012-10-17" as const,
      Statement: [
        {
          Effect: "Allow" as const,
          Principal: {
            Federated: `arn:aws:iam::${PROD}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`,
          },
          Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        },
      ],
    },
    tags: [],
    inlinePolicies: {},
  };
}

const reservedArn = (suffix: string, path = RESERVED_PATH): string =>
  `arn:aws:iam::${PROD}:role${path}AWSReservedSSO_EksDevs_${suffix}`;

async function plan(config: AccessConfig, deps: EngineDeps, destroy = false): Promise<Plan> {
  const planned = await makePlan(
    { config, configFile: "org.yaml", configDigest: "0".repeat(64), scope: { destroy } },
    deps,
  );
  if (!planned.ok) throw new Error(JSON.stringify(planned.diagnostics, null, 2));
  return planned.value.plan;
}

async function planProblems(config: AccessConfig, deps: EngineDeps) {
  const planned = await makePlan(
    { config, configFile: "org.yaml", configDigest: "0".repeat(64), scope: { destroy: false } },
    deps,
  );
  if (planned.ok) throw new Error(`expected the plan to fail: ${JSON.stringify(planned.value.plan.steps)}`);
  return planned.diagnostics.map((d) => ({ code: d.code, path: d.path, summary: d.summary }));
}

async function apply(p: Plan, o: Org): Promise<void> {
  const result = await applyPlan(
    p,
    createStepRunner(p, o.deps, (c) => Promise.resolve(o.prod.kube(c))),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.outcomes.map((x) => x.diagnostic ?? x.status)));
}

describe("engine: Identity Center teams", () => {
  it("creates the permission set and the assignment, maps the role once Identity Center made it, then plans nothing", async () => {
    const o = org({ pendingPolls: 2 });
    const config = configFrom(configYaml());
    const first = await plan(config, o.deps);
    expect(first.steps.map((s) => [s.id, s.action, s.dependsOn])).toEqual([
      ["permission-set/EksDevs", "create", []],
      [`account-assignment/${PROD}/EksDevs/${o.groupId}`, "create", ["permission-set/EksDevs"]],
      ["rbac/blue/ClusterRoleBinding//eksgate:devs:view", "create", []],
      ["rbac/green/ClusterRoleBinding//eksgate:devs:edit", "create", []],
    ]);
    expect(first.identityCenter).toEqual({ region: REGION });
    // The role does not exist before the assignment: the plan says the mapping comes next time.
    expect(first.diagnostics.map((d) => d.code)).toEqual(["EG244"]);
    expect(first.diagnostics[0]?.summary).toContain(`in account ${PROD} yet`);
    await apply(first, o);

    const set = o.idc.permissionSetNamed("EksDevs");
    expect(set).toMatchObject({
      description: "Managed by eksgate: Amazon EKS access for team devs",
      sessionDuration: "PT1H",
      inlinePolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EksgateDescribeTeamClusters",
            Effect: "Allow",
            Action: "eks:DescribeCluster",
            Resource: [
              `arn:aws:eks:${REGION}:${PROD}:cluster/blue`,
              `arn:aws:eks:${REGION}:${PROD}:cluster/green`,
            ],
          },
        ],
      },
    });
    expect(o.idc.allAssignments()).toEqual([
      { permissionSetArn: set?.arn, accountId: PROD, principalType: "GROUP", principalId: o.groupId },
    ]);

    const second = await plan(config, o.deps);
    const arn = reservedArn(o.suffixes[0] ?? "");
    expect(second.diagnostics).toEqual([]);
    expect(second.steps.map((s) => s.id)).toEqual([`access-entry/green/${arn}`, "aws-auth/blue"]);
    await apply(second, o);

    // aws-auth: the ARN without its path (the authenticator compares the path-less form).
    const awsAuth = await o.prod.kube("blue").readConfigMap("kube-system", "aws-auth");
    expect(awsAuth?.data["mapRoles"]).toContain(
      `rolearn: arn:aws:iam::${PROD}:role/AWSReservedSSO_EksDevs_${o.suffixes[0] ?? ""}`,
    );
    expect(awsAuth?.data["mapRoles"]).toContain("username: eksgate:devs:{{SessionName}}");
    expect(awsAuth?.data["mapRoles"]).not.toContain("aws-reserved");
    // Access entries: the full ARN, and the RoleId it was made for.
    const role = await o.prod.iam.getRole(`AWSReservedSSO_EksDevs_${o.suffixes[0] ?? ""}`);
    const entry = await o.prod.eks(REGION).describeAccessEntry("green", arn);
    expect(entry).toMatchObject({
      principalArn: arn,
      username: "eksgate:devs:{{SessionName}}",
      kubernetesGroups: ["eksgate:devs"],
      tags: { "eksgate.dev/team": "devs", "eksgate.dev/role-id": role?.roleId },
    });
    expect(await o.management.iam.listRolesByPath("/")).toEqual([]);

    expect((await plan(config, o.deps)).steps).toEqual([]);
  });

  it("repairs the mappings when the role is re-made under a new suffix, and the access entry when it is re-made under the same ARN", async () => {
    const o = org();
    const config = configFrom(configYaml());
    await apply(await plan(config, o.deps), o);
    await apply(await plan(config, o.deps), o);
    const oldName = `AWSReservedSSO_EksDevs_${o.suffixes[0] ?? ""}`;

    // The permission set was re-created: a new suffix, a new ARN.
    await o.prod.iam.deleteRole(oldName);
    const suffix = "00000000000000ff";
    o.prod.iam.seedRole(reservedRole("EksDevs", suffix, "AROANEWSUFFIX", o.prod.clock.now()));
    const renamed = await plan(config, o.deps);
    expect(renamed.steps.map((s) => [s.id, s.action])).toEqual([
      [`access-entry/green/${reservedArn(suffix)}`, "create"],
      ["aws-auth/blue", "update"],
      [`access-entry/green/${reservedArn(o.suffixes[0] ?? "")}`, "delete"],
    ]);
    const awsAuthStep = renamed.steps.find((s) => s.id === "aws-auth/blue");
    expect(awsAuthStep?.changes.join("\n")).toContain(`AWSReservedSSO_EksDevs_${suffix}`);
    await apply(renamed, o);
    const mapRoles =
      (await o.prod.kube("blue").readConfigMap("kube-system", "aws-auth"))?.data["mapRoles"] ?? "";
    expect(mapRoles).toContain(`AWSReservedSSO_EksDevs_${suffix}`);
    expect(mapRoles).not.toContain(oldName);
    expect(await plan(config, o.deps)).toMatchObject({ steps: [] });

    // The last assignment was removed and made again: same ARN, new RoleId, made later.
    await o.prod.iam.deleteRole(`AWSReservedSSO_EksDevs_${suffix}`);
    o.prod.iam.seedRole(reservedRole("EksDevs", suffix, "AROASAMEARNNEWID", o.prod.clock.now()));
    const remade = await plan(config, o.deps);
    // aws-auth matches the ARN only, so it still works; the access entry is bound to the old id.
    expect(remade.steps.map((s) => [s.id, s.action])).toEqual([
      [`access-entry/green/${reservedArn(suffix)}`, "replace"],
    ]);
    expect(remade.steps[0]?.reason).toContain("was recreated");
    await apply(remade, o);
    const entry = await o.prod.eks(REGION).describeAccessEntry("green", reservedArn(suffix));
    expect(entry?.tags["eksgate.dev/role-id"]).toBe("AROASAMEARNNEWID".padEnd(21, "0"));
    expect(await plan(config, o.deps)).toMatchObject({ steps: [] });
  });

  it("updates a managed permission set whose session duration or policy differ, and provisions it again", async () => {
    const o = org();
    await apply(await plan(configFrom(configYaml()), o.deps), o);
    await apply(await plan(configFrom(configYaml()), o.deps), o);
    const longer = configFrom(
      configYaml().replace("permissionSet: EksDevs }", "permissionSet: EksDevs, sessionDuration: PT4H }"),
    );
    const updated = await plan(longer, o.deps);
    expect(updated.steps.map((s) => [s.id, s.action])).toEqual([["permission-set/EksDevs", "update"]]);
    expect(updated.steps[0]?.changes).toEqual(["~ session duration: PT1H -> PT4H"]);
    o.idc.writes.length = 0;
    await apply(updated, o);
    expect(o.idc.writes).toEqual([
      "UpdatePermissionSet",
      "PutInlinePolicyToPermissionSet",
      "ProvisionPermissionSet",
    ]);
    expect(o.idc.permissionSetNamed("EksDevs")?.sessionDuration).toBe("PT4H");
  });

  it("with manage: false, reports every problem at once at the team's fields: group and permission set not found", async () => {
    const o = org();
    const config = configFrom(
      configYaml().replace(
        "{ group: Developers, permissionSet: EksDevs }",
        "{ group: Developpers, permissionSet: EksViewers, manage: false }",
      ),
    );
    expect(await planProblems(config, o.deps)).toEqual([
      {
        code: "EG241",
        path: "teams[0].identityCenter.group",
        summary: `the Identity Center group "Developpers" of team devs was not found in identity store ${o.idc.instance.identityStoreId}`,
      },
      {
        code: "EG242",
        path: "teams[0].identityCenter.permissionSet",
        summary:
          "the permission set EksViewers of team devs does not exist (manage: false: eksgate does not create it)",
      },
    ]);
    expect(o.idc.writes).toEqual([]);
  });

  it("places the planner's problems at the config's fields, as validation does", async () => {
    const o = org();
    const yaml = configYaml().replace(
      "{ group: Developers, permissionSet: EksDevs }",
      "{ groupId: g-nobody, permissionSet: EksViewers, manage: false }",
    );
    const planned = await makePlan(
      {
        config: configFrom(yaml),
        configFile: "org.yaml",
        configDigest: "0".repeat(64),
        scope: { destroy: false },
      },
      o.deps,
    );
    const located = locateInConfig("org.yaml", yaml, planned.diagnostics);
    // Line and column of a value in the config's text (1-based).
    const at = (value: string): [number, number] => {
      const lines = yaml.split("\n");
      const index = lines.findIndex((l) => l.includes(value));
      return [index + 1, (lines[index] ?? "").indexOf(value) + 1];
    };
    expect(located.map((d) => [d.code, d.source?.file, d.source?.line, d.source?.column])).toEqual([
      ["EG241", "org.yaml", ...at("g-nobody")],
      ["EG242", "org.yaml", ...at("EksViewers")],
    ]);
  });

  it("with manage: false, a missing assignment in a cluster account is an error naming the account; an existing one is used as it is", async () => {
    const o = org();
    const arn = o.idc.seedPermissionSet({
      name: "EksViewers",
      description: "made by hand",
      sessionDuration: "PT8H",
    });
    const config = configFrom(
      configYaml().replace(
        "{ group: Developers, permissionSet: EksDevs }",
        "{ group: Developers, permissionSet: EksViewers, manage: false }",
      ),
    );
    const problems = await planProblems(config, o.deps);
    expect(problems).toEqual([
      {
        code: "EG243",
        path: "teams[0].identityCenter.permissionSet",
        summary: `the group Developers has no assignment of the permission set EksViewers in account ${PROD} (team devs, manage: false)`,
      },
    ]);
    o.idc.seedAssignment({
      permissionSetArn: arn,
      accountId: PROD,
      principalType: "GROUP",
      principalId: o.groupId,
    });
    o.prod.iam.seedRole(
      reservedRole("EksViewers", "0123456789abcdef", "AROAVIEWERS", "2025-01-01T00:00:00.000Z"),
    );
    const planned = await plan(config, o.deps);
    expect(planned.steps.map((s) => s.id)).toEqual([
      `access-entry/green/arn:aws:iam::${PROD}:role${RESERVED_PATH}AWSReservedSSO_EksViewers_0123456789abcdef`,
      "aws-auth/blue",
      "rbac/blue/ClusterRoleBinding//eksgate:devs:view",
      "rbac/green/ClusterRoleBinding//eksgate:devs:edit",
    ]);
    await apply(planned, o);
    expect(o.idc.writes).toEqual([]);
  });

  it("never takes over a permission set of the same name that is not eksgate's", async () => {
    const o = org();
    o.idc.seedPermissionSet({ name: "EksDevs", description: "", sessionDuration: "PT1H" });
    const problems = await planProblems(configFrom(configYaml()), o.deps);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ["EG242", "teams[0].identityCenter.permissionSet"],
    ]);
    expect(problems[0]?.summary).toContain("is not eksgate's");
  });

  it("warns when other principals are assigned the same permission set in the account (they share the role)", async () => {
    const o = org();
    const config = configFrom(configYaml());
    await apply(await plan(config, o.deps), o);
    const set = o.idc.permissionSetNamed("EksDevs");
    o.idc.seedAssignment({
      permissionSetArn: set?.arn ?? "",
      accountId: PROD,
      principalType: "USER",
      principalId: "u-1",
    });
    const again = await plan(config, o.deps);
    expect(again.diagnostics.map((d) => [d.code, d.severity])).toEqual([["EG245", "warning"]]);
    expect(again.diagnostics[0]?.summary).toContain("(u-1): they get the team's Kubernetes access too");
  });

  it("destroy unmaps the role and removes the assignment and the permission set eksgate made", async () => {
    const o = org();
    const config = configFrom(configYaml());
    await apply(await plan(config, o.deps), o);
    await apply(await plan(config, o.deps), o);
    const arn = reservedArn(o.suffixes[0] ?? "");
    const destroy = await plan(config, o.deps, true);
    expect(destroy.steps.map((s) => [s.id, s.action])).toEqual([
      ["aws-auth/blue", "update"],
      ["rbac/blue/ClusterRoleBinding//eksgate:devs:view", "delete"],
      ["rbac/green/ClusterRoleBinding//eksgate:devs:edit", "delete"],
      [`access-entry/green/${arn}`, "delete"],
      [`account-assignment/${PROD}/EksDevs/${o.groupId}`, "delete"],
      ["permission-set/EksDevs", "delete"],
    ]);
    await apply(destroy, o);
    expect(o.idc.permissionSetNamed("EksDevs")).toBeUndefined();
    expect(o.idc.allAssignments()).toEqual([]);
    expect(
      (await o.prod.kube("blue").readConfigMap("kube-system", "aws-auth"))?.data["mapRoles"],
    ).not.toContain("AWSReservedSSO");
    expect(await o.prod.eks(REGION).describeAccessEntry("green", arn)).toBeUndefined();
  });

  it("removes the access entry it made for an Identity Center team that is gone from the config, and leaves others' entries", async () => {
    const o = org();
    const config = configFrom(configYaml());
    await apply(await plan(config, o.deps), o);
    await apply(await plan(config, o.deps), o);
    const arn = reservedArn(o.suffixes[0] ?? "");
    // An entry someone made by hand for another permission set's role.
    const handMade = `arn:aws:iam::${PROD}:role${RESERVED_PATH}AWSReservedSSO_Admins_00000000000000aa`;
    o.prod.iam.seedRole({
      ...reservedRole("Admins", "00000000000000aa", "AROAADMINS", o.prod.clock.now()),
      name: "AWSReservedSSO_Admins_00000000000000aa",
    });
    await o.prod.eks(REGION).createAccessEntry("green", {
      principalArn: handMade,
      kubernetesGroups: ["admins"],
      username: "admin:{{SessionName}}",
      tags: {},
    });
    const withoutTeam = configFrom(
      configYaml().replace(/ {2}- name: devs[\s\S]*$/, "  - name: ops\n    iamGroup: ops\n    access: []\n"),
    );
    const gone = await plan(withoutTeam, o.deps);
    expect(gone.steps.filter((s) => s.resource.kind === "access-entry").map((s) => [s.id, s.action])).toEqual(
      [[`access-entry/green/${arn}`, "delete"]],
    );
  });

  it("a read denied in the cluster account names the account, the identity and the permission", async () => {
    const o = org();
    // The cluster account's role may neither read the account in one batch nor list roles.
    const denied = (action: string) =>
      Promise.reject(
        new PortError("access-denied", `not authorized to perform ${action}`, {
          operation: action,
          identity: `arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/eksgate`,
          missingPermission: action,
        }),
      );
    const denying: IamPort = Object.create(o.prod.iam) as IamPort;
    Object.assign(denying, {
      readAccount: () => denied("iam:GetAccountAuthorizationDetails"),
      listRolesByPath: () => denied("iam:ListRoles"),
    });
    const deps: EngineDeps = {
      ...o.deps,
      iamIn: (account) => (account === PROD ? denying : o.management.iam),
    };
    const failure = await makePlan(
      {
        config: configFrom(configYaml()),
        configFile: "org.yaml",
        configDigest: "0".repeat(64),
        scope: { destroy: false },
      },
      deps,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isPortError(failure, "access-denied")).toBe(true);
    expect((failure as PortError).details).toMatchObject({
      account: PROD,
      missingPermission: "iam:ListRoles",
      identity: `arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/eksgate`,
    });
  });
});
