/**
 * EKS access policies as the rule sets they stand for (R15). EKS enforces them in an
 * authorizer of its own, outside RBAC; the result is the union with RBAC. They never
 * appear as Kubernetes objects, so `kubectl auth can-i --list` does not show them.
 *
 * The rule sets are APPROXIMATIONS written from the AWS user guide page "Review access
 * policy permissions" and the Kubernetes user-facing roles they resemble (cluster-admin,
 * admin, edit, view). AWS may change the real policies at any time; a finding that
 * depends on a fine detail of one should say it came from this table.
 */
import type { PolicyRule } from "./model.js";

export type AccessScope =
  | { readonly type: "cluster" }
  /** Namespace names; `*` in a name matches any run of characters (`dev-*`). */
  | { readonly type: "namespace"; readonly namespaces: readonly string[] };

/** One AssociateAccessPolicy on an access entry. */
export interface AccessPolicyAssociation {
  readonly policyArn: string;
  readonly accessScope: AccessScope;
}

/** An access entry's policy associations, keyed by the IAM principal it belongs to. */
export interface AccessEntryPolicies {
  readonly principalArn: string;
  /** The Kubernetes user name the entry gives (for display and who-can). */
  readonly username?: string;
  readonly associations: readonly AccessPolicyAssociation[];
}

export interface AccessPolicyDefinition {
  readonly name: string;
  /** The `aws` partition ARN; other partitions are matched by name. */
  readonly arn: string;
  /** The Kubernetes role it resembles. */
  readonly resembles: string;
  readonly rules: readonly PolicyRule[];
  readonly approximate: true;
}

const READ = ["get", "list", "watch"] as const;
const WRITE = ["create", "delete", "deletecollection", "patch", "update"] as const;

const viewRules: readonly PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "bindings",
      "configmaps",
      "endpoints",
      "events",
      "limitranges",
      "namespaces",
      "namespaces/status",
      "persistentvolumeclaims",
      "persistentvolumeclaims/status",
      "pods",
      "pods/log",
      "pods/status",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "replicationcontrollers/status",
      "resourcequotas",
      "resourcequotas/status",
      "serviceaccounts",
      "services",
      "services/status",
    ],
    verbs: READ,
  },
  {
    apiGroups: ["apps"],
    resources: [
      "controllerrevisions",
      "daemonsets",
      "daemonsets/status",
      "deployments",
      "deployments/scale",
      "deployments/status",
      "replicasets",
      "replicasets/scale",
      "replicasets/status",
      "statefulsets",
      "statefulsets/scale",
      "statefulsets/status",
    ],
    verbs: READ,
  },
  {
    apiGroups: ["autoscaling"],
    resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"],
    verbs: READ,
  },
  { apiGroups: ["batch"], resources: ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], verbs: READ },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"], verbs: READ },
  {
    apiGroups: ["networking.k8s.io"],
    resources: ["ingresses", "ingresses/status", "networkpolicies"],
    verbs: READ,
  },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
];

const editOnlyRules: readonly PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"],
    verbs: READ,
  },
  { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
  {
    apiGroups: [""],
    resources: ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"],
    verbs: WRITE,
  },
  { apiGroups: [""], resources: ["pods/eviction", "serviceaccounts/token"], verbs: ["create"] },
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "events",
      "persistentvolumeclaims",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "secrets",
      "serviceaccounts",
      "services",
      "services/proxy",
    ],
    verbs: WRITE,
  },
  {
    apiGroups: ["apps"],
    resources: [
      "daemonsets",
      "deployments",
      "deployments/rollback",
      "deployments/scale",
      "replicasets",
      "replicasets/scale",
      "statefulsets",
      "statefulsets/scale",
    ],
    verbs: WRITE,
  },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: WRITE },
];

const adminOnlyRules: readonly PolicyRule[] = [
  {
    apiGroups: ["rbac.authorization.k8s.io"],
    resources: ["rolebindings", "roles"],
    verbs: [...READ, ...WRITE],
  },
  { apiGroups: ["authorization.k8s.io"], resources: ["localsubjectaccessreviews"], verbs: ["create"] },
];

function definition(name: string, resembles: string, rules: readonly PolicyRule[]): AccessPolicyDefinition {
  return { name, arn: `arn:aws:eks::aws:cluster-access-policy/${name}`, resembles, rules, approximate: true };
}

/**
 * The EKS access policies whose rules the evaluator has (see KNOWN_ACCESS_POLICIES for all
 * of them), by name.
 */
export const ACCESS_POLICIES: ReadonlyMap<string, AccessPolicyDefinition> = new Map(
  [
    definition("AmazonEKSClusterAdminPolicy", "cluster-admin", [
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      { nonResourceURLs: ["*"], verbs: ["*"] },
    ]),
    definition("AmazonEKSAdminPolicy", "admin", [...viewRules, ...editOnlyRules, ...adminOnlyRules]),
    definition("AmazonEKSEditPolicy", "edit", [...viewRules, ...editOnlyRules]),
    definition("AmazonEKSViewPolicy", "view", viewRules),
    definition("AmazonEKSAdminViewPolicy", "view, secrets included", [
      { apiGroups: ["*"], resources: ["*"], verbs: READ },
    ]),
    // The two further policies whose rules the user guide publishes as a table.
    definition("AmazonEKSSecretReaderPolicy", "read secrets", [
      { apiGroups: [""], resources: ["secrets"], verbs: READ },
    ]),
    definition("AmazonEKSHybridPolicy", "list nodes (EKS hybrid nodes)", [
      { apiGroups: ["*"], resources: ["nodes"], verbs: ["list"] },
    ]),
  ].map((d) => [d.name, d]),
);

/** The policy an ARN names (any partition), or undefined for a policy we do not model. */
export function accessPolicyFor(policyArn: string): AccessPolicyDefinition | undefined {
  const marker = ":cluster-access-policy/";
  const at = policyArn.indexOf(marker);
  const name = at >= 0 ? policyArn.slice(at + marker.length) : policyArn;
  return ACCESS_POLICIES.get(name);
}

function namespacePatternMatches(pattern: string, namespace: string): boolean {
  if (!pattern.includes("*")) return pattern === namespace;
  const parts = pattern.split("*");
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  if (!namespace.startsWith(first)) return false;
  let at = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] ?? "";
    const found = namespace.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return namespace.length - last.length >= at && namespace.endsWith(last);
}

/**
 * Whether an association's scope covers a request in `namespace` (empty: cluster-scoped
 * or non-resource). A namespace scope never covers cluster-scoped requests.
 */
export function accessScopeCovers(scope: AccessScope, namespace: string): boolean {
  if (scope.type === "cluster") return true;
  if (namespace === "") return false;
  return scope.namespaces.some((p) => namespacePatternMatches(p, namespace));
}

/**
 * Every access policy `aws eks list-access-policies` listed when this table was last
 * checked, with whether AWS publishes its Kubernetes rules as a table on the user guide
 * page "Review access policy permissions". The evaluator uses the rules of ACCESS_POLICIES
 * (the five general-purpose policies, AmazonEKSSecretReaderPolicy and AmazonEKSHybridPolicy);
 * for the others AWS describes the rules only in prose (Auto Mode and hybrid node policies)
 * or not at all (service policies such as ACK, Argo CD, KRO, EMR, SageMaker HyperPod), so
 * the evaluator knows their names but grants nothing through them, and says so.
 *
 * The list changes several times a year: `eksgate migrate` and `eksgate doctor` read
 * ListAccessPolicies live and warn (EG418) about any name missing here.
 */
export const ACCESS_POLICY_TABLE_VERSION = "2026-12-04";

export interface KnownAccessPolicy {
  readonly name: string;
  /** `table`: the evaluator has its rules; `not-published`: known by name only. */
  readonly rules: "table" | "not-published";
}

const known = (rules: KnownAccessPolicy["rules"], names: readonly string[]): KnownAccessPolicy[] =>
  names.map((name) => ({ name, rules }));

/** Sorted by name, as ListAccessPolicies lists them. */
export const KNOWN_ACCESS_POLICIES: readonly KnownAccessPolicy[] = [
  ...known("not-published", [
    "AIDevOpsAgentAccessPolicy",
    "AmazonAIOpsAssistantPolicy",
    "AmazonARCRegionSwitchScalingPolicy",
    "AmazonEKSACKPolicy",
  ]),
  ...known("table", ["AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy"]),
  ...known("not-published", [
    "AmazonEKSArgoCDClusterPolicy",
    "AmazonEKSArgoCDPolicy",
    "AmazonEKSAutoNodePolicy",
    "AmazonEKSBlockStorageClusterPolicy",
    "AmazonEKSBlockStoragePolicy",
  ]),
  ...known("table", ["AmazonEKSClusterAdminPolicy"]),
  ...known("not-published", ["AmazonEKSComputeClusterPolicy", "AmazonEKSComputePolicy"]),
  ...known("table", ["AmazonEKSEditPolicy"]),
  ...known("not-published", ["AmazonEKSEventPolicy"]),
  ...known("table", ["AmazonEKSHybridPolicy"]),
  ...known("not-published", [
    "AmazonEKSKROPolicy",
    "AmazonEKSLoadBalancingClusterPolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingClusterPolicy",
    "AmazonEKSNetworkingPolicy",
    "AmazonEKSPodIdentityPolicy",
    "AmazonEKSSecretAdminPolicy",
  ]),
  ...known("table", ["AmazonEKSSecretReaderPolicy", "AmazonEKSViewPolicy"]),
  ...known("not-published", [
    "AmazonEMRJobPolicy",
    "AmazonSagemakerHyperpodClusterPolicy",
    "AmazonSagemakerHyperpodControllerPolicy",
    "AmazonSagemakerHyperpodSpacePolicy",
    "AmazonSagemakerHyperpodSpaceTemplatePolicy",
    "AmazonSagemakerHyperpodSystemNamespacePolicy",
    "AmazonSagemakerHyperpodUserClusterPolicy",
  ]),
];

/** The names in a ListAccessPolicies answer that this table does not know, sorted. */
export function unknownAccessPolicies(listed: readonly { readonly name: string }[]): string[] {
  const names = new Set(KNOWN_ACCESS_POLICIES.map((p) => p.name));
  return [...new Set(listed.map((p) => p.name).filter((n) => !names.has(n)))].sort();
}
