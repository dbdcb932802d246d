/** `eksgate token` (TOK): what the exec credential plugin prints when it cannot sign. */
import { defineFamily } from "./define.js";

export const TOK_CODES = defineFamily(
  "TOK",
  {
    title: "`eksgate token` (TOK)",
    intro:
      "Printed by the exec credential plugin on stderr (kubectl shows it), one line: the code, what is wrong, what to do. TOK1nn: credentials from an IAM Identity Center (AWS SSO) profile.",
  },
  {
    TOK101: {
      severity: "error",
      meaning: "The SSO profile's session has no access token on this machine: nobody signed in yet.",
      hint: "Run `aws sso login --profile PROFILE`.",
    },
    TOK102: {
      severity: "error",
      meaning: "The SSO access token has expired, or the portal no longer accepts it.",
      hint: "Run `aws sso login --profile PROFILE`.",
    },
    TOK103: {
      severity: "error",
      meaning:
        "The SSO profile is incomplete or inconsistent (a missing `sso-session` section, start URL, region, account id or role name).",
    },
    TOK104: {
      severity: "error",
      meaning:
        "The portal refused the account and role: the permission set is not assigned to you in that account.",
    },
    TOK105: {
      severity: "error",
      meaning: "The SSO portal could not be reached or answered something unexpected.",
    },
  },
);
