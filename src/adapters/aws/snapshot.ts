/**
 * Read-only AWS sources for `eksgate snapshot`: IAM GetAccountAuthorizationDetails (every
 * page) and EKS DescribeCluster, ListClusters and the access-entry reads.
 */
import {
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  EKSClient,
  paginateListAccessEntries,
  paginateListAssociatedAccessPolicies,
  paginateListClusters,
  ResourceNotFoundException,
} from "@aws-sdk/client-eks";
import { IAMClient, paginateGetAccountAuthorizationDetails } from "@aws-sdk/client-iam";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { EksSnapshotSource, IamSnapshotSource } from "../../ports/snapshot.js";

export interface AwsSnapshotOptions {
  readonly profile?: string;
  /** Region for IAM request signing; IAM itself is global. */
  readonly region?: string;
  readonly endpoints?: { readonly iam?: string; readonly eks?: string };
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

/** Drops the SDK's `$metadata` so a page reads like the CLI's output. */
function plain<T extends object>(output: T): Omit<T, "$metadata"> {
  const { $metadata: _ignored, ...rest } = output as T & { $metadata?: unknown };
  return rest;
}

function credentialsOf(options: AwsSnapshotOptions) {
  return (
    options.credentials ??
    fromNodeProviderChain(options.profile === undefined ? {} : { profile: options.profile })
  );
}

export function createIamSnapshotSource(options: AwsSnapshotOptions): IamSnapshotSource {
  const client = new IAMClient({
    region: options.region ?? "us-east-1",
    credentials: credentialsOf(options),
    ...(options.endpoints?.iam !== undefined ? { endpoint: options.endpoints.iam } : {}),
  });
  return {
    async accountAuthorizationDetails() {
      const pages: unknown[] = [];
      for await (const page of paginateGetAccountAuthorizationDetails({ client }, {}))
        pages.push(plain(page));
      return pages;
    },
  };
}

export function createEksSnapshotSource(region: string, options: AwsSnapshotOptions): EksSnapshotSource {
  const client = new EKSClient({
    region,
    credentials: credentialsOf(options),
    ...(options.endpoints?.eks !== undefined ? { endpoint: options.endpoints.eks } : {}),
  });
  return {
    async listClusters() {
      const names: string[] = [];
      for await (const page of paginateListClusters({ client }, {})) names.push(...(page.clusters ?? []));
      return names;
    },
    async describeCluster(name) {
      try {
        return plain(await client.send(new DescribeClusterCommand({ name })));
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async accessEntries(cluster) {
      const arns: string[] = [];
      for await (const page of paginateListAccessEntries({ client }, { clusterName: cluster }))
        arns.push(...(page.accessEntries ?? []));
      const out: unknown[] = [];
      for (const principalArn of arns) {
        const described = await client.send(
          new DescribeAccessEntryCommand({ clusterName: cluster, principalArn }),
        );
        const policies: unknown[] = [];
        for await (const page of paginateListAssociatedAccessPolicies(
          { client },
          { clusterName: cluster, principalArn },
        )) {
          policies.push(...(page.associatedAccessPolicies ?? []));
        }
        out.push({ ...(described.accessEntry ?? { principalArn }), associatedAccessPolicies: policies });
      }
      return out;
    },
  };
}
