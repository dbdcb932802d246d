/** `eksgate lint aws-auth FILE`: check an aws-auth ConfigMap the way the authenticator reads it. */
import { decodeTextInput, readFailureDiagnostic, readTextInput } from "../../adapters/fs/config-file.js";
import { MAX_INPUT_BYTES, readBoundedStream } from "../../adapters/fs/read-input.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../../core/diagnostics.js";
import { lintAwsAuth } from "../../core/lint/aws-auth.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { diagnosticsJson, renderDiagnostics } from "../views/diagnostics.js";

export interface LintOptions {
  readonly json?: boolean;
  /** Warnings fail the run too (exit 1). */
  readonly strict?: boolean;
}

export async function lintAwsAuthCommand(
  file: string,
  options: LintOptions,
  term: Terminal,
): Promise<number> {
  let name = file;
  let text: string;
  if (file === "-") {
    name = "<stdin>";
    const read = await readBoundedStream(process.stdin, MAX_INPUT_BYTES);
    if (!read.ok)
      return report([readFailureDiagnostic(read, "standard input", name)], options, term, name, undefined);
    const input = decodeTextInput(name, "standard input", read.bytes);
    if (!input.ok) return report(input.diagnostics, options, term, name, undefined);
    text = input.value.text;
  } else {
    const input = await readTextInput(file, "manifest");
    if (!input.ok) return report(input.diagnostics, options, term, name, undefined);
    text = input.value.text;
  }
  const lint = lintAwsAuth(text, name);
  return report(lint.diagnostics, options, term, name, text);
}

function report(
  diagnostics: readonly Diagnostic[],
  options: LintOptions,
  term: Terminal,
  file: string,
  text: string | undefined,
): number {
  const sorted = sortDiagnostics(diagnostics);
  const failed =
    hasErrors(sorted) || (options.strict === true && sorted.some((d) => d.severity === "warning"));
  if (options.json === true) {
    term.out(`${JSON.stringify({ file, ok: !failed, findings: diagnosticsJson(sorted) }, null, 2)}\n`);
  } else if (sorted.length === 0) {
    term.out(`${file}: no problems found\n`);
  } else {
    term.out(renderDiagnostics(sorted, term, text !== undefined ? new Map([[file, text]]) : new Map()));
  }
  return failed ? ExitCode.error : ExitCode.ok;
}
