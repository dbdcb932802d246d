// Errors the double answers with. EKS speaks restJson1: the error name travels in the
// `x-amzn-errortype` header (and `__type` in the body here), the HTTP status comes from the
// error shape's httpError trait in the EKS Smithy model, and the body carries `message` plus
// the shape's members (`clusterName`, ...). @aws-sdk/client-eks turns that into the exported
// exception class of the same name.

/** Error names and their HTTP status, as declared in the EKS model (2017-11-01). */
export const EKS_ERROR_STATUS = {
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  ResourceNotFoundException: 404,
  ResourceInUseException: 409,
  ResourceLimitExceededException: 400,
  NotFoundException: 404,
  BadRequestException: 400,
  ServerException: 500,
} as const;

export type EksErrorType =
  keyof typeof EKS_ERROR_STATUS | "SerializationException" | "UnknownOperationException";

export class EksApiError extends Error {
  override readonly name = "EksApiError";
  readonly status: number;

  constructor(
    readonly type: EksErrorType,
    message: string,
    readonly members: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.status = statusOf(type);
  }
}

function statusOf(type: EksErrorType): number {
  if (type === "SerializationException") return 400;
  if (type === "UnknownOperationException") return 404;
  return EKS_ERROR_STATUS[type];
}

export function invalidParameter(message: string, clusterName?: string): EksApiError {
  return new EksApiError("InvalidParameterException", message, clusterName ? { clusterName } : {});
}

export function invalidRequest(message: string, clusterName?: string): EksApiError {
  return new EksApiError("InvalidRequestException", message, clusterName ? { clusterName } : {});
}

export function notFound(message: string, clusterName?: string): EksApiError {
  return new EksApiError("ResourceNotFoundException", message, clusterName ? { clusterName } : {});
}

export function inUse(message: string, clusterName?: string): EksApiError {
  return new EksApiError("ResourceInUseException", message, clusterName ? { clusterName } : {});
}
