// Applying a migration plan over the port fakes: the order that never locks anyone out,
// what a failure at each step leaves, and a run interrupted after every single write that
// converges when run again. The fake cluster answers SubjectAccessReviews the way EKS
// does: RBAC over the fixture's objects, plus the access policies of the entry whose
// principal the review's canonicalArn names (R15).
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { mapPrincipal } from "../../src/core/evaluate/mapping/index.js";
import {
  ACCESS_POLICIES,
  ACCESS_POLICY_TABLE_VERSION,
  accessPolicyFor,
  authorize,
  KNOWN_ACCESS_POLICIES,
  type AccessPolicyAssociation,
} from "../../src/core/evaluate/rbac/index.js";
import { ACCESS_POLICIES as DOUBLE_POLICIES } from "../env/eks-double/access-policies.js";
import {
  accessPolicyWarnings,
  ADMIN_BRIDGE_BINDING,
  ADMIN_BRIDGE_GROUP,
  directoryFromIam,
  migrationSteps,
  planMigration,
  type MigrationPlan,
  type MigrationTarget,
} from "../../src/core/migrate/index.js";
import { parseAwsAuthData } from "../../src/core/model/aws-auth.js";
import { parseSnapshot, type ClusterAccess } from "../../src/core/snapshot/index.js";
import { applyMigration, type MigrationEvent } from "../../src/engine/migrate-apply.js";
import type { EksPort } from "../../src/ports/eks.js";
import type { KubePort } from "../../src/ports/kube.js";
import { FakeClock } from "../support/fakes/clock.js";
import { FakeEks } from "../support/fakes/eks.js";
import { FakeIam } from "../support/fakes/iam.js";
import { FakeKube } from "../support/fakes/kube.js";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const ROOT = "test/fixtures/snapshot/migrate";
const A = "111122223333";
const TIMEOUT = 120_000;

function fixture(): {
  cluster: ClusterAccess;
  plan: (to: MigrationTarget) => MigrationPlan;
  awsAuth: Record<string, string>;
} {
  const files = readdirSync(ROOT, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(ROOT, f)).isFile())
    .sort()
    .map((f) => ({ path: f.split("\\").join("/"), text: readFileSync(join(ROOT, f), "utf8") }));
  const parsed = parseSnapshot(files);
  const cluster = parsed.snapshot.clusters.find((c) => c.name === "prod");
  if (cluster === undefined) throw new Error("no prod cluster in the fixture");
  const manifest = parse(readFileSync(join(ROOT, "clusters/prod/aws-auth.yaml"), "utf8")) as {
    data: Record<string, string>;
  };
  return {
    cluster,
    awsAuth: manifest.data,
    plan: (to) => {
      const r = planMigration({ cluster, to, principals: directoryFromIam(parsed.snapshot.iam) });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      return r.value;
    },
  };
}

interface World {
  readonly eks: FakeEks;
  readonly kube: FakeKube;
  readonly iam: FakeIam;
  readonly clock: FakeClock;
  readonly backups: string[];
  readonly events: MigrationEvent[];
}

/** The cluster before the migration: CONFIG_MAP, the fixture's aws-auth, EKS-like reviews. */
function world(cluster: ClusterAccess, awsAuth: Record<string, string>): World {
  const clock = new FakeClock();
  const eks = new FakeEks({ accountId: A, region: "eu-west-1", clock });
  eks.seedCluster("prod", "CONFIG_MAP");
  const kube = new FakeKube("prod");
  kube.seedConfigMap("kube-system", "aws-auth", awsAuth, "100");
  kube.reviewer = (user, request) => {
    const canonical = user.extra?.["canonicalArn"]?.[0]?.toLowerCase();
    const entry = [...(eks.state.clusters.get("prod")?.entries.values() ?? [])].find(
      (e) => e.principal.arn.toLowerCase().replace(/:role\/(?:[^/]+\/)*/, ":role/") === canonical,
    );
    const accessPolicies: AccessPolicyAssociation[] = [...(entry?.associations.values() ?? [])].map((a) => ({
      policyArn: a.policyArn,
      accessScope:
        a.accessScope.type === "namespace"
          ? { type: "namespace", namespaces: a.accessScope.namespaces }
          : { type: "cluster" },
    }));
    const decision = authorize(cluster.rbac, { user: user.user, groups: user.groups }, request, {
      firstOnly: true,
      accessPolicies,
    });
    return { allowed: decision.allowed, reason: decision.reason };
  };
  return {
    eks,
    kube,
    iam: new FakeIam({ accountId: A, clock }),
    clock,
    backups: [],
    events: [],
  };
}

function depsOf(w: World, ports: { eks?: EksPort; kube?: KubePort } = {}) {
  return {
    eks: ports.eks ?? w.eks,
    kube: ports.kube ?? w.kube,
    iam: w.iam,
    clock: w.clock,
    backups: {
      saveConfigMap: (_cluster: string, _name: string, manifest: string) => {
        w.backups.push(manifest);
        return Promise.resolve(`backup-${w.backups.length}.yaml`);
      },
    },
    events: (e: MigrationEvent) => w.events.push(e),
  };
}

/** The cluster as the fakes hold it now, for the mapping and RBAC evaluators. */
async function liveCluster(w: World, base: ClusterAccess): Promise<ClusterAccess> {
  const described = await w.eks.describeCluster("prod");
  const mode = described?.authenticationMode ?? "CONFIG_MAP";
  const entries =
    mode === "CONFIG_MAP"
      ? []
      : await Promise.all(
          (await w.eks.listAccessEntries("prod")).map(async (arn) => {
            const e = await w.eks.describeAccessEntry("prod", arn);
            if (e === undefined) throw new Error(`entry ${arn} vanished`);
            return {
              principalArn: arn,
              type: e.type,
              kubernetesGroups: e.kubernetesGroups,
              username: e.username,
              associations: await w.eks.listAssociatedAccessPolicies("prod", arn),
              source: arn,
            };
          }),
        );
  const cm = await w.kube.readConfigMap("kube-system", "aws-auth");
  const parsed = cm === undefined ? undefined : parseAwsAuthData(cm.data);
  return {
    name: "prod",
    ...(base.arn === undefined ? {} : { arn: base.arn }),
    authenticationMode: mode,
    modeSource: "cluster.json",
    accessEntries: entries,
    ...(parsed?.ok === true ? { awsAuth: { file: "live", mappings: parsed.value } } : {}),
    rbac: base.rbac,
  };
}

/** Every planned principal can still make the request its check says it must be allowed. */
async function nobodyLockedOut(w: World, base: ClusterAccess, plan: MigrationPlan): Promise<string[]> {
  const live = await liveCluster(w, base);
  const lost: string[] = [];
  for (const check of plan.verification) {
    const mapping = mapPrincipal(live, {
      principalArn: check.principalArn,
      ...(check.sessionName === undefined ? {} : { sessionName: check.sessionName }),
    });
    // An admin's entry between its creation and its policy: the bridge binding (cluster-admin).
    const bridged =
      mapping.mapped &&
      mapping.identity.groups.includes(ADMIN_BRIDGE_GROUP) &&
      (await w.kube.getRbac("ClusterRoleBinding", ADMIN_BRIDGE_BINDING)) !== undefined;
    for (const sample of check.samples.filter((s) => s.allowed)) {
      const ok =
        bridged ||
        (mapping.mapped &&
          authorize(base.rbac, mapping.identity, sample.request, {
            firstOnly: true,
            accessPolicies: mapping.accessPolicies,
          }).allowed);
      if (!ok) lost.push(`${check.principalArn}: ${sample.described}`);
    }
  }
  return lost;
}

/**
 * Wraps a port so that its n-th write (counting from 1) never returns: the process died
 * before the request left, or (`after`) once the server had done it but before the answer.
 */
function dyingAt<T extends object>(
  port: T,
  writes: readonly string[],
  counter: { n: number; at: number; after?: boolean },
): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || !writes.includes(String(prop))) return value;
      return (...args: unknown[]) => {
        counter.n += 1;
        if (counter.n === counter.at && counter.after !== true) throw new Error("killed");
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (counter.n !== counter.at) return result;
        return Promise.resolve(result).then(() => {
          throw new Error("killed after the write");
        });
      };
    },
  });
}

const EKS_WRITES = [
  "updateAuthenticationMode",
  "createAccessEntry",
  "associateAccessPolicy",
  "updateAccessEntry",
];
const KUBE_WRITES = ["replaceConfigMapData", "deleteConfigMap", "upsertRbac", "deleteRbac"];

async function finalState(w: World) {
  const entries = await Promise.all(
    [...(await w.eks.listAccessEntries("prod"))].sort().map(async (arn) => ({
      ...(await w.eks.describeAccessEntry("prod", arn)),
      createdAt: "",
      policies: await w.eks.listAssociatedAccessPolicies("prod", arn),
    })),
  );
  return {
    mode: (await w.eks.describeCluster("prod"))?.authenticationMode,
    entries,
    awsAuth: (await w.kube.readConfigMap("kube-system", "aws-auth"))?.data,
  };
}

describe("migrate --apply: the order that locks nobody out", () => {
  it(
    "goes to API in order: mode, entries, a SubjectAccessReview per sample, aws-auth once, then API and the ConfigMap",
    { timeout: TIMEOUT },
    async () => {
      const { cluster, plan: planFor, awsAuth } = fixture();
      const plan = planFor("API");
      const w = world(cluster, awsAuth);
      const result = await applyMigration(plan, depsOf(w));
      expect(result.ok, JSON.stringify(result.outcomes.map((o) => o.diagnostic))).toBe(true);
      expect(result.outcomes.map((o) => o.step.kind)).toEqual([
        "switch-mode",
        ...plan.accessEntries.map(() => "access-entry"),
        "verify",
        "remove-from-aws-auth",
        "switch-mode",
        "delete-aws-auth",
      ]);
      const state = await finalState(w);
      expect(state.mode).toBe("API");
      expect(state.awsAuth).toBeUndefined();
      expect(state.entries.map((e) => e.principalArn)).toEqual(plan.accessEntries.map((e) => e.principalArn));
      for (const planned of plan.accessEntries) {
        const live = state.entries.find((e) => e.principalArn === planned.principalArn);
        expect(live?.type).toBe(planned.type);
        if (planned.type === "STANDARD") expect(live?.kubernetesGroups).toEqual(planned.kubernetesGroups);
        if (planned.username !== undefined) expect(live?.username).toBe(planned.username);
        expect(live?.policies).toEqual(planned.accessPolicies);
      }
      // Two backups: before the aws-auth write and before the delete.
      expect(w.backups).toHaveLength(2);
      const samples = plan.verification.reduce((n, c) => n + c.samples.length, 0);
      expect(samples).toBeGreaterThanOrEqual(plan.accessEntries.length);
      expect(w.kube.reviews).toHaveLength(samples);
      // The admin's check goes through the access policy, not a group.
      const admin = w.kube.reviews.find((r) => r.user.user.startsWith("admin:"));
      expect(admin?.user.groups).not.toContain("system:masters");
    },
  );

  it("a second apply finds everything done and writes nothing", { timeout: TIMEOUT }, async () => {
    const { cluster, plan: planFor, awsAuth } = fixture();
    const plan = planFor("API");
    const w = world(cluster, awsAuth);
    expect((await applyMigration(plan, depsOf(w))).ok).toBe(true);
    const before = await finalState(w);
    const counter = { n: 0, at: 0 };
    const again = await applyMigration(
      plan,
      depsOf(w, {
        eks: dyingAt(w.eks, EKS_WRITES, counter),
        kube: dyingAt(w.kube, KUBE_WRITES, counter),
      }),
    );
    expect(again.ok).toBe(true);
    expect(counter.n).toBe(0);
    expect(await finalState(w)).toEqual(before);
  });

  it(
    "towards API_AND_CONFIG_MAP: the converted entries leave aws-auth, the rest stays byte for byte, the ConfigMap stays",
    { timeout: TIMEOUT },
    async () => {
      const { cluster, plan: planFor, awsAuth } = fixture();
      const plan = planFor("API_AND_CONFIG_MAP");
      const w = world(cluster, awsAuth);
      const result = await applyMigration(plan, depsOf(w));
      expect(result.ok, JSON.stringify(result.outcomes.map((o) => o.diagnostic))).toBe(true);
      expect(migrationSteps(plan).map((s) => s.kind)).not.toContain("delete-aws-auth");
      const state = await finalState(w);
      expect(state.mode).toBe("API_AND_CONFIG_MAP");
      const left = parseAwsAuthData(state.awsAuth ?? {});
      if (!left.ok) throw new Error("aws-auth no longer parses");
      const removed = new Set(
        plan.decisions.filter((d) => d.removeFromAwsAuth).map((d) => d.written.toLowerCase()),
      );
      for (const r of left.value.roles) expect(removed.has(r.rolearn.toLowerCase())).toBe(false);
      const kept = plan.decisions.filter((d) => !d.removeFromAwsAuth && d.key === "mapRoles");
      expect(left.value.roles.map((r) => r.path).length).toBe(kept.length);
      expect(state.awsAuth?.["mapAccounts"]).toBe(awsAuth["mapAccounts"]);
      expect(await nobodyLockedOut(w, cluster, plan)).toEqual([]);
    },
  );

  it(
    "a principal the live cluster does not let do what the plan expects: aws-auth and the mode stay, EG420 names it; fixed, a rerun converges",
    { timeout: TIMEOUT },
    async () => {
      const { cluster, plan: planFor, awsAuth } = fixture();
      const plan = planFor("API");
      const w = world(cluster, awsAuth);
      const honest = w.kube.reviewer;
      w.kube.reviewer = (user, request) =>
        user.user.startsWith("payments:")
          ? { allowed: false, reason: "no RBAC binding" }
          : honest(user, request);
      const failed = await applyMigration(plan, depsOf(w));
      expect(failed.ok).toBe(false);
      const bad = failed.outcomes.find((o) => o.status === "failed");
      expect(bad?.step.kind).toBe("verify");
      expect(bad?.diagnostic?.code).toBe("EG420");
      expect(bad?.diagnostic?.summary).toContain("role/team-payments");
      expect(failed.outcomes.filter((o) => o.status === "not-attempted").map((o) => o.step.kind)).toEqual([
        "remove-from-aws-auth",
        "switch-mode",
        "delete-aws-auth",
      ]);
      expect((await w.kube.readConfigMap("kube-system", "aws-auth"))?.data).toEqual(awsAuth);
      expect((await w.eks.describeCluster("prod"))?.authenticationMode).toBe("API_AND_CONFIG_MAP");
      expect(await nobodyLockedOut(w, cluster, plan)).toEqual([]);

      w.kube.reviewer = honest;
      const again = await applyMigration(plan, depsOf(w));
      expect(again.ok).toBe(true);
      expect(again.outcomes.filter((o) => o.step.kind === "access-entry").map((o) => o.note)).toEqual(
        plan.accessEntries.map(() => "already there"),
      );
    },
  );

  it(
    "killed at every single write in turn, before and after the server did it: nobody is locked out at that point, and the next run converges on the same state",
    { timeout: TIMEOUT },
    async () => {
      const { cluster, plan: planFor, awsAuth } = fixture();
      const plan = planFor("API");
      const reference = world(cluster, awsAuth);
      expect((await applyMigration(plan, depsOf(reference))).ok).toBe(true);
      const expected = await finalState(reference);
      // Count the writes of a complete run, then die at each of them.
      const probe = world(cluster, awsAuth);
      const count = { n: 0, at: 0 };
      await applyMigration(
        plan,
        depsOf(probe, {
          eks: dyingAt(probe.eks, EKS_WRITES, count),
          kube: dyingAt(probe.kube, KUBE_WRITES, count),
        }),
      );
      const writes = count.n;
      // Mode, each entry (an admin's with its bridge: binding, entry, policy, entry again,
      // binding gone), aws-auth, mode, ConfigMap.
      const admins = plan.accessEntries.filter((e) => e.accessPolicies.length > 0).length;
      expect(admins).toBe(1);
      expect(writes).toBe(1 + plan.accessEntries.length + 4 * admins + 1 + 1 + 1);
      // Nothing of the bridge is left.
      expect(await reference.kube.getRbac("ClusterRoleBinding", ADMIN_BRIDGE_BINDING)).toBeUndefined();
      for (const [at, after] of Array.from({ length: writes }, (_, i) => i + 1).flatMap((n) => [
        [n, false] as const,
        [n, true] as const,
      ])) {
        const w = world(cluster, awsAuth);
        const counter = { n: 0, at, after };
        const killed = await applyMigration(
          plan,
          depsOf(w, {
            eks: dyingAt(w.eks, EKS_WRITES, counter),
            kube: dyingAt(w.kube, KUBE_WRITES, counter),
          }),
        );
        expect(killed.ok, `killed at write ${at}`).toBe(false);
        expect(await nobodyLockedOut(w, cluster, plan), `killed at write ${at}`).toEqual([]);
        const rerun = await applyMigration(plan, depsOf(w));
        expect(
          rerun.ok,
          `rerun after write ${at}: ${JSON.stringify(rerun.outcomes.map((o) => o.diagnostic))}`,
        ).toBe(true);
        expect(await finalState(w), `rerun after write ${at}`).toEqual(expected);
      }
    },
  );

  it(
    "aws-auth edited since the plan (a converted entry's groups changed): nothing is removed, EG421 says to plan again",
    { timeout: TIMEOUT },
    async () => {
      const { cluster, plan: planFor, awsAuth } = fixture();
      const plan = planFor("API_AND_CONFIG_MAP");
      const edited = {
        ...awsAuth,
        mapRoles: (awsAuth["mapRoles"] ?? "").replace(
          "- payments-deployers\n",
          "- payments-deployers\n        - payments-admins\n",
        ),
      };
      expect(edited.mapRoles).not.toBe(awsAuth["mapRoles"]);
      const w = world(cluster, edited);
      const result = await applyMigration(plan, depsOf(w));
      const bad = result.outcomes.find((o) => o.status === "failed");
      expect(bad?.step.kind).toBe("remove-from-aws-auth");
      expect(bad?.diagnostic?.code).toBe("EG421");
      expect(bad?.diagnostic?.summary).toContain("team-payments");
      expect((await w.kube.readConfigMap("kube-system", "aws-auth"))?.data).toEqual(edited);
    },
  );

  it(
    "an access entry someone else made for a planned principal, with other groups: refused before aws-auth is touched",
    { timeout: TIMEOUT },
    async () => {
      const { cluster, plan: planFor, awsAuth } = fixture();
      const plan = planFor("API_AND_CONFIG_MAP");
      const w = world(cluster, awsAuth);
      await w.eks.updateAuthenticationMode("prod", "API_AND_CONFIG_MAP");
      const ci = plan.accessEntries.find((e) => e.principalArn.endsWith("role/automation/ci-deployer"));
      if (ci === undefined) throw new Error("no ci-deployer entry planned");
      await w.eks.createAccessEntry("prod", {
        principalArn: ci.principalArn,
        kubernetesGroups: ["someone-else"],
        username: "ci-deployer",
        tags: {},
      });
      const result = await applyMigration(plan, depsOf(w));
      const bad = result.outcomes.find((o) => o.status === "failed");
      expect(bad?.diagnostic?.code).toBe("EG421");
      expect(bad?.diagnostic?.summary).toContain("groups [someone-else], planned [deployers]");
      expect((await w.kube.readConfigMap("kube-system", "aws-auth"))?.data).toEqual(awsAuth);
    },
  );
});

describe("eksgate migrate --apply: what it refuses before it touches anything", () => {
  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const term = recordingTerminal();
    const code = await runCli(argv, term);
    return { code, out: term.stdout(), err: term.stderr() };
  }
  const dir = mkdtempSync(join(tmpdir(), "eksgate-migrate-apply-"));
  const saved = (name: string, content: string): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it("a file that is not a migration plan: EG421 with the field, exit 1", { timeout: TIMEOUT }, async () => {
    const notJson = await cli(["migrate", "--cluster", "prod", "--apply", saved("a.json", "{ nope")]);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toContain("EG421");
    expect(notJson.err).toContain("it is not JSON");
    const { plan: planFor } = fixture();
    const plan = planFor("API");
    const wrongKind = await cli([
      "migrate",
      "--cluster",
      "prod",
      "--apply",
      saved("b.json", JSON.stringify({ ...plan, kind: "eksgate-plan" })),
    ]);
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.err).toContain("kind is not eksgate-migration-plan");
    const noEntries = await cli([
      "migrate",
      "--cluster",
      "prod",
      "--apply",
      saved("c.json", JSON.stringify({ ...plan, accessEntries: [{ principalArn: "x" }] })),
    ]);
    expect(noEntries.err).toContain("accessEntries[0]");
    // A location, never a stack trace.
    expect(noEntries.err).toContain("at accessEntries[0]");
    expect(noEntries.err).not.toMatch(/at .+:\d+:\d+\)?$/m);
  });

  it(
    "another cluster's plan, a refused switch (EG419), no region, no terminal and no --auto-approve (EG320)",
    { timeout: TIMEOUT },
    async () => {
      const { plan: planFor } = fixture();
      const file = saved("prod.json", JSON.stringify(planFor("API")));
      const other = await cli(["migrate", "--cluster", "staging", "--apply", file]);
      expect(other.code).toBe(1);
      expect(other.err).toContain("is the plan of cluster prod, not of staging");

      const blocked = { ...planFor("API"), blockingCodes: ["EG401"] };
      const refused = await cli([
        "migrate",
        "--cluster",
        "prod",
        "--apply",
        saved("blocked.json", JSON.stringify(blocked)),
      ]);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain("EG419");
      expect(refused.err).toContain("--accept-loss EG401");

      const region = process.env["AWS_REGION"];
      delete process.env["AWS_REGION"];
      const defaultRegion = process.env["AWS_DEFAULT_REGION"];
      delete process.env["AWS_DEFAULT_REGION"];
      try {
        const noRegion = await cli(["migrate", "--cluster", "prod", "--apply", file]);
        expect(noRegion.code).toBe(1);
        expect(noRegion.err).toContain("AUD006");
      } finally {
        if (region !== undefined) process.env["AWS_REGION"] = region;
        if (defaultRegion !== undefined) process.env["AWS_DEFAULT_REGION"] = defaultRegion;
      }
      const unattended = await cli([
        "migrate",
        "--cluster",
        "prod",
        "--apply",
        file,
        "--region",
        "eu-west-1",
      ]);
      expect(unattended.code).toBe(1);
      expect(unattended.err).toContain("EG320");
    },
  );
});

describe("the versioned table of EKS access policies", () => {
  it("knows the 33 policies AWS listed in 2026, the double's list, and has rules for the seven with a published table", () => {
    expect(KNOWN_ACCESS_POLICIES).toHaveLength(33);
    expect(KNOWN_ACCESS_POLICIES.map((p) => p.name)).toEqual(DOUBLE_POLICIES.map((p) => p.name));
    const withRules = KNOWN_ACCESS_POLICIES.filter((p) => p.rules === "table").map((p) => p.name);
    expect(withRules).toEqual([...ACCESS_POLICIES.keys()].sort());
    expect(withRules).toHaveLength(7);
    expect(
      accessPolicyFor("arn:aws:eks::aws:cluster-access-policy/AmazonEKSSecretReaderPolicy")?.rules,
    ).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }]);
  });

  it("EG418 names each listed policy the table does not know, once, and nothing for known ones", () => {
    expect(accessPolicyWarnings(DOUBLE_POLICIES)).toEqual([]);
    const warnings = accessPolicyWarnings([
      ...DOUBLE_POLICIES,
      { name: "AmazonEKSFuturePolicy" },
      { name: "AmazonEKSFuturePolicy" },
    ]);
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([["EG418", "warning"]]);
    expect(warnings[0]?.summary).toContain("AmazonEKSFuturePolicy");
    expect(warnings[0]?.summary).toContain(ACCESS_POLICY_TABLE_VERSION);
  });
});
