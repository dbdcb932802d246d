/**
 * aws-auth ConfigMap manifests, as `eksgate lint aws-auth FILE|-` reads them. Both layers are
 * mutated: the manifest, and the YAML inside its mapRoles / mapUsers / mapAccounts values.
 *
 * Not generated here for now: a FIFO or a symlink to /dev/zero as the manifest. Reading
 * those hangs today (a known defect of the manifest reader, fixed with the reader's other
 * non-regular-file handling); add them to FILE_KINDS once that lands.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, parseDocument } from "yaml";
import { lintAwsAuth } from "../../../src/core/lint/aws-auth.js";
import type { CaseFile, FuzzCase } from "../cases.js";
import { mutate, unseeded } from "../mutate.js";
import {
  checkDiagnostics,
  checkProcess,
  parseJsonOutput,
  threw,
  type DiagnosticLike,
  type Violation,
} from "../properties.js";
import type { Rng } from "../rng.js";
import { repoTree, violation, type Mode, type Surface } from "../surface.js";

const SEEDS = [
  ...repoTree("test/fixtures/aws-auth").map(([, text]) => text),
  ...repoTree("test/fixtures/snapshot/org")
    .filter(([p]) => p.endsWith("aws-auth.yaml"))
    .map(([, text]) => text),
];

const KEYS = [
  "apiVersion",
  "kind",
  "metadata",
  "name",
  "namespace",
  "data",
  "mapRoles",
  "mapUsers",
  "mapAccounts",
  "rolearn",
  "userarn",
  "username",
  "groups",
  "sso",
  "permissionSetName",
  "accountID",
  "userid",
  "MapRoles",
  "RoleArn",
  "UserARN",
];

const VOCABULARY = [
  "aws-auth",
  "kube-system",
  "ConfigMap",
  "v1",
  "system:masters",
  "system:bootstrappers",
  "system:nodes",
  "system:node:{{EC2PrivateDNSName}}",
  "{{SessionName}}",
  "{{SessionNameRaw}}",
  "{{AccountID}}",
  "{{EC2PrivateDNSName}}",
  "{{AccessKeyID}}",
  "arn:aws:iam::111122223333:role/admins",
  "arn:aws:iam::111122223333:user/alice",
  "arn:aws:iam::111122223333:group/devs",
  "arn:aws:iam::12345:role/viewer",
  "arn:aws:iam::ACCOUNTID:role/x",
  "arn:aws:iam:us-east-1:111122223333:role/x",
  "arn:aws:sts::111122223333:assumed-role/dev/alice",
  "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef",
  "111122223333",
  '"111122223333"',
  "- 111122223333",
];

const DATA_KEYS = ["mapRoles", "mapUsers", "mapAccounts"];

/** Mutates the YAML held in one of the data values, leaving the manifest around it intact. */
function mutateInner(rng: Rng, seed: string): { text: string; steps: string[] } | undefined {
  const doc = parseDocument(seed, { logLevel: "silent" });
  const data = doc.get("data", true);
  if (!isMap(data)) return undefined;
  const values = data.items.filter(
    (p) => isScalar(p.key) && DATA_KEYS.includes(String(p.key.value)) && isScalar(p.value),
  );
  if (values.length === 0) return undefined;
  const pair = rng.pick(values);
  const value = pair.value;
  if (!isScalar(value)) return undefined;
  const inner = mutate(rng, String(value.value), {
    format: rng.chance(0.2) ? "json" : "yaml",
    keys: KEYS,
    vocabulary: VOCABULARY,
    maxBytes: 200_000,
  });
  value.value = inner.bytes.toString("utf8");
  return {
    text: doc.toString({ lineWidth: 0 }),
    steps: [
      `inner:${String(isScalar(pair.key) ? pair.key.value : "?")}`,
      ...inner.steps.map((s) => `inner:${s}`),
    ],
  };
}

function generate(rng: Rng, index: number, mode: Mode): FuzzCase {
  const seed = rng.pick(SEEDS);
  let bytes: Buffer;
  let steps: string[];
  const how = rng.int(0, 99);
  if (how < 45) {
    const inner = mutateInner(rng, seed);
    if (inner !== undefined && rng.chance(0.7)) {
      bytes = Buffer.from(inner.text, "utf8");
      steps = inner.steps;
    } else {
      const m = mutate(rng, inner?.text ?? seed, {
        format: "yaml",
        others: SEEDS,
        keys: KEYS,
        vocabulary: VOCABULARY,
      });
      bytes = m.bytes;
      steps = [...(inner?.steps ?? []), ...m.steps];
    }
  } else if (how < 95) {
    const m = mutate(rng, seed, { format: "yaml", others: SEEDS, keys: KEYS, vocabulary: VOCABULARY });
    bytes = m.bytes;
    steps = [...m.steps];
  } else {
    bytes = unseeded(rng);
    steps = ["unseeded"];
  }
  const json = rng.chance(0.8);
  const viaStdin = mode === "cli" && rng.chance(0.15);
  const files: CaseFile[] = [];
  let target = "aws-auth.yaml";
  if (!viaStdin) {
    const kind = rng.weighted([
      [40, "file"],
      [1, "dir"],
      [1, "missing"],
      [1, "symlink-null"],
    ] as const);
    if (kind === "file") files.push({ path: target, bytes });
    else if (kind === "dir") files.push({ path: target, kind: "dir" });
    else if (kind === "symlink-null") files.push({ path: target, kind: "symlink", target: "/dev/null" });
    else target = "no-such-file.yaml";
    if (kind !== "file") steps = [`file:${kind}`];
  }
  const argv = ["lint", "aws-auth", viaStdin ? "-" : target, ...(json ? ["--json"] : [])];
  return { surface: "aws-auth", index, steps, files, argv, ...(viaStdin ? { stdin: bytes } : {}) };
}

interface LintJson {
  readonly file?: unknown;
  readonly ok?: unknown;
  readonly findings?: unknown;
}

async function check(c: FuzzCase, dir: string, ctx: Parameters<Surface["check"]>[2]): Promise<Violation[]> {
  const violations: Violation[] = [];
  const file = c.argv[2] ?? "";
  if (ctx.mode === "in-process" && file !== "-") {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, file), "utf8");
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        violations.push(...checkDiagnostics(lintAwsAuth(text, file).diagnostics, "lintAwsAuth"));
      } catch (error) {
        violations.push(threw("lint", error));
      }
    }
  }
  const outcome = await ctx.run(c, dir);
  violations.push(...checkProcess(outcome, [0, 1]));
  if (c.argv.includes("--json") && outcome.code !== undefined && outcome.code <= 1) {
    const report = parseJsonOutput(outcome.stdout, violations) as LintJson | undefined;
    if (report !== undefined) {
      if (!Array.isArray(report.findings))
        violations.push(violation("json-shape", "lint --json has no findings list"));
      else {
        violations.push(...checkDiagnostics(report.findings as DiagnosticLike[], "lint --json"));
        const errors = (report.findings as DiagnosticLike[]).some((f) => f.severity === "error");
        if ((outcome.code === 1) !== errors)
          violations.push(
            violation(
              "exit-vs-findings",
              `exit ${String(outcome.code)} but ${errors ? "there are" : "there are no"} error findings`,
            ),
          );
        if (report.ok !== !errors)
          violations.push(
            violation(
              "ok-vs-findings",
              `ok is ${String(report.ok)} with${errors ? "" : "out"} error findings`,
            ),
          );
      }
    }
  }
  return violations;
}

export const awsAuthSurface: Surface = { name: "aws-auth", generate, check };
