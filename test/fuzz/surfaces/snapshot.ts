/**
 * Snapshot directories, as `--snapshot DIR` feeds explain, who-can, can-i and audit. A case
 * starts from test/fixtures/snapshot/org and mutates, drops or adds files, or puts special
 * files (a FIFO, a symlink to /dev/zero, a directory, a symlink loop) where files go.
 *
 * Excluded for now: IAM wildcard patterns with many `*`/`?` next to long strings. Matching
 * those backtracks exponentially today (a known defect of the IAM evaluator's wildcard
 * matching, which is being replaced by a linear matcher); see `redosShape`. Drop the
 * exclusion once that lands.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSnapshotDir } from "../../../src/adapters/fs/snapshot-dir.js";
import { parseSnapshot } from "../../../src/core/snapshot/index.js";
import type { CaseFile, FuzzCase } from "../cases.js";
import { mutate, unseeded } from "../mutate.js";
import { threw, checkDiagnostics, checkProcess, parseJsonOutput, type Violation } from "../properties.js";
import type { Rng } from "../rng.js";
import { repoTree, violation, type Mode, type Surface } from "../surface.js";

const FIXTURE = repoTree("test/fixtures/snapshot/org");
const ACCOUNT = "111122223333";
const PRINCIPALS = [
  `arn:aws:iam::${ACCOUNT}:user/alice`,
  `arn:aws:iam::${ACCOUNT}:user/bob`,
  `arn:aws:iam::${ACCOUNT}:user/carol`,
  `arn:aws:iam::${ACCOUNT}:role/eksgate-payments`,
  `arn:aws:iam::${ACCOUNT}:role/platform/eksgate-platform`,
  `arn:aws:sts::${ACCOUNT}:assumed-role/breakglass/me`,
  `arn:aws:iam::${ACCOUNT}:user/nobody`,
  `arn:aws:iam::${ACCOUNT}:root`,
  `arn:aws:iam::${ACCOUNT}:group/payments`,
  "arn:aws:iam::12345:user/x",
  "not-an-arn",
];
const VERBS = ["get", "list", "delete", "create", "*", "impersonate", "escalate", "bind", "GET", ""];
const RESOURCES = [
  "pods",
  "pods/log",
  "secrets",
  "deployments.apps",
  "deployments.apps/scale",
  "/healthz",
  "/metrics",
  "*",
  "nodes",
  "serviceaccounts",
  "a/b/c",
  ".",
  "/",
];

const KEYS = [
  "UserDetailList",
  "GroupDetailList",
  "RoleDetailList",
  "Policies",
  "Arn",
  "UserName",
  "GroupList",
  "AttachedManagedPolicies",
  "UserPolicyList",
  "GroupPolicyList",
  "RolePolicyList",
  "PolicyDocument",
  "AssumeRolePolicyDocument",
  "Statement",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "Condition",
  "PolicyVersionList",
  "IsDefaultVersion",
  "Document",
  "cluster",
  "accessConfig",
  "authenticationMode",
  "arn",
  "accessEntries",
  "principalArn",
  "kubernetesGroups",
  "associatedAccessPolicies",
  "accessScope",
  "type",
  "namespaces",
  "username",
  "items",
  "kind",
  "apiVersion",
  "metadata",
  "name",
  "namespace",
  "rules",
  "apiGroups",
  "resources",
  "verbs",
  "resourceNames",
  "nonResourceURLs",
  "roleRef",
  "subjects",
  "aggregationRule",
  "clusterRoleSelectors",
  "matchLabels",
  "labels",
];

const VOCABULARY = [
  ...PRINCIPALS,
  "Allow",
  "Deny",
  "sts:AssumeRole",
  "eks:DescribeCluster",
  "*",
  "arn:aws:iam::*:role/*",
  "${aws:username}",
  "${aws:PrincipalTag/team}",
  "StringEquals",
  "StringNotEquals",
  "StringLike",
  "ArnLike",
  "Bool",
  "aws:MultiFactorAuthPresent",
  "API",
  "CONFIG_MAP",
  "API_AND_CONFIG_MAP",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Group",
  "User",
  "ServiceAccount",
  "system:masters",
  "system:authenticated",
  "cluster-admin",
  "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  "namespace",
  "cluster",
];

const CLUSTER_NAMES = [
  "prod",
  "staging",
  "new",
  "..",
  ".",
  " ",
  "a b",
  "ünï",
  "x".repeat(250),
  "-rf",
  "$(id)",
];

/** True when the IAM files hold the wildcard-backtracking shape excluded above. */
export function redosShape(files: readonly CaseFile[], argv: readonly string[]): boolean {
  let manyWildcards = false;
  let longString = argv.some((a) => a.length > 500);
  for (const f of files) {
    if (f.bytes === undefined || !f.path.includes("/iam/")) continue;
    const text = f.bytes.toString("utf8");
    for (const m of text.matchAll(/"((?:[^"\\\n]|\\.){0,20000})"/g)) {
      const s = m[1] ?? "";
      const wild = (s.match(/[*?]/g) ?? []).length;
      if (wild >= 4) return true;
      if (wild >= 2) manyWildcards = true;
      if (s.length > 500) longString = true;
    }
    if (/[^"\s][^"\n]{2000,}/.test(text)) longString = true;
  }
  return manyWildcards && longString;
}

function specialFile(rng: Rng, path: string): CaseFile {
  return rng.pick<CaseFile>([
    { path, kind: "fifo" },
    { path, kind: "dir" },
    { path, kind: "symlink", target: "/dev/zero" },
    { path, kind: "symlink", target: "/dev/null" },
    { path, kind: "symlink", target: "$CASE/snap" },
    { path, kind: "symlink", target: "does-not-exist" },
    { path, bytes: Buffer.alloc(0) },
  ]);
}

function mutatedFiles(rng: Rng): { files: CaseFile[]; steps: string[] } {
  const files = new Map<string, CaseFile>(
    FIXTURE.map(([p, text]) => [p, { path: `snap/${p}`, bytes: Buffer.from(text) }]),
  );
  const steps: string[] = [];
  const rounds = rng.int(1, 3);
  for (let r = 0; r < rounds; r++) {
    const paths = [...files.keys()];
    const what = rng.int(0, 99);
    if (what < 70 && paths.length > 0) {
      const p = rng.pick(paths);
      const original = files.get(p)?.bytes?.toString("utf8") ?? "{}";
      const m = mutate(rng, original, {
        format: p.endsWith(".json") ? "json" : "yaml",
        keys: KEYS,
        vocabulary: VOCABULARY,
        maxBytes: 400_000,
      });
      files.set(p, { path: `snap/${p}`, bytes: m.bytes });
      steps.push(`${p}: ${m.steps.join(", ")}`);
    } else if (what < 78 && paths.length > 0) {
      const p = rng.pick(paths);
      files.delete(p);
      steps.push(`${p}: deleted`);
    } else if (what < 86) {
      const cluster = rng.pick(CLUSTER_NAMES);
      const name = rng.pick([
        "rbac/extra.yaml",
        "rbac-2.json",
        "namespaces.yml",
        "notes.yaml",
        "cluster.json",
        "aws-auth.yaml",
        "access-entries.json",
        "rbac.yaml",
      ]);
      const p = `clusters/${cluster}/${name}`;
      const source = rng.pick(FIXTURE);
      const m = rng.chance(0.8)
        ? mutate(rng, source[1], {
            format: name.endsWith(".json") ? "json" : "yaml",
            keys: KEYS,
            vocabulary: VOCABULARY,
            maxBytes: 400_000,
          })
        : { bytes: unseeded(rng), steps: ["unseeded"] };
      files.set(p, { path: `snap/${p}`, bytes: m.bytes });
      steps.push(`${p}: added (${m.steps.join(", ")})`);
    } else if (what < 94) {
      const p =
        rng.chance(0.7) && paths.length > 0
          ? rng.pick(paths)
          : rng.pick([
              "clusters/prod/rbac/loop.yaml",
              "iam/account-authorization-details-2.json",
              "clusters/odd/rbac.yaml",
            ]);
      const special = specialFile(rng, `snap/${p}`);
      files.set(p, special);
      steps.push(
        `${p}: ${special.kind ?? "empty file"}${special.target !== undefined ? ` -> ${special.target}` : ""}`,
      );
    } else {
      const p = rng.chance(0.5) ? "iam/account-authorization-details-2.json" : "iam/scps.json";
      const source = files.get("iam/account-authorization-details.json")?.bytes?.toString("utf8") ?? "{}";
      const m = mutate(rng, source, {
        format: "json",
        keys: [...KEYS, "serviceControlPolicies", "AccountId", "Levels", "Target", "Name"],
        vocabulary: VOCABULARY,
        maxBytes: 400_000,
      });
      files.set(p, { path: `snap/${p}`, bytes: m.bytes });
      steps.push(`${p}: ${m.steps.join(", ")}`);
    }
  }
  return { files: [...files.values()], steps };
}

function command(rng: Rng): string[] {
  const cluster = rng.chance(0.3) ? ["--cluster", rng.pick(["prod", "staging", "nosuch"])] : [];
  const output = rng.pick([[], ["--json"], ["-o", "json"], ["-o", "mermaid"], ["-o", "dot"], ["-o", "text"]]);
  switch (rng.int(0, 3)) {
    case 0:
      return [
        "explain",
        rng.pick(PRINCIPALS),
        "--snapshot",
        "snap",
        ...cluster,
        ...output,
        ...(rng.chance(0.2) ? ["--session-name", rng.pick(["me", "", "x".repeat(70)])] : []),
      ];
    case 1:
      return [
        "who-can",
        rng.pick(VERBS),
        rng.pick(RESOURCES),
        "--snapshot",
        "snap",
        ...cluster,
        ...output,
        ...(rng.chance(0.4) ? ["-n", rng.pick(["payments", "kube-system", "", "*"])] : []),
        ...(rng.chance(0.2) ? ["--detail"] : []),
        ...(rng.chance(0.1) ? ["--no-impersonation"] : []),
      ];
    case 2:
      return [
        "can-i",
        rng.pick(PRINCIPALS),
        rng.pick(VERBS),
        rng.pick(RESOURCES),
        "--snapshot",
        "snap",
        ...cluster,
        ...output,
        ...(rng.chance(0.4) ? ["-n", rng.pick(["payments", "default"])] : []),
        ...(rng.chance(0.2) ? ["--name", rng.pick(["x", "aws-credentials"])] : []),
      ];
    default:
      return [
        "audit",
        "--snapshot",
        "snap",
        ...cluster,
        ...(rng.chance(0.5) ? ["--json"] : []),
        ...(rng.chance(0.3) ? ["--html", rng.pick(["report.html", "snap", "no-such-dir/report.html"])] : []),
      ];
  }
}

function generate(rng: Rng, index: number, _mode: Mode): FuzzCase {
  for (let attempt = 0; ; attempt++) {
    const { files, steps } = mutatedFiles(rng);
    const argv = command(rng);
    if (!redosShape(files, argv) || attempt > 20) return { surface: "snapshot", index, steps, files, argv };
  }
}

async function check(c: FuzzCase, dir: string, ctx: Parameters<Surface["check"]>[2]): Promise<Violation[]> {
  const violations: Violation[] = [];
  if (ctx.mode === "in-process") {
    try {
      const read = await readSnapshotDir(join(dir, "snap"));
      violations.push(...checkDiagnostics(read.diagnostics, "readSnapshotDir"));
      if (read.ok)
        violations.push(...checkDiagnostics(parseSnapshot(read.value).diagnostics, "parseSnapshot"));
    } catch (error) {
      violations.push(threw("snapshot", error));
    }
  }
  const outcome = await ctx.run(c, dir);
  violations.push(...checkProcess(outcome, [0, 1]));
  const json = c.argv.includes("--json") || c.argv.join(" ").includes("-o json");
  if (json && outcome.code !== undefined && outcome.code <= 1 && outcome.stdout.trim() !== "")
    parseJsonOutput(outcome.stdout, violations);
  if (outcome.code === 1 && outcome.stdout.trim() === "" && outcome.stderr.trim() === "") {
    violations.push(violation("silent-failure", "exit 1 with nothing on stdout or stderr"));
  }
  const html = c.argv.indexOf("--html");
  if (html >= 0 && c.argv[html + 1] === "report.html") {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, "report.html"), "utf8");
    } catch {
      text = undefined;
    }
    if (text !== undefined && !text.trimEnd().endsWith("</html>"))
      violations.push(violation("partial-write", "report.html is not a complete HTML document"));
  }
  return violations;
}

export const snapshotSurface: Surface = { name: "snapshot", generate, check };
