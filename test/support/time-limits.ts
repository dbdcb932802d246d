// Time limits of the tests. None of them measures speed: they turn a hang into a failure
// that says what was awaited. The tests run on shared, loaded CI machines (two cores, other
// jobs beside them) where everything may run ten times slower than on an idle laptop, so
// each limit is far above what the work takes there. Tests are budgeted by work (case
// counts), never by time.

/** Default for a unit test or hook: a safety net; heavy tests name their own budget. */
export const UNIT_TIMEOUT_MS = 60_000;

/** A unit test that does a fixed, large amount of CPU work (generated cases, a compiler pass). */
export const CPU_HEAVY_TIMEOUT_MS = 120_000;

/** Default for an integration test or hook (several CLI runs against moto and the apiserver). */
export const INTEGRATION_TIMEOUT_MS = 600_000;

/** An integration scenario that runs the CLI many times over (an apply killed at each step). */
export const LONG_SCENARIO_TIMEOUT_MS = 1_800_000;

/** Starting one component of the environment: moto, etcd and kube-apiserver, the authenticator. */
export const START_DEADLINE_MS = 300_000;

/** One child process a test runs (the CLI, kubectl, the aws CLI, Chromium). */
export const SPAWN_DEADLINE_MS = 300_000;

/** A server catching up with a change (the RBAC authorizer's cache, the aggregation controller). */
export const SETTLE_DEADLINE_MS = 300_000;

/** One request to a server of the environment that stops answering mid-way. */
export const REQUEST_DEADLINE_MS = 120_000;
