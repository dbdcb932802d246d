/**
 * The live half of the access-policy table check: with no --snapshot, `migrate` and
 * `doctor` ask ListAccessPolicies and warn (EG418) about policies the table does not know.
 * A failure to ask is itself a warning: the plan does not depend on it.
 */
import { createEksPort } from "../../adapters/aws/eks.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import { accessPolicyWarnings, MIGRATE_CODES } from "../../core/migrate/index.js";
import type { Terminal } from "../terminal.js";
import { renderDiagnostics } from "../views/diagnostics.js";

export interface LivePolicyOptions {
  readonly snapshot?: string;
  readonly region?: string;
  readonly profile?: string;
}

export async function liveAccessPolicyWarnings(options: LivePolicyOptions): Promise<Diagnostic[]> {
  if (options.snapshot !== undefined) return [];
  const region = options.region ?? process.env["AWS_REGION"] ?? process.env["AWS_DEFAULT_REGION"];
  if (region === undefined) return [];
  try {
    const eks = createEksPort({
      region,
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
    });
    return accessPolicyWarnings(await eks.listAccessPolicies());
  } catch (error) {
    return [
      {
        code: MIGRATE_CODES.unknownAccessPolicy,
        severity: "warning",
        summary: `could not list the EKS access policies (${error instanceof Error ? error.message : String(error)}): policies newer than eksgate's table are not checked`,
        detail: "Allow eks:ListAccessPolicies to the identity eksgate runs as.",
      },
    ];
  }
}

export async function warnAboutAccessPolicies(options: LivePolicyOptions, term: Terminal): Promise<void> {
  const warnings = await liveAccessPolicyWarnings(options);
  if (warnings.length > 0) term.err(renderDiagnostics(warnings, term));
}
