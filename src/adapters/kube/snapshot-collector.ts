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
 * The clients and the error translation are the KubePort's (api-clients.ts,
 * kube-errors.ts): a refused list reads as the same PortError as in plan and apply.
 */
import type { Result } from "../../core/diagnostics.js";
import { PortError } from "../../ports/errors.js";
import type { KubeSnapshotSource, SnapshotClusterRef } from "../../ports/snapshot-sources.js";
import { kubeApiClients } from "./api-clients.js";
import { resolveKubeConnection } from "./connection.js";
import { type Operation, toPortError } from "./kube-errors.js";

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

async function listAll(
  read: <T>(op: Operation, run: () => Promise<T>) => Promise<T>,
  resource: string,
  list: (cont: string | undefined) => Promise<Page>,
): Promise<unknown[]> {
  const out: unknown[] = [];
  let cont: string | undefined;
  do {
    const page = await read({ verb: "list", resource }, () => list(cont));
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
  const { server } = connection.value;
  const { core, rbac } = kubeApiClients(connection.value);
  const read = async <T>(op: Operation, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toPortError(error, op, server);
    }
  };
  const limit = 500;
  const rbacVersion = "rbac.authorization.k8s.io/v1";
  const source: KubeSnapshotSource = {
    server,
    origin: connection.value.origin,
    async configMap(namespace, name) {
      try {
        const op = { verb: "get", resource: "configmaps", namespace, name };
        return plainItem(
          await read(op, () => core.readNamespacedConfigMap({ name, namespace })),
          "ConfigMap",
          "v1",
        );
      } catch (error) {
        if (error instanceof PortError && error.kind === "not-found") return undefined;
        throw error;
      }
    },
    async rbacObjects() {
      const tag = (kind: string) => (items: readonly unknown[]) =>
        items.map((i) => plainItem(i, kind, rbacVersion));
      return [
        ...tag("ClusterRole")(
          await listAll(read, "clusterroles", (c) =>
            rbac.listClusterRole({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
        ...tag("ClusterRoleBinding")(
          await listAll(read, "clusterrolebindings", (c) =>
            rbac.listClusterRoleBinding({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
        ...tag("Role")(
          await listAll(read, "roles", (c) =>
            rbac.listRoleForAllNamespaces({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
        ...tag("RoleBinding")(
          await listAll(read, "rolebindings", (c) =>
            rbac.listRoleBindingForAllNamespaces({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
      ];
    },
    async namespaces() {
      const items = await listAll(read, "namespaces", (c) =>
        core.listNamespace({ limit, ...(c ? { _continue: c } : {}) }),
      );
      return items.map((i) => plainItem(i, "Namespace", "v1"));
    },
  };
  return { ok: true, value: source, diagnostics: connection.diagnostics };
}
