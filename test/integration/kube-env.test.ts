/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   @kubernetes/client-node's models are plain data classes without behaviour; its
   serializer treats object literals and instances alike, and literals read as the
   manifests they are. */
// Proves the integration environment is a real Kubernetes control plane: the
// installed kubectl, the real RBAC authorizer, optimistic concurrency, the
// binding escalation check, and a teardown that leaves nothing behind.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1ConfigMap,
} from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { cachedControlPlane } from "../env/binaries.js";
import { adminRequest, freshNamespace, kubeEnv, kubectl, uniqueName } from "../env/context.js";
import { kubeconfig, LOWPRIV_USER, startKube } from "../env/kube.js";

function loadConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Admin credentials acting as `user` through impersonation (what kubectl --as does). */
function impersonating(user: string): KubeConfig {
  const env = kubeEnv();
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig(env.server, env.caData, "admin", env.adminToken));
  const current = kc.getCurrentUser();
  if (current === null) throw new Error("kubeconfig has no user");
  kc.users = [{ ...current, impersonateUser: user }];
  return kc;
}

async function apiError(
  promise: Promise<unknown>,
): Promise<{ code: number; message: string; reason: string }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const raw: unknown = error.body;
    const status = (typeof raw === "string" ? JSON.parse(raw) : raw) as { message?: string; reason?: string };
    return { code: error.code, message: status.message ?? "", reason: status.reason ?? "" };
  }
  throw new Error("expected the API server to refuse the request");
}

describe("kubectl and SubjectAccessReview against the built-in view ClusterRole", () => {
  let namespace = "";
  let otherNamespace = "";

  beforeAll(async () => {
    namespace = await freshNamespace("view");
    otherNamespace = await freshNamespace("unbound");
    const rbac = loadConfig(kubeEnv().adminKubeconfig).makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: "lowpriv-view" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: LOWPRIV_USER }],
      },
    });
  });

  it("the installed kubectl says yes to get pods and no to delete pods for a view-bound user", async () => {
    const { lowPrivKubeconfig } = kubeEnv();
    const get = await kubectl(lowPrivKubeconfig, ["auth", "can-i", "get", "pods", "-n", namespace]);
    expect(get.stdout.trim()).toBe("yes");
    expect(get.code).toBe(0);

    const del = await kubectl(lowPrivKubeconfig, ["auth", "can-i", "delete", "pods", "-n", namespace]);
    expect(del.stdout.trim()).toBe("no");
    expect(del.code).toBe(1);

    // The binding is what grants it: the same user in a namespace without one gets no.
    const elsewhere = await kubectl(lowPrivKubeconfig, [
      "auth",
      "can-i",
      "get",
      "pods",
      "-n",
      otherNamespace,
    ]);
    expect(elsewhere.stdout.trim()).toBe("no");
  });

  it("kubectl talks to the pinned server version", async () => {
    const { adminKubeconfig, version } = kubeEnv();
    const out = await kubectl(adminKubeconfig, ["version", "-o", "json"]);
    expect(out.code).toBe(0);
    const parsed = JSON.parse(out.stdout) as { serverVersion?: { gitVersion?: string } };
    expect(parsed.serverVersion?.gitVersion).toBe(version);
    expect(version).toMatch(/^v1\.33\./);
  });

  it("a SubjectAccessReview through @kubernetes/client-node gives the same answers", async () => {
    const authz = loadConfig(kubeEnv().adminKubeconfig).makeApiClient(AuthorizationV1Api);
    const review = async (verb: string, ns: string): Promise<boolean> => {
      const res = await authz.createSubjectAccessReview({
        body: {
          spec: {
            user: LOWPRIV_USER,
            groups: ["system:authenticated"],
            resourceAttributes: { namespace: ns, verb, resource: "pods" },
          },
        },
      });
      return res.status?.allowed ?? false;
    };
    const answers = {
      get: await review("get", namespace),
      delete: await review("delete", namespace),
      getElsewhere: await review("get", otherNamespace),
    };
    const viaKubectl = async (verb: string, ns: string): Promise<boolean> =>
      (
        await kubectl(kubeEnv().lowPrivKubeconfig, ["auth", "can-i", verb, "pods", "-n", ns])
      ).stdout.trim() === "yes";
    expect(answers).toEqual({ get: true, delete: false, getElsewhere: false });
    expect(answers).toEqual({
      get: await viaKubectl("get", namespace),
      delete: await viaKubectl("delete", namespace),
      getElsewhere: await viaKubectl("get", otherNamespace),
    });
  });
});

describe("optimistic concurrency on kube-system/aws-auth", () => {
  it("the second writer replacing from the same resourceVersion gets 409 Conflict", async () => {
    const { adminKubeconfig } = kubeEnv();
    const writerA = loadConfig(adminKubeconfig).makeApiClient(CoreV1Api);
    const writerB = loadConfig(adminKubeconfig).makeApiClient(CoreV1Api);
    const namespace = "kube-system";
    const name = "aws-auth";

    let created = false;
    let current: V1ConfigMap;
    try {
      current = await writerA.readNamespacedConfigMap({ name, namespace });
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 404) throw error;
      current = await writerA.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name, namespace }, data: { mapRoles: "[]\n" } },
      });
      created = true;
    }
    try {
      const base = current.metadata?.resourceVersion;
      expect(base).toMatch(/^\d+$/);
      const edit = (mapRoles: string): V1ConfigMap => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace, resourceVersion: base ?? "" },
        data: { ...(current.data ?? {}), mapRoles },
      });

      const first = await writerA.replaceNamespacedConfigMap({
        name,
        namespace,
        body: edit("- rolearn: arn:aws:iam::111122223333:role/a\n  username: a\n"),
      });
      expect(first.metadata?.resourceVersion).not.toBe(base);

      const refused = await apiError(
        writerB.replaceNamespacedConfigMap({
          name,
          namespace,
          body: edit("- rolearn: arn:aws:iam::111122223333:role/b\n  username: b\n"),
        }),
      );
      expect(refused.code).toBe(409);
      expect(refused.reason).toBe("Conflict");

      const stored = await writerB.readNamespacedConfigMap({ name, namespace });
      expect(stored.data?.["mapRoles"]).toContain("role/a");
      expect(stored.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    } finally {
      if (created) await writerA.deleteNamespacedConfigMap({ name, namespace });
    }
  });
});

describe("RBAC escalation check on bindings", () => {
  it("the low-privileged identity cannot create a ClusterRoleBinding at all", async () => {
    const rbac = loadConfig(kubeEnv().lowPrivKubeconfig).makeApiClient(RbacAuthorizationV1Api);
    const refused = await apiError(
      rbac.createClusterRoleBinding({
        body: {
          metadata: { name: uniqueName("lowpriv-admin") },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
          subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: LOWPRIV_USER }],
        },
      }),
    );
    expect(refused.code).toBe(403);
    expect(refused.reason).toBe("Forbidden");
    expect(refused.message).toContain(`User "${LOWPRIV_USER}" cannot create resource "clusterrolebindings"`);
  });

  it("an identity allowed to create bindings still cannot bind cluster-admin, which it does not hold", async () => {
    const admin = loadConfig(kubeEnv().adminKubeconfig).makeApiClient(RbacAuthorizationV1Api);
    const user = uniqueName("binder");
    const role = uniqueName("binding-writer");
    await admin.createClusterRole({
      body: {
        metadata: { name: role },
        rules: [
          {
            apiGroups: ["rbac.authorization.k8s.io"],
            resources: ["clusterrolebindings"],
            verbs: ["create", "get", "list"],
          },
        ],
      },
    });
    await admin.createClusterRoleBinding({
      body: {
        metadata: { name: role },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
      },
    });
    const asUser = impersonating(user).makeApiClient(RbacAuthorizationV1Api);
    const binding = (roleName: string, name: string) => ({
      body: {
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: LOWPRIV_USER }],
      },
    });

    const refused = await apiError(
      asUser.createClusterRoleBinding(binding("cluster-admin", uniqueName("escalate"))),
    );
    expect(refused.code).toBe(403);
    expect(refused.message).toMatch(/attempting to grant RBAC permissions not currently held/);

    // Control: binding a role whose rules it does hold is allowed, so the refusal above is the escalation check.
    const allowedName = uniqueName("no-escalation");
    const allowed = await asUser.createClusterRoleBinding(binding(role, allowedName));
    expect(allowed.metadata?.name).toBe(allowedName);
    await admin.deleteClusterRoleBinding({ name: allowedName });
    await admin.deleteClusterRoleBinding({ name: role });
    await admin.deleteClusterRole({ name: role });
  });
});

describe("environment lifecycle", () => {
  it("the shared environment answers /readyz as admin", async () => {
    const res = await adminRequest("GET", "/readyz");
    expect(res.status).toBe(200);
  });

  it("a second instance starts, and stop() leaves no process or file behind", async () => {
    const binaries = cachedControlPlane();
    expect(binaries).toBeDefined();
    const env = await startKube(binaries === undefined ? {} : { binaries });
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      expect(env.pids).toHaveLength(3);
      expect(env.pids.every(alive)).toBe(true);
      expect(existsSync(env.dir)).toBe(true);
    } finally {
      await env.stop();
    }
    expect(env.pids.filter(alive)).toEqual([]);
    expect(existsSync(env.dir)).toBe(false);
    // No process anywhere still refers to the deleted directory (children included).
    const strays = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(env.dir);
        } catch {
          return false;
        }
      });
    expect(strays).toEqual([]);
  });
});
