// A stateful stand-in for the EKS cluster and access-entry API, speaking the real REST/JSON
// wire format over HTTP so @aws-sdk/client-eks can be pointed at it with `endpoint`.
// moto 5.2.1 has neither the access-entry operations nor `accessConfig`; this fills that gap.
// The behaviour is specified in docs/specs/eks-access-entries-double.md and checked by
// test/integration/eks-double.test.ts.
import type { AddressInfo } from "node:net";
import { ACCESS_POLICIES } from "./access-policies.js";
import { type IamCredentials, iamPrincipalLookup, type PrincipalLookup } from "./principal-lookup.js";
import { parsePrincipalArn } from "./rules.js";
import { AUTHORIZE_OPERATION, createEksServer, type RecordedRequest } from "./server.js";
import { type AccessEntryRecord, EksDoubleState, type SeedClusterInput } from "./state.js";

export type { AccessPolicyDefinition } from "./access-policies.js";
export type { IamCredentials, PrincipalIdentity, PrincipalLookup } from "./principal-lookup.js";
export type { AccessEntryType, AuthenticationMode } from "./rules.js";
export type { RecordedRequest } from "./server.js";
export type { SeedClusterInput } from "./state.js";
export { ACCESS_POLICIES };

export const EKS_DOUBLE_DEFAULT_ACCOUNT = "123456789012";
export const EKS_DOUBLE_DEFAULT_REGION = "us-east-1";

export interface EksDoubleOptions {
  /** IAM endpoint (moto) asked with GetRole/GetUser for the unique ID of a new entry's principal. */
  readonly iamEndpoint?: string;
  /** Credentials for those IAM calls; default dummy keys (fine while moto does not enforce IAM). */
  readonly iamCredentials?: IamCredentials;
  /** Replaces the IAM lookup (takes precedence over iamEndpoint). */
  readonly principalLookup?: PrincipalLookup;
  /** The account the clusters live in (default 123456789012, moto's). */
  readonly accountId?: string;
  readonly region?: string;
  /** Loopback port; 0 or absent picks a free one. */
  readonly port?: number;
  /**
   * The identity that "calls" CreateCluster: with bootstrapClusterCreatorAdminPermissions and
   * an access-entry mode it gets a STANDARD entry with AmazonEKSClusterAdminPolicy.
   */
  readonly clusterCreatorArn?: string;
  /** Clock for createdAt/modifiedAt (default the system clock). */
  readonly now?: () => Date;
  /** Policy names ListAccessPolicies lists after the built-in 33 (A1): ones AWS added later. */
  readonly extraAccessPolicies?: readonly string[];
}

/** What the double knows about an entry's principal compared with a principal ID now. */
export type AccessEntryResolution =
  | { readonly kind: "no-entry" }
  | { readonly kind: "principal-missing"; readonly storedPrincipalId: string }
  | { readonly kind: "active"; readonly principalId: string }
  | { readonly kind: "stale"; readonly storedPrincipalId: string; readonly currentPrincipalId: string };

export interface EksDouble {
  /** http://127.0.0.1:PORT, for `new EKSClient({ endpoint })` or AWS_ENDPOINT_URL_EKS. */
  readonly endpoint: string;
  readonly port: number;
  readonly accountId: string;
  readonly region: string;
  stop(): Promise<void>;
  /** Forgets all clusters, entries and updates, and clears the request log. */
  reset(): void;
  /** Every request so far, oldest first. */
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
  /** Requests per operation name, e.g. { CreateAccessEntry: 3, DescribeCluster: 5 }. */
  requestCounts(): Record<string, number>;
  /** Puts a cluster in place without an API call (e.g. with a real apiserver's endpoint and CA). */
  seedCluster(input: SeedClusterInput): void;
  /** The IAM unique ID stored with the entry at creation, or undefined if there is no entry. */
  principalIdOf(clusterName: string, principalArn: string): string | undefined;
  /** Compares the stored principal ID with `currentPrincipalId` (what GetRole/GetUser say now). */
  resolveAccessEntry(
    clusterName: string,
    principalArn: string,
    currentPrincipalId: string | undefined,
  ): AccessEntryResolution;
  /**
   * resolveAccessEntry with the current ID looked up in IAM now. Without a lookup, or for a
   * principal of another account, the stored ID is all there is and the entry reads as active.
   */
  checkAccessEntry(clusterName: string, principalArn: string): Promise<AccessEntryResolution>;
  /**
   * Holds the `n`-th EKS request from now (1: the next; the authorization webhook's
   * requests do not count) unanswered, and resolves with its operation once it arrived.
   * Everything before it was answered; nothing after it is served until `releaseHeld()`.
   */
  holdRequest(n: number): Promise<string>;
  /** Drops a held request (its connection is closed unanswered) and stops holding. */
  releaseHeld(): void;
  /** The authorization webhook URL of a cluster, for startKube({ authorizationWebhookUrl }). */
  authorizeUrl(clusterName: string): string;
}

export async function startEksDouble(options: EksDoubleOptions = {}): Promise<EksDouble> {
  const accountId = options.accountId ?? EKS_DOUBLE_DEFAULT_ACCOUNT;
  const region = options.region ?? EKS_DOUBLE_DEFAULT_REGION;
  const iam =
    options.principalLookup === undefined && options.iamEndpoint !== undefined
      ? iamPrincipalLookup(options.iamEndpoint, options.iamCredentials)
      : undefined;
  const lookup = options.principalLookup ?? iam?.lookup;
  const state = new EksDoubleState({
    accountId,
    region,
    lookup,
    clusterCreatorArn: options.clusterCreatorArn,
    now: options.now ?? (() => new Date()),
    ...(options.extraAccessPolicies === undefined
      ? {}
      : { extraAccessPolicies: options.extraAccessPolicies }),
  });
  const log: RecordedRequest[] = [];
  let hold: { remaining: number; arrived: (operation: string) => void; held?: () => void } | undefined;
  const server = createEksServer(state, log, (operation) => {
    if (hold === undefined || operation === AUTHORIZE_OPERATION) return undefined;
    if (hold.held !== undefined) return new Promise<void>(() => undefined);
    hold.remaining -= 1;
    if (hold.remaining > 0) return undefined;
    const current = hold;
    return new Promise<void>((_resolve, reject) => {
      current.held = () => {
        reject(new Error("held request dropped"));
      };
      current.arrived(operation);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const entryOf = (clusterName: string, principalArn: string): AccessEntryRecord | undefined =>
    state.clusters.get(clusterName)?.entries.get(principalArn);

  const resolve = (
    entry: AccessEntryRecord | undefined,
    current: string | undefined,
  ): AccessEntryResolution => {
    if (!entry) return { kind: "no-entry" };
    if (current === undefined) return { kind: "principal-missing", storedPrincipalId: entry.principalId };
    return current === entry.principalId
      ? { kind: "active", principalId: current }
      : { kind: "stale", storedPrincipalId: entry.principalId, currentPrincipalId: current };
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accountId,
    region,
    async stop() {
      iam?.close();
      server.closeAllConnections();
      await new Promise<void>((done, fail) => {
        server.close((error) => {
          if (error) fail(error);
          else done();
        });
      });
    },
    holdRequest(n) {
      return new Promise<string>((arrived) => {
        hold = { remaining: n, arrived };
      });
    },
    releaseHeld() {
      const current = hold;
      hold = undefined;
      current?.held?.();
    },
    authorizeUrl: (clusterName) => `http://127.0.0.1:${port}/authorize/${encodeURIComponent(clusterName)}`,
    reset() {
      state.reset();
      log.length = 0;
    },
    requests: () => [...log],
    clearRequests() {
      log.length = 0;
    },
    requestCounts() {
      const counts: Record<string, number> = {};
      for (const request of log) counts[request.operation] = (counts[request.operation] ?? 0) + 1;
      return counts;
    },
    seedCluster(input) {
      state.seedCluster(input);
    },
    principalIdOf: (clusterName, principalArn) => entryOf(clusterName, principalArn)?.principalId,
    resolveAccessEntry: (clusterName, principalArn, current) =>
      resolve(entryOf(clusterName, principalArn), current),
    async checkAccessEntry(clusterName, principalArn) {
      const entry = entryOf(clusterName, principalArn);
      if (!entry) return { kind: "no-entry" };
      const principal = parsePrincipalArn(principalArn, clusterName);
      if (lookup === undefined || principal.accountId !== accountId) return resolve(entry, entry.principalId);
      const found = await lookup(principal);
      return resolve(entry, found?.id);
    },
  };
}
