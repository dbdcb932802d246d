/**
 * client-node's API clients for one cluster connection, built the same way for every
 * Kubernetes adapter (the KubePort of plan and apply, the snapshot's read-only source).
 */
import { Agent as HttpsAgent } from "node:https";
import {
  AuthorizationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type SecurityAuthentication,
} from "@kubernetes/client-node";
import { PortError } from "../../ports/errors.js";
import type { KubeConnection } from "./connection.js";
import { messageOf } from "./kube-errors.js";

export interface KubeApiClients {
  readonly core: CoreV1Api;
  readonly rbac: RbacAuthorizationV1Api;
  /** SubjectAccessReviews. */
  readonly authorization: AuthorizationV1Api;
}

/** Clients that send every request to the connection's server with its credentials. */
export function kubeApiClients(connection: KubeConnection): KubeApiClients {
  const config = createConfiguration({
    baseServer: new ServerConfiguration(connection.server, {}),
    authMethods: { default: connectionAuthentication(connection) },
  });
  return {
    core: new CoreV1Api(config),
    rbac: new RbacAuthorizationV1Api(config),
    authorization: new AuthorizationV1Api(config),
  };
}

/**
 * Applies the kubeconfig's credentials and TLS settings, then the bearer token when the
 * connection has a token provider. client-node builds a fresh TLS agent for every request;
 * agents are reused here (with keep-alive) as long as the TLS settings stay the same, so a
 * plan of hundreds of calls does not pay a TLS handshake for each.
 */
function connectionAuthentication(connection: KubeConnection): SecurityAuthentication {
  const agents = new Map<string, HttpsAgent>();
  return {
    getName: () => "eksgate kube connection",
    async applySecurityAuthentication(context: RequestContext): Promise<void> {
      try {
        await connection.kubeConfig.applySecurityAuthentication(context);
        if (connection.tokenProvider !== undefined) {
          context.setHeaderParam("Authorization", `Bearer ${await connection.tokenProvider()}`);
        }
      } catch (error) {
        throw new PortError("credentials", `No credentials for ${connection.origin}: ${messageOf(error)}`, {
          operation: "authenticate",
          cause: error,
        });
      }
      const agent = context.getAgent();
      // Only a plain HTTPS agent; proxy agents are left as client-node made them.
      if (!(agent instanceof HttpsAgent) || agent.constructor !== HttpsAgent) return;
      const options = agent.options;
      const key = JSON.stringify([
        options.ca,
        options.cert,
        options.key,
        options.pfx,
        options.passphrase,
        options.rejectUnauthorized,
        options.servername,
      ]);
      let shared = agents.get(key);
      if (shared === undefined) {
        shared = new HttpsAgent({ ...options, keepAlive: true });
        agents.set(key, shared);
      }
      context.setAgent(shared);
    },
  };
}
