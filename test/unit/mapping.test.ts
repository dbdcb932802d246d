import { describe, expect, it } from "vitest";
import {
  clusterMappingTargets,
  mapPrincipal,
  type ClusterMapping,
  type MappedIdentity,
} from "../../src/core/evaluate/mapping/index.js";
import { buildRbacSnapshot, type AccessPolicyAssociation } from "../../src/core/evaluate/rbac/index.js";
import { parseAwsAuthData } from "../../src/core/model/aws-auth.js";
import type {
  AccessEntryRecord,
  ClusterAccess,
  ClusterAuthenticationMode,
} from "../../src/core/snapshot/index.js";

const A = "111122223333";
const role = (name: string) => `arn:aws:iam::${A}:role/${name}`;
const user = (name: string) => `arn:aws:iam::${A}:user/${name}`;

function cluster(options: {
  mode?: ClusterAuthenticationMode;
  mapRoles?: string;
  mapUsers?: string;
  mapAccounts?: string;
  entries?: Partial<AccessEntryRecord>[];
}): ClusterAccess {
  const data: Record<string, string> = {};
  if (options.mapRoles !== undefined) data["mapRoles"] = options.mapRoles;
  if (options.mapUsers !== undefined) data["mapUsers"] = options.mapUsers;
  if (options.mapAccounts !== undefined) data["mapAccounts"] = options.mapAccounts;
  const parsed = parseAwsAuthData(data);
  if (!parsed.ok) throw new Error("aws-auth did not parse");
  const hasAwsAuth = Object.keys(data).length > 0;
  return {
    name: "c1",
    authenticationMode: options.mode ?? "CONFIG_MAP",
    modeSource: "cluster.json",
    accessEntries: (options.entries ?? []).map((e, i) => ({
      principalArn: e.principalArn ?? "",
      type: e.type ?? "STANDARD",
      kubernetesGroups: e.kubernetesGroups ?? [],
      ...(e.username !== undefined ? { username: e.username } : {}),
      associations: e.associations ?? [],
      source: `access-entries.json accessEntries[${i}]`,
    })),
    ...(hasAwsAuth ? { awsAuth: { file: "aws-auth.yaml", mappings: parsed.value } } : {}),
    rbac: buildRbacSnapshot({
      roles: [],
      clusterRoles: [],
      roleBindings: [],
      clusterRoleBindings: [],
      namespaces: [],
    }).snapshot,
  };
}

function mapped(m: ClusterMapping): MappedIdentity {
  if (!m.mapped) throw new Error(`expected a mapping, got: ${m.reason}`);
  return m;
}

const teamRoles = `
- rolearn: ${role("team-a")}
  username: "team-a:{{SessionName}}"
  groups: ["team-a"]
`;

describe("aws-auth matching (aws-auth-spec.md, Matching an identity)", () => {
  it("canonicalizes an assumed-role session ARN to the role ARN", () => {
    const m = mapped(
      mapPrincipal(cluster({ mapRoles: teamRoles }), {
        principalArn: `arn:aws:sts::${A}:assumed-role/team-a/alice`,
      }),
    );
    expect(m.canonicalArn).toBe(role("team-a"));
    expect(m.username).toBe("team-a:alice");
    expect(m.source.kind === "aws-auth" && m.source.path).toBe("mapRoles[0]");
  });

  it("never matches a rolearn written with a role path, and says why", () => {
    const c = cluster({
      mapRoles: `- rolearn: arn:aws:iam::${A}:role/team/ops\n  username: ops\n  groups: [ops]\n`,
    });
    const m = mapPrincipal(c, { principalArn: `arn:aws:iam::${A}:role/team/ops`, sessionName: "alice" });
    expect(m.mapped).toBe(false);
    expect(m.notes.join(" ")).toMatch(/role path/);
  });

  it("keeps the path of IAM user ARNs", () => {
    const c = cluster({
      mapUsers: `- userarn: arn:aws:iam::${A}:user/eng/bob\n  username: bob\n  groups: [eng]\n`,
    });
    expect(mapped(mapPrincipal(c, { principalArn: `arn:aws:iam::${A}:user/eng/bob` })).username).toBe("bob");
    expect(mapPrincipal(c, { principalArn: user("bob") }).mapped).toBe(false);
  });

  it("compares ARNs without case", () => {
    const c = cluster({
      mapRoles: `- rolearn: ARN:AWS:IAM::${A}:ROLE/TEAM-A\n  username: a\n  groups: [a]\n`,
    });
    expect(mapped(mapPrincipal(c, { principalArn: role("team-a") })).username).toBe("a");
  });

  it("reads entry field names without case (crazy-case keys)", () => {
    const c = cluster({ mapRoles: `- RoleArn: ${role("team-a")}\n  UserName: a\n  GROUPS: [a]\n` });
    expect(mapped(mapPrincipal(c, { principalArn: role("team-a") })).groups).toEqual(["a"]);
  });

  it("lets the last of duplicate ARNs win and names the shadowed entry", () => {
    const c = cluster({
      mapRoles: `- rolearn: ${role("team-a")}\n  username: first\n  groups: [first]\n- rolearn: ${role("Team-A")}\n  username: second\n  groups: [second]\n`,
    });
    const m = mapped(mapPrincipal(c, { principalArn: role("team-a") }));
    expect(m.username).toBe("second");
    expect(m.source.kind === "aws-auth" && m.source.shadows).toEqual(["mapRoles[0]"]);
    expect(m.notes.join(" ")).toMatch(/shadows mapRoles\[0\]/);
  });

  it("tries mapUsers before mapAccounts", () => {
    const c = cluster({
      mapUsers: `- userarn: ${user("bob")}\n  username: bob\n  groups: [users]\n`,
      mapAccounts: `- "${A}"\n`,
    });
    expect(mapped(mapPrincipal(c, { principalArn: user("bob") })).username).toBe("bob");
  });

  it("maps any principal of a mapAccounts account to its canonical ARN without groups", () => {
    const c = cluster({ mapAccounts: `- "${A}"\n` });
    const m = mapped(mapPrincipal(c, { principalArn: `arn:aws:sts::${A}:assumed-role/whatever/s1` }));
    expect(m.username).toBe(role("whatever"));
    expect(m.groups).toEqual([]);
    expect(m.identity.groups).toEqual(["system:authenticated"]);
    expect(m.source.kind === "aws-auth" && m.source.key).toBe("mapAccounts");
  });

  it("accepts other partitions", () => {
    const c = cluster({
      mapRoles: `- rolearn: arn:aws-cn:iam::${A}:role/cn\n  username: cn\n  groups: []\n`,
    });
    expect(mapped(mapPrincipal(c, { principalArn: `arn:aws-cn:iam::${A}:role/cn` })).username).toBe("cn");
  });

  it("drops the whole mapRoles key on a YAML error", () => {
    const c = cluster({ mapRoles: `- rolearn: ${role("team-a")}\n  username: a\n  groups: [a\n` });
    expect(mapPrincipal(c, { principalArn: role("team-a") }).mapped).toBe(false);
  });

  it("adds system:authenticated to every mapped identity", () => {
    expect(
      mapped(mapPrincipal(cluster({ mapRoles: teamRoles }), { principalArn: role("team-a") })).identity
        .groups,
    ).toEqual(["team-a", "system:authenticated"]);
  });
});

describe("aws-auth templates (aws-auth-spec.md, Templates)", () => {
  const t = (username: string, groups = "[]") =>
    cluster({ mapRoles: `- rolearn: ${role("r")}\n  username: "${username}"\n  groups: ${groups}\n` });

  it("{{SessionName}} replaces @ with -", () => {
    expect(
      mapped(
        mapPrincipal(t("u:{{SessionName}}"), { principalArn: role("r"), sessionName: "alice@example.com" }),
      ).username,
    ).toBe("u:alice-example.com");
  });

  it("{{SessionNameRaw}} keeps the session name as is", () => {
    expect(
      mapped(
        mapPrincipal(t("u:{{SessionNameRaw}}"), {
          principalArn: role("r"),
          sessionName: "alice@example.com",
        }),
      ).username,
    ).toBe("u:alice@example.com");
  });

  it("{{AccountID}} is the caller's account, also in groups", () => {
    const m = mapped(mapPrincipal(t("u:{{AccountID}}", '["g-{{AccountID}}"]'), { principalArn: role("r") }));
    expect(m.username).toBe(`u:${A}`);
    expect(m.groups).toEqual([`g-${A}`]);
  });

  it("{{EC2PrivateDNSName}} denies a session that is not an instance ID", () => {
    const m = mapPrincipal(t("system:node:{{EC2PrivateDNSName}}"), {
      principalArn: role("r"),
      sessionName: "alice",
    });
    expect(m.mapped).toBe(false);
    expect(!m.mapped && m.reason).toMatch(/EC2 instance ID/);
  });

  it("{{EC2PrivateDNSName}} with an instance ID session maps, the name left unresolved offline", () => {
    const m = mapped(
      mapPrincipal(t("system:node:{{EC2PrivateDNSName}}"), {
        principalArn: role("r"),
        sessionName: "i-0123456789abcdef0",
      }),
    );
    expect(m.username).toBe("system:node:{{EC2PrivateDNSName}}");
    expect(m.notes.join(" ")).toMatch(/EC2PrivateDNSName/);
  });

  it("{{AccessKeyID}} is left unresolved offline, with a note", () => {
    const m = mapped(mapPrincipal(t("k:{{AccessKeyID}}"), { principalArn: role("r") }));
    expect(m.username).toBe("k:{{AccessKeyID}}");
    expect(m.notes.join(" ")).toMatch(/AccessKeyID/);
  });

  it("uses EKSGetTokenAuth for a role given without a session name, and says so", () => {
    const m = mapped(mapPrincipal(t("u:{{SessionName}}"), { principalArn: role("r") }));
    expect(m.username).toBe("u:EKSGetTokenAuth");
    expect(m.sessionNameReason).toMatch(/get-token/);
    expect(m.sessionDependent).toBe(true);
  });

  it("resolves the session name to the user name when told so", () => {
    const m = mapped(
      mapPrincipal(t("u:{{SessionName}}"), {
        principalArn: role("r"),
        sessionName: "alice",
        sessionNameReason: "alice's IAM user name",
      }),
    );
    expect(m.username).toBe("u:alice");
    expect(m.sessionNameReason).toBe("alice's IAM user name");
  });
});

describe("access entries and their precedence (eks-access-entries.md)", () => {
  const policy: AccessPolicyAssociation = {
    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    accessScope: { type: "namespace", namespaces: ["dev-*"] },
  };
  const entry = {
    principalArn: role("team-a"),
    kubernetesGroups: ["from-entry"],
    username: "entry:{{SessionName}}",
    associations: [policy],
  };

  it("API_AND_CONFIG_MAP: the access entry wins over aws-auth", () => {
    const m = mapped(
      mapPrincipal(cluster({ mode: "API_AND_CONFIG_MAP", mapRoles: teamRoles, entries: [entry] }), {
        principalArn: role("team-a"),
        sessionName: "bob",
      }),
    );
    expect(m.via).toBe("access-entry");
    expect(m.username).toBe("entry:bob");
    expect(m.groups).toEqual(["from-entry"]);
    expect(m.accessPolicies).toEqual([policy]);
    expect(m.why).toMatch(/precedence over aws-auth/);
  });

  it("API_AND_CONFIG_MAP: aws-auth maps principals without an entry", () => {
    const m = mapped(
      mapPrincipal(
        cluster({
          mode: "API_AND_CONFIG_MAP",
          mapRoles: teamRoles,
          entries: [{ ...entry, principalArn: role("other") }],
        }),
        { principalArn: role("team-a") },
      ),
    );
    expect(m.via).toBe("aws-auth");
  });

  it("API: aws-auth is not read", () => {
    const m = mapPrincipal(cluster({ mode: "API", mapRoles: teamRoles }), { principalArn: role("team-a") });
    expect(m.mapped).toBe(false);
    expect(!m.mapped && m.reason).toMatch(/mode API/);
  });

  it("CONFIG_MAP: access entries are not read", () => {
    const m = mapped(
      mapPrincipal(cluster({ mode: "CONFIG_MAP", mapRoles: teamRoles, entries: [entry] }), {
        principalArn: role("team-a"),
      }),
    );
    expect(m.via).toBe("aws-auth");
    expect(m.notes.join(" ")).toMatch(/CONFIG_MAP/);
  });

  it("matches an entry for a role with a path from a session, which has none", () => {
    const m = mapped(
      mapPrincipal(
        cluster({
          mode: "API",
          entries: [{ ...entry, principalArn: `arn:aws:iam::${A}:role/teams/team-a` }],
        }),
        {
          principalArn: `arn:aws:sts::${A}:assumed-role/team-a/carol`,
        },
      ),
    );
    expect(m.username).toBe("entry:carol");
  });

  it("gives a role entry without a user name the assumed-role ARN as user name", () => {
    const m = mapped(
      mapPrincipal(
        cluster({ mode: "API", entries: [{ principalArn: role("team-a"), kubernetesGroups: ["g"] }] }),
        { principalArn: role("team-a"), sessionName: "s1" },
      ),
    );
    expect(m.username).toBe(`arn:aws:sts::${A}:assumed-role/team-a/s1`);
  });

  it("gives node entry types a node identity and no access policies", () => {
    const m = mapped(
      mapPrincipal(
        cluster({
          mode: "API",
          entries: [{ principalArn: role("nodes"), type: "FARGATE_LINUX", associations: [policy] }],
        }),
        { principalArn: role("nodes"), sessionName: "fargate-ip-10-0-0-1" },
      ),
    );
    expect(m.username).toBe("system:node:fargate-ip-10-0-0-1");
    expect(m.groups).toContain("system:nodes");
    expect(m.accessPolicies).toEqual([]);
  });

  it("maps IAM users through their entries", () => {
    const m = mapped(
      mapPrincipal(
        cluster({
          mode: "API",
          entries: [{ principalArn: user("dora"), kubernetesGroups: ["g"], username: "dora" }],
        }),
        { principalArn: user("dora") },
      ),
    );
    expect(m.identity).toMatchObject({ user: "dora", groups: ["g", "system:authenticated"] });
  });
});

// aws-iam-authenticator honours mapRoles `sso` entries only behind its alpha SSORoleMatch
// feature gate (pkg/config/mapper.go, RoleMapping.Matches); EKS does not enable it, so the
// mapping defaults to the gate being off.
describe("sso entries and the SSORoleMatch feature gate", () => {
  const ssoCluster = cluster({
    mapRoles: `- sso: {permissionSetName: Admin, accountID: "${A}"}\n  username: admin:{{SessionName}}\n  groups: [admins]\n`,
  });
  const session = `arn:aws:sts::${A}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice`;

  it("by default (as on EKS) an sso entry maps nobody, and the mapping says why", () => {
    const m = mapPrincipal(ssoCluster, { principalArn: session });
    expect(m.mapped).toBe(false);
    expect(m.notes.join("\n")).toContain("SSORoleMatch feature gate, which EKS does not enable");
    expect(clusterMappingTargets(ssoCluster).rolePatterns).toEqual([]);
  });

  it("with the gate on, the session of the matching role is mapped", () => {
    const m = mapped(mapPrincipal(ssoCluster, { principalArn: session }, { ssoRoleMatch: true }));
    expect([m.username, m.groups]).toEqual(["admin:alice", ["admins"]]);
    expect(clusterMappingTargets(ssoCluster, { ssoRoleMatch: true }).rolePatterns).toEqual([
      `arn:aws:iam::${A}:role/awsreservedsso_admin_*`,
    ]);
  });

  it("a rolearn for the same role maps it either way, without the note", () => {
    const both = cluster({
      mapRoles: `- rolearn: arn:aws:iam::${A}:role/AWSReservedSSO_Admin_0123456789abcdef\n  username: by-arn\n  groups: [g]\n`,
    });
    const m = mapped(mapPrincipal(both, { principalArn: session }));
    expect([m.username, m.notes]).toEqual(["by-arn", []]);
  });
});
