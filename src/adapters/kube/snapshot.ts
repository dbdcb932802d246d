/**
 * Read-only Kubernetes source for `eksgate snapshot`, over @kubernetes/client-node: the
 * aws-auth ConfigMap, RBAC objects and namespaces, listed in pages, returned as plain
 * objects in the shape `kubectl get -o yaml` prints.
 *
 * The kubeconfig context is the one given, else one named after the cluster ARN (what
 * `aws eks update-kubeconfig` writes), else one named like the cluster.
 */
import { ApiException, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import type { KubeSnapshotSource, SnapshotClusterRef } from "../../ports/snapshot.js";

export interface KubeSnapshotOptions {
  readonly context?: string;
  readonly kubeconfigPath?: string;
}

/** A failure to reach a cluster, with what to do about it. */
export class KubeSnapshotError extends Error {
  override readonly name = "KubeSnapshotError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
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

export function chooseContext(config: KubeConfig, cluster: SnapshotClusterRef, explicit?: string): string {
  const names = config.getContexts().map((c) => c.name);
  const wanted = explicit !== undefined ? [explicit] : [cluster.arn, cluster.name];
  const found = wanted.find((n) => names.includes(n));
  if (found === undefined) {
    throw new KubeSnapshotError(
      explicit !== undefined
        ? `kubeconfig context "${explicit}" not found`
        : `no kubeconfig context named "${cluster.arn}" or "${cluster.name}"`,
      `Add one with \`aws eks update-kubeconfig --name ${cluster.name}\`, or name a context with --context.`,
    );
  }
  return found;
}

export function createKubeSnapshotSource(
  cluster: SnapshotClusterRef,
  options: KubeSnapshotOptions = {},
): KubeSnapshotSource {
  const config = new KubeConfig();
  if (options.kubeconfigPath !== undefined) config.loadFromFile(options.kubeconfigPath);
  else config.loadFromDefault();
  config.setCurrentContext(chooseContext(config, cluster, options.context));
  const core = config.makeApiClient(CoreV1Api);
  const rbac = config.makeApiClient(RbacAuthorizationV1Api);
  const limit = 500;
  const rbacVersion = "rbac.authorization.k8s.io/v1";
  return {
    server: config.getCurrentCluster()?.server ?? "",
    async configMap(namespace, name) {
      try {
        return plainItem(await core.readNamespacedConfigMap({ name, namespace }), "ConfigMap", "v1");
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      }
    },
    async rbacObjects() {
      const tag = (kind: string) => (items: readonly unknown[]) =>
        items.map((i) => plainItem(i, kind, rbacVersion));
      return [
        ...tag("ClusterRole")(
          await listAll((c) => rbac.listClusterRole({ limit, ...(c ? { _continue: c } : {}) })),
        ),
        ...tag("ClusterRoleBinding")(
          await listAll((c) => rbac.listClusterRoleBinding({ limit, ...(c ? { _continue: c } : {}) })),
        ),
        ...tag("Role")(
          await listAll((c) => rbac.listRoleForAllNamespaces({ limit, ...(c ? { _continue: c } : {}) })),
        ),
        ...tag("RoleBinding")(
          await listAll((c) =>
            rbac.listRoleBindingForAllNamespaces({ limit, ...(c ? { _continue: c } : {}) }),
          ),
        ),
      ];
    },
    async namespaces() {
      const items = await listAll((c) => core.listNamespace({ limit, ...(c ? { _continue: c } : {}) }));
      return items.map((i) => plainItem(i, "Namespace", "v1"));
    },
  };
}
