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

/** Sorted by name, the order in which the double lists them. */
export const ACCESS_POLICIES: readonly AccessPolicyDefinition[] = [
  policy("AmazonEKSAdminPolicy"),
  policy("AmazonEKSAdminViewPolicy"),
  policy("AmazonEKSAutoNodePolicy", ["EC2"]),
  policy("AmazonEKSClusterAdminPolicy"),
  policy("AmazonEKSEditPolicy"),
  policy("AmazonEKSViewPolicy"),
];

export function findAccessPolicy(arn: string): AccessPolicyDefinition | undefined {
  return ACCESS_POLICIES.find((p) => p.arn === arn);
}

export const CLUSTER_ADMIN_POLICY_ARN = `${POLICY_ARN_PREFIX}AmazonEKSClusterAdminPolicy`;
