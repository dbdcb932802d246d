/**
 * The token cache, as `eksgate token` reads it from $XDG_CACHE_HOME/eksgate: valid entries
 * (a cached token, cached role credentials) are mutated, replaced by special files, made
 * readable by others, or the directory itself is. Credentials are dummies and STS is a
 * closed port: a cache hit prints a token, a miss that needs STS fails with one line.
 * Whatever the cache holds, the plugin must answer (exit 0 or 1, never a hang), and every
 * cache file it leaves must be a complete entry.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { keyDigest } from "../../../src/token/cache.js";
import { callerCacheKey } from "../../../src/token/credentials.js";
import type { CaseFile, FuzzCase } from "../cases.js";
import { mutate, unseeded } from "../mutate.js";
import { checkProcess, type Violation } from "../properties.js";
import type { Rng } from "../rng.js";
import { sandboxEnv } from "../run-cli.js";
import { violation, type Mode, type Surface } from "../surface.js";

const CLUSTER = "fuzz";
const REGION = "us-east-1";
const ROLE = "arn:aws:iam::123456789012:role/eksgate-fuzz";
const SESSION = "fuzzer";
const CACHE = "cache/eksgate";
/** Far from any clock this runs under, so that the entries are valid whenever the case runs. */
const ISSUED = 1_700_000_000_000;
const EXPIRES = 4_102_444_800_000;

const caller = callerCacheKey(undefined, sandboxEnv("/nowhere"));

interface Entry {
  readonly kind: "token" | "role" | "identity";
  readonly key: string;
  readonly value: Record<string, unknown>;
}

/** The entries the plugin writes, with the keys it computes (plugin.ts keyOf: JSON of the parts). */
function entries(role: boolean, session: boolean): Entry[] {
  const token: Entry = {
    kind: "token",
    key: JSON.stringify({
      cluster: CLUSTER,
      region: REGION,
      ...(role ? { role: ROLE } : {}),
      ...(session ? { session: SESSION } : {}),
      caller,
    }),
    value: { token: "k8s-aws-v1.aHR0cHM6Ly9zdHMuZnV6ego", issuedAt: ISSUED, expiresAt: EXPIRES },
  };
  const roleEntry: Entry = {
    kind: "role",
    key: JSON.stringify({ role: ROLE, region: REGION, ...(session ? { session: SESSION } : {}), caller }),
    value: {
      accessKeyId: "ASIAFUZZROLE",
      secretAccessKey: "role-secret",
      sessionToken: "role-session-token",
      expiration: EXPIRES,
    },
  };
  const identity: Entry = {
    kind: "identity",
    key: JSON.stringify({ caller }),
    value: { arn: "arn:aws:iam::123456789012:user/fuzzer", sessionName: SESSION, fetchedAt: ISSUED },
  };
  return role ? [token, roleEntry, identity] : [token];
}

export function entryFileName(kind: Entry["kind"], key: string): string {
  return `${kind}-${keyDigest(key)}.json`;
}

function entryText(e: Entry): string {
  return JSON.stringify({ v: 1, kind: e.kind, key: e.key, ...e.value });
}

function mutateEntry(rng: Rng, e: Entry): { file: CaseFile; steps: string[] } {
  const path = `${CACHE}/${entryFileName(e.kind, e.key)}`;
  const how = rng.weighted([
    [20, "content"],
    [3, "mode"],
    [2, "fifo"],
    [2, "dir"],
    [1, "dev-zero"],
    [1, "link"],
    [2, "big"],
    [2, "unseeded"],
    [2, "empty"],
  ] as const);
  switch (how) {
    case "content": {
      const m = mutate(rng, entryText(e), {
        format: "json",
        keys: ["v", "kind", "key", ...Object.keys(e.value)],
        vocabulary: [e.key, "token", "role", "identity", "k8s-aws-v1.", String(EXPIRES)],
        maxBytes: 100_000,
      });
      return { file: { path, bytes: m.bytes, mode: 0o600 }, steps: [`${e.kind}: ${m.steps.join(", ")}`] };
    }
    case "mode":
      return {
        file: { path, bytes: Buffer.from(entryText(e)), mode: rng.pick([0o644, 0o604, 0o660, 0o000, 0o700]) },
        steps: [`${e.kind}: mode`],
      };
    case "fifo":
      return { file: { path, kind: "fifo", mode: 0o600 }, steps: [`${e.kind}: fifo`] };
    case "dir":
      return { file: { path, kind: "dir", mode: 0o700 }, steps: [`${e.kind}: directory`] };
    case "dev-zero":
      return {
        file: { path, kind: "symlink", target: "/dev/zero" },
        steps: [`${e.kind}: symlink to /dev/zero`],
      };
    case "link":
      return {
        file: { path, kind: "symlink", target: `$CASE/${CACHE}/../elsewhere.json` },
        steps: [`${e.kind}: symlink`],
      };
    case "big":
      return {
        file: {
          path,
          bytes: Buffer.from(entryText(e).replace("}", `,"pad":"${"x".repeat(70_000)}"}`)),
          mode: 0o600,
        },
        steps: [`${e.kind}: over 64 KiB`],
      };
    case "unseeded":
      return { file: { path, bytes: unseeded(rng), mode: 0o600 }, steps: [`${e.kind}: unseeded`] };
    case "empty":
      return { file: { path, bytes: Buffer.alloc(0), mode: 0o600 }, steps: [`${e.kind}: empty`] };
  }
}

const TOKEN_FLAGS = [
  "--cluster-name",
  "--region",
  "--role-arn",
  "--session-name",
  "--profile",
  "--group",
  "--output",
  "--no-cache",
  "--drop-cache",
  "--clear-cache",
  "--help",
  "-h",
  "--bogus",
  "--cluster-name=",
  "--region=eu-west-1",
  "--no-cache=1",
  "-",
  "--",
  "x",
];

function argvFor(rng: Rng, role: boolean, session: boolean): string[] {
  const argv = ["token", "--cluster-name", CLUSTER, "--region", REGION];
  if (role) argv.push("--role-arn", ROLE);
  if (session) argv.push("--session-name", SESSION);
  if (rng.chance(0.1)) argv.push("--no-cache");
  if (rng.chance(0.05)) argv.push("--drop-cache");
  if (rng.chance(0.1)) argv.push("--group", rng.pick(["devs", "", "a b"]));
  if (rng.chance(0.12)) {
    // Argument mistakes: drop, repeat or add a flag.
    const i = rng.int(1, argv.length);
    switch (rng.int(0, 2)) {
      case 0:
        argv.splice(i, 1);
        break;
      case 1:
        argv.splice(i, 0, argv[i - 1] ?? "--region");
        break;
      default:
        argv.splice(i, 0, rng.pick(TOKEN_FLAGS));
    }
  }
  return argv;
}

function generate(rng: Rng, index: number, _mode: Mode): FuzzCase {
  const role = rng.chance(0.6);
  const session = role && rng.chance(0.5);
  const all = entries(role, session);
  const files: CaseFile[] = [{ path: CACHE, kind: "dir", mode: 0o700 }];
  const steps: string[] = [];
  const dirState = rng.weighted([
    [20, "ok"],
    [1, "open"],
    [1, "file"],
    [1, "link"],
    [1, "missing"],
  ] as const);
  if (dirState === "file") {
    files.splice(0, 1, { path: CACHE, bytes: Buffer.from("not a directory") });
    steps.push("cache dir is a file");
  } else if (dirState === "link") {
    files.splice(
      0,
      1,
      { path: "elsewhere", kind: "dir", mode: 0o700 },
      { path: CACHE, kind: "symlink", target: "$CASE/elsewhere" },
    );
    steps.push("cache dir is a symlink");
  } else if (dirState === "missing") {
    files.splice(0, 1);
    steps.push("no cache dir");
  } else {
    if (dirState === "open") {
      files.splice(0, 1, { path: CACHE, kind: "dir", mode: 0o755 });
      steps.push("cache dir readable by others");
    }
    const mutated = new Set<number>();
    for (let i = rng.int(1, all.length); i > 0; i--) mutated.add(rng.int(0, all.length - 1));
    all.forEach((e, i) => {
      if (mutated.has(i)) {
        const m = mutateEntry(rng, e);
        files.push(m.file);
        steps.push(...m.steps);
      } else if (rng.chance(0.8)) {
        files.push({
          path: `${CACHE}/${entryFileName(e.kind, e.key)}`,
          bytes: Buffer.from(entryText(e)),
          mode: 0o600,
        });
      }
    });
    if (rng.chance(0.1))
      files.push({ path: `${CACHE}/.tmp-1-leftover`, bytes: Buffer.from('{"v":1,'), mode: 0o600 });
  }
  return {
    surface: "token",
    index,
    steps,
    files,
    argv: argvFor(rng, role, session),
    env: {
      XDG_CACHE_HOME: "$CASE/cache",
      ...(rng.chance(0.1)
        ? {
            KUBERNETES_EXEC_INFO: rng.pick([
              '{"apiVersion":"client.authentication.k8s.io/v1"}',
              "{",
              '{"apiVersion":"v9"}',
              "",
            ]),
          }
        : {}),
    },
  };
}

/** Cache files and what they hold, after `lstat` (special files are listed, not read). */
function cacheState(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const root = join(dir, CACHE);
  let names: string[];
  try {
    if (!lstatSync(root).isDirectory()) return out;
    names = readdirSync(root);
  } catch {
    return out;
  }
  for (const name of names) {
    const st = lstatSync(join(root, name));
    out.set(
      name,
      st.isFile()
        ? `file ${(st.mode & 0o777).toString(8)} ${readFileSync(join(root, name), "utf8")}`
        : "special",
    );
  }
  return out;
}

async function check(c: FuzzCase, dir: string, ctx: Parameters<Surface["check"]>[2]): Promise<Violation[]> {
  const violations: Violation[] = [];
  const before = cacheState(dir);
  const outcome = await ctx.run(c, dir);
  violations.push(...checkProcess(outcome, [0, 1]));
  if (
    outcome.code === 0 &&
    !c.argv.includes("--help") &&
    !c.argv.includes("-h") &&
    !outcome.stdout.startsWith("removed ")
  ) {
    try {
      const credential = JSON.parse(outcome.stdout) as { status?: { token?: unknown } };
      if (typeof credential.status?.token !== "string" || !credential.status.token.startsWith("k8s-aws-v1."))
        violations.push(
          violation(
            "bad-exec-credential",
            `stdout is not an ExecCredential with a token: ${outcome.stdout.slice(0, 200)}`,
          ),
        );
    } catch {
      violations.push(
        violation("bad-exec-credential", `stdout is not JSON: ${outcome.stdout.slice(0, 200)}`),
      );
    }
  }
  if (outcome.code === 1) {
    const lines = outcome.stderr.trimEnd().split("\n");
    if (lines.length !== 1 || !lines[0]?.startsWith("eksgate token: "))
      violations.push(
        violation(
          "token-error-format",
          `stderr is not one "eksgate token: ..." line: ${outcome.stderr.slice(0, 300)}`,
        ),
      );
    if (outcome.stderr.includes("unexpected error"))
      violations.push(violation(`token-unexpected-error:${outcome.stderr.slice(15, 70)}`, outcome.stderr));
    if (outcome.stdout !== "")
      violations.push(violation("token-stdout-on-error", "stdout is not empty after an error"));
  }
  for (const [name, state] of cacheState(dir)) {
    if (before.get(name) === state) continue;
    if (name.startsWith(".tmp-")) {
      violations.push(violation("leftover-temporary", `the run left ${name} in the cache`));
      continue;
    }
    if (!state.startsWith("file 600 ")) {
      violations.push(violation("cache-file-not-private", `${name} was written as ${state.slice(0, 12)}`));
      continue;
    }
    const content = state.slice("file 600 ".length);
    if (name.startsWith("token")) {
      // The token file's six lines (src/token/token-file.ts): complete when it ends in `end`.
      const lines = content.split("\n");
      if (lines.length !== 7 || lines[0] !== "eksgate-token 1" || lines[5] !== "end" || lines[6] !== "")
        violations.push(violation("partial-write", `${name} is not a complete token file`));
      continue;
    }
    try {
      const entry = JSON.parse(content) as { v?: unknown };
      if (entry.v !== 1) violations.push(violation("partial-write", `${name} is not a complete cache entry`));
    } catch {
      violations.push(violation("partial-write", `${name} is not valid JSON after the run`));
    }
  }
  return violations;
}

export const tokenSurface: Surface = { name: "token", generate, check };
