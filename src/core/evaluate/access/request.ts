/**
 * Kubernetes requests from command-line words, the way `kubectl auth can-i` takes them:
 * `pods`, `pods/log`, `deployments.apps`, `deployments.apps/scale`, or a non-resource URL
 * starting with `/`. A resource without a group is looked up in a table of built-in
 * resources (kubectl asks the server's discovery; offline we cannot).
 */
import type { RequestAttributes } from "../rbac/index.js";

const BUILT_IN_GROUPS: Readonly<Record<string, string>> = {
  deployments: "apps",
  replicasets: "apps",
  statefulsets: "apps",
  daemonsets: "apps",
  controllerrevisions: "apps",
  jobs: "batch",
  cronjobs: "batch",
  horizontalpodautoscalers: "autoscaling",
  ingresses: "networking.k8s.io",
  ingressclasses: "networking.k8s.io",
  networkpolicies: "networking.k8s.io",
  roles: "rbac.authorization.k8s.io",
  rolebindings: "rbac.authorization.k8s.io",
  clusterroles: "rbac.authorization.k8s.io",
  clusterrolebindings: "rbac.authorization.k8s.io",
  poddisruptionbudgets: "policy",
  storageclasses: "storage.k8s.io",
  csidrivers: "storage.k8s.io",
  csinodes: "storage.k8s.io",
  volumeattachments: "storage.k8s.io",
  customresourcedefinitions: "apiextensions.k8s.io",
  certificatesigningrequests: "certificates.k8s.io",
  leases: "coordination.k8s.io",
  endpointslices: "discovery.k8s.io",
  priorityclasses: "scheduling.k8s.io",
  mutatingwebhookconfigurations: "admissionregistration.k8s.io",
  validatingwebhookconfigurations: "admissionregistration.k8s.io",
  tokenreviews: "authentication.k8s.io",
  subjectaccessreviews: "authorization.k8s.io",
  selfsubjectaccessreviews: "authorization.k8s.io",
  localsubjectaccessreviews: "authorization.k8s.io",
  apiservices: "apiregistration.k8s.io",
};

/** Resources that are not namespaced: a namespace given for them is dropped. */
const CLUSTER_SCOPED = new Set([
  "nodes",
  "persistentvolumes",
  "clusterroles",
  "clusterrolebindings",
  "storageclasses",
  "csidrivers",
  "csinodes",
  "volumeattachments",
  "customresourcedefinitions",
  "certificatesigningrequests",
  "priorityclasses",
  "mutatingwebhookconfigurations",
  "validatingwebhookconfigurations",
  "apiservices",
  "ingressclasses",
  "tokenreviews",
  "subjectaccessreviews",
  "selfsubjectaccessreviews",
]);

export interface RequestInput {
  readonly verb: string;
  /** `pods`, `pods/log`, `deployments.apps`, `deployments.apps/scale`, or `/healthz`. */
  readonly resource: string;
  readonly namespace?: string;
  readonly subresource?: string;
  readonly name?: string;
}

export type ParsedRequest =
  | { readonly ok: true; readonly request: RequestAttributes; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Reads a request from command-line words. */
export function parseAccessRequest(input: RequestInput): ParsedRequest {
  const verb = input.verb.trim();
  if (verb === "") return { ok: false, error: "the verb is empty" };
  const word = input.resource.trim();
  if (word === "") return { ok: false, error: "the resource is empty" };
  if (word.startsWith("/")) {
    if (input.namespace !== undefined || input.subresource !== undefined || input.name !== undefined) {
      return {
        ok: false,
        error: `${word} is a non-resource URL: it takes no namespace, subresource or name`,
      };
    }
    return { ok: true, request: { verb, path: word }, notes: [] };
  }
  const notes: string[] = [];
  const slash = word.indexOf("/");
  let head = slash < 0 ? word : word.slice(0, slash);
  let subresource = slash < 0 ? undefined : word.slice(slash + 1);
  if (input.subresource !== undefined) {
    if (subresource !== undefined && subresource !== input.subresource) {
      return {
        ok: false,
        error: `${word} already names subresource ${subresource}; --subresource says ${input.subresource}`,
      };
    }
    subresource = input.subresource;
  }
  if (subresource !== undefined && (subresource === "" || subresource.includes("/"))) {
    return { ok: false, error: `subresource ${JSON.stringify(subresource)} is not valid` };
  }
  let apiGroup: string;
  const dot = head.indexOf(".");
  if (dot >= 0) {
    apiGroup = head.slice(dot + 1);
    head = head.slice(0, dot);
  } else {
    const lower = head.toLowerCase();
    apiGroup = BUILT_IN_GROUPS[lower] ?? "";
    if (apiGroup !== "") notes.push(`${head} is taken to be in API group ${apiGroup}`);
  }
  if (head === "") return { ok: false, error: `${word} names no resource` };
  let namespace = input.namespace;
  // R7: a request for namespace N itself carries namespace N.
  if (head === "namespaces" && input.name !== undefined && namespace === undefined) namespace = input.name;
  if (namespace !== undefined && CLUSTER_SCOPED.has(head)) {
    notes.push(`${head} are cluster-scoped: the namespace is ignored`);
    namespace = undefined;
  }
  return {
    ok: true,
    request: {
      verb,
      apiGroup,
      resource: head,
      ...(subresource !== undefined ? { subresource } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(namespace !== undefined && namespace !== "" ? { namespace } : {}),
    },
    notes,
  };
}
