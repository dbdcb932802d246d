/**
 * The RBAC evaluator against the real kube-apiserver: apply a generated corpus, read
 * every RBAC object back the way `snapshot` would (typed lists, bootstrap policy
 * included), and compare each decision with the server's SubjectAccessReview answer.
 * Seed: EKSGATE_RBAC_SEED (default 20260101); the seed is printed on failure.
 *
 * The server's authorizer works from informer caches, so a fresh object can take a
 * moment to count. Before asking, the test waits until the caches hold the whole corpus:
 * it writes one sentinel of each RBAC kind after the corpus (and after the aggregation
 * controller is done) and waits until the authorizer grants what the sentinels grant. Each
 * kind's cache takes events in order, so then every corpus object counts, and any
 * disagreement is real, however slow the machine.
 */
import { describe, expect, it } from "vitest";
import type { RequestAttributes } from "../../src/core/evaluate/rbac/index.js";
import { authorize, isNonResource, loadRbacSnapshot, ruleKey } from "../../src/core/evaluate/rbac/index.js";
import { adminRequest, uniqueName } from "../env/context.js";
import { waitUntil } from "../env/wait.js";
import type { CorpusRequest } from "../support/rbac-corpus.js";
import { generateRbacCorpus } from "../support/rbac-corpus.js";

const seed = Number(process.env["EKSGATE_RBAC_SEED"] ?? "20260101");
const RBAC = "/apis/rbac.authorization.k8s.io/v1";

async function create(path: string, body: unknown): Promise<void> {
  const res = await adminRequest("POST", path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.body}`);
}

async function list(path: string): Promise<unknown> {
  const res = await adminRequest("GET", path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as unknown;
}

async function readBack(): Promise<unknown[]> {
  return Promise.all([
    list("/api/v1/namespaces"),
    list(`${RBAC}/clusterroles`),
    list(`${RBAC}/roles`),
    list(`${RBAC}/clusterrolebindings`),
    list(`${RBAC}/rolebindings`),
  ]);
}

async function subjectAccessReview(r: CorpusRequest): Promise<boolean> {
  const a: RequestAttributes = r.attributes;
  const spec = {
    user: r.identity.user,
    groups: r.identity.groups,
    ...(isNonResource(a)
      ? { nonResourceAttributes: { path: a.path, verb: a.verb } }
      : {
          resourceAttributes: {
            verb: a.verb,
            group: a.apiGroup,
            resource: a.resource,
            ...(a.subresource ? { subresource: a.subresource } : {}),
            ...(a.name ? { name: a.name } : {}),
            ...(a.namespace ? { namespace: a.namespace } : {}),
          },
        }),
  };
  const res = await adminRequest("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec,
  });
  if (res.status !== 201) throw new Error(`SubjectAccessReview: ${res.status} ${res.body}`);
  const body = JSON.parse(res.body) as { status?: { allowed?: boolean } };
  return body.status?.allowed === true;
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function allowedFor(user: string, namespace?: string): Promise<boolean> {
  const res = await adminRequest("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user,
      resourceAttributes: {
        verb: "get",
        group: "sentinel.eksgate.test",
        resource: "sentinels",
        ...(namespace !== undefined ? { namespace } : {}),
      },
    },
  });
  if (res.status !== 201) throw new Error(`SubjectAccessReview: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { status?: { allowed?: boolean } }).status?.allowed === true;
}

/**
 * Writes a ClusterRole, Role, ClusterRoleBinding and RoleBinding that grant two sentinel
 * users a made-up permission, then waits until the authorizer grants it to both: from then
 * on its caches hold every RBAC object written before the sentinels.
 */
async function waitForAuthorizerCaches(prefix: string, namespace: string): Promise<void> {
  const name = `${prefix}-sentinel`;
  const rules = [{ apiGroups: ["sentinel.eksgate.test"], resources: ["sentinels"], verbs: ["get"] }];
  const subject = (user: string) => [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: user }];
  const clusterUser = `${name}-cluster`;
  const namespaceUser = `${name}-namespace`;
  await create(`${RBAC}/clusterroles`, { metadata: { name }, rules });
  await create(`${RBAC}/namespaces/${namespace}/roles`, { metadata: { name, namespace }, rules });
  await create(`${RBAC}/clusterrolebindings`, {
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
    subjects: subject(clusterUser),
  });
  await create(`${RBAC}/namespaces/${namespace}/rolebindings`, {
    metadata: { name, namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: subject(namespaceUser),
  });
  await waitUntil("the RBAC authorizer's caches to hold the sentinel roles and bindings", async () => {
    const cluster = await allowedFor(clusterUser);
    const namespaced = await allowedFor(namespaceUser, namespace);
    return (
      (cluster && namespaced) ||
      `ClusterRoleBinding counts: ${String(cluster)}, RoleBinding counts: ${String(namespaced)}`
    );
  });
}

describe(`RBAC evaluator vs kube-apiserver (seed ${seed})`, () => {
  it("agrees with SubjectAccessReview on every corpus request", async () => {
    const prefix = uniqueName("c");
    const corpus = generateRbacCorpus({ seed, prefix });
    const o = corpus.objects;
    for (const ns of o.namespaces) await create("/api/v1/namespaces", ns);
    await inBatches(o.clusterRoles, 8, (r) => create(`${RBAC}/clusterroles`, r));
    await inBatches(o.roles, 8, (r) => create(`${RBAC}/namespaces/${r.metadata.namespace ?? ""}/roles`, r));
    await inBatches(o.clusterRoleBindings, 8, (b) => create(`${RBAC}/clusterrolebindings`, b));
    await inBatches(o.roleBindings, 8, (b) =>
      create(`${RBAC}/namespaces/${b.metadata.namespace ?? ""}/rolebindings`, b),
    );

    // Wait until the aggregation controller has written what we compute from the manifests.
    const aggregatedNames = o.clusterRoles.filter((r) => r.aggregationRule).map((r) => r.metadata.name);
    const ours = loadRbacSnapshot([...o.clusterRoles]).snapshot;
    const expected = aggregatedNames.map((n) =>
      (ours.clusterRoles.get(n)?.rules ?? []).map((r) => ruleKey(r.rule)),
    );
    let live = loadRbacSnapshot(await readBack(), { aggregation: "as-written" }).snapshot;
    const actual = (): string[][] =>
      aggregatedNames.map((n) => (live.clusterRoles.get(n)?.rules ?? []).map((r) => ruleKey(r.rule)));
    await waitUntil("the aggregation controller to write the aggregated ClusterRoles' rules", async () => {
      live = loadRbacSnapshot(await readBack(), { aggregation: "as-written" }).snapshot;
      return JSON.stringify(actual()) === JSON.stringify(expected) || "rules still differ";
    });
    expect(actual()).toEqual(expected);
    await waitForAuthorizerCaches(prefix, o.namespaces[0]?.metadata.name ?? "default");

    // Evaluate from what the server holds, recomputing aggregation (bootstrap roles included).
    const { snapshot, diagnostics } = loadRbacSnapshot(await readBack());
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const decide = (r: CorpusRequest): boolean => authorize(snapshot, r.identity, r.attributes).allowed;

    const server = await inBatches(corpus.requests, 16, subjectAccessReview);
    const differing = corpus.requests.filter((r, i) => server[i] !== decide(r));
    const allowed = server.filter(Boolean).length;
    expect(corpus.requests.length).toBeGreaterThanOrEqual(2000);
    expect(allowed).toBeGreaterThan(corpus.requests.length * 0.2);
    expect(
      differing.slice(0, 10).map((r) => ({ seed, ...r, ours: decide(r) })),
      `seed ${seed}: ${differing.length} disagreement(s)`,
    ).toEqual([]);
  });
});
