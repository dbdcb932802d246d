// The double's state and its operations, independent of HTTP: clusters, their access
// entries and policy associations, and cluster config updates. Every method validates the
// way docs/specs/eks-access-entries-double.md says and throws EksApiError otherwise.
import { randomBytes, randomUUID } from "node:crypto";
import {
  ACCESS_POLICIES,
  CLUSTER_ADMIN_POLICY_ARN,
  extraAccessPolicy,
  findAccessPolicy,
} from "./access-policies.js";
import { EksApiError, inUse, invalidParameter, invalidRequest, notFound } from "./errors.js";
import { type PrincipalLookup, syntheticPrincipalId } from "./principal-lookup.js";
import {
  type AccessEntryType,
  type AccessScope,
  type AuthenticationMode,
  checkKubernetesGroups,
  checkModeTransition,
  checkUsername,
  defaultGroups,
  defaultUsername,
  modeAllowsAccessEntries,
  parseAccessScope,
  parseAuthenticationMode,
  parseEntryType,
  parsePrincipalArn,
  type PrincipalRef,
} from "./rules.js";

export type Json = Record<string, unknown>;
export type Query = URLSearchParams;

export interface AssociationRecord {
  readonly policyArn: string;
  accessScope: AccessScope;
  readonly associatedAt: Date;
  modifiedAt: Date;
}

export interface AccessEntryRecord {
  readonly principal: PrincipalRef;
  /** The IAM RoleId/UserId captured at creation. */
  readonly principalId: string;
  readonly type: AccessEntryType;
  readonly accessEntryArn: string;
  kubernetesGroups: string[];
  username: string;
  tags: Record<string, string>;
  readonly createdAt: Date;
  modifiedAt: Date;
  readonly associations: Map<string, AssociationRecord>;
}

export interface UpdateRecord {
  readonly id: string;
  readonly type: "AccessConfigUpdate";
  readonly params: readonly { type: string; value: string }[];
  readonly createdAt: Date;
}

export interface ClusterRecord {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: Date;
  version: string;
  endpoint: string;
  certificateAuthorityData: string;
  roleArn: string;
  resourcesVpcConfig: Json;
  tags: Record<string, string>;
  authenticationMode: AuthenticationMode;
  readonly bootstrapClusterCreatorAdminPermissions: boolean;
  readonly entries: Map<string, AccessEntryRecord>;
  readonly updates: Map<string, UpdateRecord>;
}

/** A cluster a test puts in place directly, e.g. pointing at a real kube-apiserver. */
export interface SeedClusterInput {
  readonly name: string;
  readonly endpoint?: string;
  /** Base64 of the PEM CA bundle, as DescribeCluster returns it. */
  readonly certificateAuthorityData?: string;
  readonly authenticationMode?: AuthenticationMode;
  readonly bootstrapClusterCreatorAdminPermissions?: boolean;
  readonly version?: string;
  readonly roleArn?: string;
  readonly tags?: Record<string, string>;
}

export interface StateOptions {
  readonly accountId: string;
  readonly region: string;
  readonly lookup: PrincipalLookup | undefined;
  /** The principal that gets the bootstrap admin entry on CreateCluster, if any. */
  readonly clusterCreatorArn: string | undefined;
  readonly now: () => Date;
  /** Policy names listed after the built-in ones (A1), as AWS adds policies. */
  readonly extraAccessPolicies?: readonly string[];
}

const DEFAULT_VERSION = "1.33";
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const DEFAULT_PAGE = 100;

const epoch = (date: Date): number => date.getTime() / 1000;

export class EksDoubleState {
  readonly clusters = new Map<string, ClusterRecord>();
  private readonly createTokens = new Map<
    string,
    { cluster: string; principalArn: string; entryArn: string }
  >();

  constructor(private readonly options: StateOptions) {}

  reset(): void {
    this.clusters.clear();
    this.createTokens.clear();
  }

  // ---- clusters -------------------------------------------------------------------------

  seedCluster(input: SeedClusterInput): ClusterRecord {
    const existing = this.clusters.get(input.name);
    if (existing) this.clusters.delete(input.name);
    const cluster = this.newCluster(input.name, {
      endpoint: input.endpoint,
      certificateAuthorityData: input.certificateAuthorityData,
      authenticationMode: input.authenticationMode ?? "CONFIG_MAP",
      bootstrap: input.bootstrapClusterCreatorAdminPermissions ?? true,
      version: input.version,
      roleArn: input.roleArn,
      tags: input.tags ?? {},
      resourcesVpcConfig: {},
    });
    this.clusters.set(cluster.name, cluster);
    return cluster;
  }

  async createCluster(body: Json): Promise<Json> {
    const name = body["name"];
    if (typeof name !== "string" || !CLUSTER_NAME.test(name)) {
      throw invalidParameter(`name must match ${CLUSTER_NAME.source} (got ${String(name)}).`);
    }
    if (typeof body["roleArn"] !== "string") throw invalidParameter("roleArn is required.", name);
    if (typeof body["resourcesVpcConfig"] !== "object" || body["resourcesVpcConfig"] === null) {
      throw invalidParameter("resourcesVpcConfig is required.", name);
    }
    if (this.clusters.has(name)) throw inUse(`Cluster already exists with name: ${name}`, name);
    const accessConfig = (body["accessConfig"] ?? {}) as Json;
    const mode =
      accessConfig["authenticationMode"] === undefined
        ? "CONFIG_MAP"
        : parseAuthenticationMode(accessConfig["authenticationMode"], "accessConfig.authenticationMode");
    const bootstrap = accessConfig["bootstrapClusterCreatorAdminPermissions"] ?? true;
    if (typeof bootstrap !== "boolean") {
      throw invalidParameter("accessConfig.bootstrapClusterCreatorAdminPermissions must be a boolean.", name);
    }
    const cluster = this.newCluster(name, {
      endpoint: undefined,
      certificateAuthorityData: undefined,
      authenticationMode: mode,
      bootstrap,
      version: typeof body["version"] === "string" ? body["version"] : undefined,
      roleArn: body["roleArn"],
      tags: stringMap(body["tags"], "tags", name),
      resourcesVpcConfig: body["resourcesVpcConfig"] as Json,
    });
    const creator = this.options.clusterCreatorArn;
    if (bootstrap && creator !== undefined && modeAllowsAccessEntries(mode)) {
      const principal = parsePrincipalArn(creator, name);
      const entry = await this.newEntry(cluster, principal, "STANDARD", [], undefined, {});
      const now = this.options.now();
      entry.associations.set(CLUSTER_ADMIN_POLICY_ARN, {
        policyArn: CLUSTER_ADMIN_POLICY_ARN,
        accessScope: { type: "cluster", namespaces: [] },
        associatedAt: now,
        modifiedAt: now,
      });
      cluster.entries.set(principal.arn, entry);
    }
    this.clusters.set(name, cluster);
    return { cluster: this.clusterJson(cluster) };
  }

  describeCluster(name: string): Json {
    return { cluster: this.clusterJson(this.cluster(name)) };
  }

  listClusters(query: Query): Json {
    const names = [...this.clusters.keys()].sort();
    const { page, nextToken } = paginate(names, query, "clusters");
    return { clusters: page, ...(nextToken ? { nextToken } : {}) };
  }

  deleteCluster(name: string): Json {
    const cluster = this.cluster(name);
    this.clusters.delete(name);
    return { cluster: { ...this.clusterJson(cluster), status: "DELETING" } };
  }

  updateClusterConfig(name: string, body: Json): Json {
    const cluster = this.cluster(name);
    const accessConfig = body["accessConfig"];
    if (typeof accessConfig !== "object" || accessConfig === null) {
      throw invalidParameter("This double only supports accessConfig updates in UpdateClusterConfig.", name);
    }
    const target = parseAuthenticationMode(
      (accessConfig as Json)["authenticationMode"],
      "accessConfig.authenticationMode",
    );
    checkModeTransition(cluster.authenticationMode, target, name);
    cluster.authenticationMode = target;
    const update: UpdateRecord = {
      id: randomUUID(),
      type: "AccessConfigUpdate",
      params: [{ type: "AuthenticationMode", value: target }],
      createdAt: this.options.now(),
    };
    cluster.updates.set(update.id, update);
    return { update: updateJson(update, "InProgress") };
  }

  describeUpdate(name: string, updateId: string): Json {
    const update = this.cluster(name).updates.get(updateId);
    if (!update) throw notFound(`No update found for ID: ${updateId}`, name);
    return { update: updateJson(update, "Successful") };
  }

  listUpdates(name: string, query: Query): Json {
    const ids = [...this.cluster(name).updates.keys()];
    const { page, nextToken } = paginate(ids, query, `updates:${name}`);
    return { updateIds: page, ...(nextToken ? { nextToken } : {}) };
  }

  // ---- access entries -------------------------------------------------------------------

  async createAccessEntry(clusterName: string, body: Json): Promise<Json> {
    const cluster = this.entryCluster(clusterName);
    if (typeof body["principalArn"] !== "string")
      throw invalidParameter("principalArn is required.", clusterName);
    const principal = parsePrincipalArn(body["principalArn"], clusterName);
    const type = parseEntryType(body["type"], clusterName);

    const token = typeof body["clientRequestToken"] === "string" ? body["clientRequestToken"] : undefined;
    const replay = token === undefined ? undefined : this.createTokens.get(token);
    if (replay && replay.cluster === clusterName && replay.principalArn === principal.arn) {
      const entry = cluster.entries.get(principal.arn);
      if (entry?.accessEntryArn === replay.entryArn) return { accessEntry: entryJson(cluster, entry) };
    }

    if (cluster.entries.has(principal.arn)) {
      throw inUse(
        `An access entry for ${principal.arn} already exists in cluster ${clusterName}.`,
        clusterName,
      );
    }
    const groupsGiven = body["kubernetesGroups"] !== undefined && body["kubernetesGroups"] !== null;
    const usernameGiven = body["username"] !== undefined && body["username"] !== null;
    if (type !== "STANDARD") {
      if (principal.kind !== "role") {
        throw invalidParameter(`Access entries of type ${type} take an IAM role ARN.`, clusterName);
      }
      if (principal.accountId !== this.options.accountId) {
        throw invalidParameter(
          `Access entries of type ${type} must be in the cluster's account.`,
          clusterName,
        );
      }
      if (usernameGiven || (groupsGiven && (body["kubernetesGroups"] as unknown[]).length > 0)) {
        throw invalidParameter(
          `Access entries of type ${type} cannot set username or kubernetesGroups.`,
          clusterName,
        );
      }
    }
    const groups = groupsGiven
      ? checkKubernetesGroups(body["kubernetesGroups"], clusterName)
      : defaultGroups(type);
    const username = usernameGiven ? checkUsername(body["username"], clusterName) : undefined;
    const tags = stringMap(body["tags"], "tags", clusterName);

    const entry = await this.newEntry(cluster, principal, type, groups, username, tags);
    // Another request may have created the entry while the IAM lookup was in flight.
    if (cluster.entries.has(principal.arn)) {
      throw inUse(
        `An access entry for ${principal.arn} already exists in cluster ${clusterName}.`,
        clusterName,
      );
    }
    cluster.entries.set(principal.arn, entry);
    if (token !== undefined) {
      this.createTokens.set(token, {
        cluster: clusterName,
        principalArn: principal.arn,
        entryArn: entry.accessEntryArn,
      });
    }
    return { accessEntry: entryJson(cluster, entry) };
  }

  describeAccessEntry(clusterName: string, principalArn: string): Json {
    const cluster = this.entryCluster(clusterName);
    return { accessEntry: entryJson(cluster, this.entry(cluster, principalArn)) };
  }

  listAccessEntries(clusterName: string, query: Query): Json {
    const cluster = this.entryCluster(clusterName);
    const policyArn = query.get("associatedPolicyArn");
    if (policyArn !== null && !findAccessPolicy(policyArn)) {
      throw invalidParameter(`associatedPolicyArn ${policyArn} is not an access policy.`, clusterName);
    }
    const arns = [...cluster.entries.values()]
      .filter((e) => policyArn === null || e.associations.has(policyArn))
      .map((e) => e.principal.arn)
      .sort();
    const { page, nextToken } = paginate(
      arns,
      query,
      `entries:${clusterName}:${policyArn ?? ""}`,
      clusterName,
    );
    return { accessEntries: page, ...(nextToken ? { nextToken } : {}) };
  }

  updateAccessEntry(clusterName: string, principalArn: string, body: Json): Json {
    const cluster = this.entryCluster(clusterName);
    const entry = this.entry(cluster, principalArn);
    const groupsGiven = body["kubernetesGroups"] !== undefined && body["kubernetesGroups"] !== null;
    const usernameGiven = body["username"] !== undefined && body["username"] !== null;
    if (entry.type !== "STANDARD" && (groupsGiven || usernameGiven)) {
      throw invalidParameter(
        `Access entries of type ${entry.type} cannot change username or kubernetesGroups.`,
        clusterName,
      );
    }
    const groups = groupsGiven ? checkKubernetesGroups(body["kubernetesGroups"], clusterName) : undefined;
    const username = usernameGiven ? checkUsername(body["username"], clusterName) : undefined;
    if (groups !== undefined) entry.kubernetesGroups = groups;
    if (username !== undefined) entry.username = username;
    entry.modifiedAt = this.options.now();
    return { accessEntry: entryJson(cluster, entry) };
  }

  deleteAccessEntry(clusterName: string, principalArn: string): Json {
    const cluster = this.entryCluster(clusterName);
    this.entry(cluster, principalArn);
    cluster.entries.delete(principalArn);
    return {};
  }

  // ---- access policies ------------------------------------------------------------------

  associateAccessPolicy(clusterName: string, principalArn: string, body: Json): Json {
    const cluster = this.entryCluster(clusterName);
    const entry = this.entry(cluster, principalArn);
    const policyArn = body["policyArn"];
    if (typeof policyArn !== "string") throw invalidParameter("policyArn is required.", clusterName);
    const policy = findAccessPolicy(policyArn);
    if (!policy) throw invalidParameter(`policyArn ${policyArn} is not an access policy.`, clusterName);
    if (!policy.entryTypes.includes(entry.type)) {
      throw invalidParameter(
        `Access entries of type ${entry.type} cannot be associated with ${policy.name}.`,
        clusterName,
      );
    }
    const scope = parseAccessScope(body["accessScope"], clusterName);
    const now = this.options.now();
    const existing = entry.associations.get(policyArn);
    const association: AssociationRecord = existing ?? {
      policyArn,
      accessScope: scope,
      associatedAt: now,
      modifiedAt: now,
    };
    association.accessScope = scope;
    association.modifiedAt = now;
    entry.associations.set(policyArn, association);
    return {
      clusterName,
      principalArn: entry.principal.arn,
      associatedAccessPolicy: associationJson(association),
    };
  }

  disassociateAccessPolicy(clusterName: string, principalArn: string, policyArn: string): Json {
    const cluster = this.entryCluster(clusterName);
    const entry = this.entry(cluster, principalArn);
    if (!entry.associations.delete(policyArn)) {
      throw notFound(`The access policy ${policyArn} is not associated with ${principalArn}.`, clusterName);
    }
    return {};
  }

  listAssociatedAccessPolicies(clusterName: string, principalArn: string, query: Query): Json {
    const cluster = this.entryCluster(clusterName);
    const entry = this.entry(cluster, principalArn);
    const all = [...entry.associations.values()].sort((a, b) => a.policyArn.localeCompare(b.policyArn));
    const { page, nextToken } = paginate(
      all,
      query,
      `associations:${clusterName}:${principalArn}`,
      clusterName,
    );
    return {
      clusterName,
      principalArn: entry.principal.arn,
      associatedAccessPolicies: page.map(associationJson),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  listAccessPolicies(query: Query): Json {
    const all = [...ACCESS_POLICIES, ...(this.options.extraAccessPolicies ?? []).map(extraAccessPolicy)];
    const { page, nextToken } = paginate(all, query, "access-policies");
    return {
      accessPolicies: page.map((p) => ({ name: p.name, arn: p.arn })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  // ---- tags -----------------------------------------------------------------------------

  tagResource(resourceArn: string, body: Json): Json {
    const target = this.taggable(resourceArn);
    Object.assign(target.tags, stringMap(body["tags"], "tags"));
    return {};
  }

  untagResource(resourceArn: string, query: Query): Json {
    const target = this.taggable(resourceArn);
    for (const key of query.getAll("tagKeys")) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- tags are a plain string map
      delete target.tags[key];
    }
    return {};
  }

  listTagsForResource(resourceArn: string): Json {
    return { tags: { ...this.taggable(resourceArn).tags } };
  }

  // ---- lookups --------------------------------------------------------------------------

  cluster(name: string): ClusterRecord {
    const cluster = this.clusters.get(name);
    if (!cluster) throw notFound(`No cluster found for name: ${name}.`, name);
    return cluster;
  }

  /** A cluster whose authentication mode allows the access-entry API. */
  private entryCluster(name: string): ClusterRecord {
    const cluster = this.cluster(name);
    if (!modeAllowsAccessEntries(cluster.authenticationMode)) {
      throw invalidRequest(
        "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
        name,
      );
    }
    return cluster;
  }

  private entry(cluster: ClusterRecord, principalArn: string): AccessEntryRecord {
    const entry = cluster.entries.get(principalArn);
    if (!entry)
      throw notFound(`The specified principalArn ${principalArn} has no access entry.`, cluster.name);
    return entry;
  }

  private taggable(resourceArn: string): { tags: Record<string, string> } {
    for (const cluster of this.clusters.values()) {
      if (cluster.arn === resourceArn) return cluster;
      for (const entry of cluster.entries.values()) if (entry.accessEntryArn === resourceArn) return entry;
    }
    throw new EksApiError("NotFoundException", `No resource found for ARN ${resourceArn}.`);
  }

  private newCluster(
    name: string,
    input: {
      endpoint: string | undefined;
      certificateAuthorityData: string | undefined;
      authenticationMode: AuthenticationMode;
      bootstrap: boolean;
      version: string | undefined;
      roleArn: string | undefined;
      tags: Record<string, string>;
      resourcesVpcConfig: Json;
    },
  ): ClusterRecord {
    const { accountId, region } = this.options;
    const host = randomBytes(16).toString("hex").toUpperCase();
    return {
      name,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/${name}`,
      createdAt: this.options.now(),
      version: input.version ?? DEFAULT_VERSION,
      endpoint: input.endpoint ?? `https://${host}.gr7.${region}.eks.amazonaws.com`,
      certificateAuthorityData:
        input.certificateAuthorityData ??
        Buffer.from(`eks-double placeholder CA for ${name}\n`).toString("base64"),
      roleArn: input.roleArn ?? `arn:aws:iam::${accountId}:role/eks-cluster-role`,
      resourcesVpcConfig: input.resourcesVpcConfig,
      tags: { ...input.tags },
      authenticationMode: input.authenticationMode,
      bootstrapClusterCreatorAdminPermissions: input.bootstrap,
      entries: new Map(),
      updates: new Map(),
    };
  }

  private async newEntry(
    cluster: ClusterRecord,
    principal: PrincipalRef,
    type: AccessEntryType,
    groups: string[],
    username: string | undefined,
    tags: Record<string, string>,
  ): Promise<AccessEntryRecord> {
    const principalId = await this.principalId(principal, cluster.name);
    const now = this.options.now();
    return {
      principal,
      principalId,
      type,
      accessEntryArn: `arn:aws:eks:${this.options.region}:${this.options.accountId}:access-entry/${cluster.name}/${principal.kind}/${principal.accountId}/${principal.name}/${randomUUID()}`,
      kubernetesGroups: groups,
      username: username ?? defaultUsername(principal, type),
      tags,
      createdAt: now,
      modifiedAt: now,
      associations: new Map(),
    };
  }

  /** The unique ID of a principal now; IAM is asked for principals of the double's account. */
  async principalId(principal: PrincipalRef, clusterName: string): Promise<string> {
    const { lookup, accountId } = this.options;
    if (lookup === undefined || principal.accountId !== accountId) return syntheticPrincipalId(principal);
    const found = await lookup(principal);
    if (!found) {
      throw invalidParameter(`The principalArn ${principal.arn} does not exist in IAM.`, clusterName);
    }
    return found.id;
  }

  private clusterJson(cluster: ClusterRecord): Json {
    return {
      name: cluster.name,
      arn: cluster.arn,
      createdAt: epoch(cluster.createdAt),
      version: cluster.version,
      endpoint: cluster.endpoint,
      roleArn: cluster.roleArn,
      resourcesVpcConfig: cluster.resourcesVpcConfig,
      status: "ACTIVE",
      certificateAuthority: { data: cluster.certificateAuthorityData },
      platformVersion: "eks.1",
      tags: cluster.tags,
      accessConfig: {
        bootstrapClusterCreatorAdminPermissions: cluster.bootstrapClusterCreatorAdminPermissions,
        authenticationMode: cluster.authenticationMode,
      },
    };
  }
}

function entryJson(cluster: ClusterRecord, entry: AccessEntryRecord): Json {
  return {
    clusterName: cluster.name,
    principalArn: entry.principal.arn,
    kubernetesGroups: [...entry.kubernetesGroups],
    accessEntryArn: entry.accessEntryArn,
    createdAt: epoch(entry.createdAt),
    modifiedAt: epoch(entry.modifiedAt),
    tags: { ...entry.tags },
    username: entry.username,
    type: entry.type,
  };
}

function associationJson(association: AssociationRecord): Json {
  return {
    policyArn: association.policyArn,
    accessScope: { type: association.accessScope.type, namespaces: [...association.accessScope.namespaces] },
    associatedAt: epoch(association.associatedAt),
    modifiedAt: epoch(association.modifiedAt),
  };
}

function updateJson(update: UpdateRecord, status: "InProgress" | "Successful"): Json {
  return {
    id: update.id,
    status,
    type: update.type,
    params: update.params.map((p) => ({ ...p })),
    createdAt: epoch(update.createdAt),
    errors: [],
  };
}

function stringMap(value: unknown, field: string, clusterName?: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw invalidParameter(`${field} must be a map.`, clusterName);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") throw invalidParameter(`${field}.${key} must be a string.`, clusterName);
    out[key] = v;
  }
  return out;
}

/**
 * Offset pagination with an opaque token bound to the listing it came from. maxResults is
 * 1..100 with 100 as the default (ListAccessEntries API reference, `maxResults`).
 */
function paginate<T>(
  items: readonly T[],
  query: Query,
  scope: string,
  clusterName?: string,
): { page: T[]; nextToken: string | undefined } {
  const rawMax = query.get("maxResults");
  const max = rawMax === null ? DEFAULT_PAGE : Number(rawMax);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw invalidParameter(
      `maxResults must be an integer from 1 to 100 (got ${String(rawMax)}).`,
      clusterName,
    );
  }
  const token = query.get("nextToken");
  let offset = 0;
  if (token !== null) {
    const decoded = decodeToken(token);
    if (decoded?.scope !== scope)
      throw invalidParameter("The nextToken is not valid for this request.", clusterName);
    offset = decoded.offset;
  }
  const page = items.slice(offset, offset + max);
  const next = offset + max;
  return { page, nextToken: next < items.length ? encodeToken(scope, next) : undefined };
}

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString("base64url");
}

function decodeToken(token: string): { scope: string; offset: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      s?: unknown;
      o?: unknown;
    };
    if (
      typeof parsed.s !== "string" ||
      typeof parsed.o !== "number" ||
      !Number.isInteger(parsed.o) ||
      parsed.o < 0
    ) {
      return undefined;
    }
    return { scope: parsed.s, offset: parsed.o };
  } catch {
    return undefined;
  }
}
