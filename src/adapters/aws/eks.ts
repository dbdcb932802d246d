/**
 * EksPort over @aws-sdk/client-eks: the cluster's identity and authentication mode, and the
 * access-entry API. Every list call follows `nextToken` to the end; every call is counted by
 * operation (`calls()`) and every SDK failure reaches the caller as a PortError.
 */
import "./node-version-warning.js";
import {
  AssociateAccessPolicyCommand,
  type AccessScope as SdkAccessScope,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  DisassociateAccessPolicyCommand,
  EKSClient,
  paginateListAccessEntries,
  paginateListAccessPolicies,
  paginateListAssociatedAccessPolicies,
  UpdateAccessEntryCommand,
  UpdateClusterConfigCommand,
} from "@aws-sdk/client-eks";
import type { AccessEntryType, AccessScope } from "../../core/model/access-entry.js";
import { isPortError, PortError } from "../../ports/errors.js";
import type {
  ClusterAuthenticationMode,
  EksPort,
  EksPortForRegion,
  ListedAccessPolicy,
  ObservedAccessPolicy,
  ObservedUpdate,
} from "../../ports/eks.js";
import { type Counted, PORT_MIDDLEWARE, portMiddleware, sumCounts } from "./call-count.js";
import { type AwsCredentials, effectiveProfile, standardCredentials } from "./client-config.js";

export interface EksPortOptions {
  readonly region: string;
  /** Default: the standard credential chain (see `standardCredentials`). */
  readonly credentials?: AwsCredentials;
  /** Endpoint override, e.g. the local EKS double. */
  readonly endpoint?: string;
  /** Profile for the standard chain (ignored when `credentials` is given) and for hints. */
  readonly profile?: string;
  /** SDK attempts per call, retries included (SDK default 3). */
  readonly maxAttempts?: number;
}

const AUTHENTICATION_MODES: readonly ClusterAuthenticationMode[] = [
  "CONFIG_MAP",
  "API_AND_CONFIG_MAP",
  "API",
];
const ENTRY_TYPES: readonly AccessEntryType[] = [
  "STANDARD",
  "EC2_LINUX",
  "EC2_WINDOWS",
  "FARGATE_LINUX",
  "HYBRID_LINUX",
  "EC2",
];

const UPDATE_STATUSES: readonly ObservedUpdate["status"][] = [
  "InProgress",
  "Failed",
  "Cancelled",
  "Successful",
];

export function createEksPort(options: EksPortOptions): EksPort & Counted {
  const credentials = options.credentials ?? standardCredentials(options.profile);
  const client = new EKSClient({
    region: options.region,
    credentials,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    portMiddleware(counts, { service: "eks", profile: effectiveProfile(options.profile) }),
    PORT_MIDDLEWARE,
  );

  return {
    calls: () => ({ ...counts }),

    async describeCluster(name) {
      const out = await orUndefined(client.send(new DescribeClusterCommand({ name })));
      const cluster = out?.cluster;
      if (cluster === undefined) return undefined;
      // EKS leaves accessConfig out for clusters that never left the aws-auth-only mode.
      const mode = cluster.accessConfig?.authenticationMode ?? "CONFIG_MAP";
      if (!(AUTHENTICATION_MODES as readonly string[]).includes(mode)) {
        throw malformedAnswer("DescribeCluster", `unknown authentication mode ${mode} for cluster ${name}`);
      }
      return {
        name: cluster.name ?? name,
        arn: required(cluster.arn, "arn", "DescribeCluster"),
        // A cluster that is still being created has neither endpoint nor CA yet.
        endpoint: cluster.endpoint ?? "",
        certificateAuthorityData: cluster.certificateAuthority?.data ?? "",
        authenticationMode: mode,
      };
    },

    async listAccessEntries(clusterName) {
      const arns: string[] = [];
      for await (const page of paginateListAccessEntries({ client }, { clusterName })) {
        arns.push(...(page.accessEntries ?? []));
      }
      return arns;
    },

    async describeAccessEntry(clusterName, principalArn) {
      const out = await orUndefined(
        client.send(new DescribeAccessEntryCommand({ clusterName, principalArn })),
      );
      const entry = out?.accessEntry;
      if (entry === undefined) return undefined;
      const type = entry.type ?? "STANDARD";
      if (!(ENTRY_TYPES as readonly string[]).includes(type)) {
        throw malformedAnswer("DescribeAccessEntry", `unknown access entry type ${type} for ${principalArn}`);
      }
      const createdAt = entry.createdAt;
      return {
        principalArn: entry.principalArn ?? principalArn,
        type: type as AccessEntryType,
        kubernetesGroups: entry.kubernetesGroups ?? [],
        username: entry.username ?? "",
        tags: entry.tags ?? {},
        createdAt: createdAt?.toISOString() ?? "",
      };
    },

    async createAccessEntry(clusterName, entry) {
      await client.send(
        new CreateAccessEntryCommand({
          clusterName,
          principalArn: entry.principalArn,
          type: entry.type ?? "STANDARD",
          // The node types take neither groups nor a username: EKS fills them in.
          ...(entry.kubernetesGroups.length > 0 ? { kubernetesGroups: [...entry.kubernetesGroups] } : {}),
          ...(entry.username !== undefined ? { username: entry.username } : {}),
          ...(Object.keys(entry.tags).length > 0 ? { tags: { ...entry.tags } } : {}),
        }),
      );
    },

    async updateAccessEntry(clusterName, entry) {
      await client.send(
        new UpdateAccessEntryCommand({
          clusterName,
          principalArn: entry.principalArn,
          kubernetesGroups: [...entry.kubernetesGroups],
          username: entry.username,
        }),
      );
    },

    async deleteAccessEntry(clusterName, principalArn) {
      await client.send(new DeleteAccessEntryCommand({ clusterName, principalArn }));
    },

    async listAssociatedAccessPolicies(clusterName, principalArn) {
      const policies: ObservedAccessPolicy[] = [];
      for await (const page of paginateListAssociatedAccessPolicies(
        { client },
        { clusterName, principalArn },
      )) {
        for (const policy of page.associatedAccessPolicies ?? []) {
          policies.push({
            policyArn: required(policy.policyArn, "policyArn", "ListAssociatedAccessPolicies"),
            accessScope: fromSdkScope(policy.accessScope),
          });
        }
      }
      return policies;
    },

    async associateAccessPolicy(clusterName, principalArn, policy) {
      await client.send(
        new AssociateAccessPolicyCommand({
          clusterName,
          principalArn,
          policyArn: policy.policyArn,
          accessScope: toSdkScope(policy.accessScope),
        }),
      );
    },

    async disassociateAccessPolicy(clusterName, principalArn, policyArn) {
      await client.send(new DisassociateAccessPolicyCommand({ clusterName, principalArn, policyArn }));
    },

    async updateAuthenticationMode(name, mode) {
      const out = await client.send(
        new UpdateClusterConfigCommand({ name, accessConfig: { authenticationMode: mode } }),
      );
      return required(out.update?.id, "update.id", "UpdateClusterConfig");
    },

    async describeUpdate(name, updateId) {
      const out = await orUndefined(client.send(new DescribeUpdateCommand({ name, updateId })));
      const update = out?.update;
      if (update === undefined) return undefined;
      const status = update.status ?? "InProgress";
      if (!UPDATE_STATUSES.includes(status)) {
        throw malformedAnswer("DescribeUpdate", `unknown update status ${status} for ${updateId}`);
      }
      return {
        id: update.id ?? updateId,
        status,
        errors: (update.errors ?? []).map((e) => [e.errorCode, e.errorMessage].filter(Boolean).join(": ")),
      };
    },

    async listAccessPolicies() {
      const policies: ListedAccessPolicy[] = [];
      for await (const page of paginateListAccessPolicies({ client }, {})) {
        for (const p of page.accessPolicies ?? []) {
          policies.push({
            name: required(p.name, "name", "ListAccessPolicies"),
            arn: required(p.arn, "arn", "ListAccessPolicies"),
          });
        }
      }
      return policies;
    },
  };
}

/**
 * One EKS port per region, built on first use and kept, all sharing one credential
 * provider; `calls()` sums every region's counts.
 */
export function createEksPortForRegion(options: Omit<EksPortOptions, "region">): EksPortForRegion & Counted {
  const credentials = options.credentials ?? standardCredentials(options.profile);
  const ports = new Map<string, EksPort & Counted>();
  const forRegion = (region: string): EksPort & Counted => {
    let port = ports.get(region);
    if (port === undefined) {
      port = createEksPort({ ...options, region, credentials });
      ports.set(region, port);
    }
    return port;
  };
  return Object.assign(forRegion, {
    calls: () => sumCounts(...[...ports.values()].map((p) => p.calls())),
  });
}

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isPortError(error, "not-found")) return undefined;
    throw error;
  }
}

function fromSdkScope(scope: SdkAccessScope | undefined): AccessScope {
  if (scope?.type === "namespace") return { type: "namespace", namespaces: scope.namespaces ?? [] };
  return { type: "cluster" };
}

function toSdkScope(scope: AccessScope): SdkAccessScope {
  return scope.type === "namespace"
    ? { type: "namespace", namespaces: [...scope.namespaces] }
    : { type: "cluster" };
}

function malformedAnswer(operation: string, what: string): PortError {
  return new PortError("invalid", `eks:${operation} returned an unexpected answer: ${what}.`, {
    operation: `eks:${operation}`,
  });
}

function required<T>(value: T | undefined, field: string, operation: string): T {
  if (value === undefined) throw malformedAnswer(operation, `${field} is missing`);
  return value;
}
