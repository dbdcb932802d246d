// The Kubernetes adapter against the real kube-apiserver of the test environment:
// ConfigMap reads and guarded writes, RBAC objects across namespaces, how refusals map
// to PortErrors (including the binding escalation check), and how a connection is found
// in a kubeconfig or built from an EKS endpoint.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KUBE_CONNECTION_CODES,
  resolveKubeConnection,
  type KubeClusterIdentity,
  type KubeConnection,
  type ResolveKubeConnectionOptions,
} from "../../src/adapters/kube/connection.js";
import { createKubePort, type CountedKubePort } from "../../src/adapters/kube/kube-port.js";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "../../src/core/model/access-config.js";
import {
  RBAC_API_GROUP,
  RBAC_API_VERSION,
  teamLabels,
  type ClusterRole,
  type ClusterRoleBinding,
  type ClusterRoleRef,
  type GroupSubject,
  type RoleBinding,
} from "../../src/core/model/rbac.js";
import { isPortError, PortError } from "../../src/ports/errors.js";
import { adminRequest, freshNamespace, kubeEnv, lowPrivClient, uniqueName } from "../env/context.js";
import { apiRequest, freePorts, LOWPRIV_USER } from "../env/kube.js";
import { waitUntil } from "../env/wait.js";

const CLUSTER_ARN = "arn:aws:eks:us-west-2:111122223333:cluster/eksgate-test";

function clusterIdentity(overrides: Partial<KubeClusterIdentity> = {}): KubeClusterIdentity {
  return { name: "eksgate-test", arn: CLUSTER_ARN, endpoint: kubeEnv().server, ...overrides };
}

async function connect(options: ResolveKubeConnectionOptions): Promise<KubeConnection> {
  const result = await resolveKubeConnection(options);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.summary} ${d.detail ?? ""}`).join("\n"));
  return result.value;
}

/** The test environment writes kubeconfigs whose single context is named after the user. */
async function portFor(kubeconfigPath: string, context: string): Promise<CountedKubePort> {
  return createKubePort(await connect({ kubeconfigPath, context, cluster: clusterIdentity() }));
}

function adminPort(): Promise<CountedKubePort> {
  return portFor(kubeEnv().adminKubeconfig, "eksgate-test-admin");
}

function lowPrivPort(): Promise<CountedKubePort> {
  return portFor(kubeEnv().lowPrivKubeconfig, LOWPRIV_USER);
}

async function portErrorOf(promise: Promise<unknown>): Promise<PortError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PortError) return error;
    throw error;
  }
  throw new Error("expected a PortError");
}

async function adminJson(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await adminRequest(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Record<string, unknown>;
}

function group(name: string): GroupSubject {
  return { kind: "Group", apiGroup: RBAC_API_GROUP, name };
}

function clusterRoleRef(name: string): ClusterRoleRef {
  return { apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name };
}

function crb(name: string, team: string, role: string, groupName = `${team}-group`): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRoleBinding",
    metadata: { name, labels: teamLabels(team) },
    subjects: [group(groupName)],
    roleRef: clusterRoleRef(role),
  };
}

function rb(name: string, namespace: string, team: string, role: string): RoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "RoleBinding",
    metadata: { name, namespace, labels: teamLabels(team) },
    subjects: [group(`${team}-group`)],
    roleRef: clusterRoleRef(role),
  };
}

describe("ConfigMaps", () => {
  let namespace = "";
  let port: CountedKubePort;

  beforeAll(async () => {
    namespace = await freshNamespace("kube-adapter-cm");
    port = await adminPort();
  });

  it("reads a missing ConfigMap as undefined, creates it and reads back data and resourceVersion", async () => {
    const name = uniqueName("aws-auth");
    expect(await port.readConfigMap(namespace, name)).toBeUndefined();

    const created = await port.createConfigMap(namespace, name, { mapRoles: "- rolearn: x\n", mapUsers: "" });
    expect(created.data).toEqual({ mapRoles: "- rolearn: x\n", mapUsers: "" });
    expect(created.resourceVersion).toMatch(/^\d+$/);

    const read = await port.readConfigMap(namespace, name);
    expect(read).toEqual(created);
  });

  it("creating a ConfigMap that exists is already-exists", async () => {
    const name = uniqueName("dup");
    await port.createConfigMap(namespace, name, { a: "1" });
    const error = await portErrorOf(port.createConfigMap(namespace, name, { a: "2" }));
    expect(error.kind).toBe("already-exists");
    expect(error.details.operation).toBe(`create configmaps ${namespace}/${name}`);
    expect((await port.readConfigMap(namespace, name))?.data).toEqual({ a: "1" });
  });

  it("replaces data (removing keys too) and keeps labels, annotations and binaryData", async () => {
    const name = uniqueName("preserve");
    await adminJson("POST", `/api/v1/namespaces/${namespace}/configmaps`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name,
        labels: { "other.tool/owner": "someone" },
        annotations: { "other.tool/note": "keep me" },
      },
      data: { mapRoles: "old", mapAccounts: "- '111122223333'\n", CrazyCaseKey: "x" },
      binaryData: { blob: Buffer.from([0, 1, 2, 255]).toString("base64") },
    });
    const before = await port.readConfigMap(namespace, name);
    if (before === undefined) throw new Error("not created");

    const after = await port.replaceConfigMapData(
      namespace,
      name,
      { mapRoles: "new", CrazyCaseKey: "x" },
      before.resourceVersion,
    );
    expect(after.data).toEqual({ mapRoles: "new", CrazyCaseKey: "x" });
    expect(after.resourceVersion).not.toBe(before.resourceVersion);

    const live = await adminJson("GET", `/api/v1/namespaces/${namespace}/configmaps/${name}`);
    const metadata = live["metadata"] as { labels?: object; annotations?: object; resourceVersion?: string };
    expect(metadata.labels).toEqual({ "other.tool/owner": "someone" });
    expect(metadata.annotations).toEqual({ "other.tool/note": "keep me" });
    expect(metadata.resourceVersion).toBe(after.resourceVersion);
    expect(live["binaryData"]).toEqual({ blob: Buffer.from([0, 1, 2, 255]).toString("base64") });
    expect(live["data"]).toEqual({ mapRoles: "new", CrazyCaseKey: "x" });
  });

  it("two writers with the same resourceVersion: the second gets conflict and writes nothing", async () => {
    const name = uniqueName("race");
    const created = await port.createConfigMap(namespace, name, { mapRoles: "base" });
    const other = await adminPort();

    const first = await other.replaceConfigMapData(
      namespace,
      name,
      { mapRoles: "first" },
      created.resourceVersion,
    );
    const error = await portErrorOf(
      port.replaceConfigMapData(namespace, name, { mapRoles: "second" }, created.resourceVersion),
    );
    expect(error.kind).toBe("conflict");
    expect(error.details.operation).toBe(`patch configmaps ${namespace}/${name}`);
    expect(await port.readConfigMap(namespace, name)).toEqual(first);

    // Re-read and retry with the current version: now it goes through.
    const retried = await port.replaceConfigMapData(
      namespace,
      name,
      { mapRoles: "second" },
      first.resourceVersion,
    );
    expect(retried.data).toEqual({ mapRoles: "second" });
  });

  it("replacing a ConfigMap that does not exist is not-found", async () => {
    const error = await portErrorOf(
      port.replaceConfigMapData(namespace, uniqueName("missing"), { a: "b" }, "1"),
    );
    expect(error.kind).toBe("not-found");
  });

  it("counts requests by verb and resource", async () => {
    const counted = await adminPort();
    const name = uniqueName("count");
    await counted.readConfigMap(namespace, name);
    const created = await counted.createConfigMap(namespace, name, { a: "1" });
    await counted.replaceConfigMapData(namespace, name, { a: "2" }, created.resourceVersion);
    await counted.readConfigMap(namespace, name);
    expect(counted.calls()).toEqual({ "create configmaps": 1, "get configmaps": 2, "patch configmaps": 1 });
  });

  it("a 403 names the operation, the identity and the missing permission", async () => {
    const name = uniqueName("aws-auth");
    const created = await port.createConfigMap(namespace, name, { mapRoles: "" });
    const low = await lowPrivPort();
    const error = await portErrorOf(
      low.replaceConfigMapData(namespace, name, { mapRoles: "x" }, created.resourceVersion),
    );
    expect(error.kind).toBe("access-denied");
    expect(error.details.operation).toBe(`patch configmaps ${namespace}/${name}`);
    expect(error.details.identity).toBe(LOWPRIV_USER);
    expect(error.details.missingPermission).toBe(`patch configmaps in namespace ${namespace}`);
    expect(error.details.escalation).toBeUndefined();

    const readError = await portErrorOf(low.readConfigMap(namespace, name));
    expect(readError.kind).toBe("access-denied");
    expect(readError.details.missingPermission).toBe(`get configmaps in namespace ${namespace}`);
  });
});

describe("RBAC objects", () => {
  let ns1 = "";
  let ns2 = "";
  let port: CountedKubePort;

  beforeAll(async () => {
    [ns1, ns2] = await Promise.all([freshNamespace("kube-adapter-rb"), freshNamespace("kube-adapter-rb")]);
    port = await adminPort();
  });

  it("upserts a ClusterRole, a ClusterRoleBinding and RoleBindings, and lists them by label across namespaces", async () => {
    const team = uniqueName("team");
    const roleName = uniqueName("eksgate-reader");
    const role: ClusterRole = {
      apiVersion: RBAC_API_VERSION,
      kind: "ClusterRole",
      metadata: { name: roleName, labels: teamLabels(team) },
      rules: [
        { verbs: ["get", "list"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] },
        { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      ],
    };
    const binding = crb(`eksgate:${team}:view`, team, "view");
    const rb1 = rb(`eksgate:${team}:${roleName}`, ns1, team, roleName);
    const rb2 = rb(`eksgate:${team}:${roleName}`, ns2, team, roleName);
    const unrelated = rb(`eksgate:${team}-other:edit`, ns1, `${team}-other`, "edit");
    for (const o of [role, binding, rb1, rb2, unrelated]) await port.upsertRbac(o);

    const labels = teamLabels(team);
    expect(await port.listRbac("ClusterRole", labels)).toEqual([role]);
    expect(await port.listRbac("ClusterRoleBinding", labels)).toEqual([binding]);
    const roleBindings = await port.listRbac("RoleBinding", labels);
    expect(
      [...roleBindings].sort((a, b) =>
        (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? ""),
      ),
    ).toEqual([rb1, rb2].sort((a, b) => a.metadata.namespace.localeCompare(b.metadata.namespace)));

    expect(await port.getRbac("ClusterRole", roleName)).toEqual(role);
    expect(await port.getRbac("ClusterRoleBinding", binding.metadata.name)).toEqual(binding);
    expect(await port.getRbac("RoleBinding", rb2.metadata.name, ns2)).toEqual(rb2);
    expect(await port.getRbac("RoleBinding", rb1.metadata.name, ns1)).toEqual(rb1);
    expect(await port.getRbac("RoleBinding", unrelated.metadata.name, ns2)).toBeUndefined();

    for (const o of [role, binding, rb1, rb2, unrelated])
      await port.deleteRbac(o.kind, o.metadata.name, o.metadata.namespace);
    expect(await port.listRbac("RoleBinding", labels)).toEqual([]);
    expect(await port.getRbac("ClusterRoleBinding", binding.metadata.name)).toBeUndefined();
  });

  it("lists in pages and returns every object", async () => {
    const team = uniqueName("paged");
    const paged = createKubePort(
      await connect({
        kubeconfigPath: kubeEnv().adminKubeconfig,
        context: "eksgate-test-admin",
        cluster: clusterIdentity(),
      }),
      {
        listPageSize: 2,
      },
    );
    const objects = [1, 2, 3, 4, 5].map((i) => crb(`eksgate:${team}:${i}`, team, "view"));
    for (const o of objects) await paged.upsertRbac(o);
    const before = paged.calls()["list clusterrolebindings"] ?? 0;
    const listed = await paged.listRbac("ClusterRoleBinding", teamLabels(team));
    expect(listed.map((o) => o.metadata.name).sort()).toEqual(objects.map((o) => o.metadata.name).sort());
    expect((paged.calls()["list clusterrolebindings"] ?? 0) - before).toBe(3);
    for (const o of objects) await paged.deleteRbac(o.kind, o.metadata.name);
  });

  it("upsert of an existing binding updates subjects and keeps others' annotations and labels", async () => {
    const team = uniqueName("update");
    const name = `eksgate:${team}:edit`;
    await port.upsertRbac(rb(name, ns1, team, "edit"));
    const path = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns1}/rolebindings/${encodeURIComponent(name)}`;
    const live = await adminJson("GET", path);
    const metadata = live["metadata"] as Record<string, unknown>;
    await adminJson("PUT", path, {
      ...live,
      metadata: {
        ...metadata,
        annotations: { "someone/else": "yes" },
        labels: { ...(metadata["labels"] as object), "extra/label": "kept" },
      },
    });

    const changed: RoleBinding = { ...rb(name, ns1, team, "edit"), subjects: [group("new-group")] };
    const counted = await adminPort();
    await counted.upsertRbac(changed);
    expect(counted.calls()).toEqual({
      "create rolebindings": 1,
      "get rolebindings": 1,
      "update rolebindings": 1,
    });

    const after = await adminJson("GET", path);
    expect(after["subjects"]).toEqual([group("new-group")]);
    const afterMeta = after["metadata"] as { annotations?: object; labels?: object };
    expect(afterMeta.annotations).toEqual({ "someone/else": "yes" });
    expect(afterMeta.labels).toEqual({ ...teamLabels(team), "extra/label": "kept" });
    await port.deleteRbac("RoleBinding", name, ns1);
  });

  it("upsert with another roleRef replaces the binding (roleRef cannot change in place)", async () => {
    const team = uniqueName("reref");
    const name = `eksgate:${team}:x`;
    await port.upsertRbac(crb(name, team, "view"));
    await port.upsertRbac(crb(name, team, "edit"));
    const live = await port.getRbac("ClusterRoleBinding", name);
    expect(live?.kind === "ClusterRoleBinding" ? live.roleRef : undefined).toEqual(clusterRoleRef("edit"));
    await port.deleteRbac("ClusterRoleBinding", name);
  });

  it("upsert never changes an object without eksgate's label", async () => {
    const name = uniqueName("foreign");
    await adminJson("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
      apiVersion: RBAC_API_VERSION,
      kind: "ClusterRoleBinding",
      metadata: { name, labels: { [MANAGED_BY_LABEL]: "helm" } },
      subjects: [group("someone-elses")],
      roleRef: clusterRoleRef("view"),
    });
    const error = await portErrorOf(port.upsertRbac(crb(name, "mine", "view", "mine-group")));
    expect(error.kind).toBe("already-exists");
    expect(error.message).toContain(`${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`);
    const live = await port.getRbac("ClusterRoleBinding", name);
    expect(live?.kind === "ClusterRoleBinding" ? live.subjects : undefined).toEqual([group("someone-elses")]);
    await adminRequest("DELETE", `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`);
  });

  it("reports subjects that are not groups as they are, so a diff sees them", async () => {
    const team = uniqueName("edited");
    const name = `eksgate:${team}:view`;
    await port.upsertRbac(rb(name, ns2, team, "view"));
    const path = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns2}/rolebindings/${encodeURIComponent(name)}`;
    const live = await adminJson("GET", path);
    await adminJson("PUT", path, {
      ...live,
      subjects: [{ kind: "ServiceAccount", name: "default", namespace: ns2 }],
    });
    const observed = await port.getRbac("RoleBinding", name, ns2);
    expect(observed?.kind === "RoleBinding" ? observed.subjects : undefined).toEqual([
      { kind: "ServiceAccount", apiGroup: "", name: "default", namespace: ns2 },
    ]);
    await port.deleteRbac("RoleBinding", name, ns2);
  });

  it("deleting an object that is already gone is not an error", async () => {
    await expect(port.deleteRbac("RoleBinding", uniqueName("gone"), ns1)).resolves.toBeUndefined();
    await expect(port.deleteRbac("ClusterRole", uniqueName("gone"))).resolves.toBeUndefined();
  });

  it("namespaceExists answers for existing and missing namespaces", async () => {
    expect(await port.namespaceExists(ns1)).toBe(true);
    expect(await port.namespaceExists("kube-system")).toBe(true);
    expect(await port.namespaceExists(uniqueName("nope"))).toBe(false);
  });
});

describe("binding escalation check", () => {
  const grantName = uniqueName("lowpriv-binding-writer");

  beforeAll(async () => {
    // The low-privileged identity may write ClusterRoleBindings, but holds none of cluster-admin's rights.
    await adminJson("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
      apiVersion: RBAC_API_VERSION,
      kind: "ClusterRole",
      metadata: { name: grantName },
      rules: [
        {
          apiGroups: [RBAC_API_GROUP],
          resources: ["clusterrolebindings"],
          verbs: ["create", "get", "update", "delete"],
        },
      ],
    });
    await adminJson("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
      apiVersion: RBAC_API_VERSION,
      kind: "ClusterRoleBinding",
      metadata: { name: grantName },
      subjects: [{ kind: "User", apiGroup: RBAC_API_GROUP, name: LOWPRIV_USER }],
      roleRef: clusterRoleRef(grantName),
    });
    await waitUntilLowPrivMay("create", true);
  });

  afterAll(async () => {
    await adminRequest("DELETE", `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${grantName}`);
    await adminRequest("DELETE", `/apis/rbac.authorization.k8s.io/v1/clusterroles/${grantName}`);
    // Other test files rely on the identity being low-privileged again.
    await waitUntilLowPrivMay("create", false);
  });

  it("binding cluster-admin is access-denied with escalation and the rules it lacks", async () => {
    const low = await lowPrivPort();
    const name = uniqueName("eksgate:escalate");
    const error = await portErrorOf(low.upsertRbac(crb(name, "escalate", "cluster-admin")));
    expect(error.kind).toBe("access-denied");
    expect(error.details.escalation).toBe(true);
    expect(error.details.identity).toBe(LOWPRIV_USER);
    expect(error.details.operation).toBe(`create clusterrolebindings ${name}`);
    expect(error.details.missingPermission).toContain('APIGroups:["*"], Resources:["*"], Verbs:["*"]');
    expect(error.details.missingPermission).toContain('NonResourceURLs:["*"], Verbs:["*"]');
    expect(error.message).toMatch(/escalation/);
    expect(await (await adminPort()).getRbac("ClusterRoleBinding", name)).toBeUndefined();
  });

  it("binding a role whose rules it holds goes through (the refusal above is the escalation check)", async () => {
    const low = await lowPrivPort();
    const name = uniqueName("eksgate:allowed");
    await low.upsertRbac(crb(name, "allowed", grantName));
    expect((await low.getRbac("ClusterRoleBinding", name))?.metadata.name).toBe(name);
    await low.deleteRbac("ClusterRoleBinding", name);
  });

  it("a plain missing permission is access-denied without escalation", async () => {
    const low = await lowPrivPort();
    const error = await portErrorOf(low.listRbac("RoleBinding", teamLabels("x")));
    expect(error.kind).toBe("access-denied");
    expect(error.details.escalation).toBeUndefined();
    expect(error.details.missingPermission).toBe(
      "list rolebindings.rbac.authorization.k8s.io at cluster scope",
    );
  });
});

/** Polls a SelfSubjectAccessReview until the RBAC authorizer has caught up with a change. */
async function waitUntilLowPrivMay(verb: string, allowed: boolean): Promise<void> {
  await waitUntil(
    `the RBAC authorizer to say allowed=${String(allowed)} for ${verb} clusterrolebindings`,
    async () => {
      const res = await apiRequest(
        lowPrivClient(),
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { verb, group: RBAC_API_GROUP, resource: "clusterrolebindings" } },
        },
      );
      const status = (JSON.parse(res.body) as { status?: { allowed?: boolean } }).status;
      return (status?.allowed ?? false) === allowed || `allowed=${String(status?.allowed ?? false)}`;
    },
  );
}

describe("connection resolution", () => {
  let dir = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "eksgate-kubeconfig-"));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  interface ContextSpec {
    readonly name: string;
    readonly clusterName?: string;
    readonly server: string;
    readonly user?: Record<string, unknown>;
  }

  function writeKubeconfig(file: string, contexts: readonly ContextSpec[], current?: string): string {
    const env = kubeEnv();
    const ca = Buffer.from(env.caData).toString("base64");
    const path = join(dir, file);
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: contexts.map((c) => ({
          name: c.clusterName ?? c.name,
          cluster: { server: c.server, "certificate-authority-data": ca },
        })),
        users: contexts.map((c) => ({ name: `user-${c.name}`, user: c.user ?? { token: env.adminToken } })),
        contexts: contexts.map((c) => ({
          name: c.name,
          context: { cluster: c.clusterName ?? c.name, user: `user-${c.name}` },
        })),
        "current-context": current ?? contexts[0]?.name ?? "",
      }),
    );
    return path;
  }

  const elsewhere = "https://eksgate-nowhere.invalid:6443";

  it("finds the context named after the cluster ARN, as aws eks update-kubeconfig writes it", async () => {
    const file = writeKubeconfig("arn.yaml", [
      { name: "unrelated", server: elsewhere },
      { name: CLUSTER_ARN, server: kubeEnv().server },
    ]);
    const result = await resolveKubeConnection({ kubeconfigPath: file, cluster: clusterIdentity() });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.kubeConfig.getCurrentContext()).toBe(CLUSTER_ARN);
    expect(result.value.origin).toBe(`context "${CLUSTER_ARN}" in ${file}`);
    expect(result.diagnostics).toEqual([]);
    expect(await createKubePort(result.value).namespaceExists("default")).toBe(true);
  });

  it("finds a context with --alias through its cluster entry named after the ARN", async () => {
    const file = writeKubeconfig(
      "alias.yaml",
      [
        { name: "prod-admin", clusterName: CLUSTER_ARN, server: kubeEnv().server },
        { name: "unrelated", server: elsewhere },
      ],
      "unrelated",
    );
    const result = await resolveKubeConnection({ kubeconfigPath: file, cluster: clusterIdentity() });
    expect(result.ok && result.value.kubeConfig.getCurrentContext()).toBe("prod-admin");
  });

  it("finds a context by its server URL when no name fits (eksctl-style names)", async () => {
    const file = writeKubeconfig("server.yaml", [
      { name: "unrelated", server: elsewhere },
      { name: "admin@eksgate-test.us-west-2.eksctl.io", server: `${kubeEnv().server}/` },
    ]);
    const connection = await connect({ kubeconfigPath: file, cluster: clusterIdentity() });
    expect(connection.kubeConfig.getCurrentContext()).toBe("admin@eksgate-test.us-west-2.eksctl.io");
    const port = createKubePort(connection);
    expect(await port.namespaceExists("kube-system")).toBe(true);
    expect(port.calls()).toEqual({ "get namespaces": 1 });
  });

  it("skips a context named after the cluster that points at another server, and says so", async () => {
    const file = writeKubeconfig("stale.yaml", [
      { name: CLUSTER_ARN, server: elsewhere },
      { name: "by-server", server: kubeEnv().server },
    ]);
    const result = await resolveKubeConnection({ kubeconfigPath: file, cluster: clusterIdentity() });
    expect(result.ok && result.value.kubeConfig.getCurrentContext()).toBe("by-server");
    expect(result.diagnostics.map((d) => d.code)).toEqual([KUBE_CONNECTION_CODES.contextOtherServer]);
    expect(result.diagnostics[0]?.detail).toContain(
      "aws eks update-kubeconfig --name eksgate-test --region us-west-2",
    );
  });

  it("uses an explicitly named context, and refuses one that points at another server", async () => {
    const file = writeKubeconfig("explicit.yaml", [
      { name: "a", server: kubeEnv().server },
      { name: "b", server: elsewhere },
    ]);
    const chosen = await resolveKubeConnection({
      kubeconfigPath: file,
      context: "a",
      cluster: clusterIdentity(),
    });
    expect(chosen.ok && chosen.value.kubeConfig.getCurrentContext()).toBe("a");
    const wrong = await resolveKubeConnection({
      kubeconfigPath: file,
      context: "b",
      cluster: clusterIdentity(),
    });
    expect(wrong.ok).toBe(false);
    expect(wrong.diagnostics.map((d) => d.code)).toEqual([KUBE_CONNECTION_CODES.contextOtherServer]);
    const missing = await resolveKubeConnection({
      kubeconfigPath: file,
      context: "c",
      cluster: clusterIdentity(),
    });
    expect(missing.diagnostics.map((d) => d.code)).toEqual([KUBE_CONNECTION_CODES.contextNotFound]);
  });

  it("reads KUBECONFIG (several files) when no path is given", async () => {
    const first = writeKubeconfig("env-1.yaml", [{ name: "unrelated", server: elsewhere }]);
    const second = writeKubeconfig("env-2.yaml", [{ name: "eksgate-test", server: kubeEnv().server }]);
    const result = await resolveKubeConnection({
      cluster: clusterIdentity(),
      env: { KUBECONFIG: `${first}:${join(dir, "absent.yaml")}:${second}`, HOME: dir },
    });
    expect(result.ok && result.value.origin).toBe(`context "eksgate-test" in ${second}`);
  });

  it("runs an exec credential plugin named in the kubeconfig", async () => {
    const credential = JSON.stringify({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      kind: "ExecCredential",
      status: { token: kubeEnv().adminToken },
    });
    const file = writeKubeconfig("exec.yaml", [
      {
        name: CLUSTER_ARN,
        server: kubeEnv().server,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: process.execPath,
            args: ["-e", `process.stdout.write(${JSON.stringify(credential)})`],
          },
        },
      },
    ]);
    const port = createKubePort(await connect({ kubeconfigPath: file, cluster: clusterIdentity() }));
    expect(await port.namespaceExists("default")).toBe(true);
  });

  it("builds a bearer-token connection from the endpoint and CA when no context fits", async () => {
    const file = writeKubeconfig("none.yaml", [{ name: "unrelated", server: elsewhere }]);
    let minted = 0;
    const connection = await connect({
      kubeconfigPath: file,
      cluster: clusterIdentity({ caData: Buffer.from(kubeEnv().caData).toString("base64") }),
      tokenProvider: () => {
        minted++;
        return Promise.resolve(kubeEnv().adminToken);
      },
    });
    expect(connection.origin).toBe(`endpoint ${kubeEnv().server} of cluster eksgate-test`);
    const port = createKubePort(connection);
    expect(await port.namespaceExists("default")).toBe(true);
    expect(await port.namespaceExists(uniqueName("absent"))).toBe(false);
    expect(minted).toBe(2);
  });

  it("accepts the CA as PEM text too", async () => {
    const connection = await connect({
      kubeconfigPath: writeKubeconfig("none-pem.yaml", [{ name: "unrelated", server: elsewhere }]),
      cluster: clusterIdentity({ caData: kubeEnv().caData }),
      tokenProvider: () => Promise.resolve(kubeEnv().adminToken),
    });
    expect(await createKubePort(connection).namespaceExists("default")).toBe(true);
  });

  it("without a context or endpoint credentials, says what to run", async () => {
    const file = writeKubeconfig("nothing.yaml", [{ name: "unrelated", server: elsewhere }]);
    const result = await resolveKubeConnection({ kubeconfigPath: file, cluster: clusterIdentity() });
    expect(result.ok).toBe(false);
    const [diagnostic] = result.diagnostics;
    expect(diagnostic?.code).toBe(KUBE_CONNECTION_CODES.noConnection);
    expect(diagnostic?.detail).toContain("aws eks update-kubeconfig --name eksgate-test --region us-west-2");
    expect(diagnostic?.detail).toContain("eksgate kubeconfig");
    expect(diagnostic?.detail).toContain(file);
  });

  it("a kubeconfig path that does not exist is an error", async () => {
    const result = await resolveKubeConnection({
      kubeconfigPath: join(dir, "nope.yaml"),
      cluster: clusterIdentity(),
    });
    expect(result.diagnostics.map((d) => d.code)).toEqual([KUBE_CONNECTION_CODES.kubeconfigMissing]);
  });
});

describe("transport and credential failures", () => {
  // No kubeconfig at all: the connection is built from the endpoint.
  const NO_KUBECONFIG = join(tmpdir(), "eksgate-no-such-kubeconfig");

  it("a server nobody listens on is unavailable", async () => {
    const [free] = await freePorts(1);
    const connection = await connect({
      cluster: clusterIdentity({ endpoint: `https://127.0.0.1:${free ?? 1}`, caData: kubeEnv().caData }),
      tokenProvider: () => Promise.resolve("x"),
      env: { KUBECONFIG: NO_KUBECONFIG },
    });
    const error = await portErrorOf(createKubePort(connection).namespaceExists("default"));
    expect(error.kind).toBe("unavailable");
    expect(error.details.operation).toBe("get namespaces default");
  });

  it("a token the server does not accept is credentials (401)", async () => {
    const connection = await connect({
      cluster: clusterIdentity({ caData: kubeEnv().caData }),
      tokenProvider: () => Promise.resolve("not-a-real-token"),
      env: { KUBECONFIG: NO_KUBECONFIG },
    });
    const error = await portErrorOf(createKubePort(connection).readConfigMap("default", "x"));
    expect(error.kind).toBe("credentials");
  });

  it("a token provider that fails is credentials, before any request", async () => {
    const connection = await connect({
      cluster: clusterIdentity({ caData: kubeEnv().caData }),
      tokenProvider: () => Promise.reject(new Error("SSO session expired")),
      env: { KUBECONFIG: NO_KUBECONFIG },
    });
    const error = await portErrorOf(createKubePort(connection).readConfigMap("default", "x"));
    expect(error.kind).toBe("credentials");
    expect(error.message).toContain("SSO session expired");
    expect(isPortError(error, "credentials")).toBe(true);
  });
});
