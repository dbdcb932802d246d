/**
 * Read-only Kubernetes source for `eksgate snapshot`, over @kubernetes/client-node: the
 * aws-auth ConfigMap, RBAC objects and namespaces, listed in pages, returned as plain
 * objects in the shape `kubectl get -o yaml` prints.
 *
 * The kubeconfig context is found exactly as plan and apply find it
 * (`resolveKubeConnection` in connection.ts): the one given, else one named after the
 * cluster ARN (what `aws eks update-kubeconfig` writes), one whose cluster entry is named
 * after the ARN, one named like the cluster, or one whose server is the cluster's endpoint.
 * A context that points at another server than the endpoint DescribeCluster reports is
 * never read from: a stale kubeconfig would otherwise snapshot another cluster.
 *
 * The clients are the KubePort's (api-clients.ts). Failures are PortErrors, translated as
 * for plan and apply (kube-errors.ts): a denied list names the verb and resource that were
 * missing, and a missing aws-auth ConfigMap is a not-found, which the source reports as
 * absent.
 */
import type { Result } from "../../core/diagnostics.js";
import { isPortError } from "../../ports/errors.js";
import type { KubeSnapshotSource, SnapshotClusterRef } from "../../ports/snapshot-sources.js";
import { kubeApiClients } from "./api-clients.js";
import { resolveKubeConnection } from "./connection.js";
import { toPortError, type Operation } from "./kube-errors.js";

export interface KubeSnapshotOptions {
  /** The kubeconfig context to use (`--kube-context`). */
  readonly context?: string;
  readonly kubeconfigPath?: string;
  /** Environment to read KUBECONFIG and HOME from (default: the process environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function plainItem(item: unknown, kind: string, apiVersion: string): unknown {
  const copy = JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
  return { apiVersion, kind, ...copy };
}

interface Page {
  readonly items: readonly unknown[];
  readonly metadata?: { readonly _continue?: string };
}

async function listAll(list: (cont: string | undefined) => Promise<Page>): Promise<unknown[]> {
  const out: unknown[] = [];
  let cont: string | undefined;
  do {
    const page = await list(cont);
    out.push(...page.items);
    cont = page.metadata?._continue;
  } while (cont !== undefined && cont !== "");
  return out;
}

/**
 * Connects to a cluster for reading, or says why not (diagnostics with codes: no context,
 * a context that points at another server, an unreadable kubeconfig).
 */
export async function createKubeSnapshotSource(
  cluster: SnapshotClusterRef,
  options: KubeSnapshotOptions = {},
): Promise<Result<KubeSnapshotSource>> {
  const connection = await resolveKubeConnection({
    cluster: {
      name: cluster.name,
      arn: cluster.arn,
      ...(cluster.endpoint !== undefined ? { endpoint: cluster.endpoint } : {}),
    },
    ...(options.kubeconfigPath !== undefined ? { kubeconfigPath: options.kubeconfigPath } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  if (!connection.ok) return connection;
  const { core, rbac } = kubeApiClients(connection.value);
  const limit = 500;
  const rbacVersion = "rbac.authorization.k8s.io/v1";
  const server = connection.value.server;
  /** One request, its failure translated into a PortError naming the operation. */
  const read = async <T>(op: Operation, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw toPortError(error, op, server);
    }
  };
  const source: KubeSnapshotSource = {
    server,
    origin: connection.value.origin,
    async configMap(namespace, name) {
      try {
        const found = await read({ verb: "get", resource: "configmaps", namespace, name }, () =>
          core.readNamespacedConfigMap({ name, namespace }),
        );
        return plainItem(found, "ConfigMap", "v1");
      } catch (error) {
        if (isPortError(error, "not-found")) return undefined;
        throw error;
      }
    },
    async rbacObjects() {
      const tag = (kind: string) => (items: readonly unknown[]) =>
        items.map((i) => plainItem(i, kind, rbacVersion));
      const list = (resource: string, call: (cont: string | undefined) => Promise<Page>) =>
        read({ verb: "list", resource }, () => listAll(call));
      return [
        ...tag("ClusterRole")(
          await list("clusterroles", (c) => rbac.listClusterRole({ limit, ...(c ? { _continue: c } : {}) })),
        ),
        ...tag("ClusterRoleBinding")(
          await list("clusterrolebindings", (c) =>
            rbac.listClusterRoleBinding({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
        ...tag("Role")(
          await list("roles", (c) =>
            rbac.listRoleForAllNamespaces({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
        ...tag("RoleBinding")(
          await list("rolebindings", (c) =>
            rbac.listRoleBindingForAllNamespaces({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
      ];
    },
    async namespaces() {
      const items = await read({ verb: "list", resource: "namespaces" }, () =>
        listAll((c) => core.listNamespace({ limit, ...(c ? { _continue: c } : {}) })),
      );
      return items.map((i) => plainItem(i, "Namespace", "v1"));
    },
  };
  return { ok: true, value: source, diagnostics: connection.diagnostics };
}
