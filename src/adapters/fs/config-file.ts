/** Reads `eksgate.yaml` from disk and hands the text to the pure config parser. */
import { readFile } from "node:fs/promises";
import type { Diagnostic, Result } from "../../core/diagnostics.js";
import type { AccessConfig } from "../../core/model/access-config.js";
import { parseAccessConfig } from "../../core/config/load.js";
import { checkConfigBytes } from "../../core/config/source.js";

export interface LoadedText {
  readonly file: string;
  readonly text: string;
}

/** Reads a text file the way every eksgate input is read: size, binary and UTF-8 checks. */
export async function readTextInput(
  file: string,
  what: string,
): Promise<{ ok: true; value: LoadedText } | { ok: false; diagnostics: Diagnostic[] }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const summary =
      code === "ENOENT"
        ? `${what} not found: ${file}`
        : code === "EISDIR"
          ? `${what} is a directory: ${file}`
          : code === "EACCES"
            ? `${what} is not readable (permission denied): ${file}`
            : `cannot read ${what} ${file}: ${code ?? String(error)}`;
    return {
      ok: false,
      diagnostics: [
        {
          code: "EG100",
          severity: "error",
          summary,
          detail: "Check the path; -c defaults to ./eksgate.yaml.",
          path: file,
        },
      ],
    };
  }
  const problems = checkConfigBytes(file, bytes);
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return {
      ok: false,
      diagnostics: [
        {
          code: "EG103",
          severity: "error",
          summary: `${what} is not UTF-8 text`,
          detail: "Save the file as UTF-8.",
          source: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  return { ok: true, value: { file, text: text.replace(/^\uFEFF/, "") } };
}

export async function loadConfigFile(file: string): Promise<Result<AccessConfig> & { text?: string }> {
  const input = await readTextInput(file, "config file");
  if (!input.ok) return input;
  return { ...parseAccessConfig(file, input.value.text), text: input.value.text };
}
