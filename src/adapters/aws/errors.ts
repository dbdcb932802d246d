/**
 * Turns what the AWS SDK throws into PortErrors in eksgate's vocabulary, so the engine can
 * say what went wrong and what to do without knowing SDK error classes.
 *
 * Errors are recognised by name first (the SDK names a service exception after its error
 * code, sometimes with an `Exception` suffix: IAM's `NoSuchEntity` arrives as
 * `NoSuchEntityException`), then by HTTP status. The status fallback matters for answers
 * the SDK cannot parse: moto answers EKS calls it denies with an XML body that the EKS
 * (REST/JSON) client fails to read, so the only thing left is a SyntaxError carrying
 * `$metadata.httpStatusCode` 403.
 *
 * Anything that is not from the SDK, a credential provider or the network (a TypeError from
 * a bug, say) is returned unchanged: hiding it behind a PortError would hide the bug.
 */
import { PortError, type PortFailureKind } from "../../ports/errors.js";

/** The service prefix of the API's IAM actions (`sso:ListInstances` for sso-admin). */
export type AwsService = "iam" | "sts" | "eks" | "organizations" | "sso" | "identitystore";

export interface TranslationContext {
  readonly service: AwsService;
  /** The API operation, e.g. `CreateRole`. */
  readonly operation: string;
  /** The credentials profile, if one is in use; named in `aws sso login` hints. */
  readonly profile?: string | undefined;
}

/** Error codes by kind, without any `Exception` suffix. */
const KIND_BY_CODE: Readonly<Record<string, PortFailureKind>> = {
  AccessDenied: "access-denied",
  UnauthorizedOperation: "access-denied",
  Unauthorized: "access-denied",
  AuthorizationError: "access-denied",

  NoSuchEntity: "not-found",
  ResourceNotFound: "not-found",
  NotFound: "not-found",

  EntityAlreadyExists: "already-exists",
  ResourceInUse: "already-exists",
  ResourceAlreadyExists: "already-exists",

  // IAM refuses DeleteRole while policies are attached or inline policies remain.
  DeleteConflict: "conflict",
  // sso-admin: a permission set of that name exists already (CreatePermissionSet).
  Conflict: "already-exists",

  ValidationError: "invalid",
  Validation: "invalid",
  InvalidInput: "invalid",
  MalformedPolicyDocument: "invalid",
  LimitExceeded: "invalid",
  UnmodifiableEntity: "invalid",
  PolicyNotAttachable: "invalid",
  InvalidParameter: "invalid",
  InvalidParameterValue: "invalid",
  InvalidRequest: "invalid",
  BadRequest: "invalid",
  ResourceLimitExceeded: "invalid",
  Serialization: "invalid",

  ExpiredToken: "credentials",
  InvalidClientTokenId: "credentials",
  UnrecognizedClient: "credentials",
  SignatureDoesNotMatch: "credentials",
  InvalidSignature: "credentials",
  IncompleteSignature: "credentials",
  MissingAuthenticationToken: "credentials",
  InvalidAccessKeyId: "credentials",
  RequestExpired: "credentials",
  CredentialsProviderError: "credentials",
  TokenProviderError: "credentials",

  Throttling: "unavailable",
  TooManyRequests: "unavailable",
  RequestLimitExceeded: "unavailable",
  ServiceUnavailable: "unavailable",
  ServiceFailure: "unavailable",
  Server: "unavailable",
  InternalFailure: "unavailable",
  InternalError: "unavailable",
  ConcurrentModification: "unavailable",
  RequestTimeout: "unavailable",
  TimeoutError: "unavailable",
};

/** Codes (without `Exception`) AWS answers when a caller exceeds a request rate. */
const THROTTLING_CODES = new Set(["Throttling", "TooManyRequests", "RequestLimitExceeded"]);

/** Node socket errors: the endpoint could not be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** The parts of an AWS "is not authorized to perform" message. */
export interface AccessDeniedMessage {
  readonly identity?: string;
  readonly action?: string;
  readonly resource?: string;
  /** The message mentions an explicit deny (identity policy, SCP, boundary, session policy). */
  readonly explicitDeny: boolean;
}

/**
 * Reads AWS's denial sentence, in the forms IAM, STS and EKS use:
 * `User: arn:aws:iam::123456789012:user/ana is not authorized to perform: iam:CreateRole
 * on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the
 * iam:CreateRole action` (moto stops after the action). Returns undefined when the message
 * is not of that form.
 */
export function parseAccessDeniedMessage(message: string): AccessDeniedMessage | undefined {
  const match =
    /(?:User: (\S+) )?is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)(?: on resource: (?:(?:role|user|group|policy|cluster) )?(\S+?)[.,;]?(?=\s|$))?/.exec(
      message,
    );
  if (match === null) return undefined;
  const [, identity, action, resource] = match;
  return {
    ...(identity !== undefined ? { identity } : {}),
    ...(action !== undefined ? { action } : {}),
    ...(resource !== undefined ? { resource } : {}),
    explicitDeny: /explicit deny/i.test(message),
  };
}

function errorCode(error: SdkErrorShape): string {
  const name = typeof error.name === "string" ? error.name : "";
  return name.endsWith("Exception") && name !== "Exception" ? name.slice(0, -"Exception".length) : name;
}

function httpStatus(error: SdkErrorShape): number | undefined {
  const status = error.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

function kindFromStatus(status: number | undefined): PortFailureKind | undefined {
  if (status === undefined) return undefined;
  if (status === 401) return "credentials";
  if (status === 403) return "access-denied";
  if (status === 404) return "not-found";
  if (status === 409) return "conflict";
  if (status === 429 || status >= 500) return "unavailable";
  if (status >= 400) return "invalid";
  return undefined;
}

function isSsoProblem(code: string, message: string): boolean {
  return code === "TokenProviderError" || /\bSSO\b|sso login|sso session|SSO token/i.test(message);
}

function ssoLogin(profile: string | undefined): string {
  return profile === undefined ? "aws sso login" : `aws sso login --profile ${profile}`;
}

function credentialsMessage(code: string, message: string, profile: string | undefined): string {
  const shown = profile === undefined ? "" : ` of profile ${profile}`;
  if (isSsoProblem(code, message)) {
    return `The AWS SSO session${shown} has expired or is not signed in: run \`${ssoLogin(profile)}\` and try again.`;
  }
  if (code === "ExpiredToken" || code === "RequestExpired" || /expired/i.test(message)) {
    return `The AWS credentials${shown} have expired: refresh them (for an SSO profile, \`${ssoLogin(profile)}\`) and try again.`;
  }
  if (code === "CredentialsProviderError") {
    return `No usable AWS credentials were found${shown} (${sentence(message)}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in with \`aws sso login --profile NAME\`.`;
  }
  return `AWS rejected the credentials${shown} (${code}): ${message}`;
}

/** A provider message without its trailing period, to embed in a sentence. */
function sentence(message: string): string {
  return message.trim().replace(/\.+$/, "");
}

/**
 * The PortError for an error the SDK threw during `service:operation`, or the error itself
 * when it did not come from AWS, the SDK's credential chain or the network.
 */
export function translateAwsError(error: unknown, context: TranslationContext): unknown {
  if (error instanceof PortError) return error;
  if (typeof error !== "object" || error === null) return error;
  const shape = error as SdkErrorShape;
  const code = errorCode(shape);
  const message = typeof shape.message === "string" ? shape.message : "";
  const status = httpStatus(shape);
  const operation = `${context.service}:${context.operation}`;
  const networkCode =
    typeof shape.code === "string" && NETWORK_CODES.has(shape.code) ? shape.code : undefined;

  if (/Region is missing/i.test(message)) {
    return new PortError(
      "invalid",
      `No AWS region is configured for ${operation}: set AWS_REGION or a region in the AWS profile.`,
      { operation, cause: error },
    );
  }

  const fromAws =
    shape.$metadata !== undefined ||
    code === "CredentialsProviderError" ||
    code === "TokenProviderError" ||
    code === "TimeoutError" ||
    networkCode !== undefined;
  if (!fromAws) return error;

  const kind: PortFailureKind =
    KIND_BY_CODE[code] ??
    (networkCode !== undefined ? "unavailable" : undefined) ??
    kindFromStatus(status) ??
    (shape.$fault === "server" ? "unavailable" : "invalid");

  switch (kind) {
    case "access-denied": {
      const parsed = parseAccessDeniedMessage(message);
      const missingPermission = parsed?.action ?? operation;
      const who = parsed?.identity ?? "The AWS identity in use";
      const where = parsed?.resource === undefined ? "" : ` on ${parsed.resource}`;
      const why =
        parsed === undefined
          ? code === "SyntaxError" || message === ""
            ? ` (HTTP ${status ?? "403"} without a readable error body)`
            : ` (${message})`
          : parsed.explicitDeny
            ? " (an explicit deny applies)"
            : "";
      return new PortError(
        "access-denied",
        `${who} is not allowed to perform ${missingPermission}${where}${why}.`,
        {
          operation,
          ...(parsed?.identity !== undefined ? { identity: parsed.identity } : {}),
          missingPermission,
          cause: error,
        },
      );
    }
    case "credentials":
      return new PortError("credentials", credentialsMessage(code, message, context.profile), {
        operation,
        cause: error,
      });
    case "unavailable": {
      const reason = networkCode ?? (code !== "" && code !== "Error" ? code : `HTTP ${status ?? "error"}`);
      const throttled = THROTTLING_CODES.has(code) || status === 429;
      return new PortError(
        "unavailable",
        `${operation} failed (${reason}), possibly for a short while: ${message || "no details"}`,
        { operation, ...(throttled ? { throttled } : {}), cause: error },
      );
    }
    default:
      return new PortError(kind, `${operation}: ${message || code || `HTTP ${status ?? "error"}`}`, {
        operation,
        cause: error,
      });
  }
}
