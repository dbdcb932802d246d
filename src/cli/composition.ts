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
import { standardCredentials } from "../adapters/aws/client-config.js";
import { resolveKubeConnection } from "../adapters/kube/connection.js";
import { createKubePort } from "../adapters/kube/kube-port.js";
import { defaultBackupDir, fileBackupStore } from "../adapters/fs/backups.js";
import { PortError } from "../ports/errors.js";
import { signToken } from "../token/bearer-token.js";

export interface ConnectionOptions {
  readonly profile?: string;
  readonly kubeconfig?: string;
  readonly backupDir?: string;
  /** Region for IAM/STS signing when none is configured (IAM is global). */
  readonly region?: string;
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
  const deps: EngineDeps = {
    iam,
    eks,
    kube: async (cluster, described): Promise<KubePort> => {
      const connection = await resolveKubeConnection({
        ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
        // With no kubeconfig context for the cluster, connect to the endpoint from
        // DescribeCluster with an EKS token signed by the identity running eksgate.
        tokenProvider: clusterTokenProvider(cluster.name, cluster.region, credentials),
        cluster: {
          name: cluster.name,
          arn: described.arn,
          endpoint: described.endpoint,
          caData: described.certificateAuthorityData,
        },
      });
      if (!connection.ok) {
        const first = connection.diagnostics[0];
        throw new PortError(
          "invalid",
          `${first?.summary ?? "no connection"}${first?.detail ? `: ${first.detail}` : ""}`,
          {
            operation: `connect to cluster ${cluster.name}`,
          },
        );
      }
      const port = createKubePort(connection.value);
      kubePorts.push(port);
      return port;
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
      for (const port of kubePorts) add("kube ", port.calls());
      return out;
    },
  };
}
