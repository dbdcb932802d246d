// The AWS-owned access policies ListAccessPolicies returns. EKS ARNs for these have no
// region and the account `aws`: arn:aws:eks::aws:cluster-access-policy/<Name>.
// Source: shared/reference/eks-access-entries.md ("Access policies") and the EKS user guide
// page "Review access policy permissions"; AmazonEKSAutoNodePolicy is the one policy an
// `EC2` (Auto Mode node) entry may take.

export interface AccessPolicyDefinition {
  readonly name: string;
  readonly arn: string;
  /** Entry types that may be associated with this policy. */
  readonly entryTypes: readonly string[];
}

const POLICY_ARN_PREFIX = "arn:aws:eks::aws:cluster-access-policy/";

function policy(name: string, entryTypes: readonly string[] = ["STANDARD"]): AccessPolicyDefinition {
  return { name, arn: `${POLICY_ARN_PREFIX}${name}`, entryTypes };
}

/**
 * Sorted by name, the order in which the double lists them: the 33 policies
 * `aws eks list-access-policies` listed in 2026 (shared/reference/eks-access-entries.md,
 * "The policy list grows"). Written out here, apart from eksgate's own table
 * (src/core/evaluate/rbac/access-policies.ts), on purpose: the double stands for AWS's
 * answer, and test/unit/migrate-apply.test.ts compares the two.
 */
export const ACCESS_POLICIES: readonly AccessPolicyDefinition[] = [
  "AIDevOpsAgentAccessPolicy",
  "AmazonAIOpsAssistantPolicy",
  "AmazonARCRegionSwitchScalingPolicy",
  "AmazonEKSACKPolicy",
  "AmazonEKSAdminPolicy",
  "AmazonEKSAdminViewPolicy",
  "AmazonEKSArgoCDClusterPolicy",
  "AmazonEKSArgoCDPolicy",
  "AmazonEKSAutoNodePolicy",
  "AmazonEKSBlockStorageClusterPolicy",
  "AmazonEKSBlockStoragePolicy",
  "AmazonEKSClusterAdminPolicy",
  "AmazonEKSComputeClusterPolicy",
  "AmazonEKSComputePolicy",
  "AmazonEKSEditPolicy",
  "AmazonEKSEventPolicy",
  "AmazonEKSHybridPolicy",
  "AmazonEKSKROPolicy",
  "AmazonEKSLoadBalancingClusterPolicy",
  "AmazonEKSLoadBalancingPolicy",
  "AmazonEKSNetworkingClusterPolicy",
  "AmazonEKSNetworkingPolicy",
  "AmazonEKSPodIdentityPolicy",
  "AmazonEKSSecretAdminPolicy",
  "AmazonEKSSecretReaderPolicy",
  "AmazonEKSViewPolicy",
  "AmazonEMRJobPolicy",
  "AmazonSagemakerHyperpodClusterPolicy",
  "AmazonSagemakerHyperpodControllerPolicy",
  "AmazonSagemakerHyperpodSpacePolicy",
  "AmazonSagemakerHyperpodSpaceTemplatePolicy",
  "AmazonSagemakerHyperpodSystemNamespacePolicy",
  "AmazonSagemakerHyperpodUserClusterPolicy",
].map((name) => (name === "AmazonEKSAutoNodePolicy" ? policy(name, ["EC2"]) : policy(name)));

/** A policy AWS added after the list above, for tests of what eksgate says about it. */
export function extraAccessPolicy(name: string): AccessPolicyDefinition {
  return policy(name);
}

export function findAccessPolicy(arn: string): AccessPolicyDefinition | undefined {
  return ACCESS_POLICIES.find((p) => p.arn === arn);
}

export const CLUSTER_ADMIN_POLICY_ARN = `${POLICY_ARN_PREFIX}AmazonEKSClusterAdminPolicy`;
