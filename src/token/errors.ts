/**
 * A failure the person running kubectl can act on. Its message is printed as one line on
 * stderr (kubectl shows it), never with a stack trace.
 */
export class TokenError extends Error {
  override readonly name = "TokenError";
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
