// bin/eksgate-token, the shell script kubeconfigs run: on a cache hit it answers without
// Node, byte for byte what the Node plugin answers; for anything it cannot vouch for
// (ownership, modes, symlinks, age, key, a damaged file, unusual arguments, missing tools)
// it runs the Node plugin, and the answer is the Node plugin's. Each case runs under dash
// and bash, through the bin link `npm install -g` makes, against the built dist/.
//
// A `node` first on PATH records every start, so a test can tell "served by the shell"
// from "handed to Node". The refusal cases ask for a role whose STS endpoint is a closed
// port: a Node plugin that does not use the planted token fails with one fixed message,
// so each answer is deterministic and any token in it can only come from the cache.
import { execFile } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "../env/kube.js";
import {
  fastTokenFileName,
  formatTokenFile,
  tokenKey,
  type TokenKeyParts,
} from "../../src/token/token-file.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI_JS = join(ROOT, "dist", "cli.js");
const SHELLS = ["dash", "bash"] as const;
const IS_ROOT = process.getuid?.() === 0;
const OTHER_UID = 65534;

// What kubectl puts in the environment, with the newline Go's JSON encoder ends it with.
const EXEC_INFO_V1 =
  '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}\n';
const ROLE = "arn:aws:iam::111122223333:role/teams/eksgate-payments";
const KEY_ID = "AKIASHIMTESTSHIMTEST";
const ARGS = [
  "--cluster-name",
  "prod",
  "--region",
  "eu-west-1",
  "--role-arn",
  ROLE,
  "--group",
  "payments-devs",
];
const PARTS: TokenKeyParts = {
  cluster: "prod",
  region: "eu-west-1",
  role: ROLE,
  caller: `key:${KEY_ID}`,
};
const PLANTED = `k8s-aws-v1.${Buffer.from("https://sts.eu-west-1.amazonaws.com/?planted").toString("base64url")}`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd = work): Promise<Run> {
  return new Promise((done) => {
    const options = { env, encoding: "utf8" as const, timeout: 60_000, cwd };
    execFile(command, [...args], options, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

let work: string;
let prefixBin: string;
let nodeBin: string;
let nodeLog: string;
let closedSts: string;
let caseCount = 0;
/** When set, the moment every case is set up at (both halves of a comparison write the same times). */
let caseClock: number | undefined;

beforeAll(async () => {
  if (!existsSync(CLI_JS)) throw new Error("dist/ is missing: run npm run build first");
  work = mkdtempSync(join(tmpdir(), "eksgate-token-shim-"));
  // The layout of a global install (and of `npm link`): PREFIX/bin/eksgate-token is a
  // relative link into PREFIX/lib/node_modules/eksgate, itself a link to this checkout.
  const prefix = join(work, "prefix");
  const installed = await run(
    "npm",
    ["install", "-g", "--prefix", prefix, ROOT, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    { PATH: process.env["PATH"], HOME: work, npm_config_cache: join(process.env["HOME"] ?? work, ".npm") },
  );
  if (installed.code !== 0) throw new Error(`npm install -g failed:\n${installed.stderr}`);
  prefixBin = join(prefix, "bin");
  nodeBin = join(work, "node-bin");
  nodeLog = join(work, "node-starts.log");
  mkdirSync(nodeBin);
  writeFileSync(
    join(nodeBin, "node"),
    `#!/bin/sh\necho "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`,
    { mode: 0o755 },
  );
  const [port] = await freePorts(1);
  closedSts = `http://127.0.0.1:${port ?? 1}`;
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function nodeStarts(): number {
  return existsSync(nodeLog) ? readFileSync(nodeLog, "utf8").split("\n").length - 1 : 0;
}

interface Case {
  readonly home: string;
  readonly dir: string;
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Issue and expiry times as offsets from the moment a case is set up. */
interface Times {
  readonly issuedIn?: number;
  readonly expiresIn?: number;
}

/** A fresh HOME whose cache holds a valid token file for PARTS (unless told otherwise). */
function newCase(times: Times = {}, parts: TokenKeyParts = PARTS): Case {
  const home = join(work, `case-${++caseCount}`);
  const dir = join(home, ".cache", "eksgate");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dir, fastTokenFileName(PARTS) ?? "");
  const now = caseClock ?? Date.now();
  writeFileSync(
    file,
    formatTokenFile(tokenKey(parts), {
      token: PLANTED,
      issuedAt: now + (times.issuedIn ?? -60_000),
      expiresAt: now + (times.expiresIn ?? 10 * 60_000),
    }),
    { mode: 0o600 },
  );
  const env: NodeJS.ProcessEnv = {
    PATH: `${nodeBin}:${process.env["PATH"] ?? ""}`,
    HOME: home,
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_CONFIG_FILE: join(home, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_STS: closedSts,
    KUBERNETES_EXEC_INFO: EXEC_INFO_V1,
  };
  return { home, dir, file, env };
}

/** The shell's own path: some cases run with a PATH that does not lead to it. */
function shellPath(shell: string): string {
  const found = (process.env["PATH"] ?? "")
    .split(":")
    .map((dir) => join(dir, shell))
    .find((file) => existsSync(file));
  if (found === undefined)
    throw new Error(`${shell} is not installed: the shim is tested under dash and bash`);
  return found;
}

function shim(shell: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return run(shellPath(shell), [join(prefixBin, "eksgate-token"), ...args], env);
}

function nodePlugin(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return run(process.execPath, [CLI_JS, "token", ...args], env);
}

/**
 * Sets up the same case twice (the Node plugin may rewrite the cache), with the same times,
 * runs the shim on one and `eksgate token` on the other, and returns both with whether the
 * shim started Node.
 */
async function compare(
  shell: string,
  setup: () => Case,
  args: readonly string[] = ARGS,
): Promise<{ shim: Run; node: Run; handedToNode: boolean }> {
  caseClock = Date.now();
  const forShim = setup();
  const forNode = setup();
  caseClock = undefined;
  const before = nodeStarts();
  const shimRun = await shim(shell, args, forShim.env);
  const handedToNode = nodeStarts() > before;
  const nodeRun = await nodePlugin(args, forNode.env);
  // The two cases live in different directories, which messages may name.
  const same = (text: string): string => text.replaceAll(forShim.home, forNode.home);
  return {
    shim: { code: shimRun.code, stdout: same(shimRun.stdout), stderr: same(shimRun.stderr) },
    node: nodeRun,
    handedToNode,
  };
}

function withFile(change: (c: Case) => void, times?: Times, parts?: TokenKeyParts) {
  return (): Case => {
    const c = newCase(times, parts);
    change(c);
    return c;
  };
}

function rewrite(c: Case, edit: (text: string) => string): void {
  writeFileSync(c.file, edit(readFileSync(c.file, "utf8")), { mode: 0o600 });
}

describe("eksgate-token, cache hits", () => {
  for (const shell of [...SHELLS, "bash --posix"]) {
    const [command = "", ...flags] = shell.split(" ");
    const sh = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> =>
      run(shellPath(command), [...flags, join(prefixBin, "eksgate-token"), ...args], env);

    it(`${shell}: answers from the cache without starting Node, byte for byte what eksgate token answers`, async () => {
      const c = newCase();
      const before = nodeStarts();
      const fast = await sh(ARGS, c.env);
      expect(nodeStarts()).toBe(before);
      const node = await nodePlugin(ARGS, c.env);
      expect(fast).toEqual(node);
      expect(fast.code).toBe(0);
      expect(fast.stderr).toBe("");
      const credential = JSON.parse(fast.stdout) as { apiVersion: string; status: { token: string } };
      expect(credential.apiVersion).toBe("client.authentication.k8s.io/v1");
      expect(credential.status.token).toBe(PLANTED);
    });
  }

  const hits: { name: string; args: readonly string[]; env?: NodeJS.ProcessEnv; parts?: TokenKeyParts }[] = [
    { name: "v1beta1 when kubectl asks nothing", args: ARGS, env: { KUBERNETES_EXEC_INFO: "" } },
    { name: "v1beta1 for a lone newline", args: ARGS, env: { KUBERNETES_EXEC_INFO: "\n" } },
    {
      name: "KUBERNETES_EXEC_INFO without its final newline",
      args: ARGS,
      env: { KUBERNETES_EXEC_INFO: EXEC_INFO_V1.trimEnd() },
    },
    {
      name: "interactive v1beta1",
      args: ARGS,
      env: {
        KUBERNETES_EXEC_INFO:
          '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":true}}',
      },
    },
    {
      name: "--flag=value forms, --output json, flags in another order",
      args: [
        "--output",
        "json",
        `--role-arn=${ROLE}`,
        "--region=eu-west-1",
        "--group=devs",
        "--cluster-name=prod",
      ],
    },
    {
      name: "the region from AWS_REGION",
      args: ARGS.filter((a) => a !== "--region" && a !== "eu-west-1"),
      env: { AWS_REGION: "eu-west-1" },
    },
    {
      name: "the region from AWS_DEFAULT_REGION",
      args: ARGS.filter((a) => a !== "--region" && a !== "eu-west-1"),
      env: { AWS_REGION: "", AWS_DEFAULT_REGION: "eu-west-1" },
    },
    {
      name: "a session name",
      args: [...ARGS, "--session-name", "alice@example.com"],
      parts: { ...PARTS, session: "alice@example.com" },
    },
    {
      name: "a profile's caller (AWS_PROFILE, keys in the environment ignored)",
      args: ARGS,
      env: { AWS_PROFILE: "dev" },
      parts: { ...PARTS, caller: "profile:dev|CONFIG|CREDENTIALS" },
    },
    {
      name: "the default profile when the environment has no secret key",
      args: ARGS,
      env: { AWS_SECRET_ACCESS_KEY: "" },
      parts: { ...PARTS, caller: "profile:default|CONFIG|CREDENTIALS" },
    },
  ];
  for (const hit of hits) {
    for (const shell of SHELLS) {
      it(`${shell}: ${hit.name}`, async () => {
        const probe = newCase();
        const resolveParts = (p: TokenKeyParts): TokenKeyParts => ({
          ...p,
          caller: p.caller
            .replace("CONFIG", probe.env["AWS_CONFIG_FILE"] ?? "")
            .replace("CREDENTIALS", probe.env["AWS_SHARED_CREDENTIALS_FILE"] ?? ""),
        });
        const setup = (): Case => {
          const parts = resolveParts(hit.parts ?? PARTS);
          const c = newCase({}, parts);
          // newCase names the file after PARTS; this key has its own name.
          const named = join(c.dir, fastTokenFileName(parts) ?? "");
          if (named !== c.file) renameSync(c.file, named);
          // Same HOME-relative paths as the probe, so the caller key is the same.
          return {
            ...c,
            file: named,
            env: {
              ...c.env,
              AWS_CONFIG_FILE: probe.env["AWS_CONFIG_FILE"],
              AWS_SHARED_CREDENTIALS_FILE: probe.env["AWS_SHARED_CREDENTIALS_FILE"],
              ...hit.env,
            },
          };
        };
        const { shim: fast, node, handedToNode } = await compare(shell, setup, hit.args);
        expect(handedToNode).toBe(false);
        expect(fast).toEqual(node);
        expect(fast.code).toBe(0);
        expect(fast.stdout).toContain(PLANTED);
      });
    }
  }
});

describe("eksgate-token, everything else goes to the Node plugin with the same answer", () => {
  const refusals: { name: string; setup: () => Case; args?: readonly string[]; nodeServes?: boolean }[] = [
    {
      name: "no cached file",
      setup: withFile((c) => {
        rmSync(c.file);
      }),
    },
    ...(IS_ROOT
      ? [
          {
            name: "a file owned by another user",
            setup: withFile((c) => {
              chownSync(c.file, OTHER_UID, OTHER_UID);
            }),
          },
          {
            name: "a directory owned by another user",
            setup: withFile((c) => {
              chownSync(c.dir, OTHER_UID, OTHER_UID);
            }),
          },
        ]
      : []),
    // 0400 and 0500 are private, but not what the writer makes: the shell leaves them to
    // Node, which accepts them.
    ...(
      [
        ["file", 0o644, "others can read"],
        ["file", 0o640, "the group can read"],
        ["file", 0o620, "the group can write"],
        ["file", 0o400, "read-only"],
        ["directory", 0o755, "others can enter"],
        ["directory", 0o710, "the group can enter"],
        ["directory", 0o500, "read-only"],
      ] as const
    ).map(([what, mode, meaning]) => ({
      name: `a ${what} of mode ${mode.toString(8)} (${meaning})`,
      setup: withFile((c) => {
        chmodSync(what === "file" ? c.file : c.dir, mode);
      }),
      nodeServes: (mode & 0o077) === 0,
    })),
    {
      name: "a symlink in place of the file (to a valid file)",
      setup: withFile((c) => {
        const elsewhere = join(c.home, "planted");
        renameSync(c.file, elsewhere);
        symlinkSync(elsewhere, c.file);
      }),
    },
    {
      name: "a symlink in place of the directory (to a valid one)",
      setup: withFile((c) => {
        const elsewhere = join(c.home, "elsewhere");
        renameSync(c.dir, elsewhere);
        symlinkSync(elsewhere, c.dir);
      }),
    },
    {
      name: "a directory in place of the file",
      setup: withFile((c) => {
        rmSync(c.file);
        mkdirSync(c.file);
      }),
    },
    { name: "an expired token", setup: withFile(() => undefined, { expiresIn: -1_000 }) },
    { name: "a token with 30 s left", setup: withFile(() => undefined, { expiresIn: 30_000 }) },
    {
      name: "a token issued 10 minutes in the future (the clock moved back)",
      setup: withFile(() => undefined, { issuedIn: 10 * 60_000 }),
    },
    {
      name: "the key of another caller inside",
      setup: withFile(() => undefined, {}, { ...PARTS, caller: "key:AKIAOTHEROTHEROTHER1" }),
    },
    {
      name: "the key of another cluster inside",
      setup: withFile(() => undefined, {}, { ...PARTS, cluster: "staging" }),
    },
    {
      name: "the key without its role",
      setup: withFile(
        () => undefined,
        {},
        { cluster: PARTS.cluster, region: PARTS.region, caller: PARTS.caller },
      ),
    },
    {
      name: "garbage",
      setup: withFile((c) => {
        writeFileSync(c.file, "not a token file\n");
      }),
    },
    {
      name: "an empty file",
      setup: withFile((c) => {
        writeFileSync(c.file, "");
      }),
    },
    ...[1, 2, 3, 4, 5].map((lines) => ({
      name: `a file cut after ${lines} line(s)`,
      setup: withFile((c) => {
        rewrite(c, (t) => `${t.split("\n").slice(0, lines).join("\n")}\n`);
      }),
    })),
    {
      name: "a file cut in the token",
      setup: withFile((c) => {
        rewrite(c, (t) => t.slice(0, t.indexOf(PLANTED) + 20));
      }),
    },
    {
      name: "a file cut before its last newline",
      setup: withFile((c) => {
        rewrite(c, (t) => t.slice(0, -1));
      }),
    },
    {
      name: "data after the end line",
      setup: withFile((c) => {
        rewrite(c, (t) => `${t}more\n`);
      }),
    },
    {
      name: "a NUL byte in the token",
      setup: withFile((c) => {
        rewrite(c, (t) => t.replace(PLANTED, `${PLANTED.slice(0, 20)}\0${PLANTED.slice(20)}`));
      }),
    },
    {
      name: "a quote in the token",
      setup: withFile((c) => {
        rewrite(c, (t) => t.replace(PLANTED, `${PLANTED}"x`));
      }),
    },
    {
      name: "CRLF line ends",
      setup: withFile((c) => {
        rewrite(c, (t) => t.replaceAll("\n", "\r\n"));
      }),
    },
    {
      name: "a number with a leading zero",
      setup: withFile((c) => {
        rewrite(c, (t) => t.replace(/\n(\d+)\nk8s/, "\n0$1\nk8s"));
      }),
    },
    {
      name: "another format version",
      setup: withFile((c) => {
        rewrite(c, (t) => t.replace("eksgate-token 1", "eksgate-token 2"));
      }),
    },
  ];
  const argumentCases: { name: string; args: readonly string[]; env?: NodeJS.ProcessEnv }[] = [
    { name: "--no-cache", args: [...ARGS, "--no-cache"] },
    { name: "--help", args: ["--help"] },
    { name: "--drop-cache alone", args: ["--drop-cache"] },
    { name: "an unknown flag", args: [...ARGS, "--verbose"] },
    { name: "a flag given twice", args: [...ARGS, "--region", "eu-west-1"] },
    { name: "a value that is a flag", args: ["--cluster-name", "--region", "eu-west-1"] },
    { name: "a flag without its value", args: [...ARGS, "--session-name"] },
    { name: "an empty value", args: [...ARGS.slice(0, 2), "--region=", ...ARGS.slice(4)] },
    { name: "--output yaml", args: [...ARGS, "--output", "yaml"] },
    { name: "a stray argument", args: [...ARGS, "extra"] },
    { name: "no --cluster-name", args: ARGS.slice(2) },
    { name: "an invalid session name", args: [...ARGS, "--session-name", "x"] },
    { name: "a cluster name with a space", args: ["--cluster-name", "pr od", ...ARGS.slice(2)] },
    {
      name: "the region only in the AWS config file",
      args: ARGS.filter((a) => a !== "--region" && a !== "eu-west-1"),
    },
    {
      name: "an ExecCredential apiVersion it does not speak",
      args: ARGS,
      env: {
        KUBERNETES_EXEC_INFO:
          '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1alpha1","spec":{"interactive":false}}',
      },
    },
    {
      name: "cluster information in KUBERNETES_EXEC_INFO (provideClusterInfo)",
      args: ARGS,
      env: {
        KUBERNETES_EXEC_INFO:
          '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://x"},"interactive":false}}',
      },
    },
    { name: "a blank KUBERNETES_EXEC_INFO", args: ARGS, env: { KUBERNETES_EXEC_INFO: "  " } },
    {
      name: "KUBERNETES_EXEC_INFO with two final newlines",
      args: ARGS,
      env: { KUBERNETES_EXEC_INFO: `${EXEC_INFO_V1}\n` },
    },
    { name: "a relative XDG_CACHE_HOME and HOME", args: ARGS, env: { XDG_CACHE_HOME: "rel", HOME: "." } },
  ];

  for (const refusal of refusals) {
    for (const shell of SHELLS) {
      it(`${shell}: ${refusal.name}`, async () => {
        const { shim: fast, node, handedToNode } = await compare(shell, refusal.setup, refusal.args);
        expect(handedToNode).toBe(true);
        expect(fast).toEqual(node);
        if (refusal.nodeServes === true) {
          expect(fast.code).toBe(0);
          expect(fast.stdout).toContain(PLANTED);
        } else {
          // The Node plugin did not use the file either and could not reach STS.
          expect(fast.code).toBe(1);
          expect(fast.stdout).toBe("");
          expect(fast.stderr).toContain(`cannot reach AWS STS at ${closedSts}`);
        }
      });
    }
  }

  for (const odd of argumentCases) {
    for (const shell of SHELLS) {
      it(`${shell}: ${odd.name}`, async () => {
        const setup = (): Case => {
          const c = newCase();
          writeFileSync(c.env["AWS_CONFIG_FILE"] ?? "", "[default]\nregion = eu-west-1\n");
          return { ...c, env: { ...c.env, ...odd.env } };
        };
        const { shim: fast, node, handedToNode } = await compare(shell, setup, odd.args);
        expect(handedToNode).toBe(true);
        expect(fast).toEqual(node);
      });
    }
  }

  for (const shell of SHELLS) {
    it(`${shell}: without find and date on PATH`, async () => {
      const tools = join(work, "only-readlink");
      mkdirSync(tools, { recursive: true });
      if (!existsSync(join(tools, "readlink"))) {
        const readlink = ["/usr/bin/readlink", "/bin/readlink"].find((p) => existsSync(p)) ?? "";
        symlinkSync(readlink, join(tools, "readlink"));
      }
      const setup = (): Case => {
        const c = newCase();
        return { ...c, env: { ...c.env, PATH: `${nodeBin}:${tools}` } };
      };
      const { shim: fast, node, handedToNode } = await compare(shell, setup);
      expect(handedToNode).toBe(true);
      expect(fast).toEqual(node);
      // Node serves the valid file itself.
      expect(fast.stdout).toContain(PLANTED);
    });
  }
});

describe("eksgate-token as installed", () => {
  it("runs through its shebang from the npm bin link: a miss is signed by Node, then served by the shell identically", async () => {
    const c = newCase();
    rmSync(c.file);
    // No role: the Node plugin signs locally with the environment's keys.
    const args = ["--cluster-name", "prod", "--region", "eu-west-1"];
    const env = { ...c.env, AWS_ENDPOINT_URL_STS: undefined };
    const before = nodeStarts();
    const miss = await run(join(prefixBin, "eksgate-token"), args, env);
    expect(miss.stderr).toBe("");
    expect(miss.code).toBe(0);
    expect(nodeStarts()).toBe(before + 1);
    const hit = await run(join(prefixBin, "eksgate-token"), args, env);
    expect(nodeStarts()).toBe(before + 1);
    expect(hit).toEqual(miss);
    expect(await nodePlugin(args, env)).toEqual(hit);
    expect(await run(join(prefixBin, "eksgate"), ["token", ...args], env)).toEqual(hit);
  });

  it("is in the npm package, executable, and works from the unpacked package through a relative link", async () => {
    const packDir = join(work, "pack");
    mkdirSync(packDir);
    const packed = await run(
      "npm",
      ["pack", "--pack-destination", packDir, "--json", "--ignore-scripts"],
      { PATH: process.env["PATH"], HOME: work, npm_config_cache: join(process.env["HOME"] ?? work, ".npm") },
      ROOT,
    );
    expect(packed.code, packed.stderr).toBe(0);
    const [report] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as {
      filename: string;
      files: { path: string; mode: number }[];
    }[];
    expect(report?.files.find((f) => f.path === "bin/eksgate-token")?.mode).toBe(0o755);
    const untar = await run("tar", ["-xzf", join(packDir, report?.filename ?? ""), "-C", packDir], {
      PATH: process.env["PATH"],
    });
    expect(untar.code, untar.stderr).toBe(0);
    expect(statSync(join(packDir, "package", "bin", "eksgate-token")).mode & 0o777).toBe(0o755);
    const bin = join(packDir, "bin");
    mkdirSync(bin);
    symlinkSync("../package/bin/eksgate-token", join(bin, "eksgate-token"));

    const c = newCase();
    rmSync(c.file);
    const args = ["--cluster-name", "prod", "--region", "eu-west-1"];
    const env = { ...c.env, AWS_ENDPOINT_URL_STS: undefined };
    const miss = await run(join(bin, "eksgate-token"), args, env);
    expect(miss.stderr).toBe("");
    expect(miss.code).toBe(0);
    const before = nodeStarts();
    expect(await run(join(bin, "eksgate-token"), args, env)).toEqual(miss);
    expect(nodeStarts()).toBe(before);
  });
});
