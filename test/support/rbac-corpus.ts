/**
 * A generated RBAC corpus: ClusterRoles (some aggregated, in chains, with matchLabels and
 * matchExpressions), Roles, ClusterRoleBindings and RoleBindings (User, Group and
 * ServiceAccount subjects, some with missing roles), and requests that hit and miss
 * them (subresources, the any-resource `scale` wildcard, resourceNames, non-resource URLs, service-account users).
 *
 * Pure and reproducible: the same seed gives the same corpus. Every object is valid for
 * a real API server, so the corpus can be applied to one and each request compared with
 * its SubjectAccessReview answer. Names start with `${P}-` and labels use the
 * `corpus.eksgate.dev/` prefix so nothing collides with the server's bootstrap policy.
 */
import type {
  ClusterRole,
  ClusterRoleBinding,
  Identity,
  LabelSelector,
  Namespace,
  PolicyRule,
  RequestAttributes,
  Role,
  RoleBinding,
  Subject,
} from "../../src/core/evaluate/rbac/index.js";
import { serviceAccountUser } from "../../src/core/evaluate/rbac/index.js";

const G = "rbac.authorization.k8s.io";
const V = `${G}/v1`;

export interface CorpusRequest {
  readonly identity: Identity;
  readonly attributes: RequestAttributes;
}

export interface RbacCorpus {
  readonly seed: number;
  readonly namespaces: readonly string[];
  readonly objects: {
    readonly namespaces: readonly Namespace[];
    readonly clusterRoles: readonly ClusterRole[];
    readonly roles: readonly Role[];
    readonly clusterRoleBindings: readonly ClusterRoleBinding[];
    readonly roleBindings: readonly RoleBinding[];
  };
  readonly requests: readonly CorpusRequest[];
}

export interface RbacCorpusOptions {
  readonly seed: number;
  /**
   * Prefix of every object, user and group name, and of the label domain
   * (`<prefix>.eksgate.dev/...`), so several corpora can live in one cluster.
   * A DNS label; default `corpus`.
   */
  readonly prefix?: string;
  readonly namespaces?: number;
  readonly clusterRoles?: number;
  readonly roles?: number;
  readonly clusterRoleBindings?: number;
  readonly roleBindings?: number;
  readonly requests?: number;
}

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const n = min + this.int(max - min + 1);
    const out = new Set<T>();
    for (let i = 0; i < n * 3 && out.size < n; i++) out.add(this.pick(items));
    return [...out];
  }
}

/** resource -> its API group and the subresources it has. */
const RESOURCES: readonly { group: string; resource: string; subresources: readonly string[] }[] = [
  { group: "", resource: "pods", subresources: ["log", "exec", "status", "eviction"] },
  { group: "", resource: "configmaps", subresources: [] },
  { group: "", resource: "secrets", subresources: [] },
  { group: "", resource: "services", subresources: ["proxy", "status"] },
  { group: "", resource: "serviceaccounts", subresources: ["token"] },
  { group: "", resource: "namespaces", subresources: ["status"] },
  { group: "", resource: "nodes", subresources: ["proxy"] },
  { group: "", resource: "users", subresources: [] },
  { group: "", resource: "groups", subresources: [] },
  { group: "apps", resource: "deployments", subresources: ["scale", "status"] },
  { group: "apps", resource: "statefulsets", subresources: ["scale"] },
  { group: "batch", resource: "jobs", subresources: ["status"] },
  { group: G, resource: "roles", subresources: [] },
  { group: G, resource: "clusterroles", subresources: [] },
  { group: "widgets.example.com", resource: "widgets", subresources: ["scale"] },
];
const GROUPS = [...new Set(RESOURCES.map((r) => r.group))];
const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const SPECIAL_VERBS = ["impersonate", "bind", "escalate"];
const OBJECT_NAMES = ["web", "db", "cache", "cluster-admin", "bob"];
const URL_RULES = ["/healthz", "/healthz/*", "/api*", "/apis/*", "/metrics", "/logs/*", "/version", "*"];
const URL_PATHS = [
  "/healthz",
  "/healthz/etcd",
  "/healthz/",
  "/api",
  "/api/v1",
  "/apis",
  "/apis/apps",
  "/metrics",
  "/logs",
  "/logs/kube.log",
  "/version",
  "/version/",
  "/openapi/v2",
];
const URL_VERBS = ["get", "post", "put", "delete", "head"];
const AGGREGATE_KEYS = ["to-view", "to-edit", "to-admin"];
const TIERS = ["gold", "silver", "bronze"];

function resourceRule(d: Dice): PolicyRule {
  const verbs = d.chance(0.1) ? ["*"] : d.some([...VERBS, ...(d.chance(0.2) ? SPECIAL_VERBS : [])], 1, 3);
  const picks = d.some(RESOURCES, 1, 2);
  const apiGroups = d.chance(0.12) ? ["*"] : [...new Set(picks.map((p) => p.group))];
  const resources: string[] = [];
  for (const p of picks) {
    const roll = d.next();
    if (roll < 0.45 || p.subresources.length === 0) resources.push(p.resource);
    else if (roll < 0.75) resources.push(`${p.resource}/${d.pick(p.subresources)}`);
    else if (roll < 0.85) resources.push(`${p.resource}/*`);
    else resources.push(p.resource, `${p.resource}/${d.pick(p.subresources)}`);
  }
  if (d.chance(0.06)) resources.push("*/scale");
  if (d.chance(0.05)) resources.splice(0, resources.length, "*");
  const rule: PolicyRule = { apiGroups, resources: [...new Set(resources)], verbs };
  return d.chance(0.2) ? { ...rule, resourceNames: d.some(OBJECT_NAMES, 1, 2) } : rule;
}

function nonResourceRule(d: Dice): PolicyRule {
  return { nonResourceURLs: d.some(URL_RULES, 1, 2), verbs: d.chance(0.2) ? ["*"] : d.some(URL_VERBS, 1, 2) };
}

/** Builds the corpus for `options.seed`. */
export function generateRbacCorpus(options: RbacCorpusOptions): RbacCorpus {
  const d = new Dice(prng(options.seed));
  const P = options.prefix ?? "corpus";
  const LABEL = `${P}.eksgate.dev`;
  const namespaces = Array.from({ length: options.namespaces ?? 4 }, (_, i) => `${P}-ns-${i}`);
  const users = Array.from({ length: 16 }, (_, i) => `${P}-user-${i}`);
  const groups = Array.from({ length: 8 }, (_, i) => `${P}-group-${i}`);
  const saNames = ["builder", "deployer", "default", "runner"];

  // ClusterRoles: leaves with labels, then aggregated roles.
  const clusterRoles: ClusterRole[] = [];
  const leafCount = Math.max(4, (options.clusterRoles ?? 40) - 5);
  for (let i = 0; i < leafCount; i++) {
    const labels: Record<string, string> = { [`${LABEL}/member`]: "true" };
    // The first leaves feed each aggregation level, so every chain has content.
    const key =
      i < AGGREGATE_KEYS.length ? AGGREGATE_KEYS[i] : d.chance(0.35) ? d.pick(AGGREGATE_KEYS) : undefined;
    if (key !== undefined) labels[`${LABEL}/${key}`] = "true";
    if (d.chance(0.5)) labels[`${LABEL}/tier`] = d.pick(TIERS);
    if (d.chance(0.2)) labels[`${LABEL}/extra`] = "yes";
    const rules = Array.from({ length: 1 + d.int(4) }, () =>
      d.chance(0.15) ? nonResourceRule(d) : resourceRule(d),
    );
    clusterRoles.push({
      apiVersion: V,
      kind: "ClusterRole",
      metadata: { name: `${P}-cr-${i}`, labels },
      rules,
    });
  }
  const aggregated = (
    name: string,
    labels: Record<string, string>,
    selectors: LabelSelector[],
  ): ClusterRole => ({
    apiVersion: V,
    kind: "ClusterRole",
    metadata: { name, labels: { [`${LABEL}/member`]: "true", ...labels } },
    aggregationRule: { clusterRoleSelectors: selectors },
    rules: [],
  });
  // A chain view -> edit -> admin, as the built-in roles do.
  clusterRoles.push(
    aggregated(`${P}-agg-view`, { [`${LABEL}/to-edit`]: "true" }, [
      { matchLabels: { [`${LABEL}/to-view`]: "true" } },
    ]),
    aggregated(`${P}-agg-edit`, { [`${LABEL}/to-admin`]: "true" }, [
      { matchLabels: { [`${LABEL}/to-edit`]: "true" } },
    ]),
    aggregated(`${P}-agg-admin`, {}, [{ matchLabels: { [`${LABEL}/to-admin`]: "true" } }]),
    aggregated(`${P}-agg-tiers`, {}, [
      {
        matchLabels: { [`${LABEL}/member`]: "true" },
        matchExpressions: [{ key: `${LABEL}/tier`, operator: "In", values: ["gold", "silver"] }],
      },
      {
        matchLabels: { [`${LABEL}/member`]: "true" },
        matchExpressions: [
          { key: `${LABEL}/extra`, operator: "Exists" },
          { key: `${LABEL}/tier`, operator: "NotIn", values: ["gold"] },
        ],
      },
    ]),
    aggregated(`${P}-agg-untiered`, {}, [
      {
        matchLabels: { [`${LABEL}/member`]: "true" },
        matchExpressions: [
          { key: `${LABEL}/tier`, operator: "DoesNotExist" },
          { key: `${LABEL}/to-view`, operator: "Exists" },
        ],
      },
    ]),
  );
  const clusterRoleNames = clusterRoles.map((r) => r.metadata.name);

  const roles: Role[] = [];
  for (let i = 0; i < (options.roles ?? 30); i++) {
    const namespace = d.pick(namespaces);
    const rules = Array.from({ length: 1 + d.int(3) }, () => resourceRule(d));
    roles.push({
      apiVersion: V,
      kind: "Role",
      metadata: { name: `${P}-role-${i % 10}`, namespace },
      rules,
    });
  }
  // Role names repeat across namespaces; keep one per namespace/name.
  const uniqueRoles = [
    ...new Map(roles.map((r) => [`${r.metadata.namespace ?? ""}/${r.metadata.name}`, r])).values(),
  ];

  const subject = (bindingNamespace: string | undefined): Subject => {
    const roll = d.next();
    if (roll < 0.4) return { kind: "User", apiGroup: G, name: d.pick(users) };
    if (roll < 0.7) {
      const name = d.chance(0.1)
        ? d.pick(["system:authenticated", `system:serviceaccounts:${d.pick(namespaces)}`])
        : d.pick(groups);
      return { kind: "Group", apiGroup: G, name };
    }
    if (bindingNamespace !== undefined && d.chance(0.4))
      return { kind: "ServiceAccount", name: d.pick(saNames) };
    return { kind: "ServiceAccount", name: d.pick(saNames), namespace: d.pick(namespaces) };
  };
  const subjects = (ns: string | undefined): Subject[] =>
    Array.from({ length: 1 + d.int(3) }, () => subject(ns));

  const clusterRoleBindings: ClusterRoleBinding[] = [];
  for (let i = 0; i < (options.clusterRoleBindings ?? 30); i++) {
    // The first ones bind the aggregated roles (the last five ClusterRoles).
    const aggregatedName = i < 5 ? clusterRoleNames[clusterRoleNames.length - 5 + i] : undefined;
    const name = aggregatedName ?? (d.chance(0.05) ? `${P}-missing-${i}` : d.pick(clusterRoleNames));
    clusterRoleBindings.push({
      apiVersion: V,
      kind: "ClusterRoleBinding",
      metadata: { name: `${P}-crb-${i}` },
      subjects: subjects(undefined),
      roleRef: { apiGroup: G, kind: "ClusterRole", name },
    });
  }
  const roleBindings: RoleBinding[] = [];
  for (let i = 0; i < (options.roleBindings ?? 60); i++) {
    const namespace = d.pick(namespaces);
    const toRole = d.chance(0.45);
    const roleName = toRole
      ? d.chance(0.85)
        ? d.pick(uniqueRoles).metadata.name // may exist only in another namespace: then it is missing here
        : `${P}-missing-role-${i}`
      : d.chance(0.05)
        ? `${P}-missing-${i}`
        : d.pick(clusterRoleNames);
    roleBindings.push({
      apiVersion: V,
      kind: "RoleBinding",
      metadata: { name: `${P}-rb-${i}`, namespace },
      subjects: subjects(namespace),
      roleRef: { apiGroup: G, kind: toRole ? "Role" : "ClusterRole", name: roleName },
    });
  }

  // Requests: mostly derived from a rule (so they often hit), then perturbed.
  const allRules: { rule: PolicyRule; namespace: string }[] = [
    ...clusterRoles.flatMap((r) => (r.rules ?? []).map((rule) => ({ rule, namespace: "" }))),
    ...uniqueRoles.flatMap((r) =>
      (r.rules ?? []).map((rule) => ({ rule, namespace: r.metadata.namespace ?? "" })),
    ),
  ];
  const randomIdentity = (): Identity => {
    const roll = d.next();
    if (roll < 0.03) return { user: `${P}-root`, groups: ["system:masters"] };
    if (roll < 0.35) {
      const ns = d.pick(namespaces);
      const base = [`system:serviceaccounts`, `system:serviceaccounts:${ns}`, "system:authenticated"];
      return { user: serviceAccountUser(ns, d.pick(saNames)), groups: d.chance(0.8) ? base : [] };
    }
    const gs = d.some(groups, 0, 3);
    if (d.chance(0.3)) gs.push("system:authenticated");
    return { user: d.pick(users), groups: gs };
  };
  /** Someone a binding subject stands for (so the request has a chance to be allowed). */
  const identityFor = (s: Subject, bindingNamespace: string): Identity => {
    if (s.kind === "User") return { user: s.name, groups: d.some(groups, 0, 2) };
    if (s.kind === "Group") return { user: d.pick(users), groups: [s.name, ...d.some(groups, 0, 1)] };
    const ns = s.namespace ?? bindingNamespace;
    return {
      user: serviceAccountUser(ns, s.name),
      groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
    };
  };
  const rulesOf = new Map<string, readonly PolicyRule[]>(
    clusterRoles.map((r) => [r.metadata.name, r.rules ?? []]),
  );
  const roleRules = new Map<string, readonly PolicyRule[]>(
    uniqueRoles.map((r) => [`${r.metadata.namespace ?? ""}/${r.metadata.name}`, r.rules ?? []]),
  );
  const bindings = [
    ...clusterRoleBindings.map((b) => ({ b, ns: "" })),
    ...roleBindings.map((b) => ({ b, ns: b.metadata.namespace ?? "" })),
  ];
  const resourceRequest = (source: PolicyRule, namespaceHint: string): RequestAttributes => {
    const names = source.resourceNames ?? [];
    const ruleResource = (source.resources ?? [])[0];
    let group = d.pick(GROUPS);
    let resource = d.pick(RESOURCES).resource;
    let subresource = "";
    if (ruleResource !== undefined && d.chance(0.8)) {
      const [r, s] = ruleResource.split("/");
      const known = RESOURCES.find((x) => x.resource === r) ?? d.pick(RESOURCES);
      resource = known.resource;
      group = known.group;
      if (s === undefined || s === "*") {
        subresource = d.chance(0.25) && known.subresources.length > 0 ? d.pick(known.subresources) : "";
      } else subresource = d.chance(0.9) ? s : "";
    }
    const first = source.verbs[0];
    const verb =
      first !== undefined && first !== "*" && d.chance(0.75) ? first : d.pick([...VERBS, ...SPECIAL_VERBS]);
    const name =
      names.length > 0 && d.chance(0.6) ? d.pick(names) : d.chance(0.4) ? d.pick(OBJECT_NAMES) : "";
    const nsRoll = d.next();
    const namespace =
      namespaceHint !== "" && nsRoll < 0.75
        ? namespaceHint
        : nsRoll < 0.8
          ? d.pick(namespaces)
          : nsRoll < 0.95
            ? ""
            : `${P}-ns-absent`;
    return {
      verb,
      apiGroup: group,
      resource,
      ...(subresource ? { subresource } : {}),
      ...(name ? { name } : {}),
      ...(namespace ? { namespace } : {}),
    };
  };
  const nonResourceRequest = (source: PolicyRule | undefined): RequestAttributes => {
    const url = (source?.nonResourceURLs ?? [])[0];
    const matching =
      url === undefined ? [] : URL_PATHS.filter((p) => url === "*" || p.startsWith(url.replace(/\*+$/, "")));
    const verb =
      source && source.verbs[0] !== "*" && d.chance(0.7) ? (source.verbs[0] ?? "get") : d.pick(URL_VERBS);
    return { verb, path: matching.length > 0 && d.chance(0.7) ? d.pick(matching) : d.pick(URL_PATHS) };
  };

  const requests: CorpusRequest[] = [];
  const total = options.requests ?? 2500;
  for (let i = 0; i < total; i++) {
    if (d.chance(0.65)) {
      // Derived from a binding: its subject asks for something its role's rules mention.
      const { b, ns } = d.pick(bindings);
      const subjectList = b.subjects ?? [];
      const s = subjectList.length > 0 ? d.pick(subjectList) : undefined;
      const rules =
        b.roleRef.kind === "ClusterRole"
          ? (rulesOf.get(b.roleRef.name) ?? [])
          : (roleRules.get(`${ns}/${b.roleRef.name}`) ?? []);
      const source = rules.length > 0 ? d.pick(rules) : d.pick(allRules).rule;
      const id = s === undefined ? randomIdentity() : identityFor(s, ns);
      const attributes =
        (source.nonResourceURLs ?? []).length > 0 ? nonResourceRequest(source) : resourceRequest(source, ns);
      requests.push({ identity: id, attributes });
      continue;
    }
    const attributes: RequestAttributes = d.chance(0.15)
      ? nonResourceRequest(undefined)
      : resourceRequest(d.pick(allRules).rule, "");
    requests.push({ identity: randomIdentity(), attributes });
  }

  return {
    seed: options.seed,
    namespaces,
    objects: {
      namespaces: namespaces.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })),
      clusterRoles,
      roles: uniqueRoles,
      clusterRoleBindings,
      roleBindings,
    },
    requests,
  };
}

/** The corpus objects in an order a server accepts them (namespaces first). */
export function corpusDocuments(corpus: RbacCorpus): unknown[] {
  const o = corpus.objects;
  return [...o.namespaces, ...o.clusterRoles, ...o.roles, ...o.clusterRoleBindings, ...o.roleBindings];
}
