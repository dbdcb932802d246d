/**
 * A failure the person running kubectl can act on. Its message is printed as one line on
 * stderr (kubectl shows it), never with a stack trace.
 */
import type { Diagnostic } from "../core/diagnostics.js";

export class TokenError extends Error {
  override readonly name = "TokenError";
}

/**
 * A failure with a registered code (TOK family): printed as `CODE summary; detail`. The
 * import is a type only: the registry stays out of the plugin's bundle.
 */
export function tokenFailure(diagnostic: Diagnostic): TokenError {
  const detail = diagnostic.detail === undefined ? "" : `; ${diagnostic.detail}`;
  return new TokenError(`${diagnostic.code} ${diagnostic.summary}${detail}`);
}

/** An error answer from STS: the query protocol's `<Error><Code>` and `<Message>`. */
export class StsError extends Error {
  override readonly name = "StsError";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
