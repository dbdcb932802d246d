/** Everything the engine talks to, as ports. The CLI builds these from real adapters; tests too. */
import type { Result } from "../core/diagnostics.js";
import type { Cluster } from "../core/model/access-config.js";
import type { IamPort } from "../ports/iam.js";
import type { EksPort, EksPortForRegion, ObservedCluster } from "../ports/eks.js";
import type { KubePort } from "../ports/kube.js";
import type { BackupStore, Clock } from "../ports/system.js";
import type { EventSink } from "./events.js";

export interface EngineDeps {
  /** IAM of the identity account (the only account of a single-account config). */
  readonly iam: IamPort;
  readonly eks: EksPortForRegion;
  /**
   * IAM and EKS of another account, reached with that account's credentials (configs with
   * several accounts). Absent: every account is reached through `iam` and `eks`.
   */
  readonly iamIn?: (accountId: string) => IamPort;
  readonly eksIn?: (accountId: string, region: string) => EksPort;
  /**
   * Connects to a cluster's Kubernetes API (from a kubeconfig, or from DescribeCluster), or
   * says why it cannot (KUBE001-KUBE006); warnings (a context skipped, several that fit)
   * come with a connection.
   */
  readonly kube: (cluster: Cluster, described: ObservedCluster) => Promise<Result<KubePort>>;
  readonly clock: Clock;
  readonly backups: BackupStore;
  readonly events: EventSink;
}

/** IAM of `accountId`; `identity` is the config's identity account. */
export function iamFor(deps: EngineDeps, identity: string, accountId: string | undefined): IamPort {
  return accountId === undefined || accountId === identity || deps.iamIn === undefined
    ? deps.iam
    : deps.iamIn(accountId);
}

/** EKS of `accountId` in `region`. */
export function eksFor(
  deps: EngineDeps,
  identity: string,
  accountId: string | undefined,
  region: string,
): EksPort {
  return accountId === undefined || accountId === identity || deps.eksIn === undefined
    ? deps.eks(region)
    : deps.eksIn(accountId, region);
}
