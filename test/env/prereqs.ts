// Checks for the tools the integration tier runs. A missing tool is an error
// that names what to install: the integration tests are never skipped silently.
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { SPAWN_DEADLINE_MS } from "../support/time-limits.js";

/** Oldest Go that builds the pinned k8s.io/kubernetes module (its go.mod says go 1.24.0). */
export const MIN_GO = { major: 1, minor: 24 } as const;

export class MissingPrerequisiteError extends Error {
  override readonly name = "MissingPrerequisiteError";
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? (problems[0] ?? "")
        : `The integration tests need tools that are missing:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** First executable named `name` on PATH, then in `extraDirs`. */
export async function findExecutable(
  name: string,
  extraDirs: readonly string[] = [],
): Promise<string | undefined> {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

function output(command: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((done) => {
    // A slow machine must not make a tool look missing: the limit only catches a hang.
    execFile(command, args, { timeout: SPAWN_DEADLINE_MS }, (error, stdout) => {
      done(error ? undefined : stdout.trim());
    });
  });
}

const goInstallHint = `apt-get install golang-go (if it provides Go ${MIN_GO.major}.${MIN_GO.minor}+) or see https://go.dev/dl`;

/** Path of a Go toolchain new enough to build the control plane, or a MissingPrerequisiteError. */
export async function findGo(options: { purpose?: string } = {}): Promise<string> {
  const purpose =
    options.purpose ?? "build kube-apiserver, kube-controller-manager and etcd for the integration tests";
  const go = await findExecutable("go", ["/usr/local/go/bin", "/usr/lib/go/bin"]);
  if (go === undefined) {
    throw new MissingPrerequisiteError([
      `Go ${MIN_GO.major}.${MIN_GO.minor}+ is needed to ${purpose}: ${goInstallHint}`,
    ]);
  }
  const version = await output(go, ["env", "GOVERSION"]);
  const match = /^go(\d+)\.(\d+)/.exec(version ?? "");
  const major = Number(match?.[1] ?? 0);
  const minor = Number(match?.[2] ?? 0);
  if (major < MIN_GO.major || (major === MIN_GO.major && minor < MIN_GO.minor)) {
    throw new MissingPrerequisiteError([
      `Go ${MIN_GO.major}.${MIN_GO.minor}+ is needed to ${purpose}, but ${go} is ${version ?? "unknown"}: ${goInstallHint}`,
    ]);
  }
  return go;
}

export interface PrerequisiteOptions {
  /** Check for Go as well (only needed when the control-plane binaries are not cached yet). */
  readonly needGo: boolean;
}

export interface Prerequisites {
  readonly go?: string;
  readonly python3: string;
  readonly motoServer: string;
  readonly kubectl: string;
  readonly openssl: string;
}

/** Resolves every tool the integration tier needs, or throws one error listing all that are missing. */
export async function checkPrerequisites(options: PrerequisiteOptions): Promise<Prerequisites> {
  const problems: string[] = [];
  let go: string | undefined;
  if (options.needGo) {
    try {
      go = await findGo();
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  const python3 = await findExecutable("python3");
  if (python3 === undefined) {
    problems.push(
      "python3 is needed to run moto (the local AWS) for the integration tests: apt-get install python3 python3-pip",
    );
  } else if ((await output(python3, ["-c", "import moto, flask"])) === undefined) {
    problems.push(
      `moto with its server extras is needed in ${python3} for the integration tests: pip install 'moto[server]==5.2.1'`,
    );
  }
  const motoServer = await findExecutable("moto_server");
  if (motoServer === undefined) {
    problems.push(
      "moto_server is needed for the integration tests (local AWS): pip install 'moto[server]==5.2.1' and put its bin directory on PATH",
    );
  }
  const kubectl = await findExecutable("kubectl");
  if (kubectl === undefined) {
    problems.push(
      "kubectl is needed for the integration tests: install it from https://kubernetes.io/docs/tasks/tools/ (a 1.32-1.34 client works with the 1.33 test server)",
    );
  }
  const openssl = await findExecutable("openssl");
  if (openssl === undefined) {
    problems.push("openssl is needed to create the test cluster's certificates: apt-get install openssl");
  }

  if (
    problems.length > 0 ||
    python3 === undefined ||
    motoServer === undefined ||
    kubectl === undefined ||
    openssl === undefined
  ) {
    throw new MissingPrerequisiteError(problems);
  }
  return { ...(go === undefined ? {} : { go }), python3, motoServer, kubectl, openssl };
}
