/** What eksgate needs from one cluster's Kubernetes API. */
import type { ObservedRbacObject, RbacObject } from "../core/model/rbac.js";

export interface ObservedConfigMap {
  readonly data: Readonly<Record<string, string>>;
  readonly resourceVersion: string;
}

export type RbacKind = RbacObject["kind"];

/** The user a SubjectAccessReview asks about, as an authenticator would present it. */
export interface ReviewedUser {
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  /** e.g. the authenticator's `arn`, `canonicalArn`, `sessionName`. */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** A request to review: an API resource, or a non-resource path. */
export type ReviewedRequest =
  | {
      readonly verb: string;
      readonly apiGroup: string;
      readonly resource: string;
      readonly subresource?: string;
      readonly name?: string;
      readonly namespace?: string;
    }
  | { readonly verb: string; readonly path: string };

export interface ReviewAnswer {
  readonly allowed: boolean;
  /** The authorizer's reason or evaluation error, when it gave one. */
  readonly reason?: string;
}

export interface KubePort {
  /** The server's URL, for messages. */
  readonly server: string;
  readConfigMap(namespace: string, name: string): Promise<ObservedConfigMap | undefined>;
  /**
   * Replaces `data` only when the object still has `resourceVersion`; a lost race throws a
   * PortError of kind "conflict". Other fields (labels, annotations, binaryData) are kept.
   */
  replaceConfigMapData(
    namespace: string,
    name: string,
    data: Readonly<Record<string, string>>,
    resourceVersion: string,
  ): Promise<ObservedConfigMap>;
  createConfigMap(
    namespace: string,
    name: string,
    data: Readonly<Record<string, string>>,
  ): Promise<ObservedConfigMap>;
  /** Objects of a kind carrying every given label, across all namespaces. */
  listRbac(kind: RbacKind, labels: Readonly<Record<string, string>>): Promise<readonly ObservedRbacObject[]>;
  getRbac(kind: RbacKind, name: string, namespace?: string): Promise<ObservedRbacObject | undefined>;
  /** Creates, or replaces an existing object of the same kind/namespace/name. */
  upsertRbac(object: RbacObject): Promise<void>;
  deleteRbac(kind: RbacKind, name: string, namespace?: string): Promise<void>;
  namespaceExists(name: string): Promise<boolean>;
  /**
   * Deletes the ConfigMap only while it still has `resourceVersion` (a delete precondition):
   * a newer version is a PortError "conflict", a missing one "not-found".
   */
  deleteConfigMap(namespace: string, name: string, resourceVersion: string): Promise<void>;
  /** A SubjectAccessReview: what the cluster's authorizers answer for that user and request. */
  reviewAccess(user: ReviewedUser, request: ReviewedRequest): Promise<ReviewAnswer>;
}
