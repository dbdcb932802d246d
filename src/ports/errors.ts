/**
 * Failures the adapters report in our own vocabulary, so the engine can turn them into
 * diagnostics that say what to do. Adapters translate SDK and HTTP errors into these.
 */
export type PortFailureKind =
  /** The calling identity lacks a permission. */
  | "access-denied"
  /** The object does not exist. */
  | "not-found"
  /** A write lost a race (Kubernetes 409 Conflict on resourceVersion). */
  | "conflict"
  /** The object exists already. */
  | "already-exists"
  /** The server refused the request as invalid. */
  | "invalid"
  /** No credentials, expired credentials, or an expired SSO session. */
  | "credentials"
  /** Network, throttling, 5xx: worth a retry. */
  | "unavailable";

export class PortError extends Error {
  override readonly name = "PortError";
  constructor(
    readonly kind: PortFailureKind,
    message: string,
    readonly details: {
      /** `iam:CreateRole`, `eks:CreateAccessEntry`, `create clusterrolebindings` ... */
      readonly operation: string;
      /** The identity that made the call, when known. */
      readonly identity?: string;
      /** The AWS account the call went to, when the engine knows it (configs with several accounts). */
      readonly account?: string;
      /** The IAM action or Kubernetes verb/resource that was missing, when known. */
      readonly missingPermission?: string;
      /** Kubernetes refused a binding because the caller does not hold the permissions it grants. */
      readonly escalation?: boolean;
      /** The server asked the caller to slow down (AWS Throttling, HTTP 429): retry later. */
      readonly throttled?: boolean;
      readonly cause?: unknown;
    },
  ) {
    super(message);
  }
}

/** A failure that goes away when the caller slows down and asks again. */
export function isThrottled(error: unknown): boolean {
  return error instanceof PortError && error.kind === "unavailable" && error.details.throttled === true;
}

export function isPortError(error: unknown, kind?: PortFailureKind): error is PortError {
  return error instanceof PortError && (kind === undefined || error.kind === kind);
}

/**
 * Runs `read` and names `account` in any PortError it fails with that does not name an
 * account yet, so that a failure says which account's credentials lacked what.
 */
export async function inAccount<T>(account: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof PortError && error.details.account === undefined) {
      throw new PortError(error.kind, error.message, { ...error.details, account });
    }
    throw error;
  }
}
