// An in-memory EksPort: the EKS access-entry double's state (test/env/eks-double/state.ts)
// behind the port, without HTTP, so the fake keeps exactly the double's rules
// (docs/specs/eks-access-entries-double.md). Specification of what eksgate relies on:
// docs/specs/port-fakes.md, rules E1-E5, checked by test/support/contracts/eks-port.ts here
// and, through the real adapter, against the double over HTTP.
import type { AccessScope } from "../../../src/core/model/access-entry.js";
import type {
  ClusterAuthenticationMode,
  EksPort,
  ListedAccessPolicy,
  ObservedAccessEntry,
  ObservedAccessPolicy,
  ObservedCluster,
  ObservedUpdate,
} from "../../../src/ports/eks.js";
import type { AccessEntryType as PortEntryType } from "../../../src/core/model/access-entry.js";
import type { ObservedAccessEntryState } from "../../../src/core/plan/observed.js";
import { isPortError } from "../../../src/ports/errors.js";
import { EksApiError } from "../../env/eks-double/errors.js";
import type { PrincipalLookup } from "../../env/eks-double/principal-lookup.js";
import { parsePrincipalArn, type AccessEntryType } from "../../env/eks-double/rules.js";
import { EksDoubleState, type Json } from "../../env/eks-double/state.js";
import { awsFailure } from "./aws-errors.js";
import type { FakeClock } from "./clock.js";
import type { FakeIam } from "./iam.js";

export interface FakeEksOptions {
  readonly accountId: string;
  readonly region: string;
  readonly clock: FakeClock;
  /** Where principal ids come from (double §4 E9); without it, ids are derived from the ARN. */
  readonly iam?: FakeIam;
}

/**
 * An access entry made earlier, as observe reads it, and the principal's id when it was made
 * (default: its `eksgate.dev/role-id` tag, or one derived from the role name).
 */
export type SeededAccessEntry = ObservedAccessEntryState & { readonly principalId?: string };

export class FakeEks implements EksPort {
  readonly state: EksDoubleState;

  constructor(private readonly options: FakeEksOptions) {
    const { iam } = options;
    const lookup: PrincipalLookup | undefined =
      iam === undefined
        ? undefined
        : async (principal) => {
            if (principal.kind !== "role") return undefined;
            const role = await iam.getRole(principal.name);
            return role !== undefined && role.arn === principal.arn
              ? { id: role.roleId, arn: role.arn }
              : undefined;
          };
    this.state = new EksDoubleState({
      accountId: options.accountId,
      region: options.region,
      lookup,
      clusterCreatorArn: undefined,
      now: () => options.clock.tick(),
    });
  }

  // ----------------------------------------------------------- set up by tests, outside EksPort

  seedCluster(name: string, mode: ClusterAuthenticationMode, endpoint = `https://${name}.eks.test`): void {
    this.state.seedCluster({
      name,
      endpoint,
      certificateAuthorityData: Buffer.from(`test CA of ${name}\n`).toString("base64"),
      authenticationMode: mode,
      bootstrapClusterCreatorAdminPermissions: false,
    });
  }

  seedAccessEntry(clusterName: string, entry: SeededAccessEntry): void {
    const cluster = this.state.cluster(clusterName);
    const principal = parsePrincipalArn(entry.principalArn, clusterName);
    const createdAt = new Date(entry.createdAt);
    cluster.entries.set(entry.principalArn, {
      principal,
      principalId: entry.principalId ?? entry.tags["eksgate.dev/role-id"] ?? `AROASEEDED${principal.name}`,
      type: entry.type as AccessEntryType,
      accessEntryArn: `arn:aws:eks:${this.options.region}:${this.options.accountId}:access-entry/${clusterName}/${principal.kind}/${principal.accountId}/${principal.name}/seeded`,
      kubernetesGroups: [...entry.kubernetesGroups],
      username: entry.username,
      tags: { ...entry.tags },
      createdAt,
      modifiedAt: createdAt,
      associations: new Map(
        entry.policies.map((p) => [
          p.policyArn,
          {
            policyArn: p.policyArn,
            accessScope: {
              type: p.accessScope.type,
              namespaces: p.accessScope.type === "namespace" ? [...p.accessScope.namespaces] : [],
            },
            associatedAt: createdAt,
            modifiedAt: createdAt,
          },
        ]),
      ),
    });
  }

  // ------------------------------------------------------------------------------ EksPort

  async describeCluster(name: string): Promise<ObservedCluster | undefined> {
    const out = await this.orUndefined("DescribeCluster", () => this.state.describeCluster(name));
    if (out === undefined) return undefined;
    const cluster = out["cluster"] as {
      name: string;
      arn: string;
      endpoint: string;
      certificateAuthority: { data: string };
      accessConfig: { authenticationMode: ClusterAuthenticationMode };
    };
    return {
      name: cluster.name,
      arn: cluster.arn,
      endpoint: cluster.endpoint,
      certificateAuthorityData: cluster.certificateAuthority.data,
      authenticationMode: cluster.accessConfig.authenticationMode,
    };
  }

  async listAccessEntries(cluster: string): Promise<readonly string[]> {
    const arns: string[] = [];
    for (let token: string | undefined, first = true; first || token !== undefined; first = false) {
      const query = new URLSearchParams(token !== undefined ? { nextToken: token } : {});
      const page = await this.call("ListAccessEntries", () => this.state.listAccessEntries(cluster, query));
      arns.push(...(page["accessEntries"] as string[]));
      token = page["nextToken"] as string | undefined;
    }
    return arns;
  }

  async describeAccessEntry(cluster: string, principalArn: string): Promise<ObservedAccessEntry | undefined> {
    const out = await this.orUndefined("DescribeAccessEntry", () =>
      this.state.describeAccessEntry(cluster, principalArn),
    );
    if (out === undefined) return undefined;
    const entry = out["accessEntry"] as {
      principalArn: string;
      type: ObservedAccessEntry["type"];
      kubernetesGroups: string[];
      username: string;
      tags: Record<string, string>;
      createdAt: number;
    };
    return {
      principalArn: entry.principalArn,
      type: entry.type,
      kubernetesGroups: entry.kubernetesGroups,
      username: entry.username,
      tags: entry.tags,
      createdAt: new Date(entry.createdAt * 1000).toISOString(),
    };
  }

  async createAccessEntry(
    cluster: string,
    entry: {
      readonly principalArn: string;
      readonly type?: PortEntryType;
      readonly kubernetesGroups: readonly string[];
      readonly username?: string;
      readonly tags: Readonly<Record<string, string>>;
    },
  ): Promise<void> {
    await this.call("CreateAccessEntry", () =>
      this.state.createAccessEntry(cluster, {
        principalArn: entry.principalArn,
        type: entry.type ?? "STANDARD",
        ...(entry.kubernetesGroups.length > 0 ? { kubernetesGroups: [...entry.kubernetesGroups] } : {}),
        ...(entry.username !== undefined ? { username: entry.username } : {}),
        ...(Object.keys(entry.tags).length > 0 ? { tags: { ...entry.tags } } : {}),
      }),
    );
  }

  async updateAccessEntry(
    cluster: string,
    entry: {
      readonly principalArn: string;
      readonly kubernetesGroups: readonly string[];
      readonly username: string;
    },
  ): Promise<void> {
    await this.call("UpdateAccessEntry", () =>
      this.state.updateAccessEntry(cluster, entry.principalArn, {
        kubernetesGroups: [...entry.kubernetesGroups],
        username: entry.username,
      }),
    );
  }

  async deleteAccessEntry(cluster: string, principalArn: string): Promise<void> {
    await this.call("DeleteAccessEntry", () => this.state.deleteAccessEntry(cluster, principalArn));
  }

  async listAssociatedAccessPolicies(
    cluster: string,
    principalArn: string,
  ): Promise<readonly ObservedAccessPolicy[]> {
    const policies: ObservedAccessPolicy[] = [];
    for (let token: string | undefined, first = true; first || token !== undefined; first = false) {
      const query = new URLSearchParams(token !== undefined ? { nextToken: token } : {});
      const page = await this.call("ListAssociatedAccessPolicies", () =>
        this.state.listAssociatedAccessPolicies(cluster, principalArn, query),
      );
      for (const p of page["associatedAccessPolicies"] as {
        policyArn: string;
        accessScope: { type: string; namespaces: string[] };
      }[]) {
        policies.push({ policyArn: p.policyArn, accessScope: portScope(p.accessScope) });
      }
      token = page["nextToken"] as string | undefined;
    }
    return policies;
  }

  async associateAccessPolicy(
    cluster: string,
    principalArn: string,
    policy: ObservedAccessPolicy,
  ): Promise<void> {
    const accessScope =
      policy.accessScope.type === "namespace"
        ? { type: "namespace", namespaces: [...policy.accessScope.namespaces] }
        : { type: "cluster" };
    await this.call("AssociateAccessPolicy", () =>
      this.state.associateAccessPolicy(cluster, principalArn, { policyArn: policy.policyArn, accessScope }),
    );
  }

  async disassociateAccessPolicy(cluster: string, principalArn: string, policyArn: string): Promise<void> {
    await this.call("DisassociateAccessPolicy", () =>
      this.state.disassociateAccessPolicy(cluster, principalArn, policyArn),
    );
  }

  async updateAuthenticationMode(cluster: string, mode: ClusterAuthenticationMode): Promise<string> {
    const out = await this.call("UpdateClusterConfig", () =>
      this.state.updateClusterConfig(cluster, { accessConfig: { authenticationMode: mode } }),
    );
    return (out["update"] as { id: string }).id;
  }

  async describeUpdate(cluster: string, updateId: string): Promise<ObservedUpdate | undefined> {
    const out = await this.orUndefined("DescribeUpdate", () => this.state.describeUpdate(cluster, updateId));
    if (out === undefined) return undefined;
    const update = out["update"] as { id: string; status: ObservedUpdate["status"]; errors: unknown[] };
    return { id: update.id, status: update.status, errors: update.errors.map(String) };
  }

  async listAccessPolicies(): Promise<readonly ListedAccessPolicy[]> {
    const policies: ListedAccessPolicy[] = [];
    for (let token: string | undefined, first = true; first || token !== undefined; first = false) {
      const query = new URLSearchParams(token !== undefined ? { nextToken: token } : {});
      const page = await this.call("ListAccessPolicies", () => this.state.listAccessPolicies(query));
      policies.push(...(page["accessPolicies"] as ListedAccessPolicy[]));
      token = page["nextToken"] as string | undefined;
    }
    return policies;
  }

  // ---------------------------------------------------------------------------- internals

  private async call(operation: string, run: () => Json | Promise<Json>): Promise<Json> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof EksApiError) {
        throw awsFailure("eks", operation, error.type, error.status, error.message);
      }
      throw error;
    }
  }

  private async orUndefined(operation: string, run: () => Json | Promise<Json>): Promise<Json | undefined> {
    try {
      return await this.call(operation, run);
    } catch (error) {
      if (isPortError(error, "not-found")) return undefined;
      throw error;
    }
  }
}

function portScope(scope: { type: string; namespaces: string[] }): AccessScope {
  return scope.type === "namespace"
    ? { type: "namespace", namespaces: scope.namespaces }
    : { type: "cluster" };
}
