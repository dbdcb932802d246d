/**
 * `eksgate token`: the kubectl exec credential plugin. Built on its own as dist/token.js,
 * which runs this when executed directly; `eksgate token ...` dispatches to runToken.
 *
 * Keep this file's static imports tiny: on a cache hit the whole run is parsing argv,
 * reading one file and printing one line. Credentials and STS are imported on a miss.
 */
import * as nodeFs from "node:fs";
import { homedir } from "node:os";
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
  const home = env["HOME"];
  return home !== undefined && home !== "" ? home : homedir();
}

export function defaultRuntime(env: NodeJS.ProcessEnv): TokenRuntime {
  const now = (): number => Date.now();
  return {
    now,
    cacheDir: defaultCacheDir(env, homeOf(env)),
    fs: nodeFs,
    uid: process.getuid?.(),
    resolveCredentials: defaultCredentialsResolver(env),
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
    const region = resolveRegion(options.region, profile, env, homeOf(env));
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

/** True when this module is the program node was started with (dist/token.js). */
function isProgramEntry(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === `file://${nodeFs.realpathSync(entry)}`;
  } catch {
    return false;
  }
}

if (isProgramEntry()) {
  process.exitCode = await runToken(process.argv.slice(2), process.env, process);
}
