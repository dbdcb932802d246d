/**
 * `eksgate token`: the kubectl exec credential plugin. Built on its own as dist/token.js,
 * which runs this when executed directly; `eksgate token ...` dispatches to runToken.
 *
 * Keep this file's static imports tiny: on a cache hit the whole run is parsing argv,
 * reading one file and printing one line. Credentials and STS are imported on a miss.
 */
import * as nodeFs from "node:fs";
import { pathToFileURL } from "node:url";
import { parseTokenArgs, USAGE } from "./args.js";
import { CredentialCache, defaultCacheDir, type CacheFileSystem } from "./cache.js";
import { defaultCredentialsResolver, selectedProfile, type CredentialsResolver } from "./credentials.js";
import { TokenError } from "./errors.js";
import { execCredentialJson, requestedApiVersion } from "./exec-credential.js";
import { issueToken } from "./plugin.js";
import { resolveRegion } from "./region.js";
import type { StsApi } from "./sts.js";

export interface TokenIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** What tests replace: the clock, the cache location and file system, credentials, STS. */
export interface TokenRuntime {
  readonly now: () => number;
  readonly cacheDir: string;
  readonly fs: CacheFileSystem;
  readonly uid: number | undefined;
  readonly resolveCredentials: CredentialsResolver;
  readonly sts: (region: string) => Promise<StsApi>;
}

function homeOf(env: NodeJS.ProcessEnv): string {
  const home = env["HOME"] ?? env["USERPROFILE"];
  if (home === undefined || home === "")
    throw new TokenError("HOME is not set: cannot find the AWS config and the cache directory");
  return home;
}

export function defaultRuntime(env: NodeJS.ProcessEnv): TokenRuntime {
  const now = (): number => Date.now();
  const xdg = env["XDG_CACHE_HOME"];
  return {
    now,
    cacheDir: defaultCacheDir(env, xdg !== undefined && xdg.startsWith("/") ? "" : homeOf(env)),
    fs: nodeFs,
    uid: process.getuid?.(),
    resolveCredentials: defaultCredentialsResolver(env, now),
    sts: async (region) => {
      const { createStsApi, stsEndpoint } = await import("./sts.js");
      return createStsApi(stsEndpoint(env, region), region, now);
    },
  };
}

/**
 * Runs `eksgate token` with `argv` (the arguments after `token`). Prints the ExecCredential
 * on stdout, or one line on stderr; returns the exit code (0 or 1). Never throws.
 */
export async function runToken(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: TokenIo,
  runtime?: Partial<TokenRuntime>,
): Promise<number> {
  try {
    const options = parseTokenArgs(argv);
    if (options.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const rt: TokenRuntime = { ...defaultRuntime(env), ...runtime };
    const cache = new CredentialCache(rt.cacheDir, rt.fs, rt.uid);
    if (options.dropCache) {
      const removed = cache.clear();
      if (options.clusterName === undefined) {
        io.stdout.write(
          `removed ${removed} cached ${removed === 1 ? "entry" : "entries"} from ${rt.cacheDir}\n`,
        );
        return 0;
      }
    }
    if (options.clusterName === undefined) throw new TokenError("--cluster-name is required");
    const apiVersion = requestedApiVersion(env["KUBERNETES_EXEC_INFO"]);
    const profile = selectedProfile(options.profile, env);
    const region = resolveRegion(options.region, profile, env, () => homeOf(env));
    const issued = await issueToken(
      {
        clusterName: options.clusterName,
        region,
        ...(options.roleArn !== undefined && { roleArn: options.roleArn }),
        ...(options.sessionName !== undefined && { sessionName: options.sessionName }),
        ...(profile !== undefined && { profile }),
        ...(options.group !== undefined && { group: options.group }),
      },
      {
        now: rt.now,
        env,
        cache: options.noCache ? undefined : cache,
        resolveCredentials: rt.resolveCredentials,
        sts: rt.sts,
      },
    );
    io.stdout.write(`${execCredentialJson(apiVersion, issued.token, issued.expiresAt)}\n`);
    return 0;
  } catch (error) {
    const message =
      error instanceof TokenError
        ? error.message
        : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr.write(`eksgate token: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    return 1;
  }
}

/**
 * stdout and stderr as plain file-descriptor writes. Touching `process.stdout` when it is
 * a pipe (as under kubectl) sets up a net stream and costs 10-20 ms; one synchronous write
 * of a short line costs well under one. Pass this as runToken's io.
 */
export const fdIo: TokenIo = {
  stdout: {
    write: (text: string) => {
      writeFully(1, text);
    },
  },
  stderr: {
    write: (text: string) => {
      writeFully(2, text);
    },
  },
};

function writeFully(fd: number, text: string): void {
  const data = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += nodeFs.writeSync(fd, data, offset);
    } catch (error) {
      // A non-blocking pipe that is full: wait for the reader rather than lose output.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** True when this module is the program node was started with (dist/token.js). */
function isProgramEntry(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    // As a URL: the install path may hold characters a file URL escapes (a space).
    return import.meta.url === pathToFileURL(nodeFs.realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isProgramEntry()) {
  // runToken never rejects; no top-level await, which would make loading this module async.
  void runToken(process.argv.slice(2), process.env, fdIo).then((code) => {
    process.exitCode = code;
  });
}
