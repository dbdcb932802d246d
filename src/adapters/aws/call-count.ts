/**
 * Counting AWS API calls by operation, for the apply benchmark and for tests that assert
 * how many calls a plan makes. One SDK middleware per client does the counting and turns
 * whatever the SDK throws into a PortError (see errors.ts), so every call through the
 * client, paginators included, is counted and translated the same way.
 */
import { translateAwsError, type AwsService } from "./errors.js";

/** Something that knows how many API calls it has made, by operation name. */
export interface Counted {
  /** A copy of the counts so far, e.g. `{ ListRoles: 1, ListRoleTags: 12 }`. */
  calls(): Record<string, number>;
}

export interface PortMiddlewareOptions {
  readonly service: AwsService;
  /** The profile used for credentials, named in the hint when an SSO session expired. */
  readonly profile?: string | undefined;
}

/**
 * The counting and error-translating middleware for one client, to add with
 * `client.middlewareStack.add(portMiddleware(counts, options), PORT_MIDDLEWARE)`. Counts are
 * keyed by operation (`CreateRole`, `DescribeCluster`) and counted once per call, however
 * many HTTP attempts the SDK's retry strategy makes for it. Generic over the handler's
 * argument and result so that it fits every SDK client's stack without naming
 * `@smithy/types`.
 */
export function portMiddleware(counts: Record<string, number>, options: PortMiddlewareOptions) {
  return <A, R>(next: (args: A) => Promise<R>, context: { readonly commandName?: string }) =>
    async (args: A): Promise<R> => {
      const operation = operationOf(context.commandName);
      counts[operation] = (counts[operation] ?? 0) + 1;
      try {
        return await next(args);
      } catch (error) {
        throw translateAwsError(error, {
          service: options.service,
          operation,
          profile: options.profile,
        });
      }
    };
}

/** Where the middleware goes: first, so it sees every failure of the call, retries done. */
export const PORT_MIDDLEWARE = {
  step: "initialize",
  priority: "high",
  name: "eksgatePortMiddleware",
} as const;

/** `CreateRoleCommand` -> `CreateRole`. */
function operationOf(commandName: string | undefined): string {
  if (commandName === undefined || commandName === "") return "Unknown";
  return commandName.endsWith("Command") ? commandName.slice(0, -"Command".length) : commandName;
}

/** Sums several count records (e.g. the IAM and STS clients of one port). */
export function sumCounts(...records: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const record of records) {
    for (const [operation, n] of Object.entries(record)) out[operation] = (out[operation] ?? 0) + n;
  }
  return out;
}
