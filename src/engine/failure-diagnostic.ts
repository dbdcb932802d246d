/**
 * How a failure while reading or writing live state becomes a diagnostic: the one mapping
 * plan (reading), apply (running a step) and snapshot collection use, so that the same
 * refusal from AWS or Kubernetes reads the same wherever it happens.
 *
 * A PortError (src/ports/errors.ts) says what kind of failure it was; the kind decides the
 * code and the advice. A DiagnosedFailure already carries its diagnostics (a refused
 * aws-auth write, a cluster that cannot be reached): those keep their own codes.
 */
import type { Diagnostic, DiagnosticCode } from "../core/diagnostics.js";
import { PortError } from "../ports/errors.js";

/** A failure whose reasons are already diagnostics (with their codes, paths and hints). */
export class DiagnosedFailure extends Error {
  override readonly name = "DiagnosedFailure";
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.summary).join("; "));
  }
}

export interface FailureContext {
  /** `read`: observing live state (plan, snapshot); `write`: running a plan step. */
  readonly during: "read" | "write";
  /** The plan step that failed: its id leads the summary. */
  readonly step?: string;
  /** The account the call went to, named when the config has several. */
  readonly account?: string;
}

/** Failures that are the world's, not eksgate's: they become diagnostics, never a stack trace. */
export function isExpectedFailure(error: unknown): error is PortError | DiagnosedFailure {
  return error instanceof PortError || error instanceof DiagnosedFailure;
}

/**
 * The diagnostic for a failure. PortErrors and DiagnosedFailures say what to do; anything
 * else is a bug in eksgate or a library and is reported as such (EG300 while writing, so
 * the outcome of the other steps is still reported; EG304 while reading).
 */
export function failureDiagnostic(error: unknown, context: FailureContext): Diagnostic {
  const lead = context.step !== undefined ? `${context.step}: ` : "";
  if (error instanceof DiagnosedFailure) return diagnosedFailure(error, lead);
  if (error instanceof PortError) return portFailureDiagnostic(error, context);
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: context.during === "write" ? "EG300" : "EG304",
    severity: "error",
    summary: `${lead}${message}`,
    detail: `Run ${context.during === "write" ? "apply" : "it"} again; if it keeps failing, run with EKSGATE_DEBUG=1 and report it.`,
  };
}

/** The first error of the failure's diagnostics, led by the step; the others follow in its detail. */
function diagnosedFailure(error: DiagnosedFailure, lead: string): Diagnostic {
  const errors = error.diagnostics.filter((d) => d.severity === "error");
  const first = errors[0] ?? error.diagnostics[0];
  if (first === undefined) {
    return { code: "EG300", severity: "error", summary: `${lead}failed without a reason (a bug: report it)` };
  }
  const more = errors.slice(1).map((d) => `${d.code}: ${d.summary}`);
  const detail = [first.detail, ...more].filter((s): s is string => s !== undefined).join(" Also: ");
  return {
    code: first.code,
    severity: "error",
    summary: `${lead}${first.summary}`,
    ...(detail !== "" ? { detail } : {}),
    ...(first.path !== undefined ? { path: first.path } : {}),
    ...(first.source !== undefined ? { source: first.source } : {}),
  };
}

/** A PortError as a diagnostic: what was refused, to whom, and what to do about it. */
export function portFailureDiagnostic(error: PortError, context: FailureContext): Diagnostic {
  const lead = context.step !== undefined ? `${context.step}: ` : "";
  const inAccount = context.account !== undefined ? ` in account ${context.account}` : "";
  const who = error.details.identity ?? "the identity eksgate runs as";
  const again = context.during === "write" ? "run apply again" : "try again";
  if (error.kind === "access-denied" && error.details.escalation === true) {
    return {
      code: "EG302",
      severity: "error",
      summary: `${lead}Kubernetes refused the binding because ${who} does not itself hold the permissions it grants (RBAC escalation check)`,
      detail:
        "Apply as an identity that holds those permissions (e.g. cluster-admin), or grant it the bind verb on that ClusterRole. " +
        `Server said: ${error.message}`,
    };
  }
  if (error.kind === "access-denied") {
    const missing = error.details.missingPermission ?? error.details.operation;
    return {
      code: "EG301",
      severity: "error",
      summary: `${lead}${who} is not allowed to ${missing}${inAccount}`,
      detail:
        `Grant ${missing}${inAccount} to ${who}, or run eksgate with credentials that have it ` +
        `(for another account: its profile or roleArn under accounts:). Server said: ${error.message}`,
    };
  }
  if (error.kind === "credentials") {
    return {
      code: "EG303",
      severity: "error",
      summary: `${lead}${error.details.operation} failed: ${error.message}`,
      detail: `Refresh the credentials (AWS_PROFILE, aws sso login, access keys, or the kubeconfig user's) and ${again}.`,
    };
  }
  const code: DiagnosticCode = context.during === "write" ? "EG300" : "EG304";
  return {
    code,
    severity: "error",
    summary: `${lead}${error.details.operation} failed (${error.kind}${inAccount}): ${error.message}`,
    detail: adviceFor(error, context),
  };
}

function adviceFor(error: PortError, context: FailureContext): string {
  if (error.details.throttled === true)
    return `The server kept asking to slow down: wait a minute and ${context.during === "write" ? "run apply again" : "try again"}, or lower --parallelism.`;
  if (context.during === "write")
    return "Fix the cause and run apply again: it continues from what is already done.";
  return "Check connectivity and the cluster's kubeconfig context, then try again.";
}
