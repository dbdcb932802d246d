/** IAM (IAM): names, documents and the IAM data the audit reads. */
import { defineFamily } from "./define.js";

export const IAM_CODES = defineFamily(
  "IAM",
  {
    title: "IAM (IAM): names, documents and the IAM data the audit reads",
    intro:
      "IAM0nn: a name or document eksgate builds from the config is one IAM would refuse. IAM1nn: the IAM evaluator's findings about the IAM data it reads from a snapshot; they show up when a snapshot is read and in `eksgate audit`.",
  },
  {
    IAM001: { severity: "error", meaning: "An IAM user, group, role or policy name is empty." },
    IAM002: { severity: "error", meaning: "An IAM name is longer than IAM allows for its kind." },
    IAM003: {
      severity: "error",
      meaning: "An IAM name uses characters IAM refuses (allowed: letters, digits and `+=,.@_-`).",
    },
    IAM004: {
      severity: "error",
      meaning: "A team name cannot be an IAM tag value (over 256 characters, or characters tags refuse).",
    },
    IAM005: {
      severity: "error",
      meaning: "A policy document is over IAM's default size quota for its kind.",
    },
    IAM101: {
      severity: "error",
      meaning:
        "A policy document is not JSON (nor URL-encoded JSON), or not a JSON object: it grants nothing.",
    },
    IAM102: {
      severity: "error",
      meaning:
        "A policy statement is malformed (not an object, an Effect other than Allow or Deny, not exactly one of Action and NotAction, both Resource and NotResource): it is ignored; a Condition that is not an object never holds.",
    },
    IAM103: {
      severity: "warning",
      meaning: "A managed policy has no default version document in the snapshot: it grants nothing.",
    },
    IAM104: {
      severity: "warning",
      meaning:
        "A managed policy is attached but not in the snapshot (collected with a filter?): it is ignored.",
    },
    IAM105: {
      severity: "warning",
      meaning: "A user is in a group that is not in the snapshot: the group's policies are ignored.",
    },
    IAM106: { severity: "error", meaning: "A trust policy statement has no Principal: it matches nobody." },
    IAM107: {
      severity: "error",
      meaning: "A trust policy names an IAM group: groups are not principals and never match.",
    },
    IAM108: {
      severity: "warning",
      meaning:
        "A trust policy names something that is not a principal ARN (a deleted principal's unique id?): it matches nobody.",
    },
  },
);
