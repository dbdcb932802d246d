// An in-memory KubePort for one cluster: namespaces, ConfigMaps with resourceVersions, and
// RBAC objects. Specification: docs/specs/port-fakes.md, rules K1-K8; the contract suite
// (test/support/contracts/kube-port.ts) checks it here and checks the real kube-apiserver,
// through the real adapter, against the same rules.
import { isManagedObject } from "../../../src/core/model/ownership.js";
import type { ObservedRbacObject, RbacObject } from "../../../src/core/model/rbac.js";
import { PortError } from "../../../src/ports/errors.js";
import type {
  KubePort,
  ObservedConfigMap,
  RbacKind,
  ReviewAnswer,
  ReviewedRequest,
  ReviewedUser,
} from "../../../src/ports/kube.js";

/** Answers SubjectAccessReviews (K10); tests replace it to model a cluster's authorizers. */
export type FakeReviewer = (user: ReviewedUser, request: ReviewedRequest) => ReviewAnswer;

/** K10's default: the system:masters authorizer alone; everyone else has no grant. */
export const SUPERUSER_ONLY: FakeReviewer = (user) =>
  user.groups.includes("system:masters") ? { allowed: true, reason: "system:masters" } : { allowed: false };

interface StoredConfigMap {
  data: Record<string, string>;
  resourceVersion: string;
}

const RESOURCE: Readonly<Record<RbacKind, string>> = {
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  RoleBinding: "rolebindings",
};

export class FakeKube implements KubePort {
  readonly server: string;
  private readonly namespaces = new Set<string>(["default", "kube-system", "kube-public"]);
  private readonly configMaps = new Map<string, StoredConfigMap>();
  private readonly objects = new Map<string, ObservedRbacObject>();
  private revision = 0;
  /** What reviewAccess answers (K10). */
  reviewer: FakeReviewer = SUPERUSER_ONLY;
  /** Every SubjectAccessReview asked, oldest first. */
  readonly reviews: { readonly user: ReviewedUser; readonly request: ReviewedRequest }[] = [];

  constructor(cluster: string) {
    this.server = `https://${cluster}.kube.test`;
  }

  // --------------------------------------------------------- set up by tests, outside KubePort

  createNamespace(name: string): void {
    this.namespaces.add(name);
  }

  /** An object made by someone else: no label check, namespace made if needed. */
  createObject(object: ObservedRbacObject): void {
    if (object.metadata.namespace !== undefined) this.namespaces.add(object.metadata.namespace);
    this.store(object);
  }

  /** A ConfigMap as it is now, with the resourceVersion it has (namespace made if needed). */
  seedConfigMap(
    namespace: string,
    name: string,
    data: Readonly<Record<string, string>>,
    resourceVersion: string,
  ): void {
    this.namespaces.add(namespace);
    this.configMaps.set(key(namespace, name), { data: { ...data }, resourceVersion });
    // Later writes get versions that differ from every seeded one.
    const seeded = Number(resourceVersion);
    if (Number.isInteger(seeded) && seeded > this.revision) this.revision = seeded;
  }

  // ------------------------------------------------------------------------------ KubePort

  readConfigMap(namespace: string, name: string): Promise<ObservedConfigMap | undefined> {
    const cm = this.configMaps.get(key(namespace, name));
    return Promise.resolve(cm === undefined ? undefined : observed(cm));
  }

  replaceConfigMapData(
    namespace: string,
    name: string,
    data: Readonly<Record<string, string>>,
    resourceVersion: string,
  ): Promise<ObservedConfigMap> {
    const operation = `patch configmaps ${namespace}/${name}`;
    const cm = this.configMaps.get(key(namespace, name));
    if (cm === undefined) {
      throw this.failure("not-found", operation, `configmaps "${name}" not found`);
    }
    if (cm.resourceVersion !== resourceVersion) {
      throw this.failure(
        "conflict",
        operation,
        `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    cm.data = { ...data };
    cm.resourceVersion = this.nextVersion();
    return Promise.resolve(observed(cm));
  }

  createConfigMap(
    namespace: string,
    name: string,
    data: Readonly<Record<string, string>>,
  ): Promise<ObservedConfigMap> {
    const operation = `create configmaps ${namespace}/${name}`;
    if (!this.namespaces.has(namespace)) {
      throw this.failure("not-found", operation, `namespaces "${namespace}" not found`);
    }
    if (this.configMaps.has(key(namespace, name))) {
      throw this.failure("already-exists", operation, `configmaps "${name}" already exists`);
    }
    const cm: StoredConfigMap = { data: { ...data }, resourceVersion: this.nextVersion() };
    this.configMaps.set(key(namespace, name), cm);
    return Promise.resolve(observed(cm));
  }

  listRbac(kind: RbacKind, labels: Readonly<Record<string, string>>): Promise<readonly ObservedRbacObject[]> {
    const found = [...this.objects.values()]
      .filter((o) => o.kind === kind)
      .filter((o) => Object.entries(labels).every(([k, v]) => o.metadata.labels[k] === v))
      .map((o) => structuredClone(o));
    return Promise.resolve(found);
  }

  getRbac(kind: RbacKind, name: string, namespace?: string): Promise<ObservedRbacObject | undefined> {
    const stored = this.objects.get(objectKey(kind, name, namespace));
    return Promise.resolve(stored === undefined ? undefined : structuredClone(stored));
  }

  upsertRbac(object: RbacObject): Promise<void> {
    const { name, namespace } = object.metadata;
    const operation = `create ${RESOURCE[object.kind]} ${namespace !== undefined ? `${namespace}/` : ""}${name}`;
    if (namespace !== undefined && !this.namespaces.has(namespace)) {
      throw this.failure("not-found", operation, `namespaces "${namespace}" not found`);
    }
    const existing = this.objects.get(objectKey(object.kind, name, namespace));
    if (existing !== undefined && !isManagedObject(existing)) {
      throw this.failure(
        "already-exists",
        operation,
        `${object.kind} ${name} exists and is not managed by eksgate; eksgate leaves it alone.`,
      );
    }
    // A changed roleRef means delete and create (Kubernetes keeps roleRef immutable); the
    // labels someone else added stay on a replaced object either way.
    const labels = { ...existing?.metadata.labels, ...object.metadata.labels };
    this.store(withLabels(object, labels));
    return Promise.resolve();
  }

  deleteRbac(kind: RbacKind, name: string, namespace?: string): Promise<void> {
    this.objects.delete(objectKey(kind, name, namespace));
    return Promise.resolve();
  }

  namespaceExists(name: string): Promise<boolean> {
    return Promise.resolve(this.namespaces.has(name));
  }

  deleteConfigMap(namespace: string, name: string, resourceVersion: string): Promise<void> {
    const operation = `delete configmaps ${namespace}/${name}`;
    const cm = this.configMaps.get(key(namespace, name));
    if (cm === undefined) throw this.failure("not-found", operation, `configmaps "${name}" not found`);
    if (cm.resourceVersion !== resourceVersion) {
      throw this.failure(
        "conflict",
        operation,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${cm.resourceVersion}`,
      );
    }
    this.configMaps.delete(key(namespace, name));
    return Promise.resolve();
  }

  reviewAccess(user: ReviewedUser, request: ReviewedRequest): Promise<ReviewAnswer> {
    this.reviews.push({ user, request });
    return Promise.resolve(this.reviewer(user, request));
  }

  // ---------------------------------------------------------------------------- internals

  private store(object: ObservedRbacObject): void {
    const { name, namespace } = object.metadata;
    this.objects.set(objectKey(object.kind, name, namespace), structuredClone(object));
  }

  private nextVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  private failure(
    kind: "not-found" | "conflict" | "already-exists",
    operation: string,
    said: string,
  ): PortError {
    return new PortError(kind, `Kubernetes could not ${operation} on ${this.server}: ${said}`, { operation });
  }
}

/** The object with `labels` in place of its own (same kind, same shape). */
function withLabels<T extends RbacObject>(object: T, labels: Readonly<Record<string, string>>): T {
  return { ...object, metadata: { ...object.metadata, labels } };
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function objectKey(kind: RbacKind, name: string, namespace: string | undefined): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}

function observed(cm: StoredConfigMap): ObservedConfigMap {
  return { data: { ...cm.data }, resourceVersion: cm.resourceVersion };
}
