/**
 * The config file (eksgate.yaml) as render and plan read it: through `render -c` (text,
 * yaml, json, and --out DIR, which must write every file or none) and `plan -c`, whose
 * loader is the same.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfigFile } from "../../../src/adapters/fs/config-file.js";
import { desiredState } from "../../../src/core/plan/desired.js";
import { renderFiles } from "../../../src/cli/views/render.js";
import { leftoverTemporaries, readTree, treeChanges, type CaseFile, type FuzzCase } from "../cases.js";
import { mutate } from "../mutate.js";
import { threw, checkDiagnostics, checkProcess, type Violation } from "../properties.js";
import type { Rng } from "../rng.js";
import { repoFile, violation, type Mode, type Surface } from "../surface.js";

const SEEDS = [repoFile("examples/eksgate.yaml"), repoFile("test/fuzz/seeds/config-full.yaml")];

export const CONFIG_KEYS = [
  "apiVersion",
  "kind",
  "accountId",
  "partition",
  "clusters",
  "teams",
  "customRoles",
  "name",
  "region",
  "authentication",
  "iamGroup",
  "sessionName",
  "requireMfa",
  "roleName",
  "kubernetesGroup",
  "systemMasters",
  "access",
  "cluster",
  "clusterRole",
  "accessPolicy",
  "namespaces",
  "allowClusterAdmin",
  "rules",
  "apiGroups",
  "resources",
  "resourceNames",
  "nonResourceURLs",
  "verbs",
];

export const CONFIG_VOCABULARY = [
  "prod",
  "staging",
  "dev.my-eks-cluster",
  "payments",
  "rnd",
  "view",
  "edit",
  "admin",
  "admin-view",
  "cluster-admin",
  "log-reader",
  "aws-auth",
  "access-entries",
  "auto",
  "caller",
  "free",
  "us-east-1",
  "eu-west-1",
  "mars-north-9",
  "aws-cn",
  "aws-us-gov",
  "system:masters",
  "eks:admin",
  "kube-system",
  "default",
  "eksgate.dev/v1alpha1",
  "AccessConfig",
  "ConfigMap",
  "arn:aws:iam::111122223333:group/ops/platform",
  "arn:aws:iam::999999999999:group/other",
  "get",
  "*",
  "/healthz",
];

/** Obstacles placed where render --out writes, so that a write fails part way. */
function outObstacle(rng: Rng): CaseFile[] {
  switch (rng.int(0, 5)) {
    case 0:
      return [];
    case 1:
      return [{ path: "out", bytes: Buffer.from("a file where the directory goes\n") }];
    case 2:
      return [{ path: "out/clusters", bytes: Buffer.from("a file where a directory goes\n") }];
    case 3:
      return [
        { path: "out/iam/rnd/group-policy.json", kind: "dir" },
        { path: "out/iam/platform/group-policy.json", kind: "dir" },
      ];
    case 4:
      return [{ path: "out/keep.txt", bytes: Buffer.from("an existing file that must stay\n") }];
    default:
      return [{ path: "out", kind: "symlink", target: "/dev/null" }];
  }
}

function generate(rng: Rng, index: number, _mode: Mode): FuzzCase {
  const seed = rng.pick(SEEDS);
  const valid = rng.chance(0.08);
  const input = valid
    ? { bytes: Buffer.from(seed), steps: ["valid-seed"] }
    : mutate(rng, seed, { format: "yaml", others: SEEDS, keys: CONFIG_KEYS, vocabulary: CONFIG_VOCABULARY });
  const files: CaseFile[] = [{ path: "eksgate.yaml", bytes: input.bytes }];
  const command = rng.weighted([
    [8, "render"],
    [1, "plan"],
  ] as const);
  const argv: string[] = [command, "-c", "eksgate.yaml"];
  if (command === "render") {
    const output = rng.pick(["text", "yaml", "json"]);
    if (output !== "text" || rng.chance(0.3)) argv.push("-o", output);
  } else if (rng.chance(0.5)) argv.push("--json");
  if (rng.chance(0.1)) argv.push("--team", rng.pick(["payments", "rnd", "platform", "nosuch", ""]));
  if (rng.chance(0.1)) argv.push("--cluster", rng.pick(["prod", "dev.my-eks-cluster", "nosuch"]));
  let out = false;
  if (command === "render" && rng.chance(valid ? 0.8 : 0.2)) {
    argv.push("--out", "out");
    files.push(...outObstacle(rng));
    out = true;
  }
  return { surface: "config", index, steps: input.steps, files, argv, meta: { out } };
}

async function check(c: FuzzCase, dir: string, ctx: Parameters<Surface["check"]>[2]): Promise<Violation[]> {
  const violations: Violation[] = [];
  const file = join(dir, "eksgate.yaml");
  let loaded: Awaited<ReturnType<typeof loadConfigFile>> | undefined;
  try {
    loaded = await loadConfigFile(file);
    violations.push(...checkDiagnostics(loaded.diagnostics, "config loader"));
  } catch (error) {
    violations.push(threw("loader", error));
  }
  const before = readTree(dir, ["home"]);
  const outcome = await ctx.run(c, dir);
  violations.push(...checkProcess(outcome));
  const after = readTree(dir, ["home"]);
  if (loaded !== undefined && !loaded.ok && outcome.code !== 1) {
    violations.push(
      violation(
        "invalid-config-accepted",
        `the loader refused the config but ${c.argv[0] ?? ""} exited ${String(outcome.code)}`,
      ),
    );
  }
  // Asked for JSON (--json, -o json), the refusal is {"ok": false, "diagnostics": [...]} on stdout.
  const saidAsJson = /"ok": false/.test(outcome.stdout) && /"diagnostics"/.test(outcome.stdout);
  if (loaded !== undefined && !loaded.ok && outcome.stderr.trim() === "" && !saidAsJson) {
    violations.push(violation("silent-failure", "the config was refused without a word on stderr or stdout"));
  }
  const temps = leftoverTemporaries(after);
  if (temps.length > 0)
    violations.push(violation("leftover-temporary", `temporary files left: ${temps.join(", ")}`));
  const changes = treeChanges(before, after);
  const outside = [...changes.added, ...changes.removed, ...changes.changed].filter(
    (p) => p !== "out" && !p.startsWith("out/"),
  );
  if (outside.length > 0)
    violations.push(violation("write-outside-out", `changed outside --out: ${outside.join(", ")}`));
  if (c.meta?.["out"] === true) {
    if (outcome.code === 0 && loaded?.ok === true) {
      const team = flagValue(c.argv, "--team");
      const cluster = flagValue(c.argv, "--cluster");
      const expected = renderFiles(
        desiredState(loaded.value, {
          ...(team !== undefined ? { team } : {}),
          ...(cluster !== undefined ? { cluster } : {}),
        }),
      );
      for (const f of expected) {
        let content: string | undefined;
        try {
          content = readFileSync(join(dir, "out", f.path), "utf8");
        } catch {
          content = undefined;
        }
        if (content !== f.content)
          violations.push(
            violation(
              "partial-write",
              `render --out exited 0 but out/${f.path} is ${content === undefined ? "missing" : "different"}`,
            ),
          );
      }
    } else if (changes.added.length + changes.removed.length + changes.changed.length > 0) {
      violations.push(
        violation(
          "partial-write",
          `render --out failed (exit ${String(outcome.code)}) but changed: ${[...changes.added, ...changes.removed, ...changes.changed].slice(0, 8).join(", ")}`,
        ),
      );
    }
  }
  return violations;
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

export const configSurface: Surface = { name: "config", generate, check };
