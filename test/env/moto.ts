// Starts moto's server for the integration tests and stops it without leaving a process.
//
// The default launcher (test/env/moto/server.py) applies an in-process patch to moto's
// trust-policy evaluation for sts:AssumeRole so that, with IAM enforcement on, it agrees
// with AWS on the account-root principal and on `sts:RoleSessionName` / `${aws:username}`
// conditions. test/env/moto/PATCHES.md lists exactly what is replaced.
// `trustPolicyPatch: false` runs moto's own `moto_server` entry point unchanged instead.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { START_DEADLINE_MS } from "../support/time-limits.js";

/** The account moto serves unless told otherwise. */
export const MOTO_ACCOUNT_ID = "123456789012";
export const MOTO_VERSION = "5.2.1";
export const MOTO_INSTALL_HINT = `pip install 'moto[server]==${MOTO_VERSION}'`;

const LAUNCHER = fileURLToPath(new URL("./moto/server.py", import.meta.url));
/** Exit code of the launcher when moto is missing or not the supported version. */
const EXIT_MISSING_MOTO = 3;
const START_TIMEOUT_MS = START_DEADLINE_MS;
const STOP_GRACE_MS = 5_000;
const STDERR_TAIL_CHARS = 4_000;

// moto's own console script (`moto_server` = moto.server:main) behind a watchdog thread
// that ends the process when its stdin closes, so it cannot outlive the test run.
const PLAIN_MOTO_SERVER = [
  "import os, sys, threading",
  "def _watch():",
  "    while sys.stdin.buffer.read(4096):",
  "        pass",
  "    os._exit(0)",
  "threading.Thread(target=_watch, daemon=True).start()",
  "from moto.server import main",
  "sys.exit(main())",
].join("\n");

export interface MotoOptions {
  /** Loopback port to listen on; 0 or absent picks a free one. */
  readonly port?: number;
  /** Apply the trust-policy patch (default true). false runs moto unchanged. */
  readonly trustPolicyPatch?: boolean;
  /** Python interpreter with moto installed; default $EKSGATE_PYTHON or `python3` from PATH. */
  readonly python?: string;
}

export interface MotoServer {
  /** e.g. http://127.0.0.1:PORT, for the SDK's `endpoint` or AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Whether the trust-policy patch is applied in this server. */
  readonly trustPolicyPatch: boolean;
  /** Wipes all state (POST /moto-api/reset) and switches IAM enforcement off again. */
  reset(): Promise<void>;
  /** IAM enforcement on (every call is authenticated and authorized) or off. */
  setEnforcement(on: boolean): Promise<void>;
  /** moto's state dump, GET /moto-api/data.json (includes access-key secrets). */
  dataJson(): Promise<unknown>;
  /** Terminates the server and waits until the process is gone. */
  stop(): Promise<void>;
}

/** python3 or moto is missing (or moto is not the supported version). */
export class MotoUnavailableError extends Error {
  override readonly name = "MotoUnavailableError";
}

// The interpreter a launcher reported; later starts skip a version manager's shim.
let resolvedPython: string | undefined;

export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const trustPolicyPatch = options.trustPolicyPatch ?? true;
  const python = options.python ?? process.env["EKSGATE_PYTHON"] ?? resolvedPython ?? "python3";
  const requestedPort = options.port ?? 0;
  const launch = trustPolicyPatch
    ? { args: [LAUNCHER, "--port", String(requestedPort)], port: undefined }
    : await plainLaunch(requestedPort);

  const child = spawn(python, launch.args, { stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      done();
    }),
  );
  let stderrTail = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });

  let ready: Ready;
  try {
    ready =
      launch.port === undefined
        ? await readyLine(child, () => stderrTail)
        : await listening(child, launch.port, () => stderrTail);
  } catch (error) {
    await terminate(child, exited);
    throw explainStartFailure(error, python);
  }
  if (
    ready.executable !== undefined &&
    options.python === undefined &&
    process.env["EKSGATE_PYTHON"] === undefined
  ) {
    resolvedPython ??= ready.executable;
  }

  const endpoint = `http://127.0.0.1:${ready.port}`;
  const motoApi = async (path: string, init?: RequestInit): Promise<Response> => {
    const response = await fetch(`${endpoint}${path}`, init);
    if (!response.ok) {
      throw new Error(
        `moto ${init?.method ?? "GET"} ${path}: HTTP ${response.status} ${await response.text()}`,
      );
    }
    return response;
  };
  const setEnforcement = async (on: boolean): Promise<void> => {
    // moto counts unauthenticated calls before enforcing; 0 enforces now, inf never.
    // The body must be text/plain: a form-encoded body makes moto fail with 500.
    await motoApi("/moto-api/reset-auth", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: on ? "0" : "inf",
    });
  };

  return {
    endpoint,
    port: ready.port,
    pid: ready.pid,
    trustPolicyPatch,
    async reset() {
      await motoApi("/moto-api/reset", { method: "POST" });
      // /moto-api/reset leaves the enforcement switch as it was; a reset means a clean start.
      await setEnforcement(false);
    },
    setEnforcement,
    async dataJson() {
      return (await motoApi("/moto-api/data.json")).json();
    },
    async stop() {
      await terminate(child, exited);
    },
  };
}

async function plainLaunch(requestedPort: number): Promise<{ args: string[]; port: number }> {
  const port = requestedPort === 0 ? await freeLoopbackPort() : requestedPort;
  return { args: ["-c", PLAIN_MOTO_SERVER, "-H", "127.0.0.1", "-p", String(port)], port };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => {
        done(port);
      });
    });
  });
}

interface Ready {
  readonly port: number;
  readonly pid: number;
  /** The interpreter's own path, as the launcher reports it. */
  readonly executable?: string | undefined;
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly spawnError?: NodeJS.ErrnoException,
  ) {
    super(message);
  }
}

function failureOnExit(child: ChildProcess, stderr: () => string, fail: (error: StartFailure) => void): void {
  child.once("error", (error: NodeJS.ErrnoException) => {
    fail(new StartFailure(error.message, null, stderr(), error));
  });
  child.once("exit", (code, signal) => {
    // Let the last stderr chunk arrive before reporting it.
    setImmediate(() => {
      fail(
        new StartFailure(
          `moto exited (code ${code ?? "none"}, signal ${signal ?? "none"}) before listening`,
          code,
          stderr(),
        ),
      );
    });
  });
}

/** Waits for the launcher's `READY <port> <pid> <python>` line. */
function readyLine(child: ChildProcess, stderr: () => string): Promise<Ready> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      fail(new StartFailure(`moto did not report READY within ${START_TIMEOUT_MS} ms`, null, stderr()));
    }, START_TIMEOUT_MS);
    failureOnExit(child, stderr, (error) => {
      clearTimeout(timer);
      fail(error);
    });
    if (child.stdout === null) throw new Error("moto launcher spawned without stdout");
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = /^READY (\d+) (\d+) (.+)$/.exec(line);
      if (match === null) return;
      clearTimeout(timer);
      const pid = Number(match[2]);
      if (pid !== child.pid) {
        // stop() signals the spawned process; it must be the server itself.
        fail(
          new StartFailure(
            `the server runs as pid ${pid}, not as the spawned pid ${child.pid ?? "none"}: point EKSGATE_PYTHON at the interpreter itself (${match[3] ?? "?"})`,
            null,
            stderr(),
          ),
        );
        return;
      }
      done({ port: Number(match[1]), pid, executable: match[3] });
    });
  });
}

/** Polls the plain server until it answers on `port`. */
function listening(child: ChildProcess, port: number, stderr: () => string): Promise<Ready> {
  return new Promise((done, fail) => {
    let settled = false;
    const started = Date.now();
    failureOnExit(child, stderr, (error) => {
      if (!settled) fail(error);
      settled = true;
    });
    child.stdout?.resume();
    const poll = (): void => {
      if (settled) return;
      if (Date.now() - started > START_TIMEOUT_MS) {
        settled = true;
        fail(
          new StartFailure(
            `moto did not listen on port ${port} within ${START_TIMEOUT_MS} ms`,
            null,
            stderr(),
          ),
        );
        return;
      }
      fetch(`http://127.0.0.1:${port}/moto-api/data.json`).then(
        (response) => {
          if (settled) return;
          if (response.ok && child.pid !== undefined) {
            settled = true;
            done({ port, pid: child.pid });
          } else setTimeout(poll, 50);
        },
        () => setTimeout(poll, 50),
      );
    };
    poll();
  });
}

function explainStartFailure(error: unknown, python: string): Error {
  if (!(error instanceof StartFailure)) return error instanceof Error ? error : new Error(String(error));
  if (error.spawnError?.code === "ENOENT") {
    return new MotoUnavailableError(
      `The integration tests run moto with ${python}, which was not found. Install Python 3, then ${MOTO_INSTALL_HINT} (or set EKSGATE_PYTHON to an interpreter that has it).`,
    );
  }
  const stderr = error.stderr.trim();
  if (error.exitCode === EXIT_MISSING_MOTO || /No module named '?(moto|werkzeug|flask)/.test(stderr)) {
    const detail = stderr.split("\n").at(-1) ?? "";
    return new MotoUnavailableError(
      `moto ${MOTO_VERSION} is needed for the integration tests: ${MOTO_INSTALL_HINT}\n  ${detail}`,
    );
  }
  return new Error(`${error.message}${stderr === "" ? "" : `\n--- moto stderr ---\n${stderr}`}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    child.kill("SIGTERM");
    const graceful = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((done) =>
        setTimeout(() => {
          done(false);
        }, STOP_GRACE_MS).unref(),
      ),
    ]);
    if (!graceful) {
      child.kill("SIGKILL");
      await exited;
    }
  }
  child.stdin?.destroy();
  child.stdout?.destroy();
  child.stderr?.destroy();
  // The exit event fires after the kernel has reaped the child; check anyway.
  if (child.pid !== undefined && isAlive(child.pid)) {
    throw new Error(`moto process ${child.pid} is still running after stop()`);
  }
}
