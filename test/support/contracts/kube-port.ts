// The KubePort contract: rules K1-K8 of docs/specs/port-fakes.md, as one suite that runs
// against the in-memory fake (unit tier) and against the real adapter over the real
// kube-apiserver (integration tier). Names are unique per test, so the suite can share an
// apiserver with other tests.
import { describe, expect, it } from "vitest";
import {
  RBAC_API_GROUP,
  RBAC_API_VERSION,
  type ClusterRole,
  type ClusterRoleBinding,
  type ObservedRbacObject,
  type RoleBinding,
} from "../../../src/core/model/rbac.js";
import type { KubePort } from "../../../src/ports/kube.js";
import { portFailure } from "./iam-port.js";

export interface KubeUnderTest {
  readonly kube: KubePort;
  /** A name no other test uses, for namespaces and cluster-scoped objects. */
  readonly uniqueName: (prefix: string) => string;
  /** Makes a namespace (KubePort cannot). */
  readonly createNamespace: (name: string) => Promise<void>;
  /** Makes an object as another tool would: as given, no label check. */
  readonly createObject: (object: ObservedRbacObject) => Promise<void>;
}

export interface KubeContractSubject {
  readonly name: string;
  setup(): Promise<KubeUnderTest>;
  readonly timeout?: number;
}

const MANAGED = { "app.kubernetes.io/managed-by": "eksgate" };

function roleBinding(name: string, namespace: string, team: string, role: string): RoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "RoleBinding",
    metadata: { name, namespace, labels: { ...MANAGED, "eksgate.dev/team": team } },
    subjects: [{ kind: "Group", apiGroup: RBAC_API_GROUP, name: `eksgate:${team}` }],
    roleRef: { apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name: role },
  };
}

function clusterRoleBinding(name: string, team: string, role: string): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRoleBinding",
    metadata: { name, labels: { ...MANAGED, "eksgate.dev/team": team } },
    subjects: [{ kind: "Group", apiGroup: RBAC_API_GROUP, name: `eksgate:${team}` }],
    roleRef: { apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name: role },
  };
}

function clusterRole(name: string, team: string, verbs: readonly string[]): ClusterRole {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRole",
    metadata: { name, labels: { ...MANAGED, "eksgate.dev/team": team } },
    rules: [{ verbs, apiGroups: [""], resources: ["pods", "pods/log"] }],
  };
}

export function describeKubePortContract(subject: KubeContractSubject): void {
  const timeout = subject.timeout ?? 30_000;

  describe(`KubePort contract: ${subject.name}`, () => {
    it(
      "K1, K2: a missing ConfigMap reads as undefined; create makes it, refuses a name in use and a missing namespace",
      { timeout },
      async () => {
        const { kube, uniqueName, createNamespace } = await subject.setup();
        const ns = uniqueName("cm");
        await createNamespace(ns);
        expect(await kube.readConfigMap(ns, "aws-auth")).toBeUndefined();
        const created = await kube.createConfigMap(ns, "aws-auth", { mapRoles: "- a\n" });
        expect(created.data).toEqual({ mapRoles: "- a\n" });
        expect(await kube.readConfigMap(ns, "aws-auth")).toEqual(created);
        expect((await portFailure(() => kube.createConfigMap(ns, "aws-auth", {}))).kind).toBe(
          "already-exists",
        );
        expect((await portFailure(() => kube.createConfigMap(uniqueName("gone"), "aws-auth", {}))).kind).toBe(
          "not-found",
        );
      },
    );

    it(
      "K3, K4: replaceConfigMapData writes only under the current resourceVersion, and each write gives a new one",
      { timeout },
      async () => {
        const { kube, uniqueName, createNamespace } = await subject.setup();
        const ns = uniqueName("cm");
        await createNamespace(ns);
        expect((await portFailure(() => kube.replaceConfigMapData(ns, "aws-auth", {}, "1"))).kind).toBe(
          "not-found",
        );
        const first = await kube.createConfigMap(ns, "aws-auth", { mapRoles: "- a\n" });
        const second = await kube.replaceConfigMapData(
          ns,
          "aws-auth",
          { mapRoles: "- b\n" },
          first.resourceVersion,
        );
        expect(second.data).toEqual({ mapRoles: "- b\n" });
        expect(second.resourceVersion).not.toBe(first.resourceVersion);
        const stale = await portFailure(() =>
          kube.replaceConfigMapData(ns, "aws-auth", { mapRoles: "- c\n" }, first.resourceVersion),
        );
        expect(stale.kind).toBe("conflict");
        expect(await kube.readConfigMap(ns, "aws-auth")).toEqual(second);
      },
    );

    it(
      "K5: RBAC objects by kind and name; list finds them in every namespace by all their labels",
      { timeout },
      async () => {
        const { kube, uniqueName, createNamespace } = await subject.setup();
        const team = uniqueName("team");
        const [a, b] = [uniqueName("a"), uniqueName("b")];
        await createNamespace(a);
        await createNamespace(b);
        const crb = clusterRoleBinding(`eksgate:${team}:view`, team, "view");
        const role = clusterRole(`${team}-logs`, team, ["get", "list"]);
        const inA = roleBinding(`eksgate:${team}:edit`, a, team, "edit");
        const inB = roleBinding(`eksgate:${team}:edit`, b, team, "edit");
        for (const object of [crb, role, inA, inB]) await kube.upsertRbac(object);

        expect(await kube.getRbac("ClusterRoleBinding", crb.metadata.name)).toEqual(crb);
        expect(await kube.getRbac("ClusterRole", role.metadata.name)).toEqual(role);
        expect(await kube.getRbac("RoleBinding", inA.metadata.name, a)).toEqual(inA);
        expect(await kube.getRbac("RoleBinding", inA.metadata.name, uniqueName("none"))).toBeUndefined();
        expect(await kube.getRbac("ClusterRole", uniqueName("none"))).toBeUndefined();

        const labels = { ...MANAGED, "eksgate.dev/team": team };
        const bindings = await kube.listRbac("RoleBinding", labels);
        expect(bindings.map((o) => o.metadata.namespace).sort()).toEqual([a, b].sort());
        expect(await kube.listRbac("ClusterRoleBinding", labels)).toEqual([crb]);
        expect(await kube.listRbac("ClusterRole", labels)).toEqual([role]);
        expect(
          await kube.listRbac("RoleBinding", { ...labels, "eksgate.dev/team": `${team}-other` }),
        ).toEqual([]);
      },
    );

    it(
      "K5: a binding reads back with the subjects and roleRef someone else gave it; upsert puts eksgate's back",
      { timeout },
      async () => {
        const { kube, uniqueName, createNamespace, createObject } = await subject.setup();
        const team = uniqueName("team");
        const ns = uniqueName("ns");
        await createNamespace(ns);
        const binding = roleBinding(`eksgate:${team}:edit`, ns, team, "edit");
        const edited: ObservedRbacObject = {
          ...binding,
          subjects: [
            { kind: "ServiceAccount", apiGroup: "", name: "deployer", namespace: ns },
            { kind: "User", apiGroup: RBAC_API_GROUP, name: "alice" },
          ],
          roleRef: { apiGroup: RBAC_API_GROUP, kind: "Role", name: "edit" },
        };
        await createObject(edited);
        expect(await kube.getRbac("RoleBinding", binding.metadata.name, ns)).toEqual(edited);
        expect(await kube.listRbac("RoleBinding", binding.metadata.labels)).toEqual([edited]);
        await kube.upsertRbac(binding);
        expect(await kube.getRbac("RoleBinding", binding.metadata.name, ns)).toEqual(binding);
      },
    );

    it(
      "K6: upsert replaces eksgate's objects (keeping others' labels), recreates a binding whose roleRef changes, refuses an unlabelled one and a missing namespace",
      { timeout },
      async () => {
        const { kube, uniqueName, createNamespace, createObject } = await subject.setup();
        const team = uniqueName("team");
        const ns = uniqueName("ns");
        await createNamespace(ns);

        const role = clusterRole(`${team}-logs`, team, ["get"]);
        await createObject({
          ...role,
          metadata: {
            ...role.metadata,
            labels: { ...role.metadata.labels, "example.com/owner": "platform" },
          },
        });
        const wider = clusterRole(`${team}-logs`, team, ["get", "list", "watch"]);
        await kube.upsertRbac(wider);
        expect(await kube.getRbac("ClusterRole", wider.metadata.name)).toEqual({
          ...wider,
          metadata: {
            ...wider.metadata,
            labels: { ...wider.metadata.labels, "example.com/owner": "platform" },
          },
        });

        const binding = roleBinding(`eksgate:${team}:edit`, ns, team, "edit");
        await kube.upsertRbac(binding);
        const moved = { ...binding, roleRef: { ...binding.roleRef, name: "view" } };
        await kube.upsertRbac(moved);
        expect(await kube.getRbac("RoleBinding", binding.metadata.name, ns)).toEqual(moved);

        const foreign = clusterRoleBinding(`eksgate:${team}:admin`, team, "admin");
        const unlabelled = { ...foreign, metadata: { name: foreign.metadata.name, labels: {} } };
        await createObject(unlabelled);
        expect((await portFailure(() => kube.upsertRbac(foreign))).kind).toBe("already-exists");
        expect(await kube.getRbac("ClusterRoleBinding", foreign.metadata.name)).toEqual(unlabelled);

        const nowhere = roleBinding(`eksgate:${team}:edit`, uniqueName("gone"), team, "edit");
        expect((await portFailure(() => kube.upsertRbac(nowhere))).kind).toBe("not-found");
      },
    );

    it("K7: delete removes an object, and deleting one that is gone is no error", { timeout }, async () => {
      const { kube, uniqueName } = await subject.setup();
      const team = uniqueName("team");
      const crb = clusterRoleBinding(`eksgate:${team}:view`, team, "view");
      await kube.upsertRbac(crb);
      await kube.deleteRbac("ClusterRoleBinding", crb.metadata.name);
      expect(await kube.getRbac("ClusterRoleBinding", crb.metadata.name)).toBeUndefined();
      await kube.deleteRbac("ClusterRoleBinding", crb.metadata.name);
      await kube.deleteRbac("RoleBinding", crb.metadata.name, uniqueName("gone"));
    });

    it("K8: namespaceExists", { timeout }, async () => {
      const { kube, uniqueName, createNamespace } = await subject.setup();
      const ns = uniqueName("ns");
      expect(await kube.namespaceExists(ns)).toBe(false);
      await createNamespace(ns);
      expect(await kube.namespaceExists(ns)).toBe(true);
      expect(await kube.namespaceExists("kube-system")).toBe(true);
    });

    it(
      "K9: deleteConfigMap deletes only under the current resourceVersion; a newer one is conflict, a missing ConfigMap not-found",
      { timeout },
      async () => {
        const { kube, uniqueName, createNamespace } = await subject.setup();
        const ns = uniqueName("cmdel");
        await createNamespace(ns);
        const first = await kube.createConfigMap(ns, "aws-auth", { mapRoles: "- a\n" });
        const second = await kube.replaceConfigMapData(
          ns,
          "aws-auth",
          { mapRoles: "- b\n" },
          first.resourceVersion,
        );
        expect(
          (await portFailure(() => kube.deleteConfigMap(ns, "aws-auth", first.resourceVersion))).kind,
        ).toBe("conflict");
        expect(await kube.readConfigMap(ns, "aws-auth")).toEqual(second);
        await kube.deleteConfigMap(ns, "aws-auth", second.resourceVersion);
        expect(await kube.readConfigMap(ns, "aws-auth")).toBeUndefined();
        expect(
          (await portFailure(() => kube.deleteConfigMap(ns, "aws-auth", second.resourceVersion))).kind,
        ).toBe("not-found");
      },
    );

    it(
      "K10: reviewAccess allows system:masters everything and denies a user with no grants, for resource and non-resource requests",
      { timeout },
      async () => {
        const { kube, uniqueName } = await subject.setup();
        const nobody = { user: uniqueName("nobody"), groups: [uniqueName("group")] };
        const admin = { user: uniqueName("admin"), groups: ["system:masters"] };
        const secrets = { verb: "delete", apiGroup: "", resource: "secrets", namespace: "kube-system" };
        const metrics = { verb: "get", path: "/metrics" };
        expect((await kube.reviewAccess(admin, secrets)).allowed).toBe(true);
        expect((await kube.reviewAccess(admin, metrics)).allowed).toBe(true);
        expect((await kube.reviewAccess(nobody, secrets)).allowed).toBe(false);
        expect((await kube.reviewAccess(nobody, metrics)).allowed).toBe(false);
      },
    );
  });
}
