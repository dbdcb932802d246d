/**
 * Existing kubeconfig files, as `eksgate kubeconfig` reads and rewrites them (with and
 * without --dry-run; the EKS endpoint is the test double, so DescribeCluster answers) and
 * as plan and the live audit find a cluster's context in them (resolveKubeConnection).
 * A failed or dry run must leave the file exactly as it was; a successful one must write a
 * kubeconfig that reads back with every other entry intact.
 */
import { lstatSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { resolveKubeConnection } from "../../../src/adapters/kube/connection.js";
import { teamKubeconfigEntries } from "../../../src/core/kubeconfig/entries.js";
import {
  formatKubeconfig,
  mergeKubeconfig,
  parseKubeconfigText,
  type JsonObject,
} from "../../../src/core/kubeconfig/merge.js";
import { leftoverTemporaries, readTree, treeChanges, type CaseFile, type FuzzCase } from "../cases.js";
import { mutate, unseeded } from "../mutate.js";
import { threw, checkDiagnostics, checkProcess, parseJsonOutput, type Violation } from "../properties.js";
import type { Rng } from "../rng.js";
import { repoFile, violation, type Mode, type Surface } from "../surface.js";

export const KUBECONFIG_CLUSTER = {
  name: "fuzz",
  region: "us-east-1",
  account: "123456789012",
  endpoint: "https://FUZZ0123456789.gr7.us-east-1.eks.amazonaws.com",
  caData: "Q0EtREFUQQ==",
} as const;
const CLUSTER_ARN = `arn:aws:eks:${KUBECONFIG_CLUSTER.region}:${KUBECONFIG_CLUSTER.account}:cluster/${KUBECONFIG_CLUSTER.name}`;
const ROLE_ARN = `arn:aws:iam::${KUBECONFIG_CLUSTER.account}:role/eksgate-fuzz`;

const SEEDS = [
  repoFile("test/fixtures/golden/kubeconfig/rnd-aws-user.yaml"),
  repoFile("test/fixtures/golden/kubeconfig/rnd-eksgate.yaml"),
  repoFile("test/fuzz/seeds/kubeconfig-multi.yaml"),
];
const KEYS = [
  "apiVersion",
  "kind",
  "clusters",
  "users",
  "contexts",
  "current-context",
  "preferences",
  "extensions",
  "name",
  "cluster",
  "user",
  "context",
  "server",
  "certificate-authority-data",
  "certificate-authority",
  "insecure-skip-tls-verify",
  "exec",
  "command",
  "args",
  "env",
  "token",
  "namespace",
];
const VOCABULARY = [
  CLUSTER_ARN,
  KUBECONFIG_CLUSTER.name,
  "Config",
  "v1",
  "client.authentication.k8s.io/v1",
  "eksgate",
  "aws",
  "token",
  KUBECONFIG_CLUSTER.endpoint,
  "https://other.example",
  "",
  "ConfigMap",
];

const KUBE = "kube/config";

function fileCase(rng: Rng): { files: CaseFile[]; steps: string[] } {
  const kind = rng.weighted([
    [30, "mutated"],
    [2, "valid"],
    [2, "missing"],
    [2, "unseeded"],
    [1, "empty"],
    [1, "dir"],
    [1, "fifo"],
    [1, "dev-zero"],
    [1, "dangling-link"],
    [1, "link"],
    [1, "parent-is-file"],
  ] as const);
  const seed = rng.pick(SEEDS);
  switch (kind) {
    case "mutated": {
      const m = mutate(rng, seed, { format: "yaml", others: SEEDS, keys: KEYS, vocabulary: VOCABULARY });
      return { files: [{ path: KUBE, bytes: m.bytes, mode: 0o600 }], steps: [...m.steps] };
    }
    case "valid":
      return { files: [{ path: KUBE, bytes: Buffer.from(seed), mode: 0o600 }], steps: ["valid-seed"] };
    case "missing":
      return { files: [], steps: ["missing"] };
    case "unseeded":
      return { files: [{ path: KUBE, bytes: unseeded(rng) }], steps: ["unseeded"] };
    case "empty":
      return { files: [{ path: KUBE, bytes: Buffer.alloc(0) }], steps: ["empty"] };
    case "dir":
      return { files: [{ path: KUBE, kind: "dir" }], steps: ["directory"] };
    case "fifo":
      return { files: [{ path: KUBE, kind: "fifo" }], steps: ["fifo"] };
    case "dev-zero":
      return {
        files: [{ path: KUBE, kind: "symlink", target: "/dev/zero" }],
        steps: ["symlink to /dev/zero"],
      };
    case "dangling-link":
      return {
        files: [{ path: KUBE, kind: "symlink", target: "nowhere/config" }],
        steps: ["dangling symlink"],
      };
    case "link": {
      const m = mutate(rng, seed, { format: "yaml", keys: KEYS, vocabulary: VOCABULARY });
      return {
        files: [
          { path: "kube/real.yaml", bytes: m.bytes, mode: 0o600 },
          { path: KUBE, kind: "symlink", target: "real.yaml" },
        ],
        steps: ["symlink", ...m.steps],
      };
    }
    case "parent-is-file":
      return {
        files: [{ path: "kube", bytes: Buffer.from("not a directory\n") }],
        steps: ["parent is a file"],
      };
  }
}

function generate(rng: Rng, index: number, _mode: Mode): FuzzCase {
  const { files, steps } = fileCase(rng);
  const viaEnv = rng.chance(0.2);
  const argv = [
    "kubeconfig",
    "--cluster-name",
    KUBECONFIG_CLUSTER.name,
    "--region",
    KUBECONFIG_CLUSTER.region,
    "--role-arn",
    ROLE_ARN,
  ];
  if (!viaEnv) argv.push("--kubeconfig", KUBE);
  if (rng.chance(0.5)) argv.push("--dry-run");
  if (rng.chance(0.4)) argv.push("--json");
  if (rng.chance(0.3)) argv.push("--set-context");
  if (rng.chance(0.1)) argv.push("--alias", rng.pick(["fuzz", "kind-local", "", "a:b", "ünï", "--x"]));
  if (rng.chance(0.1)) argv.push("--exec", "aws", "--session-name", "fuzzer", "--source-profile", "me");
  return {
    surface: "kubeconfig",
    index,
    steps,
    files,
    argv,
    ...(viaEnv ? { env: { KUBECONFIG: `$CASE/${KUBE}:$CASE/kube/second` } } : {}),
  };
}

/** What our merge must do with a kubeconfig it can read: round-trip, and keep the rest. */
function checkMerge(text: string, violations: Violation[]): void {
  const parsed = parseKubeconfigText(text, KUBE);
  violations.push(...checkDiagnostics(parsed.ok ? [] : parsed.diagnostics, "parseKubeconfigText"));
  if (!parsed.ok) return;
  const entries = teamKubeconfigEntries(
    { name: "fuzz", roleArn: ROLE_ARN },
    {
      name: KUBECONFIG_CLUSTER.name,
      region: KUBECONFIG_CLUSTER.region,
      authentication: "auto",
      arn: CLUSTER_ARN,
    },
    { server: KUBECONFIG_CLUSTER.endpoint, certificateAuthorityData: KUBECONFIG_CLUSTER.caData },
    { exec: "eksgate" },
  );
  const merged = mergeKubeconfig(parsed.value, entries, { setCurrentContext: false });
  const written = formatKubeconfig(merged.document);
  const reread = parseKubeconfigText(written, KUBE);
  if (!reread.ok) {
    violations.push(
      violation(
        "merge-unreadable",
        `the merged kubeconfig does not read back: ${JSON.stringify(reread.diagnostics)}`,
      ),
    );
    return;
  }
  // Other entries must survive as they were, wherever the original itself round-trips.
  const selfRoundTrip = parseKubeconfigText(formatKubeconfig(parsed.value), KUBE);
  if (!selfRoundTrip.ok || !isDeepStrictEqual(selfRoundTrip.value, parsed.value)) return;
  for (const key of ["clusters", "users", "contexts"] as const) {
    const before = (Array.isArray(parsed.value[key]) ? (parsed.value[key] as JsonObject[]) : []).filter(
      (e) => e["name"] !== CLUSTER_ARN,
    );
    const after = (Array.isArray(reread.value[key]) ? (reread.value[key] as JsonObject[]) : []).filter(
      (e) => e["name"] !== CLUSTER_ARN,
    );
    if (!isDeepStrictEqual(before, after))
      violations.push(
        violation("merge-lost-entries", `${key}: entries other than eksgate's changed in the merge`),
      );
  }
}

function readText(path: string): string | undefined {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) {
      const real = realpathSync(path);
      if (!lstatSync(real).isFile()) return undefined;
    } else if (!st.isFile()) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

async function check(c: FuzzCase, dir: string, ctx: Parameters<Surface["check"]>[2]): Promise<Violation[]> {
  const violations: Violation[] = [];
  const path = join(dir, KUBE);
  const original = readText(path);
  if (ctx.mode === "in-process") {
    if (original !== undefined) {
      try {
        checkMerge(original, violations);
      } catch (error) {
        violations.push(threw("merge", error));
      }
    }
    try {
      const connection = await resolveKubeConnection({
        kubeconfigPath: path,
        cluster: {
          name: KUBECONFIG_CLUSTER.name,
          arn: CLUSTER_ARN,
          endpoint: KUBECONFIG_CLUSTER.endpoint,
          caData: KUBECONFIG_CLUSTER.caData,
        },
        env: { HOME: join(dir, "home") },
      });
      violations.push(...checkDiagnostics(connection.diagnostics, "resolveKubeConnection"));
    } catch (error) {
      violations.push(threw("resolve", error));
    }
  }
  const before = readTree(dir, ["home"]);
  const outcome = await ctx.run(c, dir);
  violations.push(...checkProcess(outcome, [0, 1]));
  const after = readTree(dir, ["home"]);
  const temps = leftoverTemporaries(after);
  if (temps.length > 0)
    violations.push(violation("leftover-temporary", `temporary files left: ${temps.join(", ")}`));
  const changes = treeChanges(before, after);
  const changed = [...changes.added, ...changes.removed, ...changes.changed];
  const dryRun = c.argv.includes("--dry-run");
  if (c.argv.includes("--json") && outcome.code !== undefined && outcome.code <= 1)
    parseJsonOutput(outcome.stdout, violations);
  if ((dryRun || outcome.code !== 0) && changed.length > 0) {
    violations.push(
      violation(
        "partial-write",
        `${dryRun ? "a dry run" : `a failed run (exit ${String(outcome.code)})`} changed ${changed.join(", ")}`,
      ),
    );
  }
  if (original !== undefined && !parseKubeconfigText(original, KUBE).ok && outcome.code === 0 && !dryRun) {
    violations.push(
      violation(
        "unreadable-kubeconfig-overwritten",
        "the kubeconfig could not be read, yet the run succeeded",
      ),
    );
  }
  if (outcome.code === 0 && !dryRun) {
    const text = readText(path);
    const parsed = text === undefined ? undefined : parseKubeconfigText(text, KUBE);
    if (parsed?.ok !== true)
      violations.push(
        violation(
          "written-kubeconfig-unreadable",
          "after a successful run the kubeconfig does not read back",
        ),
      );
  }
  if (outcome.code === 1 && outcome.stdout.trim() === "" && outcome.stderr.trim() === "")
    violations.push(violation("silent-failure", "exit 1 without a word"));
  return violations;
}

export const kubeconfigSurface: Surface = { name: "kubeconfig", generate, check };
