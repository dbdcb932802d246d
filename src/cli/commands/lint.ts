/** `eksgate lint aws-auth FILE`: check an aws-auth ConfigMap the way the authenticator reads it. */
import { readTextInput } from "../../adapters/fs/config-file.js";
import { checkConfigBytes } from "../../core/config/source.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../../core/diagnostics.js";
import { lintAwsAuth } from "../../core/lint/aws-auth.js";
import { ExitCode, type Terminal } from "../terminal.js";
import { diagnosticsJson, renderDiagnostics } from "../views/diagnostics.js";

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function lintAwsAuthCommand(
  file: string,
  options: { readonly json?: boolean },
  term: Terminal,
): Promise<number> {
  let name = file;
  let text: string;
  if (file === "-") {
    name = "<stdin>";
    const bytes = await readStdin();
    const problems = checkConfigBytes(name, bytes);
    if (problems.length > 0) return report(problems, options, term, name, undefined);
    text = Buffer.from(bytes).toString("utf8");
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
  options: { readonly json?: boolean },
  term: Terminal,
  file: string,
  text: string | undefined,
): number {
  const sorted = sortDiagnostics(diagnostics);
  const failed = hasErrors(sorted);
  if (options.json === true) {
    term.out(`${JSON.stringify({ file, ok: !failed, findings: diagnosticsJson(sorted) }, null, 2)}\n`);
  } else if (sorted.length === 0) {
    term.out(`${file}: no problems found\n`);
  } else {
    term.out(renderDiagnostics(sorted, term, text !== undefined ? new Map([[file, text]]) : new Map()));
  }
  return failed ? ExitCode.error : ExitCode.ok;
}
