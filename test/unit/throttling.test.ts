// A server that asks eksgate to slow down (AWS Throttling and its kin, Kubernetes 429) is
// waited for and asked again, 0.25 s, 0.5 s, 1 s ... at most 6 attempts, and it is
// reported: a step's note and retry events in apply, read-retry events while planning.
// The waits go through the clock port (FakeClock: no real time passes).
import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { toPortError } from "../../src/adapters/kube/kube-errors.js";
import { applyPlan, createStepRunner } from "../../src/engine/apply.js";
import { makePlan } from "../../src/engine/plan.js";
import { THROTTLED_MAX_ATTEMPTS, throttledWait } from "../../src/engine/throttle.js";
import { isThrottled } from "../../src/ports/errors.js";
import type { KubePort } from "../../src/ports/kube.js";
import { FakeCloud } from "../support/fake-cloud.js";
import { awsFailure } from "../support/fakes/aws-errors.js";
import { configFrom, TWO_CLUSTERS_MODES, TWO_CLUSTERS_YAML } from "../support/observed-state.js";

const config = configFrom(TWO_CLUSTERS_YAML);

function freshCloud(): FakeCloud {
  const cloud = new FakeCloud(config.accountId);
  for (const team of config.teams) cloud.iam.createGroup(team.iamGroup);
  for (const cluster of config.clusters) {
    cloud.eks(cluster.region).seedCluster(cluster.name, TWO_CLUSTERS_MODES[cluster.name as "dev" | "prod"]);
    for (const team of config.teams)
      for (const access of team.access)
        for (const ns of access.namespaces) cloud.kube(cluster.name).createNamespace(ns);
  }
  return cloud;
}

async function planIn(cloud: FakeCloud) {
  const planned = await makePlan(
    { config, configFile: "eksgate.yaml", configDigest: "0", scope: { destroy: false } },
    cloud.deps,
  );
  if (!planned.ok) throw new Error(planned.diagnostics.map((d) => d.summary).join("; "));
  return planned.value.plan;
}

const iamThrottled = () => awsFailure("iam", "PutRolePolicy", "Throttling", 400, "Rate exceeded");
const kubeThrottled = () =>
  toPortError(
    new ApiException(429, "Too Many Requests", '{"kind":"Status","message":"too many requests"}', {}),
    { verb: "list", resource: "rolebindings" },
    "https://127.0.0.1:6443",
  );

/** Makes the first `times` calls of `method` on `port` fail with `error()`. */
function failFirst<T extends object>(port: T, method: keyof T & string, times: number, error: () => Error) {
  const original = (port[method] as (...args: unknown[]) => Promise<unknown>).bind(port);
  let calls = 0;
  Object.assign(port, {
    [method]: (...args: unknown[]) => {
      calls += 1;
      return calls <= times ? Promise.reject(error()) : original(...args);
    },
  });
  return { calls: () => calls };
}

describe("what counts as throttling", () => {
  it("AWS Throttling, ThrottlingException, TooManyRequestsException, RequestLimitExceeded and HTTP 429", () => {
    for (const [code, status] of [
      ["Throttling", 400],
      ["ThrottlingException", 400],
      ["TooManyRequestsException", 429],
      ["RequestLimitExceeded", 503],
      ["SomethingElse", 429],
    ] as const) {
      expect(isThrottled(awsFailure("eks", "ListAccessEntries", code, status, "slow down")), code).toBe(true);
    }
  });

  it("not a plain server error, a denial or a bad request", () => {
    for (const [code, status] of [
      ["ServiceUnavailable", 503],
      ["AccessDenied", 403],
      ["ValidationError", 400],
    ] as const) {
      expect(isThrottled(awsFailure("iam", "GetRole", code, status, "no")), code).toBe(false);
    }
  });

  it("Kubernetes 429, not 500 or 409", () => {
    expect(isThrottled(kubeThrottled())).toBe(true);
    for (const code of [500, 409]) {
      const error = toPortError(
        new ApiException(code, "x", "{}", {}),
        { verb: "get", resource: "configmaps" },
        "s",
      );
      expect(isThrottled(error), String(code)).toBe(false);
    }
  });

  it("waits 0.25 s, 0.5 s, 1 s ... at most 8 s, for at most 6 attempts", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(throttledWait)).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(THROTTLED_MAX_ATTEMPTS).toBe(6);
  });
});

describe("apply: a throttled step", () => {
  it("is tried again after the backoff, succeeds, and says how often it was throttled", async () => {
    const cloud = freshCloud();
    const plan = await planIn(cloud);
    const calls = failFirst(cloud.iam, "putRolePolicy", 2, iamThrottled);
    const slept: number[] = [];
    const deps = {
      ...cloud.deps,
      clock: { ...cloud.deps.clock, sleep: (ms: number) => (slept.push(ms), Promise.resolve()) },
    };
    const result = await applyPlan(
      plan,
      createStepRunner(plan, deps, (c) => Promise.resolve(cloud.kube(c))),
      {
        parallelism: 1,
      },
    );
    expect(result.ok).toBe(true);
    const first = result.outcomes.find((o) => o.step.resource.kind === "iam-role-policy");
    expect(first?.throttled).toBe(2);
    expect(first?.note).toBe("throttled 2 times, retried");
    expect(slept).toEqual([250, 500]);
    const retries = cloud.events.flatMap((e) => (e.type === "retry" ? [e] : []));
    expect(retries.map((e) => [e.step.id, e.attempt])).toEqual([
      [first?.step.id, 1],
      [first?.step.id, 2],
    ]);
    expect(retries[0]?.why).toContain("trying again in 250 ms");
    // Every role policy was written once it went through.
    expect(calls.calls()).toBe(plan.steps.filter((s) => s.resource.kind === "iam-role-policy").length + 2);
  });

  it("fails after 6 attempts, nothing new starts, and the outcome says it was throttled 5 times", async () => {
    const cloud = freshCloud();
    const plan = await planIn(cloud);
    failFirst(cloud.iam, "putRolePolicy", 1000, iamThrottled);
    const result = await applyPlan(
      plan,
      createStepRunner(plan, cloud.deps, (c) => Promise.resolve(cloud.kube(c))),
      { parallelism: 1 },
    );
    expect(result.ok).toBe(false);
    const failed = result.outcomes.filter((o) => o.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.throttled).toBe(THROTTLED_MAX_ATTEMPTS - 1);
    expect(failed[0]?.diagnostic?.summary).toContain("iam:PutRolePolicy failed (unavailable)");
    expect(failed[0]?.diagnostic?.summary).toContain("Throttling");
    expect(result.outcomes.at(-1)?.status).toBe("not-attempted");
  });
});

describe("plan: a throttled read", () => {
  it("is made again after the backoff, reported as read-retry, and the plan is the same", async () => {
    const cloud = freshCloud();
    const expected = await planIn(cloud);
    const kube = cloud.kube("dev");
    const listed = failFirst(kube as KubePort, "listRbac", 2, kubeThrottled);
    failFirst(cloud.iam, "readAccount", 1, () =>
      awsFailure("iam", "GetAccountAuthorizationDetails", "Throttling", 400, "Rate exceeded"),
    );
    cloud.events.length = 0;
    const again = await planIn(cloud);
    expect({ ...again, createdAt: "" }).toEqual({ ...expected, createdAt: "" });
    const retries = cloud.events.flatMap((e) => (e.type === "read-retry" ? [e] : []));
    expect(retries).toHaveLength(3);
    // Two of the three RBAC lists (read at the same time) and the batch IAM read, once each.
    expect(retries.map((e) => e.attempt)).toEqual([1, 1, 1]);
    expect(
      retries.filter((e) => e.why.includes("too many requests") && e.why.includes("reading again in 250 ms")),
    ).toHaveLength(2);
    expect(listed.calls()).toBe(3 + 2);
  });

  it("gives up after 6 attempts: the plan fails with the server's answer", async () => {
    const cloud = freshCloud();
    failFirst(cloud.kube("dev") as KubePort, "listRbac", 1000, kubeThrottled);
    await expect(planIn(cloud)).rejects.toSatisfy(isThrottled);
    expect(cloud.events.filter((e) => e.type === "read-retry").length).toBeGreaterThanOrEqual(
      THROTTLED_MAX_ATTEMPTS - 1,
    );
  });
});
