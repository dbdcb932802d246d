/** ARNs (ARN). */
import { defineFamily } from "./define.js";

export const ARN_CODES = defineFamily(
  "ARN",
  {
    title: "ARNs (ARN)",
    intro: "Parsing an ARN given in a config, a snapshot, a command line or an aws-auth entry.",
  },
  {
    ARN001: { severity: "error", meaning: "The text does not start with `arn:`." },
    ARN002: {
      severity: "error",
      meaning: "The ARN has fewer than the six `:`-separated sections an ARN needs.",
    },
    ARN003: {
      severity: "error",
      meaning: "The partition is not one AWS has (aws, aws-cn, aws-us-gov and the isolated partitions).",
    },
    ARN004: {
      severity: "error",
      meaning:
        "The resource part is not an identity the authenticator accepts (a user, role or root for iam, an assumed role for sts).",
    },
    ARN005: { severity: "error", meaning: "The service is not one of identities (iam or sts)." },
    ARN006: {
      severity: "error",
      meaning: "An assumed-role ARN without the role name and session name after `assumed-role/`.",
    },
  },
);
