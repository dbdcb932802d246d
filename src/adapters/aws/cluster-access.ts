/**
 * ClusterAccessPort over the EKS port (eks.ts), the standard credential chain
 * (client-config.ts), STS AssumeRole and GetCallerIdentity. SDK modules load on first use,
 * so `eksgate kubeconfig` pays only for the calls it makes.
 */
import "./node-version-warning.js";
import type { CallerCredentials, ClusterAccessPort } from "../../ports/cluster-access.js";
import { type AwsCredentials, standardCredentials } from "./client-config.js";
import { createEksPort } from "./eks.js";

export interface ClusterAccessOptions {
  /** The profile of the standard chain (`--profile`); absent: AWS_PROFILE or the default. */
  readonly profile?: string;
}

/** How long the team role is assumed to read one cluster. */
const ROLE_SESSION_SECONDS = 900;

export function createClusterAccessPort(options: ClusterAccessOptions = {}): ClusterAccessPort {
  const profile = options.profile;
  async function credentialsOf(credentials: CallerCredentials): Promise<AwsCredentials> {
    if (credentials.from === "chain") return standardCredentials(profile);
    const { fromIni } = await import("@aws-sdk/credential-providers");
    return fromIni({ profile: credentials.profile });
  }
  return {
    async describeCluster(cluster, credentials = { from: "chain" }) {
      if (credentials.from === "profile") {
        return createEksPort({
          region: cluster.region,
          credentials: await credentialsOf(credentials),
        }).describeCluster(cluster.name);
      }
      return createEksPort({
        region: cluster.region,
        ...(profile !== undefined ? { profile } : {}),
      }).describeCluster(cluster.name);
    },

    async describeClusterAsRole(cluster, roleArn, sessionName) {
      const { fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
      const credentials = fromTemporaryCredentials({
        masterCredentials: standardCredentials(profile),
        params: { RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: ROLE_SESSION_SECONDS },
        clientConfig: { region: cluster.region },
      });
      return createEksPort({ region: cluster.region, credentials }).describeCluster(cluster.name);
    },

    async callerArn(region, from) {
      const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
      const client = new STSClient({ region, credentials: await credentialsOf(from) });
      try {
        return (await client.send(new GetCallerIdentityCommand({}))).Arn;
      } finally {
        client.destroy();
      }
    },
  };
}
