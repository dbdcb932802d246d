// The planner and kube-system/aws-auth: one step per cluster whose payload (the entries
// eksgate wants and the role ARNs it owns) makes the writer keep everything else.
import { describe, expect, it } from "vitest";
import { parseAwsAuthData, updateAwsAuthData } from "../../src/core/model/aws-auth.js";
import type { ObservedState } from "../../src/core/plan/observed.js";
import type { Plan } from "../../src/core/plan/plan.js";
import {
  ACCOUNT,
  cluster,
  configFrom,
  emptyObservedState,
  mapCluster,
  planErrors,
  planOf,
  roleArn,
  stepById,
  stepIds,
  TWO_CLUSTERS_MODES,
  TWO_CLUSTERS_YAML,
} from "../support/observed-state.js";
import { applyWithEngine } from "../support/fake-cloud.js";

const config = configFrom(TWO_CLUSTERS_YAML);
const empty = emptyObservedState(config, { modes: TWO_CLUSTERS_MODES });

// What other people and tools put in aws-auth: a node role, an entry with crazy-case keys,
// an unknown field and a comment, an sso entry with userid, another tool's entry.
const NODE_ROLE = `- groups:
  - system:bootstrappers
  - system:nodes
  rolearn: arn:aws:iam::${ACCOUNT}:role/eks-nodes
  username: system:node:{{EC2PrivateDNSName}}
`;
const FOREIGN_ROLES = `${NODE_ROLE}# platform team, do not touch
- RoleArn: arn:aws:iam::${ACCOUNT}:role/platform
  UserName: "platform:{{SessionName}}"   # keep quoted
  GROUPS: [platform]
  x-owner: platform@example.com
- sso:
    permissionSetName: ReadOnly
    accountID: "${ACCOUNT}"
  username: sso:{{SessionNameRaw}}
  groups: [viewers]
  userid: AROAEXAMPLEID
- rolearn: arn:aws:iam::${ACCOUNT}:role/admins
  username: admin:{{SessionName}}
  groups:
    - system:masters
`;
const MAP_USERS = `- userarn: arn:aws:iam::${ACCOUNT}:user/alice
  username: alice
  groups: [viewers]
`;
const MAP_ACCOUNTS = `- "${ACCOUNT}"
`;
const FOREIGN_DATA: Readonly<Record<string, string>> = {
  mapRoles: FOREIGN_ROLES,
  mapUsers: MAP_USERS,
  mapAccounts: MAP_ACCOUNTS,
  "other-tool.example.com/config": "keep: me\n",
};

function withAwsAuth(state: ObservedState, data: Readonly<Record<string, string>>): ObservedState {
  return mapCluster(state, "dev", () => ({ awsAuth: { data, resourceVersion: "41" } }));
}

/** Runs the writer on the observed data with the plan's aws-auth payload, as apply does. */
function written(state: ObservedState, plan: Plan): Record<string, string> {
  const step = stepById(plan, "aws-auth/dev");
  if (step.payload.type !== "aws-auth") throw new Error("not an aws-auth payload");
  const data = cluster(state, "dev").awsAuth?.data ?? {};
  const result = updateAwsAuthData(data, step.payload.desired, step.payload.owned);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.value.data;
}

describe("an aws-auth ConfigMap full of entries eksgate does not own", () => {
  const state = withAwsAuth(empty, FOREIGN_DATA);
  const plan = planOf(config, state);

  it("gets one update step that only adds eksgate's entries", () => {
    const step = stepById(plan, "aws-auth/dev");
    expect(step.action).toBe("update");
    expect(step.reason).toBe("eksgate's entries in mapRoles differ from the config");
    expect(step.changes).toEqual([
      `+ mapRoles[4] ${roleArn("eksgate-rnd")} username=eksgate:rnd:{{SessionName}} groups=[eksgate:rnd]`,
      `+ mapRoles[5] ${roleArn("eksgate-payments")} username=eksgate:payments:{{SessionName}} groups=[eksgate:payments]`,
      `+ mapRoles[6] ${roleArn("eksgate-support")} username=eksgate:support:{{SessionName}} groups=[eksgate:support]`,
    ]);
    expect(stepIds(plan).filter((id) => id.startsWith("aws-auth/"))).toEqual(["aws-auth/dev"]);
  });

  it("keeps every key, entry, field and comment it does not own when the payload is written", () => {
    const data = written(state, plan);
    expect(Object.keys(data).sort()).toEqual(Object.keys(FOREIGN_DATA).sort());
    expect(data.mapUsers).toBe(MAP_USERS);
    expect(data.mapAccounts).toBe(MAP_ACCOUNTS);
    expect(data["other-tool.example.com/config"]).toBe("keep: me\n");
    // The foreign mapRoles text is kept byte for byte; eksgate's entries follow it.
    expect(data.mapRoles?.startsWith(FOREIGN_ROLES)).toBe(true);
    const parsed = parseAwsAuthData(data);
    if (!parsed.ok) throw new Error("does not parse");
    expect(parsed.value.status).toEqual({ mapRoles: "read", mapUsers: "read", mapAccounts: "read" });
    const roles = parsed.value.effectiveRoles;
    expect(roles.map((r) => r.rolearn || `sso:${r.sso?.permissionSetName ?? ""}`)).toEqual([
      `arn:aws:iam::${ACCOUNT}:role/eks-nodes`,
      `arn:aws:iam::${ACCOUNT}:role/platform`,
      "sso:ReadOnly",
      `arn:aws:iam::${ACCOUNT}:role/admins`,
      roleArn("eksgate-rnd"),
      roleArn("eksgate-payments"),
      roleArn("eksgate-support"),
    ]);
    const sso = roles.find((r) => r.sso !== undefined);
    expect(sso?.userid).toBe("AROAEXAMPLEID");
    expect(roles[1]?.fields.rolearn?.name).toBe("RoleArn");
    expect(data.mapRoles).toContain("x-owner: platform@example.com");
    expect(parsed.value.users.map((u) => u.userarn)).toEqual([`arn:aws:iam::${ACCOUNT}:user/alice`]);
    expect(parsed.value.accounts.map((a) => a.accountId)).toEqual([ACCOUNT]);
  });

  it("converges: after the write, the plan has no aws-auth step and the foreign entries are still there", async () => {
    const after = await applyWithEngine(config, state, plan);
    expect(planOf(config, after).steps).toEqual([]);
    expect(cluster(after, "dev").awsAuth?.data.mapRoles?.startsWith(FOREIGN_ROLES)).toBe(true);
  });

  it("survives a team removal and a destroy too", async () => {
    const after = await applyWithEngine(config, state, plan);
    const withoutRnd = configFrom(
      TWO_CLUSTERS_YAML.replace(/  - name: rnd\n[\s\S]*?(?=  - name: payments)/, ""),
    );
    const removal = planOf(withoutRnd, after);
    expect(stepById(removal, "aws-auth/dev").changes).toEqual([
      `- mapRoles[4] ${roleArn("eksgate-rnd")} username=eksgate:rnd:{{SessionName}} groups=[eksgate:rnd]`,
    ]);
    const kept = written(after, removal);
    expect(kept.mapRoles?.startsWith(FOREIGN_ROLES)).toBe(true);
    expect(kept.mapRoles).not.toContain("eksgate-rnd");
    expect(kept.mapUsers).toBe(MAP_USERS);
    expect(kept.mapAccounts).toBe(MAP_ACCOUNTS);

    const destroy = planOf(config, after, { destroy: true });
    const data = written(after, destroy);
    expect(data.mapRoles).toBe(FOREIGN_ROLES);
    expect(data.mapUsers).toBe(MAP_USERS);
    expect(data.mapAccounts).toBe(MAP_ACCOUNTS);
    expect(data["other-tool.example.com/config"]).toBe("keep: me\n");
    expect(stepById(destroy, "aws-auth/dev").changes.every((l) => l.startsWith("- "))).toBe(true);
  });
});

const converged = await applyWithEngine(config, empty, planOf(config, empty));

describe("eksgate's own aws-auth entries", () => {
  const mapRoles = cluster(converged, "dev").awsAuth?.data.mapRoles ?? "";

  it("are updated in place when someone edited them, the rest untouched", () => {
    const edited = mapRoles.replace(
      "    - eksgate:payments\n",
      "    - eksgate:payments\n    - system:masters\n",
    );
    expect(edited).not.toBe(mapRoles);
    const state = withAwsAuth(converged, { mapRoles: `${NODE_ROLE}${edited}`, mapUsers: MAP_USERS });
    const plan = planOf(config, state);
    expect(stepIds(plan)).toEqual(["aws-auth/dev"]);
    expect(stepById(plan, "aws-auth/dev").changes).toEqual([
      `~ mapRoles[2] ${roleArn("eksgate-payments")} username=eksgate:payments:{{SessionName}} groups=[eksgate:payments, system:masters] -> username=eksgate:payments:{{SessionName}} groups=[eksgate:payments]`,
    ]);
    const data = written(state, plan);
    expect(data.mapRoles).toBe(`${NODE_ROLE}${mapRoles}`);
    expect(data.mapUsers).toBe(MAP_USERS);
  });

  it("lose a shadowed duplicate that eksgate owns", () => {
    const duplicate = `- rolearn: ${roleArn("EKSGATE-RND")}
  username: stale
  groups: [stale]
`;
    const state = withAwsAuth(converged, { mapRoles: `${duplicate}${mapRoles}` });
    const plan = planOf(config, state);
    expect(stepById(plan, "aws-auth/dev").changes).toEqual([
      `- mapRoles[0] ${roleArn("EKSGATE-RND")} username=stale groups=[stale] (shadowed duplicate)`,
    ]);
    expect(written(state, plan).mapRoles).toBe(mapRoles);
  });

  it("need no step when they match, whatever else the ConfigMap holds", () => {
    const state = withAwsAuth(converged, { ...FOREIGN_DATA, mapRoles: `${FOREIGN_ROLES}${mapRoles}` });
    expect(planOf(config, state).steps).toEqual([]);
  });

  it("of other teams are left as they are by a --team plan", () => {
    const drifted = mapRoles.replace("  username: eksgate:rnd:{{SessionName}}", "  username: someone-else");
    const state = withAwsAuth(converged, { mapRoles: drifted });
    expect(planOf(config, state, { team: "payments" }).steps).toEqual([]);
    const rnd = planOf(config, state, { team: "rnd" });
    expect(stepIds(rnd)).toEqual(["aws-auth/dev"]);
    const step = stepById(rnd, "aws-auth/dev");
    expect(step.payload).toEqual({
      type: "aws-auth",
      desired: [
        { rolearn: roleArn("eksgate-rnd"), username: "eksgate:rnd:{{SessionName}}", groups: ["eksgate:rnd"] },
      ],
      owned: [roleArn("eksgate-rnd")],
    });
    expect(written(state, rnd).mapRoles).toBe(mapRoles);
  });
});

describe("an aws-auth the authenticator cannot fully read", () => {
  const BROKEN = `- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:nodes
- rolearn: arn:aws:iam::${ACCOUNT}:role/team-a
  username: team-a:{{SessionName}}
 groups:
    - team-a
`;

  it("stops the plan with EG213 and plans no write when mapRoles is broken", () => {
    const errors = planErrors(config, withAwsAuth(empty, { mapRoles: BROKEN, mapUsers: MAP_USERS }));
    expect(errors.map((d) => d.code)).toEqual(["EG213"]);
    expect(errors[0]?.summary).toContain("aws-auth on dev has mapRoles that the authenticator cannot parse");
    expect(errors[0]?.detail).toContain("eksgate lint aws-auth");
  });

  it("stops with EG213 when another key (mapUsers) is broken", () => {
    const errors = planErrors(
      config,
      withAwsAuth(empty, { mapRoles: NODE_ROLE, mapUsers: "- userarn: [\n" }),
    );
    expect(errors.map((d) => d.code)).toEqual(["EG213"]);
    expect(errors[0]?.summary).toContain("mapUsers");
  });

  it("refuses a mapRoles that is a JSON object instead of a list", () => {
    const errors = planErrors(config, withAwsAuth(empty, { mapRoles: '{"rolearn": "x"}' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.summary).toMatch(/aws-auth on dev/);
  });
});

describe("system:masters", () => {
  const MASTERS_YAML = TWO_CLUSTERS_YAML.replace(
    "        clusterRole: cluster-admin\n        allowClusterAdmin: true\n",
    "        clusterRole: cluster-admin\n        allowClusterAdmin: true\n      - cluster: prod\n        clusterRole: cluster-admin\n        allowClusterAdmin: true\n    systemMasters: true\n",
  );

  function payloadsOf(plan: Plan): string {
    return JSON.stringify(plan.steps.map((s) => s.payload));
  }

  it("never appears in any payload of a config that does not ask for it", () => {
    const foreign = withAwsAuth(converged, FOREIGN_DATA);
    const plans = [
      planOf(config, empty),
      planOf(config, withAwsAuth(empty, FOREIGN_DATA)),
      planOf(config, foreign),
      planOf(config, foreign, { destroy: true }),
      planOf(config, converged, { destroy: true, team: "rnd" }),
    ];
    for (const plan of plans) expect(payloadsOf(plan)).not.toContain("system:masters");
  });

  it("is mapped in aws-auth, and becomes a cluster-admin access policy, for the one team that asks", () => {
    const masters = configFrom(MASTERS_YAML);
    const state = emptyObservedState(masters, { modes: TWO_CLUSTERS_MODES });
    const plan = planOf(masters, state);
    const step = stepById(plan, "aws-auth/dev");
    if (step.payload.type !== "aws-auth") throw new Error("not aws-auth");
    expect(step.payload.desired.map((d) => [d.rolearn, d.groups])).toEqual([
      [roleArn("eksgate-rnd"), ["eksgate:rnd", "system:masters"]],
      [roleArn("eksgate-payments"), ["eksgate:payments"]],
      [roleArn("eksgate-support"), ["eksgate:support"]],
    ]);
    const entry = stepById(plan, `access-entry/prod/${roleArn("eksgate-rnd")}`);
    expect(entry.payload).toMatchObject({ kubernetesGroups: ["eksgate:rnd"] });
    const policyId = `access-policy/prod/${roleArn("eksgate-rnd")}/arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
    expect(stepById(plan, policyId).payload).toEqual({
      type: "access-policy",
      accessScope: { type: "cluster" },
    });
    // Only rnd's aws-auth entry carries it; no access-entry payload ever does.
    const accessEntryPayloads = plan.steps
      .filter((s) => s.payload.type === "access-entry")
      .map((s) => s.payload);
    expect(JSON.stringify(accessEntryPayloads)).not.toContain("system:masters");
  });

  it("is taken away again when the team stops asking", async () => {
    const masters = configFrom(MASTERS_YAML);
    const state = emptyObservedState(masters, { modes: TWO_CLUSTERS_MODES });
    const applied = await applyWithEngine(masters, state, planOf(masters, state));
    const plain = configFrom(MASTERS_YAML.replace("    systemMasters: true\n", ""));
    const plan = planOf(plain, applied);
    expect(plan.steps.map((s) => [s.id, s.action])).toEqual([
      ["aws-auth/dev", "update"],
      [
        `access-policy/prod/${roleArn("eksgate-rnd")}/arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        "delete",
      ],
    ]);
    expect(payloadsOf(plan)).not.toContain("system:masters");
    const after = await applyWithEngine(plain, applied, plan);
    expect(cluster(after, "dev").awsAuth?.data.mapRoles).not.toContain("system:masters");
    expect(planOf(plain, after).steps).toEqual([]);
  });
});

describe("authentication mode checks for aws-auth clusters", () => {
  it("refuses authentication: aws-auth on a cluster in API mode (EG211)", () => {
    const state = emptyObservedState(config, { modes: { dev: "API", prod: "API" } });
    const errors = planErrors(config, state);
    expect(errors).toEqual([expect.objectContaining({ code: "EG211", path: "clusters[0].authentication" })]);
    expect(errors[0]?.detail).toContain("access-entries");
  });

  it("reports a cluster that does not exist (EG210)", () => {
    const state = mapCluster(empty, "dev", () => ({ authenticationMode: undefined }));
    expect(planErrors(config, state)).toEqual([
      expect.objectContaining({ code: "EG210", path: "clusters[0].name" }),
    ]);
  });

  it("uses aws-auth on an API_AND_CONFIG_MAP cluster when the config says aws-auth", () => {
    const state = emptyObservedState(config, { modes: { dev: "API_AND_CONFIG_MAP", prod: "API" } });
    expect(stepIds(planOf(config, state))).toContain("aws-auth/dev");
  });
});
