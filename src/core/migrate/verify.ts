/**
 * What apply checks through the live cluster before it removes anything from aws-auth:
 * for each access entry the migration creates, one request the entry must allow (one that
 * a caller with no mapping beyond `system:authenticated` could not make, so it shows the
 * entry's own groups or policies at work) and one it must not allow, both taken from the
 * proof's requests and evaluated under the planned entries. At apply time the identity is
 * made from the entry as EKS stores it (DescribeAccessEntry, so server defaults count) and
 * each request goes to the cluster's authorizers as a SubjectAccessReview.
 */
import { GET_TOKEN_SESSION_NAME, mapPrincipal } from "../evaluate/mapping/index.js";
import {
  accessPolicyFor,
  AUTHENTICATED_GROUP,
  authorize,
  buildRbacSnapshot,
  describeRequest,
  type AccessPolicyAssociation,
  type RequestAttributes,
} from "../evaluate/rbac/index.js";
import type { AccessEntryRecord, ClusterAccess } from "../snapshot/model.js";
import type { MigrationConversion, PlannedAccessEntry } from "./convert.js";
import { NODE_SESSION, plannedCluster, proofRequests } from "./proof.js";

export interface VerificationSample {
  readonly request: RequestAttributes;
  /** What the cluster must answer once the entry exists. */
  readonly allowed: boolean;
  /** e.g. `delete pods in namespace dev`. */
  readonly described: string;
}

export interface PrincipalCheck {
  readonly principalArn: string;
  /** The role session the identity is made for; absent for a user. */
  readonly sessionName?: string;
  readonly samples: readonly VerificationSample[];
}

/** The user a SubjectAccessReview asks about, as the authenticator presents a principal. */
export interface LiveIdentity {
  readonly user: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

function sessionFor(entry: PlannedAccessEntry): string | undefined {
  if (!/:role\//.test(entry.principalArn)) return undefined;
  return entry.type === "STANDARD" ? GET_TOKEN_SESSION_NAME : NODE_SESSION;
}

/** One allowed and one denied sample per planned entry (fewer when there is none). */
export function verificationChecks(
  cluster: ClusterAccess,
  conversion: MigrationConversion,
): PrincipalCheck[] {
  const after = plannedCluster(cluster, conversion);
  // Only the entries decide: the identity apply checks is made from the entry alone.
  const entriesOnly: ClusterAccess = { ...after, authenticationMode: "API" };
  const associations = after.accessEntries.flatMap((e) => e.associations);
  const policyArns = [...new Set(associations.map((a) => a.policyArn))].filter(
    (arn) => accessPolicyFor(arn) !== undefined,
  );
  const namespaces = associations.flatMap((a) =>
    a.accessScope.type === "namespace" ? a.accessScope.namespaces : [],
  );
  const requests = proofRequests(cluster.rbac, policyArns, namespaces);
  const baseline = { user: "eksgate:baseline", groups: [AUTHENTICATED_GROUP] };
  const everyone = requests.map((r) => authorize(cluster.rbac, baseline, r, { firstOnly: true }).allowed);
  const byIdentity = new Map<string, boolean[]>();
  const subjects = conversion.accessEntries.flatMap((entry) => {
    const sessionName = sessionFor(entry);
    const mapping = mapPrincipal(entriesOnly, {
      principalArn: entry.principalArn,
      ...(sessionName === undefined ? {} : { sessionName }),
    });
    if (!mapping.mapped) return [];
    const key = JSON.stringify([
      mapping.identity.user,
      [...mapping.identity.groups].sort(),
      mapping.accessPolicies,
    ]);
    let allowed = byIdentity.get(key);
    if (allowed === undefined) {
      allowed = requests.map(
        (r) =>
          authorize(cluster.rbac, mapping.identity, r, {
            firstOnly: true,
            accessPolicies: mapping.accessPolicies,
          }).allowed,
      );
      byIdentity.set(key, allowed);
    }
    return [{ entry, sessionName, allowed }];
  });
  // How many of the planned principals each request allows: the allowed sample is the one
  // fewest others share, so it tells this entry's grants from its neighbours'.
  const sharedBy = requests.map((_, i) => subjects.filter((s) => s.allowed[i] === true).length);
  const out: PrincipalCheck[] = [];
  for (const { entry, sessionName, allowed } of subjects) {
    let pick: number | undefined;
    allowed.forEach((ok, i) => {
      if (!ok || everyone[i] === true) return;
      if (pick === undefined || (sharedBy[i] ?? 0) < (sharedBy[pick] ?? 0)) pick = i;
    });
    const deniedAt = allowed.findIndex((ok) => !ok);
    const samples: VerificationSample[] = [];
    const allowedRequest = pick === undefined ? undefined : requests[pick];
    const deniedRequest = deniedAt < 0 ? undefined : requests[deniedAt];
    if (allowedRequest !== undefined)
      samples.push({ request: allowedRequest, allowed: true, described: describeRequest(allowedRequest) });
    if (deniedRequest !== undefined)
      samples.push({ request: deniedRequest, allowed: false, described: describeRequest(deniedRequest) });
    out.push({
      principalArn: entry.principalArn,
      ...(sessionName === undefined ? {} : { sessionName }),
      samples,
    });
  }
  return out;
}

const NO_RBAC = buildRbacSnapshot({
  roles: [],
  clusterRoles: [],
  roleBindings: [],
  clusterRoleBindings: [],
  namespaces: [],
}).snapshot;

/** An access entry as DescribeAccessEntry and ListAssociatedAccessPolicies answer it. */
export interface LiveAccessEntry {
  readonly principalArn: string;
  readonly type: string;
  readonly kubernetesGroups: readonly string[];
  readonly username: string;
  readonly associations: readonly AccessPolicyAssociation[];
}

/**
 * The user the authenticator makes of a principal through this entry, with the `extra`
 * fields it adds (`arn`, `canonicalArn`, `sessionName`), which an access-policy authorizer
 * keys on; undefined when the entry maps nobody (a template that cannot be rendered).
 */
export function liveIdentity(
  clusterName: string,
  entry: LiveAccessEntry,
  check: PrincipalCheck,
): LiveIdentity | undefined {
  const record: AccessEntryRecord = {
    principalArn: entry.principalArn,
    type: entry.type,
    kubernetesGroups: entry.kubernetesGroups,
    ...(entry.username === "" ? {} : { username: entry.username }),
    associations: entry.associations,
    source: `DescribeAccessEntry ${entry.principalArn}`,
  };
  const cluster: ClusterAccess = {
    name: clusterName,
    authenticationMode: "API",
    modeSource: "cluster.json",
    accessEntries: [record],
    rbac: NO_RBAC,
  };
  const mapping = mapPrincipal(cluster, {
    principalArn: check.principalArn,
    ...(check.sessionName === undefined ? {} : { sessionName: check.sessionName }),
  });
  if (!mapping.mapped) return undefined;
  return {
    user: mapping.username,
    groups: mapping.identity.groups,
    extra: {
      arn: [mapping.callerArn],
      // As the authenticator canonicalizes it: a role without its path.
      canonicalArn: [mapping.canonicalArn.replace(/:role\/(?:[^/]+\/)*([^/]+)$/, ":role/$1")],
      sessionName: [mapping.sessionName ?? ""],
    },
  };
}
