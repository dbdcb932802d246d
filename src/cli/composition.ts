/**
 * The composition root: builds the engine's ports from the real adapters. AWS endpoints
 * follow the SDK's standard settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM, ...), and
 * credentials the standard chain (env, profiles incl. SSO, IMDS).
 */
import type { EngineDeps } from "../engine/deps.js";
import type { EventSink } from "../engine/events.js";
import type { KubePort } from "../ports/kube.js";
import { createIamPort } from "../adapters/aws/iam.js";
import { createEksPortForRegion } from "../adapters/aws/eks.js";
import { assumedRoleCredentials, standardCredentials } from "../adapters/aws/client-config.js";
import type { Account } from "../core/model/access-config.js";
import { accountIdOf } from "../core/model/arn.js";
import { resolveKubeConnection } from "../adapters/kube/connection.js";
import { createKubePort } from "../adapters/kube/kube-port.js";
import { defaultBackupDir, fileBackupStore } from "../adapters/fs/backups.js";
import type { Result } from "../core/diagnostics.js";
import { signToken } from "../token/bearer-token.js";

export interface ConnectionOptions {
  readonly profile?: string;
  readonly kubeconfig?: string;
  readonly backupDir?: string;
  /** Region for IAM/STS signing when none is configured (IAM is global). */
  readonly region?: string;
  /** The config's accounts and how to reach each (several-account configs). */
  readonly accounts?: readonly Account[];
  /** The identity account, reached with the identity eksgate runs as. */
  readonly identityAccount?: string;
}

export interface Wiring {
  readonly deps: EngineDeps;
  /** API calls made so far, by service and operation (for --stats and benchmarks). */
  calls(): Record<string, number>;
}

/** Signs EKS bearer tokens for one cluster, reusing each for 10 of its 15 minutes. */
function clusterTokenProvider(
  clusterName: string,
  region: string,
  credentials: ReturnType<typeof standardCredentials>,
): () => Promise<string> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    const now = Date.now();
    if (cached !== undefined && cached.until > now) return cached.token;
    const identity = typeof credentials === "function" ? await credentials() : credentials;
    const token = signToken(
      {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        ...(identity.sessionToken !== undefined ? { sessionToken: identity.sessionToken } : {}),
      },
      clusterName,
      region,
      now,
    );
    cached = { token, until: now + 10 * 60_000 };
    return token;
  };
}

export function wireEngine(options: ConnectionOptions, events: EventSink): Wiring {
  const credentials = standardCredentials(options.profile);
  const profile = options.profile !== undefined ? { profile: options.profile } : {};
  const region = process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"] ?? options.region;
  const iam = createIamPort({ ...profile, credentials, ...(region !== undefined ? { region } : {}) });
  const eks = createEksPortForRegion({ ...profile, credentials });
  const kubePorts: ReturnType<typeof createKubePort>[] = [];
  // Each other account through its own credentials: its profile, or its role assumed from
  // the identity eksgate runs as; without either, the same identity.
  const accountPorts = new Map<
    string,
    { iam: typeof iam; eks: typeof eks; credentials: typeof credentials }
  >();
  const portsIn = (accountId: string) => {
    let ports = accountPorts.get(accountId);
    if (ports === undefined) {
      const reach = options.accounts?.find((a) => a.id === accountId)?.reach ?? { kind: "default" };
      const accountCredentials =
        reach.kind === "profile"
          ? standardCredentials(reach.profile)
          : reach.kind === "role"
            ? assumedRoleCredentials(reach.roleArn, credentials, region !== undefined ? { region } : {})
            : credentials;
      ports = {
        credentials: accountCredentials,
        iam: createIamPort({ credentials: accountCredentials, ...(region !== undefined ? { region } : {}) }),
        eks: createEksPortForRegion({ credentials: accountCredentials }),
      };
      accountPorts.set(accountId, ports);
    }
    return ports;
  };
  const credentialsFor = (clusterArn: string) => {
    const accountId = accountIdOf(clusterArn) ?? "";
    return options.accounts !== undefined &&
      options.accounts.length > 1 &&
      accountId !== options.identityAccount
      ? portsIn(accountId).credentials
      : credentials;
  };
  const deps: EngineDeps = {
    iam,
    eks,
    ...(options.accounts !== undefined && options.accounts.length > 1
      ? {
          iamIn: (accountId: string) => portsIn(accountId).iam,
          eksIn: (accountId: string, r: string) => portsIn(accountId).eks(r),
        }
      : {}),
    kube: async (cluster, described): Promise<Result<KubePort>> => {
      const connection = await resolveKubeConnection({
        ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
        // With no kubeconfig context for the cluster, connect to the endpoint from
        // DescribeCluster with an EKS token signed by the identity running eksgate.
        tokenProvider: clusterTokenProvider(cluster.name, cluster.region, credentialsFor(cluster.arn)),
        cluster: {
          name: cluster.name,
          arn: described.arn,
          endpoint: described.endpoint,
          caData: described.certificateAuthorityData,
        },
      });
      if (!connection.ok) return connection;
      const port = createKubePort(connection.value);
      kubePorts.push(port);
      return { ok: true, value: port, diagnostics: connection.diagnostics };
    },
    clock: {
      now: () => new Date().toISOString(),
      sleep: (ms) =>
        new Promise((resolve) => {
          setTimeout(resolve, ms);
        }),
    },
    backups: fileBackupStore(options.backupDir ?? defaultBackupDir()),
    events,
  };
  return {
    deps,
    calls: () => {
      const out: Record<string, number> = {};
      const add = (prefix: string, counts: Record<string, number>): void => {
        for (const [k, v] of Object.entries(counts)) out[`${prefix}${k}`] = (out[`${prefix}${k}`] ?? 0) + v;
      };
      add("", iam.calls());
      add("", eks.calls());
      for (const [accountId, ports] of accountPorts) {
        add(`${accountId} `, ports.iam.calls());
        add(`${accountId} `, ports.eks.calls());
      }
      for (const port of kubePorts) add("kube ", port.calls());
      return out;
    },
  };
}
