/** `eksgate explain PRINCIPAL_ARN`: what an IAM user or role reaches in each cluster, hop by hop. */
import { explainPrincipal } from "../../core/evaluate/access/index.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { mermaidGraph, dotGraph } from "../views/access-graph.js";
import { explainJson, explainText } from "../views/access.js";
import { checkPrincipal, loadSnapshotFor, outputFormat, type AuditOutputOptions } from "./can-i.js";
import { requestContextFor, type RequestContextCliOptions } from "./request-context.js";
import { failWith, type AccessInputOptions } from "./snapshot-command.js";

export interface ExplainCliOptions extends AccessInputOptions, AuditOutputOptions, RequestContextCliOptions {
  readonly cluster?: string;
}

export async function explainCommand(
  principalArn: string,
  options: ExplainCliOptions,
  term: Terminal,
): Promise<number> {
  const bad = checkPrincipal(principalArn);
  if (bad !== undefined) {
    failWith([bad], options, term);
    return ExitCode.error;
  }
  const context = requestContextFor(options, term, principalArn);
  if (context === undefined) return ExitCode.error;
  const snapshot = await loadSnapshotFor(options, term);
  if (snapshot === undefined) return ExitCode.error;
  const result = explainPrincipal(snapshot, principalArn, {
    ...context.options,
    ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
  });
  switch (outputFormat(options)) {
    case "json":
      term.out(`${JSON.stringify(explainJson(result, context.summary), null, 2)}\n`);
      break;
    case "mermaid":
      term.out(
        mermaidGraph(
          result.reach.map((r) => ({ principalArn: result.principal.arn, cluster: r.cluster, hops: r.hops })),
        ),
      );
      break;
    case "dot":
      term.out(
        dotGraph(
          result.reach.map((r) => ({ principalArn: result.principal.arn, cluster: r.cluster, hops: r.hops })),
        ),
      );
      break;
    case "text":
      term.out(explainText(result, term, context.summary));
      break;
  }
  return ExitCode.ok;
}
