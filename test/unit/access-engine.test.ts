import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import {
  canI,
  explainPrincipal,
  parseAccessRequest,
  pathsToGraph,
  whoCanAccess,
  type AccessPath,
} from "../../src/core/evaluate/access/index.js";
import type { RequestAttributes } from "../../src/core/evaluate/rbac/index.js";
import { parseSnapshot, type SnapshotFile } from "../../src/core/snapshot/index.js";

const ROOT = "test/fixtures/snapshot/org";
const A = "111122223333";
const user = (n: string) => `arn:aws:iam::${A}:user/${n}`;
const role = (n: string) => `arn:aws:iam::${A}:role/${n}`;

function files(dir: string): SnapshotFile[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => ({
      path: relative(dir, join(dir, f)).split(sep).join("/"),
      text: readFileSync(join(dir, f), "utf8"),
    }));
}

const parsed = parseSnapshot(files(ROOT));
const snapshot = parsed.snapshot;

function req(
  verb: string,
  resource: string,
  namespace?: string,
  extra: { name?: string; subresource?: string } = {},
): RequestAttributes {
  const r = parseAccessRequest({
    verb,
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...extra,
  });
  if (!r.ok) throw new Error(r.error);
  return r.request;
}

const kinds = (p: AccessPath | undefined) => p?.hops.map((h) => h.kind);

describe("snapshot fixture", () => {
  it("reads without problems: two clusters, their modes, the URL-encoded trust policy", () => {
    expect(parsed.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(snapshot.clusters.map((c) => [c.name, c.authenticationMode])).toEqual([
      ["prod", "API_AND_CONFIG_MAP"],
      ["staging", "CONFIG_MAP"],
    ]);
    expect(snapshot.iamIndex.role(role("eksgate-payments"))?.trust?.policy.document.statements[0]?.sid).toBe(
      "TeamMembersByUserName",
    );
  });

  it("reports a snapshot without IAM and a cluster without cluster.json", () => {
    const p = parseSnapshot([
      { path: "clusters/x/rbac.yaml", text: "apiVersion: v1\nkind: List\nitems: []\n" },
    ]);
    expect(p.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(["SNAP001", "SNAP005"]));
    expect(p.snapshot.clusters[0]?.authenticationMode).toBe("CONFIG_MAP");
  });

  it("reports broken YAML with the file, line and column, and keeps the rest of the snapshot", () => {
    const p = parseSnapshot([
      { path: "clusters/x/rbac.yaml", text: "apiVersion: v1\nkind: List\nitems:\n  - kind: Role\n - x\n" },
      {
        path: "clusters/x/namespaces.yaml",
        text: "kind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n",
      },
    ]);
    const bad = p.diagnostics.find((d) => d.code === "SNAP004");
    expect(bad?.summary).toMatch(/^clusters\/x\/rbac\.yaml:5:2 is not valid YAML: /);
    expect(bad?.severity).toBe("error");
    expect(p.snapshot.clusters[0]?.rbac.namespaces).toContain("a");
  });

  it("reads JSON (kubectl -o json) and multi-document YAML alike", () => {
    const role = (name: string) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
    });
    const asJson = parseSnapshot([
      { path: "clusters/x/rbac.yaml", text: JSON.stringify({ kind: "List", items: [role("a"), role("b")] }) },
    ]);
    const asYaml = parseSnapshot([
      {
        path: "clusters/x/rbac.yaml",
        text: "kind: ClusterRole\nmetadata: {name: a}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n---\n---\nkind: ClusterRole\nmetadata: {name: b}\n",
      },
    ]);
    for (const p of [asJson, asYaml]) {
      expect([...(p.snapshot.clusters[0]?.rbac.clusterRoles.keys() ?? [])].sort()).toEqual(["a", "b"]);
    }
  });

  it("refuses a YAML file that expands aliases without bound", () => {
    const anchors = Array.from({ length: 1200 }, () => "  - *a").join("\n");
    const p = parseSnapshot([
      { path: "clusters/x/rbac.yaml", text: `base: &a {kind: x}\nitems:\n${anchors}\n` },
    ]);
    expect(p.diagnostics.find((d) => d.code === "SNAP004")?.summary).toMatch(/alias/i);
  });

  it("merges several pages of authorization details", () => {
    const page = (n: string) =>
      JSON.stringify({ UserDetailList: [{ UserName: n, Arn: user(n), GroupList: [] }], IsTruncated: true });
    const p = parseSnapshot([
      { path: "iam/account-authorization-details.json", text: page("u1") },
      { path: "iam/account-authorization-details-2.json", text: page("u2") },
    ]);
    expect(p.snapshot.iamIndex.users.map((u) => u.name).sort()).toEqual(["u1", "u2"]);
  });
});

describe("explainPrincipal", () => {
  it("alice: group rnd statement, trust statement, aws-auth mapping, cluster-admin binding, escalations", () => {
    const e = explainPrincipal(snapshot, user("alice"), { cluster: "staging" });
    expect(e.principal).toMatchObject({ type: "user", name: "alice", groups: ["rnd"], known: true });
    const viaRole = e.reach.find((r) => r.route.roleArn === role("eksgate-rnd"));
    expect(viaRole?.hops.map((h) => h.kind)).toEqual([
      "iam-user",
      "iam-group",
      "iam-role",
      "mapping",
      "kubernetes-identity",
    ]);
    const assume = viaRole?.hops[2];
    expect(assume?.statements).toEqual([
      expect.objectContaining({
        role: "identity",
        policyName: "eksgate-assume-rnd",
        sid: "AssumeTeamRole",
        policyKind: "group-inline",
      }),
      expect.objectContaining({ role: "trust", sid: "TeamMembersByUserName" }),
    ]);
    expect(assume?.why).toMatch(/session name "alice".*sts:RoleSessionName condition requires/);
    expect(viaRole?.mapping).toMatchObject({
      mapped: true,
      username: "eksgate:rnd:alice",
      groups: ["eksgate:rnd"],
    });
    expect(viaRole?.access?.bindings.map((b) => `${b.binding.name}:${b.role.name}`)).toEqual([
      "eksgate-rnd:cluster-admin",
      "system:basic-user:system:basic-user",
    ]);
    expect(viaRole?.escalations.map((x) => x.verb)).toEqual(
      expect.arrayContaining(["impersonate", "bind", "escalate"]),
    );
    const own = e.reach.find((r) => r.route.roleArn === undefined);
    expect(own?.mapping.mapped).toBe(false);
  });

  it("bob: edit only in namespace payments, aggregated rules listed", () => {
    const e = explainPrincipal(snapshot, user("bob"), { cluster: "staging" });
    const r = e.reach.find((x) => x.mapping.mapped);
    const bindings = r?.access?.bindings ?? [];
    expect(bindings.map((b) => [b.scope, b.role.name])).toEqual([
      ["", "system:basic-user"],
      ["payments", "edit"],
    ]);
    expect(bindings[1]?.rules.map((x) => x.text)).toContain(
      "get,list,watch,create,update,patch,delete pods,pods/log,configmaps,secrets,services",
    );
    expect(r?.escalations).toEqual([]);
  });

  it("a role given directly uses the EKSGetTokenAuth session and says so", () => {
    const e = explainPrincipal(snapshot, role("eksgate-rnd"), { cluster: "staging" });
    expect(e.routes[0]?.caller.sessionName).toBe("EKSGetTokenAuth");
    expect(e.reach[0]?.mapping).toMatchObject({ mapped: true, username: "eksgate:rnd:EKSGetTokenAuth" });
    expect(e.reach[0]?.hops[0]?.why).toMatch(/get-token/);
  });

  it("erin on prod: the access entry wins over an aws-auth system:masters entry, with its access policy", () => {
    const e = explainPrincipal(snapshot, user("erin"), { cluster: "prod" });
    const r = e.reach.find((x) => x.mapping.mapped);
    expect(r?.mapping).toMatchObject({ via: "access-entry", username: "eksgate:platform:erin" });
    expect(r?.access?.superuser).toBe(false);
    expect(r?.access?.accessPolicies).toEqual([
      expect.objectContaining({ policyName: "AmazonEKSEditPolicy", scope: "apps-*" }),
    ]);
  });

  it("erin on staging: an aws-auth rolearn with a role path never matches", () => {
    const e = explainPrincipal(snapshot, user("erin"), { cluster: "staging" });
    const r = e.reach.find((x) => x.route.roleArn !== undefined);
    expect(r?.mapping.mapped).toBe(false);
    expect(r?.mapping.notes.join(" ")).toMatch(/role path/);
  });
});

describe("canI", () => {
  it("bob can delete pods in payments, through group, role, mapping, RoleBinding and edit", () => {
    const r = canI(snapshot, user("bob"), req("delete", "pods", "payments"), { cluster: "staging" });
    expect(r.allowed).toBe(true);
    expect(kinds(r.paths[0])).toEqual([
      "iam-user",
      "iam-group",
      "iam-role",
      "mapping",
      "kubernetes-identity",
      "binding",
      "rule",
    ]);
    expect(r.paths[0]?.hops[5]?.what).toBe("RoleBinding payments/eksgate-payments");
    expect(r.paths[0]?.hops[6]?.why).toMatch(/aggregated from edit-workloads/);
  });

  it("bob cannot delete pods in default: mapped, but RBAC has no rule", () => {
    const r = canI(snapshot, user("bob"), req("delete", "pods", "default"), { cluster: "staging" });
    expect(r.allowed).toBe(false);
    expect(r.failures.find((f) => f.brokenAt === "rbac")?.hops.at(-1)?.what).toBe(
      "Kubernetes user eksgate:payments:bob",
    );
  });

  it("carol cannot: not mapped, and the roles that would allow it she cannot assume", () => {
    const r = canI(snapshot, user("carol"), req("get", "pods", "payments"), { cluster: "staging" });
    expect(r.allowed).toBe(false);
    expect(r.failures.map((f) => f.brokenAt)).toEqual(expect.arrayContaining(["mapping", "assume-role"]));
    expect(r.failures.find((f) => f.brokenAt === "assume-role")?.reason).toMatch(
      /carol cannot assume it: no identity policy/,
    );
  });

  it("dave is system:masters through breakglass (mapped as BreakGlass: case-insensitive), trust naming him directly", () => {
    const r = canI(snapshot, user("dave"), req("delete", "nodes"), { cluster: "staging" });
    expect(r.allowed).toBe(true);
    expect(kinds(r.paths[0])).toEqual([
      "iam-user",
      "iam-role",
      "mapping",
      "kubernetes-identity",
      "superuser",
    ]);
    expect(r.paths[0]?.hops[1]?.why).toMatch(/no identity policy is needed/);
  });

  it("erin can create deployments in apps-web on prod through the access policy only", () => {
    const r = canI(snapshot, user("erin"), req("create", "deployments", "apps-web"), { cluster: "prod" });
    expect(r.allowed).toBe(true);
    expect(r.paths[0]?.hops.at(-1)).toMatchObject({
      kind: "access-policy",
      what: "access policy AmazonEKSEditPolicy (namespaces apps-*)",
    });
    expect(
      canI(snapshot, user("erin"), req("create", "deployments", "default"), { cluster: "prod" }).allowed,
    ).toBe(false);
  });

  it("answers for every cluster when none is named", () => {
    const r = canI(snapshot, user("alice"), req("get", "pods", "default"));
    expect(r.clusters).toEqual([
      { cluster: "prod", allowed: true, answer: "yes" },
      { cluster: "staging", allowed: true, answer: "yes" },
    ]);
  });
});

describe("whoCanAccess", () => {
  it("delete pods in payments on staging: alice (rnd), bob (payments), dave, and the roles; not carol or erin", () => {
    const r = whoCanAccess(snapshot, req("delete", "pods", "payments"), { cluster: "staging" });
    const users = r.principals.filter((p) => p.type === "user");
    expect(users.map((p) => [p.name, p.viaGroups])).toEqual([
      ["alice", ["rnd"]],
      ["bob", ["payments"]],
      ["dave", []],
    ]);
    expect(r.principals.filter((p) => p.type === "role").map((p) => p.name)).toEqual([
      "breakglass",
      "eksgate-payments",
      "eksgate-rnd",
    ]);
    const bob = users.find((p) => p.name === "bob");
    expect(bob?.paths[0]?.hops.map((h) => h.what)).toEqual([
      "IAM user bob",
      "IAM group payments",
      "IAM role eksgate-payments",
      "aws-auth mapRoles[2] on staging",
      "Kubernetes user eksgate:payments:bob",
      "RoleBinding payments/eksgate-payments",
      "ClusterRole edit",
    ]);
  });

  it("does not count a name-restricted impersonation as impersonating someone else", () => {
    const r = whoCanAccess(snapshot, req("create", "pods", "ci"), { cluster: "staging" });
    const imp = r.kubernetesSubjects.find((s) => s.impersonates !== undefined);
    expect(imp).toMatchObject({
      kind: "Group",
      name: "eksgate:platform",
      impersonates: "ServiceAccount ci/deployer",
      reachedFromIam: false,
    });
    expect(r.principals.some((p) => p.name === "erin")).toBe(false);
  });

  it("non-resource URL: cluster-admin and system:masters holders", () => {
    const r = whoCanAccess(snapshot, req("get", "/metrics"), { cluster: "staging" });
    expect(r.principals.filter((p) => p.type === "user").map((p) => p.name)).toEqual(["alice", "dave"]);
  });

  it("access-entry principals on prod, with the access policy as the last hop", () => {
    const r = whoCanAccess(snapshot, req("delete", "pods", "apps-web"), { cluster: "prod" });
    const erin = r.principals.find((p) => p.name === "erin");
    expect(erin?.paths[0]?.hops.at(-1)?.kind).toBe("access-policy");
    expect(r.principals.some((p) => p.name === "alice")).toBe(false);
  });

  it("paths merge into one graph with shared nodes", () => {
    const r = whoCanAccess(snapshot, req("delete", "pods", "payments"), { cluster: "staging" });
    const g = pathsToGraph(r.principals.flatMap((p) => p.paths));
    const ids = g.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(g.nodes.filter((n) => n.label === "ClusterRole cluster-admin")).toHaveLength(1);
    expect(g.edges.length).toBeGreaterThan(g.nodes.length - 2);
  });
});

describe("whoCanAccess ordering", () => {
  it("lists principals in natural order: user-2 before user-10", () => {
    const names = ["user-10", "user-2", "user-1"];
    const p = parseSnapshot([
      {
        path: "iam/account-authorization-details.json",
        text: JSON.stringify({
          UserDetailList: names.map((n) => ({ UserName: n, Arn: user(n), GroupList: [] })),
        }),
      },
      {
        path: "clusters/c/aws-auth.yaml",
        text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapUsers: |\n${names.map((n) => `    - {userarn: "${user(n)}", username: ${n}, groups: [devs]}`).join("\n")}\n`,
      },
      {
        path: "clusters/c/rbac.yaml",
        text: "kind: ClusterRoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: devs}\nsubjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]\nroleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}\n---\nkind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: view}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n",
      },
    ]);
    const found = whoCanAccess(p.snapshot, req("get", "pods", "default")).principals.map((x) => x.name);
    expect(found).toEqual(["user-1", "user-2", "user-10"]);
  });
});

describe("parseAccessRequest", () => {
  it("reads resource, group, subresource and non-resource URLs", () => {
    expect(req("get", "pods/log", "a")).toEqual({
      verb: "get",
      apiGroup: "",
      resource: "pods",
      subresource: "log",
      namespace: "a",
    });
    expect(req("patch", "deployments.apps/scale", "a")).toMatchObject({
      apiGroup: "apps",
      resource: "deployments",
      subresource: "scale",
    });
    expect(req("create", "deployments", "a")).toMatchObject({ apiGroup: "apps" });
    expect(req("get", "/healthz")).toEqual({ verb: "get", path: "/healthz" });
    expect(req("get", "nodes", "a")).not.toHaveProperty("namespace");
    expect(req("get", "namespaces", undefined, { name: "foo" })).toMatchObject({
      namespace: "foo",
      name: "foo",
    });
  });

  it("rejects contradictions", () => {
    expect(parseAccessRequest({ verb: "get", resource: "/healthz", namespace: "x" }).ok).toBe(false);
    expect(parseAccessRequest({ verb: "get", resource: "pods/log", subresource: "exec" }).ok).toBe(false);
    expect(parseAccessRequest({ verb: "", resource: "pods" }).ok).toBe(false);
  });
});
