import { defineConfig } from "vitest/config";
import { INTEGRATION_TIMEOUT_MS, UNIT_TIMEOUT_MS } from "./test/support/time-limits.js";

// Three tiers: `unit` is pure and fast; `fuzz` is the fuzzer's CI tier (test/fuzz);
// `integration` runs against moto and a real kube-apiserver that test/env starts once per
// run (globalSetup). No test depends on wall time: the timeouts are safety nets for a
// loaded CI machine (test/support/time-limits.ts).
// Test files that build SDK clients themselves would print the SDK's Node 20 warning into
// the test output; the CLI runs the tests spawn get their own environments, so this does
// not hide the product's own handling of it (tested in aws-adapters and snapshot-live).
const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          env: QUIET_SDK,
          testTimeout: UNIT_TIMEOUT_MS,
          hookTimeout: UNIT_TIMEOUT_MS,
        },
      },
      {
        // The fuzzer's CI tier (test/fuzz): one long test that runs a fixed number of cases;
        // the per-case time limit inside catches hangs.
        test: {
          name: "fuzz",
          include: ["test/fuzz/**/*.test.ts"],
          testTimeout: 3_600_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          env: QUIET_SDK,
          globalSetup: ["test/env/global-setup.ts"],
          testTimeout: INTEGRATION_TIMEOUT_MS,
          hookTimeout: INTEGRATION_TIMEOUT_MS,
          fileParallelism: false,
        },
      },
    ],
  },
});
