/** Reads `eksgate.yaml` from disk and hands the text to the pure config parser. */
import type { Diagnostic, Result } from "../../core/diagnostics.js";
import type { AccessConfig } from "../../core/model/access-config.js";
import { parseAccessConfig } from "../../core/config/load.js";
import { checkConfigBytes } from "../../core/config/source.js";
import { describeReadFailure, MAX_INPUT_BYTES, readRegularFile, type ReadFailure } from "./read-input.js";

export interface LoadedText {
  readonly file: string;
  readonly text: string;
}

/** The diagnostic for a file (or standard input) that was not read. */
export function readFailureDiagnostic(failure: ReadFailure, what: string, file: string): Diagnostic {
  const code =
    failure.reason === "too-large" ? "EG102" : failure.reason === "not-regular" ? "EG106" : "EG100";
  const detail =
    failure.reason === "too-large"
      ? `Point at the file itself; a real ${what} is far smaller.`
      : failure.reason === "not-regular"
        ? `Save the content to a file first, or pipe it in with - (read up to ${String(MAX_INPUT_BYTES / (1024 * 1024))} MiB).`
        : "Check the path; -c defaults to ./eksgate.yaml.";
  return { code, severity: "error", summary: describeReadFailure(failure, what, file), detail, path: file };
}

/** Bytes as UTF-8 text, the way every eksgate input is decoded: binary and UTF-8 checks. */
export function decodeTextInput(
  file: string,
  what: string,
  bytes: Uint8Array,
): { ok: true; value: LoadedText } | { ok: false; diagnostics: Diagnostic[] } {
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

/** Reads a text file the way every eksgate input is read: a regular file, at most 1 MiB, UTF-8. */
export async function readTextInput(
  file: string,
  what: string,
): Promise<{ ok: true; value: LoadedText } | { ok: false; diagnostics: Diagnostic[] }> {
  const read = await readRegularFile(file, MAX_INPUT_BYTES);
  if (!read.ok) return { ok: false, diagnostics: [readFailureDiagnostic(read, what, file)] };
  return decodeTextInput(file, what, read.bytes);
}

export async function loadConfigFile(file: string): Promise<Result<AccessConfig> & { text?: string }> {
  const input = await readTextInput(file, "config file");
  if (!input.ok) return input;
  return { ...parseAccessConfig(file, input.value.text), text: input.value.text };
}
