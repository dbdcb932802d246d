/** What eksgate needs from one cluster's Kubernetes API. */
import type { ObservedRbacObject, RbacObject } from "../core/model/rbac.js";

export interface ObservedConfigMap {
  readonly data: Readonly<Record<string, string>>;
  readonly resourceVersion: string;
}

export type RbacKind = RbacObject["kind"];

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
}
