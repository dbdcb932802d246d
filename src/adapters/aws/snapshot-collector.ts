/**
 * Read-only AWS sources for `eksgate snapshot`: IAM GetAccountAuthorizationDetails (every
 * page), EKS DescribeCluster, ListClusters and the access-entry reads, and the
 * Organizations reads behind `--organizations`.
 *
 * The clients are built as plan's and apply's are (client-config.ts, call-count.ts): one
 * memoized credential chain, the same middleware, and every SDK failure translated into a
 * PortError (errors.ts), so a denied or expired call reads the same in every command.
 */
import {
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  EKSClient,
  paginateListAccessEntries,
  paginateListAssociatedAccessPolicies,
  paginateListClusters,
} from "@aws-sdk/client-eks";
import { IAMClient, paginateGetAccountAuthorizationDetails } from "@aws-sdk/client-iam";
import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListPoliciesForTarget,
  PolicyTypeNotEnabledException,
} from "@aws-sdk/client-organizations";
import "./node-version-warning.js";
import { isPortError } from "../../ports/errors.js";
import type {
  EksSnapshotSource,
  IamSnapshotSource,
  OrganizationsSnapshotSource,
  ServiceControlPolicyAnswer,
} from "../../ports/snapshot-sources.js";
import { PORT_MIDDLEWARE, portMiddleware } from "./call-count.js";
import {
  assumedRoleCredentials,
  type AwsCredentials,
  effectiveProfile,
  standardCredentials,
} from "./client-config.js";
import type { AwsService } from "./errors.js";

export interface AwsSnapshotOptions {
  readonly profile?: string;
  /** A role to assume (from the profile's or the default credentials) for this account. */
  readonly roleArn?: string;
  /** Region for IAM request signing; IAM itself is global. */
  readonly region?: string;
  readonly endpoints?: {
    readonly iam?: string;
    readonly eks?: string;
    readonly organizations?: string;
    readonly sts?: string;
  };
  /** Default: the standard credential chain (see `standardCredentials`). */
  readonly credentials?: AwsCredentials;
}

/** Drops the SDK's `$metadata` so a page reads like the CLI's output. */
function plain<T extends object>(output: T): Omit<T, "$metadata"> {
  const { $metadata: _ignored, ...rest } = output as T & { $metadata?: unknown };
  return rest;
}

/** The credentials of `--account ID=ROLE_ARN`: that role, assumed with `base`. */
function withRole(options: AwsSnapshotOptions, base: AwsCredentials): AwsCredentials {
  if (options.roleArn === undefined) return base;
  return assumedRoleCredentials(options.roleArn, base, {
    region: options.region ?? "us-east-1",
    sessionName: "eksgate-snapshot",
    ...(options.endpoints?.sts !== undefined ? { stsEndpoint: options.endpoints.sts } : {}),
  });
}

/** What every snapshot client gets: the credentials and the profile (for the SDK and for hints). */
function clientSettings(options: AwsSnapshotOptions) {
  return {
    credentials: withRole(options, options.credentials ?? standardCredentials(options.profile)),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  };
}

/** The middleware plan and apply use: counting, and SDK errors turned into PortErrors. */
function middlewareFor(service: AwsService, options: AwsSnapshotOptions) {
  return portMiddleware({}, { service, profile: effectiveProfile(options.profile) });
}

/** The SDK error a PortError was translated from (the Organizations answers name SDK classes). */
function sdkCause(error: unknown): unknown {
  return isPortError(error) ? error.details.cause : error;
}

export function createIamSnapshotSource(options: AwsSnapshotOptions): IamSnapshotSource {
  const client = new IAMClient({
    ...clientSettings(options),
    region: options.region ?? "us-east-1",
    ...(options.endpoints?.iam !== undefined ? { endpoint: options.endpoints.iam } : {}),
  });
  client.middlewareStack.add(middlewareFor("iam", options), PORT_MIDDLEWARE);
  return {
    async accountAuthorizationDetails() {
      const pages: unknown[] = [];
      for await (const page of paginateGetAccountAuthorizationDetails({ client }, {}))
        pages.push(plain(page));
      return pages;
    },
  };
}

/** An organization is at most five OUs deep: root, five OUs, the account. */
const MAX_LEVELS = 7;

export function createOrganizationsSnapshotSource(options: AwsSnapshotOptions): OrganizationsSnapshotSource {
  const client = new OrganizationsClient({
    ...clientSettings(options),
    region: "us-east-1",
    ...(options.endpoints?.organizations !== undefined ? { endpoint: options.endpoints.organizations } : {}),
  });
  client.middlewareStack.add(middlewareFor("organizations", options), PORT_MIDDLEWARE);
  const documents = new Map<string, Promise<{ Name: string; Document: unknown }>>();
  const describe = (id: string): Promise<{ Name: string; Document: unknown }> => {
    let known = documents.get(id);
    if (known === undefined) {
      known = client.send(new DescribePolicyCommand({ PolicyId: id })).then((out) => {
        const content = out.Policy?.Content ?? "{}";
        return { Name: out.Policy?.PolicySummary?.Name ?? id, Document: JSON.parse(content) as unknown };
      });
      documents.set(id, known);
    }
    return known;
  };
  const attached = async (target: string): Promise<{ Name: string; Document: unknown }[]> => {
    const out: { Name: string; Document: unknown }[] = [];
    const pages = paginateListPoliciesForTarget(
      { client },
      { TargetId: target, Filter: "SERVICE_CONTROL_POLICY" },
    );
    for await (const page of pages) {
      for (const p of page.Policies ?? []) if (p.Id !== undefined) out.push(await describe(p.Id));
    }
    return out;
  };
  /** The targets from the root down to the account. */
  const chain = async (account: string): Promise<string[]> => {
    const targets = [account];
    let child = account;
    for (let depth = 0; depth < MAX_LEVELS; depth++) {
      const parents = await client.send(new ListParentsCommand({ ChildId: child }));
      const parent = parents.Parents?.[0];
      if (parent?.Id === undefined) break;
      targets.unshift(parent.Id);
      if (parent.Type === "ROOT") break;
      child = parent.Id;
    }
    return targets;
  };
  return {
    async serviceControlPolicies(accountIds): Promise<ServiceControlPolicyAnswer> {
      try {
        const organization = await client.send(new DescribeOrganizationCommand({}));
        const management = organization.Organization?.MasterAccountId;
        // SCPs apply only when the policy type is enabled at the root.
        const roots = await client.send(new ListRootsCommand({}));
        const enabled = (roots.Roots ?? []).some((r) =>
          (r.PolicyTypes ?? []).some((t) => t.Type === "SERVICE_CONTROL_POLICY" && t.Status === "ENABLED"),
        );
        if (!enabled) return { kind: "not-enabled" };
        const notes: string[] = [];
        const accounts: unknown[] = [];
        for (const account of accountIds) {
          if (account === management) {
            notes.push(
              `account ${account} is the organization's management account: SCPs do not apply to it`,
            );
            continue;
          }
          const levels = [];
          for (const target of await chain(account))
            levels.push({ Target: target, Policies: await attached(target) });
          accounts.push({ AccountId: account, Levels: levels });
        }
        return { kind: "policies", accounts, notes };
      } catch (error) {
        const cause = sdkCause(error);
        if (cause instanceof AWSOrganizationsNotInUseException) return { kind: "no-organization" };
        if (cause instanceof PolicyTypeNotEnabledException) return { kind: "not-enabled" };
        if (cause instanceof AccessDeniedException)
          return { kind: "denied", message: cause.message || "access denied" };
        throw error;
      }
    },
  };
}

export function createEksSnapshotSource(region: string, options: AwsSnapshotOptions): EksSnapshotSource {
  const client = new EKSClient({
    ...clientSettings(options),
    region,
    ...(options.endpoints?.eks !== undefined ? { endpoint: options.endpoints.eks } : {}),
  });
  client.middlewareStack.add(middlewareFor("eks", options), PORT_MIDDLEWARE);
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
        if (isPortError(error, "not-found")) return undefined;
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
