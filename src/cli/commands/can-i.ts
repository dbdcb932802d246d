/** `eksgate can-i PRINCIPAL_ARN VERB RESOURCE`: yes or no, with the path or where it breaks. */
import {
  canI,
  checkPrincipalArn,
  parseAccessRequest,
  type RequestInput,
} from "../../core/evaluate/access/index.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import type { AccessSnapshot } from "../../core/snapshot/index.js";
import type { RequestAttributes } from "../../core/evaluate/rbac/index.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { dotGraph, mermaidGraph } from "../views/access-graph.js";
import { canIJson, canIText } from "../views/access.js";
import { requestContextFor, type RequestContextCliOptions } from "./request-context.js";
import {
  AUDIT_CODES,
  cliError,
  failWith,
  loadAccessSnapshot,
  type AccessInputOptions,
} from "./snapshot-command.js";

export type AuditFormat = "text" | "json" | "mermaid" | "dot";

export interface AuditOutputOptions {
  readonly json?: boolean;
  readonly output?: AuditFormat;
}

export function outputFormat(options: AuditOutputOptions): AuditFormat {
  return options.json === true ? "json" : (options.output ?? "text");
}

/** Refuses an ARN the authenticator cannot map, or that no caller can have (with the reason). */
export function checkPrincipal(arn: string): Diagnostic | undefined {
  const check = checkPrincipalArn(arn);
  if (check.ok) return undefined;
  return cliError(AUDIT_CODES.principal, check.reason, check.hint, "PRINCIPAL_ARN");
}

export function checkCluster(snapshot: AccessSnapshot, cluster: string | undefined): Diagnostic | undefined {
  if (cluster === undefined || snapshot.clusters.some((c) => c.name === cluster)) return undefined;
  const known = snapshot.clusters.map((c) => c.name);
  return cliError(
    AUDIT_CODES.cluster,
    `cluster ${cluster} is not in the snapshot`,
    known.length > 0 ? `Known: ${known.join(", ")}.` : "The snapshot has no clusters/<name>/ directory.",
    "--cluster",
  );
}

/**
 * The snapshot for a command scoped to `--cluster` (collected for that cluster only when
 * live), refusing a cluster the snapshot does not have. Prints problems.
 */
export async function loadSnapshotFor(
  options: AccessInputOptions & { readonly cluster?: string },
  term: Terminal,
): Promise<AccessSnapshot | undefined> {
  const snapshot = await loadAccessSnapshot(
    options,
    options.cluster === undefined ? [] : [options.cluster],
    term,
  );
  if (snapshot === undefined) return undefined;
  const unknownCluster = checkCluster(snapshot, options.cluster);
  if (unknownCluster !== undefined) {
    failWith([unknownCluster], options, term);
    return undefined;
  }
  return snapshot;
}

export interface RequestCliOptions {
  readonly namespace?: string;
  readonly subresource?: string;
  readonly name?: string;
}

export function requestFrom(
  verb: string,
  resource: string,
  options: RequestCliOptions,
): RequestAttributes | Diagnostic {
  const input: RequestInput = {
    verb,
    resource,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.subresource !== undefined ? { subresource: options.subresource } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
  };
  const parsed = parseAccessRequest(input);
  if (!parsed.ok)
    return cliError(
      AUDIT_CODES.request,
      parsed.error,
      "Examples: pods, pods/log, deployments.apps/scale, /healthz.",
      "<verb> <resource>",
    );
  return parsed.request;
}

export interface CanICliOptions
  extends AccessInputOptions, AuditOutputOptions, RequestCliOptions, RequestContextCliOptions {
  readonly cluster?: string;
}

export async function canICommand(
  principalArn: string,
  verb: string,
  resource: string,
  options: CanICliOptions,
  term: Terminal,
): Promise<number> {
  const bad = checkPrincipal(principalArn);
  const request = requestFrom(verb, resource, options);
  const problems = [...(bad !== undefined ? [bad] : []), ...("code" in request ? [request] : [])];
  if (problems.length > 0 || "code" in request) {
    failWith(problems, options, term);
    return ExitCode.error;
  }
  const context = requestContextFor(options, term, principalArn);
  if (context === undefined) return ExitCode.error;
  const snapshot = await loadSnapshotFor(options, term);
  if (snapshot === undefined) return ExitCode.error;
  const result = canI(snapshot, principalArn, request, {
    ...context.options,
    ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
  });
  switch (outputFormat(options)) {
    case "json":
      term.out(`${JSON.stringify(canIJson(result, context.summary), null, 2)}\n`);
      break;
    case "mermaid":
      term.out(mermaidGraph(result.paths));
      break;
    case "dot":
      term.out(dotGraph(result.paths));
      break;
    case "text":
      term.out(canIText(result, term, context.summary));
      break;
  }
  return result.allowed ? ExitCode.ok : ExitCode.error;
}
