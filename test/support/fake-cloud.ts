// An AWS account and its clusters in memory, made of the port fakes (test/support/fakes,
// docs/specs/port-fakes.md), for running the real engine in unit tests: `observe`
// (src/engine/observe.ts) reads it and `applyPlan` (src/engine/apply.ts) writes to it, as
// they do against AWS and Kubernetes.
import { expect } from "vitest";
import type { AccessConfig } from "../../src/core/model/access-config.js";
import { desiredAfterPlan } from "../../src/core/plan/desired.js";
import type { ObservedState } from "../../src/core/plan/observed.js";
import type { Plan, PlanScope } from "../../src/core/plan/plan.js";
import { applyPlan, createStepRunner, type ApplyResult } from "../../src/engine/apply.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import type { EngineEvent } from "../../src/engine/events.js";
import { observe } from "../../src/engine/observe.js";
import type { BackupStore } from "../../src/ports/system.js";
import { FakeClock } from "./fakes/clock.js";
import { FakeEks } from "./fakes/eks.js";
import { FakeIam } from "./fakes/iam.js";
import { FakeKube } from "./fakes/kube.js";

export interface SavedBackup {
  readonly cluster: string;
  readonly name: string;
  readonly manifest: string;
}

export class FakeCloud {
  readonly iam: FakeIam;
  readonly events: EngineEvent[] = [];
  /** What apply saved before changing a ConfigMap, in order. */
  readonly backups: SavedBackup[] = [];
  readonly deps: EngineDeps;
  private readonly regions = new Map<string, FakeEks>();
  private readonly clusters = new Map<string, FakeKube>();

  constructor(
    readonly accountId: string,
    readonly clock: FakeClock = new FakeClock(),
    /** The identity may not call GetAccountAuthorizationDetails. */
    options: { readonly denyReadAccount?: boolean } = {},
  ) {
    this.iam = new FakeIam({ accountId, clock, ...options });
    const backups: BackupStore = {
      saveConfigMap: (cluster, name, manifest) => {
        this.backups.push({ cluster, name, manifest });
        return Promise.resolve(`memory:${cluster}/${name}/${this.backups.length}`);
      },
    };
    this.deps = {
      iam: this.iam,
      eks: (region) => this.eks(region),
      kube: (cluster) => Promise.resolve({ ok: true, value: this.kube(cluster.name), diagnostics: [] }),
      clock,
      backups,
      events: (event) => this.events.push(event),
    };
  }

  /** The EKS API of one region. */
  eks(region: string): FakeEks {
    let eks = this.regions.get(region);
    if (eks === undefined) {
      eks = new FakeEks({ accountId: this.accountId, region, clock: this.clock, iam: this.iam });
      this.regions.set(region, eks);
    }
    return eks;
  }

  /** The Kubernetes API of one cluster. */
  kube(cluster: string): FakeKube {
    let kube = this.clusters.get(cluster);
    if (kube === undefined) {
      kube = new FakeKube(cluster);
      this.clusters.set(cluster, kube);
    }
    return kube;
  }

  /**
   * A cloud in which a fresh observation finds `state`: its roles (ids and creation times
   * kept), groups, and per cluster (in the region `regions` names) the authentication mode,
   * aws-auth, access entries with their policies, RBAC objects and namespaces. The clock
   * starts after every timestamp in the state.
   */
  static from(accountId: string, state: ObservedState, regions: Readonly<Record<string, string>>): FakeCloud {
    const stamps = [
      ...Object.values(state.roles).flatMap((r) => (r ? [r.createDate] : [])),
      ...Object.values(state.clusters).flatMap((c) => c.accessEntries.map((e) => e.createdAt)),
    ];
    const cloud = new FakeCloud(accountId, FakeClock.after(stamps));
    for (const role of Object.values(state.roles)) if (role !== null) cloud.iam.seedRole(role);
    for (const group of Object.values(state.groups)) {
      if (group.exists) cloud.iam.createGroup(group.name, group.policies);
    }
    for (const cluster of Object.values(state.clusters)) {
      if (cluster.authenticationMode === undefined) continue;
      const region = regions[cluster.name];
      if (region === undefined) throw new Error(`no region for cluster ${cluster.name}`);
      const eks = cloud.eks(region);
      eks.seedCluster(cluster.name, cluster.authenticationMode);
      for (const entry of cluster.accessEntries) eks.seedAccessEntry(cluster.name, entry);
      const kube = cloud.kube(cluster.name);
      for (const [namespace, exists] of Object.entries(cluster.namespaces)) {
        if (exists) kube.createNamespace(namespace);
      }
      if (cluster.awsAuth !== undefined) {
        kube.seedConfigMap("kube-system", "aws-auth", cluster.awsAuth.data, cluster.awsAuth.resourceVersion);
      }
      for (const object of [...cluster.managedRbac, ...cluster.foreignRbac]) kube.createObject(object);
    }
    return cloud;
  }

  /** What the engine's observe reads for `config` (the whole config unless a scope is given). */
  async observe(config: AccessConfig, scope: PlanScope = { destroy: false }): Promise<ObservedState> {
    return (await observe(config, desiredAfterPlan(config, scope), this.deps)).state;
  }

  /**
   * Runs the plan with the engine's step runner, as `eksgate apply` does; with `recheck`,
   * as `eksgate apply plan.json` does (each step's resource read again before it writes).
   */
  apply(
    plan: Plan,
    options: { readonly recheck?: boolean; readonly parallelism?: number } = {},
  ): Promise<ApplyResult> {
    const runner = createStepRunner(plan, this.deps, (cluster) => Promise.resolve(this.kube(cluster)), {
      recheck: options.recheck === true,
    });
    return applyPlan(
      plan,
      runner,
      options.parallelism !== undefined ? { parallelism: options.parallelism } : {},
    );
  }
}

/**
 * Applies `plan` with the real engine to a cloud that holds `state`, and observes it again
 * with the real observe for `config`: what a next `eksgate plan` would see. Fails the test
 * when a step fails. The cloud is returned too, for looking at what observe does not read.
 */
export async function applyAndObserve(
  config: AccessConfig,
  state: ObservedState,
  plan: Plan,
): Promise<{ readonly cloud: FakeCloud; readonly observed: ObservedState }> {
  const regions = {
    ...Object.fromEntries(config.clusters.map((c) => [c.name, c.region])),
    ...Object.fromEntries(Object.entries(plan.clusters).map(([name, c]) => [name, c.region])),
  };
  const cloud = FakeCloud.from(plan.accountId, state, regions);
  const result = await cloud.apply(plan);
  if (!result.ok) {
    const failed = result.outcomes.find((o) => o.status === "failed");
    expect.fail(`apply failed at ${failed?.step.id ?? "?"}: ${failed?.diagnostic?.summary ?? ""}`);
  }
  return { cloud, observed: await cloud.observe(config) };
}

/** applyAndObserve, when only the next observation matters. */
export async function applyWithEngine(
  config: AccessConfig,
  state: ObservedState,
  plan: Plan,
): Promise<ObservedState> {
  return (await applyAndObserve(config, state, plan)).observed;
}
