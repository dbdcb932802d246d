/**
 * RBAC steps for one cluster: the custom ClusterRoles and the teams' bindings. Only
 * objects labelled as eksgate's are changed or deleted; an object in the way that is not
 * eksgate's is an error (EG220), as is a RoleBinding in a namespace that does not exist
 * (EG221). A binding whose roleRef changes is replaced: Kubernetes refuses that in place.
 */
import type { Cluster } from "../model/access-config.js";
import { isManagedObject, MANAGED_BY_LABEL, MANAGED_BY_VALUE, TEAM_LABEL } from "../model/ownership.js";
import type { ObservedRbacObject, RbacObject } from "../model/rbac.js";
import { comparableRbac, rbacObservation } from "./step-observation.js";
import type { PlanContext } from "./context.js";
import type { ObservedClusterState } from "./observed.js";
import { fingerprint, type PlanResource } from "./plan.js";

export interface ClusterRbacOptions {
  readonly cluster: Cluster;
  readonly state: ObservedClusterState;
  /** Every object the config asks for on the cluster once the plan is applied, any team's. */
  readonly objects: readonly RbacObject[];
}

export function planClusterRbac(context: PlanContext, options: ClusterRbacOptions): void {
  const { scope, draft } = context;
  const { cluster, state, objects } = options;
  // A --team plan touches the team's bindings and only the custom roles they bind.
  const scopedRoles = new Set(
    objects.flatMap((o) =>
      o.kind !== "ClusterRole" && o.metadata.labels[TEAM_LABEL] === scope.team ? [o.roleRef.name] : [],
    ),
  );
  const desiredObjects = objects.filter(
    (o) =>
      scope.team === undefined ||
      o.metadata.labels[TEAM_LABEL] === scope.team ||
      (o.kind === "ClusterRole" && scopedRoles.has(o.metadata.name)),
  );
  const managed = new Map(state.managedRbac.filter(isManagedObject).map((o) => [rbacKey(o), o]));
  const foreign = new Map(
    [...state.foreignRbac, ...state.managedRbac.filter((o) => !isManagedObject(o))].map((o) => [
      rbacKey(o),
      o,
    ]),
  );
  for (const object of desiredObjects) {
    const key = rbacKey(object);
    const resource = rbacResource(cluster, object);
    if (foreign.has(key)) {
      draft.error(
        "EG220",
        `${object.kind} ${describeObject(object)} exists on ${cluster.name} but is not eksgate's`,
        `eksgate only changes objects labelled ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}. Delete or rename the existing object, or label it if it should be eksgate's.`,
      );
      continue;
    }
    const ns = object.metadata.namespace;
    if (ns !== undefined && state.namespaces[ns] === false) {
      draft.error(
        "EG221",
        `namespace ${ns} does not exist on cluster ${cluster.name}`,
        `Create it (kubectl create namespace ${ns}) or remove it from the team's namespaces.`,
      );
      continue;
    }
    const current = managed.get(key);
    if (current === undefined) {
      draft.addStep({
        action: "create",
        resource,
        reason: describeRbacReason(object),
        changes: [`+ ${object.kind} ${describeObject(object)}`, ...rbacLines(object)],
        observed: undefined,
        payload: { type: "rbac", object },
      });
    } else {
      const diff = rbacDifference(current, object);
      if (diff !== undefined) {
        draft.addStep({
          action: diff === "roleRef" ? "replace" : "update",
          resource,
          reason:
            diff === "roleRef"
              ? "a binding's roleRef cannot change in place"
              : "the object differs from the config",
          changes: [`~ ${object.kind} ${describeObject(object)}`, ...rbacLines(object)],
          observed: rbacObservation(current),
          payload: { type: "rbac", object },
        });
      }
    }
  }
  const wantedKeys = new Set(desiredObjects.map(rbacKey));
  const allDesiredKeys = new Set(objects.map(rbacKey));
  for (const object of managed.values()) {
    const key = rbacKey(object);
    if (wantedKeys.has(key) || allDesiredKeys.has(key)) continue;
    const team = object.metadata.labels[TEAM_LABEL];
    const removable = scope.team === undefined || team === scope.team;
    if (!removable) continue;
    draft.addStep({
      action: "delete",
      resource: rbacResource(cluster, object),
      reason: scope.destroy ? "destroy" : "the config no longer asks for it",
      changes: [`- ${object.kind} ${describeObject(object)}`],
      observed: rbacObservation(object),
      payload: { type: "none" },
    });
  }
}

/** `kind/namespace/name`: what identifies an RBAC object on a cluster. */
export function rbacKey(o: Pick<RbacObject, "kind" | "metadata">): string {
  return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

function rbacResource(cluster: Cluster, object: ObservedRbacObject): PlanResource {
  return {
    kind: "rbac",
    cluster: cluster.name,
    objectKind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
  };
}

function describeObject(o: ObservedRbacObject): string {
  return o.metadata.namespace !== undefined ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function describeRbacReason(o: RbacObject): string {
  if (o.kind === "ClusterRole") return "a team binds this custom role";
  return `team ${o.metadata.labels[TEAM_LABEL] ?? "?"} gets ${o.roleRef.name}${o.kind === "RoleBinding" ? ` in ${o.metadata.namespace}` : " cluster-wide"}`;
}

function rbacLines(o: RbacObject): string[] {
  if (o.kind === "ClusterRole") return o.rules.map((r) => `    rule ${JSON.stringify(r)}`);
  return [
    `    roleRef ClusterRole/${o.roleRef.name}`,
    ...o.subjects.map((s) => `    subject ${s.kind}/${s.name}`),
  ];
}

function rbacDifference(current: ObservedRbacObject, desired: RbacObject): "roleRef" | "other" | undefined {
  if (
    current.kind !== "ClusterRole" &&
    desired.kind !== "ClusterRole" &&
    current.roleRef.name !== desired.roleRef.name
  ) {
    return "roleRef";
  }
  return fingerprint(comparableRbac(current)) === fingerprint(comparableRbac(desired)) ? undefined : "other";
}
