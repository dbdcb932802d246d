/**
 * Two ways to run eksgate on a case: in this process (the same entry the executable uses,
 * with a recording terminal) and as the built executable (`node dist/cli.js`), bounded by a
 * per-case time limit. Both run in a sandbox: HOME, the kubeconfig and the AWS config files
 * are inside the case directory, credentials are dummies, and every AWS endpoint is a
 * closed local port unless the case names another, so nothing leaves the machine.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { runCli } from "../../src/cli/program.js";
import { runToken } from "../../src/token/main.js";
import { recordingTerminal } from "../support/terminal.js";
import { expandCase, type FuzzCase } from "./cases.js";
import type { CliOutcome } from "./properties.js";

export const CLI_JS = join(import.meta.dirname, "../../dist/cli.js");

/** A port nothing listens on: connections are refused at once. */
export const CLOSED_ENDPOINT = "http://127.0.0.1:1";

export function sandboxEnv(
  dir: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const home = join(dir, "home");
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: home,
    TMPDIR: process.env["TMPDIR"] ?? "/tmp",
    KUBECONFIG: join(home, ".kube", "config"),
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    AWS_ACCESS_KEY_ID: "AKIAFUZZFUZZFUZZFUZZ",
    AWS_SECRET_ACCESS_KEY: "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: CLOSED_ENDPOINT,
    AWS_MAX_ATTEMPTS: "1",
    NO_COLOR: "1",
  };
  for (const [k, v] of Object.entries(extra)) env[k] = expandCase(v, dir);
  return env;
}

/** The per-case environment: the sandbox plus what the case and the run add. */
export function caseEnv(
  c: FuzzCase,
  dir: string,
  runEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  return sandboxEnv(dir, { ...runEnv, ...(c.env ?? {}) });
}

/**
 * Runs argv in this process, as dist/cli.js would (`token` goes to the plugin). The working
 * directory and environment are the case's for the duration; process warnings emitted
 * meanwhile are collected.
 */
export async function runInProcess(
  argv: readonly string[],
  dir: string,
  env: Record<string, string>,
): Promise<CliOutcome> {
  const savedEnv = process.env;
  const savedCwd = process.cwd();
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(`${w.name}: ${w.message}`);
  };
  process.on("warning", onWarning);
  // dist/cli.js sets this once when the SDK adapters load (adapters/aws/node-version-warning.ts);
  // in this process they loaded long ago, under another environment.
  process.env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env };
  process.chdir(dir);
  const term = recordingTerminal();
  let code: number | undefined;
  let thrown: string | undefined;
  try {
    if (argv[0] === "token") {
      let out = "";
      let err = "";
      code = await runToken([...argv.slice(1)], process.env, {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
      });
      term.out(out);
      term.err(err);
    } else {
      code = await runCli(argv, term);
    }
  } catch (error) {
    thrown = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    process.chdir(savedCwd);
    process.env = savedEnv;
  }
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  process.off("warning", onWarning);
  return {
    code,
    stdout: term.stdout(),
    stderr: term.stderr(),
    ...(thrown !== undefined ? { thrown } : {}),
    warnings,
  };
}

const OUTPUT_CAP = 4 * 1024 * 1024;

/** Runs `node dist/cli.js argv` in `dir`, killed after `timeoutMs` (reported as a hang). */
export function runBuiltCli(
  argv: readonly string[],
  dir: string,
  env: Record<string, string>,
  options: { readonly timeoutMs: number; readonly stdin?: Buffer; readonly closeStdout?: boolean },
): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_JS, ...argv], {
      cwd: dir,
      env,
      stdio: [options.stdin !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    if (child.stdout === null || child.stderr === null) throw new Error("spawn gave no output pipes");
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    if (options.closeStdout === true) child.stdout.destroy();
    else
      child.stdout.on("data", (s: string) => {
        if (stdout.length < OUTPUT_CAP) stdout += s;
      });
    child.stderr.on("data", (s: string) => {
      if (stderr.length < OUTPUT_CAP) stderr += s;
    });
    if (options.stdin !== undefined && child.stdin !== null) {
      child.stdin.on("error", () => {
        // The command did not read all of stdin; that is its right.
      });
      child.stdin.end(options.stdin);
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? undefined,
        stdout,
        stderr,
        ...(signal !== null ? { signal } : {}),
        ...(timedOut ? { timedOut } : {}),
      });
    });
  });
}
