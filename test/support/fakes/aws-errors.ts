// Errors of the AWS fakes, shaped as @aws-sdk clients raise them (a `name` that is the error
// code, a message, `$metadata.httpStatusCode`) and translated by the adapters' own
// translateAwsError: a PortError from a fake reads like one from AWS.
import { translateAwsError, type AwsService } from "../../../src/adapters/aws/errors.js";
import { PortError } from "../../../src/ports/errors.js";

export function awsFailure(
  service: AwsService,
  operation: string,
  code: string,
  status: number,
  message: string,
): PortError {
  const sdkError = Object.assign(new Error(message), {
    name: code,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });
  const translated = translateAwsError(sdkError, { service, operation });
  if (!(translated instanceof PortError)) throw new Error(`${code} was not translated into a PortError`);
  return translated;
}
