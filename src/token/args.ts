/**
 * Command-line options of `eksgate token`. Parsed by hand on purpose: this runs on every
 * kubectl call, and an argument parser library would cost more start-up time than the rest
 * of the cache-hit path. It stays small and strict: an unknown flag is an error.
 *
 * The flags kubeconfigs already pass to `aws eks get-token` work unchanged
 * (`--cluster-name`, `--region`, `--role-arn`, `--profile`, `--output json`).
 */
import { TokenError } from "./errors.js";

export interface TokenOptions {
  readonly clusterName?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly sessionName?: string;
  readonly profile?: string;
  /** IAM group named in the AccessDenied message, so the person knows what to ask for. */
  readonly group?: string;
  /** Neither read nor write the cache. */
  readonly noCache: boolean;
  /** Remove every cached entry first. Alone (without --cluster-name) it only drops the cache. */
  readonly dropCache: boolean;
  readonly help: boolean;
}

const VALUE_FLAGS = {
  "--cluster-name": "clusterName",
  "--region": "region",
  "--role-arn": "roleArn",
  "--session-name": "sessionName",
  "--profile": "profile",
  "--group": "group",
  "--output": "output",
} as const;

type ValueKey = (typeof VALUE_FLAGS)[keyof typeof VALUE_FLAGS];

export const USAGE = `usage: eksgate token --cluster-name NAME [--region R] [--role-arn ARN] [--session-name S]
                     [--profile P] [--group G] [--no-cache] [--drop-cache]
       eksgate token --drop-cache

Prints a Kubernetes ExecCredential holding an EKS bearer token (as aws eks get-token does),
cached until shortly before it expires.
  --cluster-name NAME   EKS cluster name (the x-k8s-aws-id the token is bound to)
  --region R            AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region)
  --role-arn ARN        assume this role and sign the token with its credentials
  --session-name S      role session name (default: your IAM user name, or your own session name)
  --profile P           AWS profile for your own credentials (default: AWS_PROFILE); an
                        IAM Identity Center profile signs with its aws sso login session
  --group G             IAM group to name when the role cannot be assumed
  --no-cache            do not read or write the cache
  --drop-cache          remove all cached tokens and credentials
`;

function isValueFlag(flag: string): flag is keyof typeof VALUE_FLAGS {
  return Object.hasOwn(VALUE_FLAGS, flag);
}

export function parseTokenArgs(argv: readonly string[]): TokenOptions {
  const values: Partial<Record<ValueKey, string>> = {};
  let noCache = false;
  let dropCache = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (isValueFlag(flag)) {
      let value: string | undefined;
      if (eq > 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
        throw new TokenError(`${flag} needs a value`);
      }
      const key = VALUE_FLAGS[flag];
      if (values[key] !== undefined) throw new TokenError(`${flag} given twice`);
      values[key] = value;
      continue;
    }
    if (eq > 0) throw new TokenError(`${flag} takes no value`);
    switch (arg) {
      case "--no-cache":
        noCache = true;
        break;
      case "--drop-cache":
      case "--clear-cache":
        dropCache = true;
        break;
      case "-h":
      case "--help":
        help = true;
        break;
      default:
        throw new TokenError(
          arg.startsWith("-")
            ? `unknown option ${arg} (see eksgate token --help)`
            : `unexpected argument ${arg} (see eksgate token --help)`,
        );
    }
  }
  if (values.output !== undefined && values.output !== "json") {
    throw new TokenError(`--output ${values.output} is not supported: the ExecCredential is always JSON`);
  }
  if (!help && !dropCache && values.clusterName === undefined) {
    throw new TokenError("--cluster-name is required (see eksgate token --help)");
  }
  if (values.sessionName !== undefined && !/^[\w+=,.@-]{2,64}$/.test(values.sessionName)) {
    throw new TokenError(
      `--session-name ${values.sessionName} is not a valid role session name (2-64 of letters, digits and +=,.@_-)`,
    );
  }
  return {
    ...(values.clusterName !== undefined && { clusterName: values.clusterName }),
    ...(values.region !== undefined && { region: values.region }),
    ...(values.roleArn !== undefined && { roleArn: values.roleArn }),
    ...(values.sessionName !== undefined && { sessionName: values.sessionName }),
    ...(values.profile !== undefined && { profile: values.profile }),
    ...(values.group !== undefined && { group: values.group }),
    noCache,
    dropCache,
    help,
  };
}
