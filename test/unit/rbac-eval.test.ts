import { describe, expect, it } from "vitest";
import type {
  ClusterRole,
  ClusterRoleBinding,
  Identity,
  PolicyRule,
  RbacSnapshot,
  RequestAttributes,
  ResourceAttributes,
  Role,
  RoleBinding,
  Subject,
} from "../../src/core/evaluate/rbac/index.js";
import {
  aggregateClusterRoles,
  authenticatedIdentity,
  authorize,
  describeEdge,
  describeGrant,
  escalationEdges,
  loadRbacSnapshot,
  whoCan,
} from "../../src/core/evaluate/rbac/index.js";

const G = "rbac.authorization.k8s.io";

function clusterRole(name: string, rules: PolicyRule[], extra: Partial<ClusterRole> = {}): ClusterRole {
  return {
    apiVersion: `${G}/v1`,
    kind: "ClusterRole",
    metadata: { name, ...(extra.metadata ?? {}) },
    rules,
    ...extra,
  };
}
function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: `${G}/v1`, kind: "Role", metadata: { name, namespace }, rules };
}
const user = (name: string): Subject => ({ kind: "User", apiGroup: G, name });
const group = (name: string): Subject => ({ kind: "Group", apiGroup: G, name });
const sa = (name: string, namespace?: string): Subject => ({
  kind: "ServiceAccount",
  name,
  ...(namespace ? { namespace } : {}),
});
function crb(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: `${G}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name },
    subjects,
    roleRef: { apiGroup: G, kind: "ClusterRole", name: roleName },
  };
}
function rb(
  namespace: string,
  name: string,
  kind: "Role" | "ClusterRole",
  roleName: string,
  subjects: Subject[],
): RoleBinding {
  return {
    apiVersion: `${G}/v1`,
    kind: "RoleBinding",
    metadata: { name, namespace },
    subjects,
    roleRef: { apiGroup: G, kind, name: roleName },
  };
}

function snap(objects: unknown[]): RbacSnapshot {
  return loadRbacSnapshot(objects).snapshot;
}
const alice: Identity = { user: "alice", groups: [] };
function can(s: RbacSnapshot, id: Identity, req: RequestAttributes): boolean {
  return authorize(s, id, req).allowed;
}
function res(
  verb: string,
  resource: string,
  more: Pick<ResourceAttributes, "subresource" | "name" | "namespace"> = {},
): ResourceAttributes {
  return { verb, apiGroup: "", resource, ...more };
}

describe("R1 verbs", () => {
  const s = snap([
    clusterRole("getter", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]),
    clusterRole("any-verb", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }]),
    crb("a", "getter", [user("alice")]),
    crb("b", "any-verb", [user("alice")]),
  ]);
  it("matches the exact verb and any verb through *", () => {
    expect(can(s, alice, res("get", "pods"))).toBe(true);
    expect(can(s, alice, res("escalate", "configmaps"))).toBe(true);
  });
  it("is exact and case-sensitive", () => {
    expect(can(s, alice, res("list", "pods"))).toBe(false);
    expect(can(s, alice, res("GET", "pods"))).toBe(false);
  });
});

describe("R2 API groups", () => {
  const s = snap([
    clusterRole("core", [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }]),
    clusterRole("all-groups", [{ apiGroups: ["*"], resources: ["deployments"], verbs: ["list"] }]),
    crb("a", "core", [user("alice")]),
    crb("b", "all-groups", [user("alice")]),
  ]);
  it("the core group is the empty string; * matches any group", () => {
    expect(can(s, alice, res("get", "pods"))).toBe(true);
    expect(can(s, alice, { verb: "list", apiGroup: "apps", resource: "deployments" })).toBe(true);
  });
  it("a core-group rule does not grant another group", () => {
    expect(can(s, alice, { verb: "get", apiGroup: "apps", resource: "deployments" })).toBe(false);
    expect(can(s, alice, { verb: "get", apiGroup: "core", resource: "pods" })).toBe(false);
  });
});

describe("R3 resources and subresources", () => {
  const s = snap([
    clusterRole("pods", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]),
    clusterRole("podstar", [{ apiGroups: [""], resources: ["pods/*"], verbs: ["get"] }]),
    clusterRole("log", [{ apiGroups: [""], resources: ["pods/log"], verbs: ["get"] }]),
    clusterRole("scale", [{ apiGroups: ["*"], resources: ["*/scale"], verbs: ["update"] }]),
    clusterRole("all", [{ apiGroups: ["*"], resources: ["*"], verbs: ["watch"] }]),
    crb("p", "pods", [user("p")]),
    crb("ps", "podstar", [user("ps")]),
    crb("l", "log", [user("l")]),
    crb("s", "scale", [user("s")]),
    crb("a", "all", [user("a")]),
  ]);
  const u = (name: string): Identity => ({ user: name, groups: [] });
  it("pods does not match pods/log; pods/* is no wildcard", () => {
    expect(can(s, u("p"), res("get", "pods"))).toBe(true);
    expect(can(s, u("p"), res("get", "pods", { subresource: "log" }))).toBe(false);
    expect(can(s, u("ps"), res("get", "pods", { subresource: "log" }))).toBe(false);
  });
  it("pods/log matches only that subresource", () => {
    expect(can(s, u("l"), res("get", "pods", { subresource: "log" }))).toBe(true);
    expect(can(s, u("l"), res("get", "pods"))).toBe(false);
    expect(can(s, u("l"), res("get", "pods", { subresource: "exec" }))).toBe(false);
  });
  it("*/scale matches the scale subresource of anything, not the parent", () => {
    expect(
      can(s, u("s"), { verb: "update", apiGroup: "apps", resource: "deployments", subresource: "scale" }),
    ).toBe(true);
    expect(can(s, u("s"), { verb: "update", apiGroup: "apps", resource: "deployments" })).toBe(false);
    expect(
      can(s, u("s"), { verb: "update", apiGroup: "apps", resource: "deployments", subresource: "status" }),
    ).toBe(false);
  });
  it("* matches subresources too", () => {
    expect(can(s, u("a"), res("watch", "pods", { subresource: "log" }))).toBe(true);
  });
});

describe("R4 resourceNames", () => {
  const s = snap([
    clusterRole("one-cm", [
      {
        apiGroups: [""],
        resources: ["configmaps"],
        resourceNames: ["app"],
        verbs: ["get", "list", "create", "watch", "deletecollection", "update"],
      },
    ]),
    crb("a", "one-cm", [user("alice")]),
  ]);
  it("allows the named object only", () => {
    expect(can(s, alice, res("get", "configmaps", { name: "app", namespace: "x" }))).toBe(true);
    expect(can(s, alice, res("update", "configmaps", { name: "app" }))).toBe(true);
    expect(can(s, alice, res("get", "configmaps", { name: "other" }))).toBe(false);
  });
  it("never matches requests without a name (list, create, watch, deletecollection)", () => {
    for (const verb of ["list", "create", "watch", "deletecollection"]) {
      expect(can(s, alice, res(verb, "configmaps", { namespace: "x" }))).toBe(false);
    }
  });
  it("an empty list allows any name and no name", () => {
    const t = snap([
      clusterRole("c", [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [], verbs: ["list"] }]),
      crb("a", "c", [user("alice")]),
    ]);
    expect(can(t, alice, res("list", "configmaps"))).toBe(true);
    expect(can(t, alice, res("list", "configmaps", { name: "z" }))).toBe(true);
  });
});

describe("R5 non-resource URLs", () => {
  const s = snap([
    clusterRole("urls", [
      { nonResourceURLs: ["/api*"], verbs: ["get"] },
      { nonResourceURLs: ["/healthz/*"], verbs: ["get"] },
      { nonResourceURLs: ["/version"], verbs: ["get"] },
    ]),
    clusterRole("all-urls", [{ nonResourceURLs: ["*"], verbs: ["post"] }]),
    crb("a", "urls", [user("alice")]),
    crb("b", "all-urls", [user("alice")]),
    rb("dev", "ns-urls", "ClusterRole", "urls", [user("bob")]),
  ]);
  it("prefix when the rule ends in *, exact otherwise", () => {
    expect(can(s, alice, { verb: "get", path: "/apis" })).toBe(true);
    expect(can(s, alice, { verb: "get", path: "/api/v1" })).toBe(true);
    expect(can(s, alice, { verb: "get", path: "/healthz/etcd" })).toBe(true);
    expect(can(s, alice, { verb: "get", path: "/healthz" })).toBe(false);
    expect(can(s, alice, { verb: "get", path: "/version" })).toBe(true);
    expect(can(s, alice, { verb: "get", path: "/version/" })).toBe(false);
    expect(can(s, alice, { verb: "post", path: "/anything" })).toBe(true);
  });
  it("checks the verb", () => {
    expect(can(s, alice, { verb: "post", path: "/apis" })).toBe(true);
    expect(can(s, alice, { verb: "delete", path: "/apis" })).toBe(false);
  });
  it("only ClusterRoleBindings grant non-resource URLs", () => {
    expect(can(s, { user: "bob", groups: [] }, { verb: "get", path: "/version" })).toBe(false);
  });
});

describe("R6 binding scope", () => {
  const s = snap([
    clusterRole("pod-reader", [{ apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get"] }]),
    role("dev", "cm-reader", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]),
    role("prod", "cm-reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]),
    rb("dev", "read-pods", "ClusterRole", "pod-reader", [user("alice")]),
    rb("dev", "read-cm", "Role", "cm-reader", [user("alice")]),
  ]);
  it("a RoleBinding to a ClusterRole grants inside its namespace only", () => {
    expect(can(s, alice, res("get", "pods", { namespace: "dev" }))).toBe(true);
    expect(can(s, alice, res("get", "pods", { namespace: "prod" }))).toBe(false);
  });
  it("cluster-scoped requests see ClusterRoleBindings only", () => {
    expect(can(s, alice, res("get", "nodes"))).toBe(false);
    expect(can(s, alice, res("get", "pods"))).toBe(false);
  });
  it("a RoleBinding to a Role looks the Role up in the binding's namespace", () => {
    expect(can(s, alice, res("get", "configmaps", { namespace: "dev" }))).toBe(true);
    expect(can(s, alice, res("get", "secrets", { namespace: "dev" }))).toBe(false);
  });
  it("the decision names the binding, role and rule, scoped to the namespace", () => {
    const d = authorize(s, alice, res("get", "pods", { namespace: "dev" }));
    expect(d.grants[0]).toMatchObject({
      kind: "binding",
      binding: { kind: "RoleBinding", name: "read-pods", namespace: "dev" },
      role: { kind: "ClusterRole", name: "pod-reader" },
      ruleIndex: 0,
      scope: "dev",
    });
    expect(d.reason).toBe("RoleBinding dev/read-pods of ClusterRole pod-reader to User alice, rule 0");
  });
});

describe("R7 namespace objects carry their own namespace", () => {
  const s = snap([
    role("foo", "ns-reader", [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get"] }]),
    rb("foo", "b", "Role", "ns-reader", [user("alice")]),
  ]);
  it("GET /api/v1/namespaces/foo can be granted by a RoleBinding in foo", () => {
    expect(can(s, alice, res("get", "namespaces", { name: "foo", namespace: "foo" }))).toBe(true);
  });
  it("but not for another namespace or cluster-wide", () => {
    expect(can(s, alice, res("get", "namespaces", { name: "bar", namespace: "bar" }))).toBe(false);
    expect(can(s, alice, res("list", "namespaces"))).toBe(false);
  });
});

describe("R8 subjects", () => {
  const reader = clusterRole("reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
  const s = snap([
    reader,
    crb("u", "reader", [user("Alice")]),
    crb("g", "reader", [group("devs")]),
    crb("sa-ns", "reader", [sa("builder", "ci")]),
    crb("sa-no-ns", "reader", [sa("orphan")]),
    rb("apps", "sa-default", "ClusterRole", "reader", [sa("deployer")]),
  ]);
  const pods = (namespace?: string): RequestAttributes => res("get", "pods", namespace ? { namespace } : {});
  it("User is an exact, case-sensitive name", () => {
    expect(can(s, { user: "Alice", groups: [] }, pods())).toBe(true);
    expect(can(s, alice, pods())).toBe(false);
  });
  it("Group is membership", () => {
    expect(can(s, { user: "x", groups: ["devs"] }, pods())).toBe(true);
    expect(can(s, { user: "devs", groups: [] }, pods())).toBe(false);
  });
  it("ServiceAccount matches its user name", () => {
    expect(can(s, { user: "system:serviceaccount:ci:builder", groups: [] }, pods())).toBe(true);
    expect(can(s, { user: "system:serviceaccount:other:builder", groups: [] }, pods())).toBe(false);
  });
  it("a ServiceAccount subject without namespace defaults to the RoleBinding's namespace", () => {
    expect(can(s, { user: "system:serviceaccount:apps:deployer", groups: [] }, pods("apps"))).toBe(true);
    expect(can(s, { user: "system:serviceaccount:default:deployer", groups: [] }, pods("apps"))).toBe(false);
  });
  it("a ServiceAccount subject without namespace in a ClusterRoleBinding never matches", () => {
    for (const u of ["system:serviceaccount::orphan", "system:serviceaccount:default:orphan", "orphan"]) {
      expect(can(s, { user: u, groups: [] }, pods("default"))).toBe(false);
    }
    const { diagnostics } = loadRbacSnapshot([reader, crb("sa-no-ns", "reader", [sa("orphan")])]);
    expect(diagnostics.map((d) => d.code)).toContain("RBAC105");
  });
  it("service-account groups come from authenticatedIdentity, not from the evaluator", () => {
    const t = snap([reader, crb("all-sa", "reader", [group("system:serviceaccounts:ci")])]);
    const raw: Identity = { user: "system:serviceaccount:ci:x", groups: [] };
    expect(can(t, raw, pods())).toBe(false);
    expect(authenticatedIdentity(raw).groups).toEqual([
      "system:serviceaccounts",
      "system:serviceaccounts:ci",
      "system:authenticated",
    ]);
    expect(can(t, authenticatedIdentity(raw), pods())).toBe(true);
  });
});

describe("R9 additive only; missing roleRef grants nothing", () => {
  const s = snap([
    clusterRole("reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]),
    crb("broken", "does-not-exist", [user("alice")]),
    rb("dev", "broken-role", "Role", "nope", [user("alice")]),
    crb("good", "reader", [user("alice")]),
  ]);
  it("other bindings still count", () => {
    const d = authorize(s, alice, res("get", "pods", { namespace: "dev" }));
    expect(d.allowed).toBe(true);
    expect(d.unresolved.map((u) => u.binding.name)).toEqual(["broken", "broken-role"]);
  });
  it("a missing role grants nothing and is reported", () => {
    const d = authorize(s, alice, res("list", "pods", { namespace: "dev" }));
    expect(d.allowed).toBe(false);
    expect(d.reason).toContain("2 binding(s) name this identity but their role is missing");
    expect(loadRbacSnapshot([crb("broken", "x", [user("a")])]).diagnostics[0]?.code).toBe("RBAC104");
  });
  it("a ClusterRoleBinding to a Role grants nothing", () => {
    const t = snap([
      role("dev", "r", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]),
      { ...crb("x", "r", [user("alice")]), roleRef: { apiGroup: G, kind: "Role", name: "r" } },
    ]);
    expect(can(t, alice, res("get", "pods", { namespace: "dev" }))).toBe(false);
  });
});

describe("R10 aggregation", () => {
  const leaf = (name: string, labels: Record<string, string>, rules: PolicyRule[]): ClusterRole =>
    clusterRole(name, rules, { metadata: { name, labels } });
  const agg = (
    name: string,
    selectors: ClusterRole["aggregationRule"],
    labels: Record<string, string> = {},
  ): ClusterRole =>
    clusterRole(name, [{ apiGroups: ["written"], resources: ["in-manifest"], verbs: ["get"] }], {
      metadata: { name, labels },
      aggregationRule: selectors ?? {},
    });
  const objects = [
    agg("admin", { clusterRoleSelectors: [{ matchLabels: { "to-admin": "true" } }] }),
    agg("edit", { clusterRoleSelectors: [{ matchLabels: { "to-edit": "true" } }] }, { "to-admin": "true" }),
    agg("view", { clusterRoleSelectors: [{ matchLabels: { "to-view": "true" } }] }, { "to-edit": "true" }),
    leaf("v1", { "to-view": "true" }, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]),
    leaf("e1", { "to-edit": "true" }, [
      { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
    ]),
    leaf("a1", { "to-admin": "true" }, [{ apiGroups: [G], resources: ["roles"], verbs: ["create"] }]),
  ];
  it("reaches a fixpoint through chains view -> edit -> admin, dropping duplicates", () => {
    const { clusterRoles } = aggregateClusterRoles(objects);
    const rules = (n: string): string[] =>
      (clusterRoles.get(n)?.rules ?? []).map(
        (r) => `${r.rule.verbs.join()}:${(r.rule.resources ?? []).join()}`,
      );
    expect(rules("view")).toEqual(["get:pods"]);
    expect(rules("edit")).toEqual(["delete:pods", "get:pods"]);
    expect(rules("admin")).toEqual(["create:roles", "delete:pods", "get:pods"]);
    expect(clusterRoles.get("admin")?.rules[2]?.via).toEqual(["edit", "e1"]);
  });
  it("ignores rules written into an aggregated role (the controller overwrites them)", () => {
    const s = snap([...objects, crb("b", "admin", [user("alice")])]);
    expect(can(s, alice, { verb: "get", apiGroup: "written", resource: "in-manifest" })).toBe(false);
    expect(can(s, alice, res("delete", "pods", { namespace: "x" }))).toBe(true);
    expect(authorize(s, alice, res("delete", "pods", { namespace: "x" })).reason).toContain(
      "(aggregated from edit <- e1)",
    );
  });
  it("as-written keeps a live cluster's rules", () => {
    const { snapshot } = loadRbacSnapshot([...objects, crb("b", "admin", [user("alice")])], {
      aggregation: "as-written",
    });
    expect(can(snapshot, alice, { verb: "get", apiGroup: "written", resource: "in-manifest" })).toBe(true);
  });
  it("matchExpressions In, NotIn, Exists, DoesNotExist; a role never aggregates itself", () => {
    const rolesFor = (sel: NonNullable<ClusterRole["aggregationRule"]>): string[] => {
      const { clusterRoles } = aggregateClusterRoles([
        agg("target", sel, { tier: "x" }),
        leaf("a", { tier: "a" }, [{ apiGroups: [""], resources: ["a"], verbs: ["get"] }]),
        leaf("b", { tier: "b", extra: "1" }, [{ apiGroups: [""], resources: ["b"], verbs: ["get"] }]),
        leaf("c", {}, [{ apiGroups: [""], resources: ["c"], verbs: ["get"] }]),
      ]);
      return (clusterRoles.get("target")?.rules ?? []).map((r) => r.rule.resources?.[0] ?? "");
    };
    expect(
      rolesFor({
        clusterRoleSelectors: [{ matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] }],
      }),
    ).toEqual(["a", "b"]);
    expect(
      rolesFor({
        clusterRoleSelectors: [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["a"] }] }],
      }),
    ).toEqual(["b", "c"]);
    expect(
      rolesFor({ clusterRoleSelectors: [{ matchExpressions: [{ key: "extra", operator: "Exists" }] }] }),
    ).toEqual(["b"]);
    expect(
      rolesFor({ clusterRoleSelectors: [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }] }),
    ).toEqual(["c"]);
    // Two selectors are ORed and visited in order; an empty selector matches everything but itself.
    expect(
      rolesFor({ clusterRoleSelectors: [{ matchLabels: { tier: "b" } }, { matchLabels: { tier: "a" } }] }),
    ).toEqual(["b", "a"]);
    expect(rolesFor({ clusterRoleSelectors: [{}] })).toEqual(["a", "b", "c"]);
    expect(rolesFor({})).toEqual([]);
  });
  it("settles on selector cycles and reports them", () => {
    const { clusterRoles, diagnostics } = aggregateClusterRoles([
      agg("x", { clusterRoleSelectors: [{ matchLabels: { ring: "y" } }] }, { ring: "x" }),
      agg(
        "y",
        { clusterRoleSelectors: [{ matchLabels: { ring: "x" } }, { matchLabels: { leaf: "1" } }] },
        { ring: "y" },
      ),
      leaf("l", { leaf: "1" }, [{ apiGroups: [""], resources: ["l"], verbs: ["get"] }]),
    ]);
    expect(clusterRoles.get("x")?.rules.map((r) => r.rule.resources?.[0])).toEqual(["l"]);
    expect(clusterRoles.get("y")?.rules.map((r) => r.rule.resources?.[0])).toEqual(["l"]);
    expect(diagnostics.map((d) => d.code)).toEqual(["RBAC107", "RBAC107"]);
  });
  it("an invalid selector leaves the role as written", () => {
    const { clusterRoles, diagnostics } = aggregateClusterRoles([
      agg("bad", { clusterRoleSelectors: [{ matchExpressions: [{ key: "k", operator: "In" }] }] }),
    ]);
    expect(clusterRoles.get("bad")?.rules.map((r) => r.rule.resources?.[0])).toEqual(["in-manifest"]);
    expect(diagnostics[0]?.code).toBe("RBAC106");
  });
});

describe("R11 system:masters", () => {
  const s = snap([]);
  const admin: Identity = { user: "root", groups: ["system:masters"] };
  it("allows everything with no binding at all", () => {
    const d = authorize(s, admin, { verb: "delete", apiGroup: "x.io", resource: "anything", namespace: "n" });
    expect(d).toMatchObject({ allowed: true, decidedBy: "superuser", grants: [{ kind: "superuser" }] });
    expect(can(s, admin, { verb: "get", path: "/debug/pprof" })).toBe(true);
  });
  it("is a group: a user named system:masters gets nothing", () => {
    expect(can(s, { user: "system:masters", groups: [] }, res("get", "pods"))).toBe(false);
  });
  it("who-can always lists it, even without the cluster-admin binding", () => {
    expect(whoCan(s, res("get", "pods")).entries.map((e) => e.subject)).toEqual([
      { kind: "Group", name: "system:masters" },
    ]);
  });
});

describe("R12 built-in groups are the caller's job", () => {
  const s = snap([
    clusterRole("system:basic-user", [
      { apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews"], verbs: ["create"] },
    ]),
    crb("system:basic-user", "system:basic-user", [group("system:authenticated")]),
  ]);
  const ssar: RequestAttributes = {
    verb: "create",
    apiGroup: "authorization.k8s.io",
    resource: "selfsubjectaccessreviews",
  };
  it("groups are taken as given", () => {
    expect(can(s, alice, ssar)).toBe(false);
  });
  it("authenticatedIdentity adds system:authenticated", () => {
    expect(can(s, authenticatedIdentity(alice), ssar)).toBe(true);
  });
});

describe("R13 and R14 escalation edges", () => {
  const s = snap([
    clusterRole("binder", [
      { apiGroups: [G], resources: ["clusterroles"], resourceNames: ["cluster-admin"], verbs: ["bind"] },
    ]),
    clusterRole("escalator", [{ apiGroups: [G], resources: ["roles"], verbs: ["escalate"] }]),
    clusterRole("impersonator", [
      { apiGroups: [""], resources: ["users"], resourceNames: ["bob"], verbs: ["impersonate"] },
      {
        apiGroups: ["authentication.k8s.io"],
        resources: ["userextras/scopes", "uids"],
        verbs: ["impersonate"],
      },
    ]),
    clusterRole("sa-impersonator", [
      { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
    ]),
    clusterRole("pod-deleter", [{ apiGroups: [""], resources: ["pods"], verbs: ["delete"] }]),
    clusterRole("reader", [{ apiGroups: ["*"], resources: ["*"], verbs: ["get"] }]),
    crb("b", "binder", [user("alice")]),
    rb("dev", "e", "ClusterRole", "escalator", [user("alice")]),
    crb("i", "impersonator", [group("support")]),
    rb("ci", "si", "ClusterRole", "sa-impersonator", [user("carol")]),
    crb("bob-deletes", "pod-deleter", [user("bob")]),
    rb("ci", "deployer-deletes", "ClusterRole", "pod-deleter", [sa("deployer")]),
    crb("read", "reader", [user("reader")]),
  ]);
  it("reports bind and escalate with their names and scope", () => {
    expect(escalationEdges(s, alice).map(describeEdge)).toEqual([
      "can bind clusterrole cluster-admin",
      "can escalate role any in namespace dev",
    ]);
  });
  it("reports impersonation of users, uids and user extras", () => {
    const edges = escalationEdges(s, { user: "dave", groups: ["support"] });
    expect(edges.map((e) => `${e.verb} ${e.target.resource} ${e.target.names.join()}`)).toEqual([
      "impersonate users bob",
      "impersonate uids ",
      "impersonate userextras/scopes ",
    ]);
    expect(edges[0]?.grant).toMatchObject({ kind: "binding", binding: { name: "i" }, ruleIndex: 0 });
  });
  it("plain read rights are no escalation edge; system:masters has them all", () => {
    expect(escalationEdges(s, { user: "reader", groups: [] })).toEqual([]);
    expect(escalationEdges(s, { user: "x", groups: ["system:masters"] }).map((e) => e.verb)).toContain(
      "impersonate",
    );
  });
  it("who-can follows one impersonation hop", () => {
    const direct = whoCan(s, res("delete", "pods", { namespace: "ci" }));
    expect(
      direct.entries.map((e) => `${e.subject.kind}:${e.subject.namespace ?? ""}:${e.subject.name}`),
    ).toEqual(["Group::system:masters", "User::bob", "ServiceAccount:ci:deployer"]);
    const hops = whoCan(s, res("delete", "pods", { namespace: "ci" }), {
      includeImpersonation: true,
    }).entries.filter((e) => e.impersonates);
    expect(hops.map((e) => `${e.subject.name} as ${e.impersonates?.as.name ?? ""}`)).toEqual([
      "support as bob",
      "carol as deployer",
    ]);
  });
});

describe("R15 authorizer chain and EKS access policies", () => {
  const arn = "arn:aws:iam::111122223333:role/dev";
  const s = loadRbacSnapshot(
    [
      clusterRole("cm", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]),
      crb("c", "cm", [user("dev")]),
    ],
    {
      accessEntries: [
        {
          principalArn: arn,
          username: "dev",
          associations: [
            {
              policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
              accessScope: { type: "namespace", namespaces: ["team-*"] },
            },
          ],
        },
      ],
    },
  ).snapshot;
  const dev: Identity = { user: "dev", groups: [], principalArn: arn };
  it("RBAC and access policies are a union; RBAC comes first", () => {
    expect(
      authorize(s, dev, res("get", "configmaps", { namespace: "team-a" })).grants.map((g) => g.kind),
    ).toEqual(["binding", "access-policy"]);
    const d = authorize(s, dev, res("list", "pods", { namespace: "team-a" }));
    expect(d).toMatchObject({ allowed: true, decidedBy: "access-policy" });
    expect(describeGrant(d.grants[0] ?? { kind: "superuser", group: "system:masters" })).toContain(
      "access policy AmazonEKSViewPolicy (namespaces team-*)",
    );
  });
  it("namespace scope and the view policy's limits hold", () => {
    expect(can(s, dev, res("list", "pods", { namespace: "prod" }))).toBe(false);
    expect(can(s, dev, res("list", "pods"))).toBe(false);
    expect(can(s, dev, res("get", "secrets", { namespace: "team-a" }))).toBe(false);
    expect(can(s, { user: "dev", groups: [] }, res("list", "pods", { namespace: "team-a" }))).toBe(false);
  });
  it("explicit associations and the cluster-admin policy", () => {
    const d = authorize(
      s,
      { user: "x", groups: [] },
      { verb: "get", path: "/metrics" },
      {
        accessPolicies: [
          {
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
          },
        ],
      },
    );
    expect(d.allowed).toBe(true);
  });
  it("firstOnly stops at the first allowing path", () => {
    const d = authorize(
      s,
      { ...dev, groups: ["system:masters"] },
      res("get", "configmaps", { namespace: "team-a" }),
      { firstOnly: true },
    );
    expect(d.grants).toEqual([{ kind: "superuser", group: "system:masters" }]);
  });
  it("who-can lists access entries", () => {
    const r = whoCan(s, res("list", "pods", { namespace: "team-b" }));
    expect(r.entries.map((e) => e.subject.kind)).toEqual(["Group", "AccessEntry"]);
  });
});

describe("loading kubectl output", () => {
  it("accepts List, typed lists without item kinds, nulls, and reports bad items", () => {
    const { snapshot, diagnostics } = loadRbacSnapshot([
      {
        apiVersion: "v1",
        kind: "List",
        items: [
          {
            apiVersion: `${G}/v1`,
            kind: "ClusterRole",
            metadata: { name: "r", uid: "1", creationTimestamp: "x" },
            rules: null,
          },
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } },
        ],
      },
      {
        apiVersion: `${G}/v1`,
        kind: "RoleBindingList",
        items: [
          {
            metadata: { name: "b", namespace: "n" },
            roleRef: { apiGroup: G, kind: "ClusterRole", name: "r" },
            subjects: null,
          },
        ],
      },
      { apiVersion: "v1", kind: "NamespaceList", items: [{ metadata: { name: "kube-system" } }] },
      { apiVersion: `${G}/v1`, kind: "Role", metadata: { name: "no-namespace" }, rules: [] },
      null,
    ]);
    expect([...snapshot.clusterRoles.keys()]).toEqual(["r"]);
    expect(snapshot.bindings.map((b) => b.name)).toEqual(["b"]);
    expect(snapshot.namespaces).toEqual(["kube-system", "n"]);
    expect(diagnostics.map((d) => `${d.code} ${d.path ?? ""}`)).toEqual([
      "RBAC102 objects[0].items[1]",
      "RBAC101 objects[3].metadata.namespace",
    ]);
  });
});

describe("who-can", () => {
  const s = snap([
    clusterRole("log-reader", [{ apiGroups: [""], resources: ["pods/log"], verbs: ["get"] }]),
    clusterRole("named", [
      { apiGroups: [""], resources: ["pods/log"], resourceNames: ["web"], verbs: ["get"] },
    ]),
    crb("a", "log-reader", [user("alice"), group("ops")]),
    rb("dev", "b", "ClusterRole", "named", [user("bob")]),
    rb("prod", "c", "ClusterRole", "log-reader", [user("carol")]),
  ]);
  it("matches subresources and respects resourceNames and namespaces", () => {
    const names = (r: RequestAttributes): string[] => whoCan(s, r).entries.map((e) => e.subject.name);
    expect(names(res("get", "pods", { subresource: "log", namespace: "dev", name: "web" }))).toEqual([
      "ops",
      "system:masters",
      "alice",
      "bob",
    ]);
    expect(names(res("get", "pods", { subresource: "log", namespace: "dev", name: "db" }))).toEqual([
      "ops",
      "system:masters",
      "alice",
    ]);
    expect(names(res("get", "pods", { namespace: "dev" }))).toEqual(["system:masters"]);
  });
});
