// The access-policy side of EKS authorization, as a Kubernetes authorization webhook
// (SubjectAccessReview v1) a real kube-apiserver can call: `POST /authorize/<cluster>`, a
// test route, not part of the EKS API. EKS enforces access policies in an authorizer of its
// own next to RBAC and finds the access entry by the principal the authenticator put in
// the user's `extra` (`canonicalArn`: a role without its path). The webhook answers
// "allowed" when an associated policy's rules, in its scope, allow the request, and "no
// opinion" otherwise, so RBAC still decides everything else. Spec: §12 of
// docs/specs/eks-access-entries-double.md.
//
// The rules of each policy are eksgate's versioned table (src/core/evaluate/rbac): AWS
// publishes them only as documentation, so the double can enforce no other source. A live
// check through this webhook proves the associations are in place and scoped as planned,
// not that the table matches AWS.
import {
  authorize,
  buildRbacSnapshot,
  type AccessPolicyAssociation,
  type RequestAttributes,
} from "../../../src/core/evaluate/rbac/index.js";
import type { EksDoubleState, Json } from "./state.js";

const NO_RBAC = buildRbacSnapshot({
  roles: [],
  clusterRoles: [],
  roleBindings: [],
  clusterRoleBindings: [],
  namespaces: [],
}).snapshot;

interface ReviewSpec {
  readonly user?: string;
  readonly groups?: readonly string[];
  readonly extra?: Record<string, readonly string[]>;
  readonly resourceAttributes?: {
    readonly verb?: string;
    readonly group?: string;
    readonly resource?: string;
    readonly subresource?: string;
    readonly name?: string;
    readonly namespace?: string;
  };
  readonly nonResourceAttributes?: { readonly verb?: string; readonly path?: string };
}

function requestOf(spec: ReviewSpec): RequestAttributes | undefined {
  const r = spec.resourceAttributes;
  if (r !== undefined) {
    return {
      verb: r.verb ?? "",
      apiGroup: r.group ?? "",
      resource: r.resource ?? "",
      ...(r.subresource !== undefined && r.subresource !== "" ? { subresource: r.subresource } : {}),
      ...(r.name !== undefined && r.name !== "" ? { name: r.name } : {}),
      ...(r.namespace !== undefined && r.namespace !== "" ? { namespace: r.namespace } : {}),
    };
  }
  const n = spec.nonResourceAttributes;
  return n === undefined ? undefined : { verb: n.verb ?? "", path: n.path ?? "" };
}

function answer(allowed: boolean, reason: string): Json {
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    status: { allowed, ...(reason === "" ? {} : { reason }) },
  };
}

/** `(kind, account, lower-case name)` of an IAM principal ARN, paths dropped. */
function principalKey(arn: string): string | undefined {
  const m = /^arn:[a-z-]+:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m === null ? undefined : `${m[2] ?? ""}|${m[1] ?? ""}|${(m[3] ?? "").toLowerCase()}`;
}

export function reviewAccess(state: EksDoubleState, clusterName: string, body: Json): Json {
  const cluster = state.clusters.get(clusterName);
  const spec = (body["spec"] ?? {}) as ReviewSpec;
  if (cluster === undefined || cluster.authenticationMode === "CONFIG_MAP") return answer(false, "");
  const canonical = spec.extra?.["canonicalArn"]?.[0];
  const key = canonical === undefined ? undefined : principalKey(canonical);
  const entry = [...cluster.entries.values()].find((e) => principalKey(e.principal.arn) === key);
  const request = requestOf(spec);
  if (key === undefined || entry === undefined || request === undefined) return answer(false, "");
  const accessPolicies: AccessPolicyAssociation[] = [...entry.associations.values()].map((a) => ({
    policyArn: a.policyArn,
    accessScope:
      a.accessScope.type === "namespace"
        ? { type: "namespace", namespaces: a.accessScope.namespaces }
        : { type: "cluster" },
  }));
  const decision = authorize(NO_RBAC, { user: spec.user ?? "", groups: spec.groups ?? [] }, request, {
    firstOnly: true,
    accessPolicies,
  });
  return decision.allowed ? answer(true, `EKS access policy of ${entry.principal.arn}`) : answer(false, "");
}
