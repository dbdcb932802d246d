/** Everything the engine talks to, as ports. The CLI builds these from real adapters; tests too. */
import type { Cluster } from "../core/model/access-config.js";
import type { IamPort } from "../ports/iam.js";
import type { EksPortForRegion, ObservedCluster } from "../ports/eks.js";
import type { KubePort } from "../ports/kube.js";
import type { BackupStore, Clock } from "../ports/system.js";
import type { EventSink } from "./events.js";

export interface EngineDeps {
  readonly iam: IamPort;
  readonly eks: EksPortForRegion;
  /** Connects to a cluster's Kubernetes API (from a kubeconfig, or from DescribeCluster). */
  readonly kube: (cluster: Cluster, described: ObservedCluster) => Promise<KubePort>;
  readonly clock: Clock;
  readonly backups: BackupStore;
  readonly events: EventSink;
}
