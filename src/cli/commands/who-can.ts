/** `eksgate who-can VERB RESOURCE`: the IAM users and roles that can, each with its path. */
import { whoCanAccess } from "../../core/evaluate/access/index.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { dotGraph, mermaidGraph } from "../views/access-graph.js";
import { whoCanJson, whoCanText } from "../views/access.js";
import {
  loadSnapshotFor,
  outputFormat,
  requestFrom,
  type AuditOutputOptions,
  type RequestCliOptions,
} from "./can-i.js";
import { requestContextFor, type RequestContextCliOptions } from "./request-context.js";
import { failWith, type AccessInputOptions } from "./snapshot-command.js";

export interface WhoCanCliOptions
  extends AccessInputOptions, AuditOutputOptions, RequestCliOptions, RequestContextCliOptions {
  readonly cluster?: string;
  readonly detail?: boolean;
  readonly impersonation?: boolean;
}

export async function whoCanCommand(
  verb: string,
  resource: string,
  options: WhoCanCliOptions,
  term: Terminal,
): Promise<number> {
  const request = requestFrom(verb, resource, options);
  if ("code" in request) {
    failWith([request], options, term);
    return ExitCode.error;
  }
  const context = requestContextFor(options, term);
  if (context === undefined) return ExitCode.error;
  const snapshot = await loadSnapshotFor(options, term);
  if (snapshot === undefined) return ExitCode.error;
  const result = whoCanAccess(snapshot, request, {
    ...context.options,
    ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
    includeImpersonation: options.impersonation ?? true,
  });
  const paths = result.principals.flatMap((p) => p.paths);
  switch (outputFormat(options)) {
    case "json":
      term.out(`${JSON.stringify(whoCanJson(result, context.summary), null, 2)}\n`);
      break;
    case "mermaid":
      term.out(mermaidGraph(paths));
      break;
    case "dot":
      term.out(dotGraph(paths));
      break;
    case "text":
      term.out(whoCanText(result, term, options.detail === true, context.summary));
      break;
  }
  return ExitCode.ok;
}
