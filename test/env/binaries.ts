// Builds the Kubernetes control-plane binaries the integration tests run, from
// their Go modules, and caches them by version outside the repository.
//
// Layout: ${XDG_CACHE_HOME:-~/.cache}/eksgate-test-bin/<component>-<version>/<binary>
// A component directory only appears once every binary in it is built (the
// build writes to a private staging directory and renames it into place), so a
// present directory is always complete.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findGo } from "./prereqs.js";

const moduleRoot = resolve(dirname(fileURLToPath(import.meta.url)), "k8s");

/** Versions the test environment is pinned to. Change them together with the go.mod files. */
export const PINNED_VERSIONS = {
  kubernetes: "v1.33.13",
  etcd: "v3.5.21",
  awsIamAuthenticator: "v0.6.13",
} as const;

export interface Component {
  /** Cache directory prefix and progress label. */
  readonly name: string;
  readonly version: string;
  /** Go module directory under test/env/k8s. */
  readonly moduleDir: string;
  /** Output file name -> Go package path. */
  readonly binaries: Readonly<Record<string, string>>;
  /** Rough first-build duration on two cores, shown before the build starts. */
  readonly typicalMinutes: number;
  /** Extra `-X` linker settings (version stamping). */
  readonly stamp: readonly string[];
}

// Kubernetes reads its version from variables the release build sets at link time;
// without them /version says v0.0.0-master and kubectl cannot pick a matching client.
function kubernetesStamp(version: string): string[] {
  const [major, minor] = version.replace(/^v/, "").split(".");
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `${pkg}.gitVersion=${version}`,
    `${pkg}.gitMajor=${major ?? ""}`,
    `${pkg}.gitMinor=${minor ?? ""}`,
    `${pkg}.gitTreeState=clean`,
  ]);
}

/**
 * A version for a program of this repository: the version of the module it builds on plus
 * a digest of its own sources, so that any change to them builds it again.
 */
function sourceVersion(baseVersion: string, moduleDir: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(moduleRoot, moduleDir, file)));
  return `${baseVersion}-${hash.digest("hex").slice(0, 12)}`;
}

export const COMPONENTS = {
  kubernetes: {
    name: "kubernetes",
    version: PINNED_VERSIONS.kubernetes,
    moduleDir: "kube",
    binaries: {
      "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
      "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
    },
    typicalMinutes: 20,
    stamp: kubernetesStamp(PINNED_VERSIONS.kubernetes),
  },
  etcd: {
    name: "etcd",
    version: PINNED_VERSIONS.etcd,
    moduleDir: "etcd",
    binaries: { etcd: "." },
    typicalMinutes: 3,
    stamp: [],
  },
  awsIamAuthenticator: {
    name: "aws-iam-authenticator",
    version: PINNED_VERSIONS.awsIamAuthenticator,
    moduleDir: "aws-iam-authenticator",
    binaries: { "aws-iam-authenticator": "sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator" },
    typicalMinutes: 3,
    stamp: [],
  },
  /** The authenticator's own aws-auth parser behind a JSON interface (differential tests). */
  awsAuthParse: {
    name: "aws-auth-parse",
    version: sourceVersion(PINNED_VERSIONS.awsIamAuthenticator, "aws-auth-parse", [
      "main.go",
      "go.mod",
      "go.sum",
    ]),
    moduleDir: "aws-auth-parse",
    binaries: { "aws-auth-parse": "." },
    typicalMinutes: 3,
    stamp: [],
  },
} as const satisfies Record<string, Component>;

export type ComponentKey = keyof typeof COMPONENTS;

export interface ControlPlaneBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
}

export type ProgressLog = (line: string) => void;

export function binaryCacheRoot(): string {
  const base = process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache");
  return join(base, "eksgate-test-bin");
}

export function componentDir(component: Component): string {
  return join(binaryCacheRoot(), `${component.name}-${component.version}`);
}

export function isCached(component: Component): boolean {
  const dir = componentDir(component);
  return Object.keys(component.binaries).every((bin) => existsSync(join(dir, bin)));
}

/** Paths of the control-plane binaries, if they are already cached; no build. */
export function cachedControlPlane(): ControlPlaneBinaries | undefined {
  if (!isCached(COMPONENTS.kubernetes) || !isCached(COMPONENTS.etcd)) return undefined;
  return controlPlanePaths();
}

function controlPlanePaths(): ControlPlaneBinaries {
  const kube = componentDir(COMPONENTS.kubernetes);
  return {
    etcd: join(componentDir(COMPONENTS.etcd), "etcd"),
    kubeApiserver: join(kube, "kube-apiserver"),
    kubeControllerManager: join(kube, "kube-controller-manager"),
  };
}

/** Builds whatever is missing of etcd, kube-apiserver and kube-controller-manager. */
export async function ensureControlPlane(log: ProgressLog = defaultLog): Promise<ControlPlaneBinaries> {
  await ensureComponent(COMPONENTS.etcd, log);
  await ensureComponent(COMPONENTS.kubernetes, log);
  return controlPlanePaths();
}

/** Builds one component unless it is cached; returns its directory. */
export async function ensureComponent(component: Component, log: ProgressLog = defaultLog): Promise<string> {
  const dir = componentDir(component);
  if (isCached(component)) return dir;
  const lock = `${dir}.lock`;
  await acquireLock(lock, component, log);
  try {
    // Another run may have finished the build while this one waited for the lock.
    if (isCached(component)) return dir;
    await build(component, dir, log);
    return dir;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function acquireLock(lock: string, component: Component, log: ProgressLog): Promise<void> {
  await mkdir(dirname(lock), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await lockIsStale(lock)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`[${component.name}] another process is building ${component.version}; waiting for it (${lock})`);
      announced = true;
    }
    await sleep(2000);
  }
}

async function lockIsStale(lock: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number((await readFile(join(lock, "pid"), "utf8")).trim());
  } catch {
    // A lock without a pid file is either being created right now or was left by a crash.
    const info = await stat(lock).catch(() => undefined);
    return info === undefined || Date.now() - info.mtimeMs > 30_000;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

function buildEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CGO_ENABLED: "0",
    GOFLAGS: [process.env["GOFLAGS"], "-trimpath"].filter(Boolean).join(" "),
  };
}

async function build(component: Component, dir: string, log: ProgressLog): Promise<void> {
  const go = await findGo({
    purpose: `build ${component.name} ${component.version} for the integration tests`,
  });
  const cwd = join(moduleRoot, component.moduleDir);
  const packages = Object.values(component.binaries);
  const started = Date.now();
  log(
    `[${component.name}] building ${Object.keys(component.binaries).join(", ")} ${component.version} from Go modules ` +
      `(first run only; about ${component.typicalMinutes} min on 2 idle cores, longer on a busy machine; cached in ${dir})`,
  );

  log(`[${component.name}] resolving modules and counting packages...`);
  const total = await countPackages(go, cwd, packages);

  // Shared by the binaries of one component: packages compiled for the first one
  // come from the Go build cache for the next and are not printed again.
  const compiled = new Set<string>();
  const staging = `${dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    for (const [binary, pkg] of Object.entries(component.binaries)) {
      const label = `${component.name}/${binary}`;
      const ldflags = ["-s", "-w", ...component.stamp.flatMap((setting) => ["-X", setting])].join(" ");
      await goBuild(go, cwd, pkg, join(staging, binary), ldflags, { label, total, started, compiled, log });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  log(`[${component.name}] built in ${formatDuration(Date.now() - started)}`);
}

/** Number of packages (standard library included) the build may have to compile. */
async function countPackages(go: string, cwd: string, packages: readonly string[]): Promise<number> {
  const result = await run(go, ["list", "-deps", ...packages], cwd);
  if (result.code !== 0) {
    throw new Error(`go list failed in ${cwd} (exit ${result.code}):\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout.split("\n").filter((line) => line.trim() !== "").length;
}

async function goBuild(
  go: string,
  cwd: string,
  pkg: string,
  output: string,
  ldflags: string,
  progress: { label: string; total: number; started: number; compiled: Set<string>; log: ProgressLog },
): Promise<void> {
  const { label, total, started, compiled, log } = progress;
  const args = ["build", "-v", `-ldflags=${ldflags}`, "-o", output, pkg];
  let lastReport = 0;
  let stderrTail = "";
  const child = spawn("nice", ["-n", "10", go, ...args], {
    cwd,
    env: buildEnv(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr.setEncoding("utf8");
  let pending = "";
  child.stderr.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-8000);
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      // `go build -v` names each package as it compiles it.
      if (/^[\w.\-/]+$/.test(line.trim())) compiled.add(line.trim());
    }
    const now = Date.now();
    if (now - lastReport > 15_000) {
      lastReport = now;
      const done = Math.min(compiled.size, total);
      const elapsed = now - started;
      const fraction = done / total;
      const eta = fraction > 0.05 ? ` ~${formatDuration((elapsed / fraction) * (1 - fraction))} left` : "";
      log(
        `[${label}] ${done}/${total} packages (${Math.round(fraction * 100)}%), ${formatDuration(elapsed)} elapsed${eta}`,
      );
    }
  });
  const code = await new Promise<number>((done, fail) => {
    child.on("error", fail);
    child.on("close", (status) => {
      done(status ?? 1);
    });
  });
  if (code !== 0) {
    throw new Error(`go build ${pkg} failed (exit ${code}) in ${cwd}:\n${stderrTail}`);
  }
  log(`[${label}] linked (${formatDuration(Date.now() - started)} elapsed)`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, collecting its output; `input` is written to its stdin. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  input?: string,
  env: NodeJS.ProcessEnv = buildEnv(),
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: "pipe" });
    child.stdin.end(input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => {
      done({ code: code ?? 1, stdout, stderr });
    });
  });
}
