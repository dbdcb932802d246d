/**
 * What the fuzz cases talk to: the EKS test double (test/env/eks-double), holding the one
 * cluster the kubeconfig cases describe. Every other AWS endpoint is a closed port.
 */
import { startEksDouble } from "../env/eks-double/index.js";
import { KUBECONFIG_CLUSTER } from "./surfaces/kubeconfig.js";

export interface FuzzServices {
  /** Environment for every case: the EKS endpoint. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startFuzzServices(): Promise<FuzzServices> {
  const eks = await startEksDouble({
    region: KUBECONFIG_CLUSTER.region,
    accountId: KUBECONFIG_CLUSTER.account,
  });
  eks.seedCluster({
    name: KUBECONFIG_CLUSTER.name,
    endpoint: KUBECONFIG_CLUSTER.endpoint,
    certificateAuthorityData: KUBECONFIG_CLUSTER.caData,
  });
  return { env: { AWS_ENDPOINT_URL_EKS: eks.endpoint }, stop: () => eks.stop() };
}
