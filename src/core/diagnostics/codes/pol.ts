/** IAM policy documents (POL). */
import { defineFamily } from "./define.js";

export const POL_CODES = defineFamily(
  "POL",
  {
    title: "IAM policy documents (POL)",
    intro: "The checks on a policy document eksgate builds, or reads back from IAM.",
  },
  {
    POL001: { severity: "error", meaning: "A policy document cannot be URL-decoded (as IAM returns them)." },
    POL002: { severity: "error", meaning: "A policy document is not valid JSON." },
    POL003: {
      severity: "error",
      meaning: "A policy document or statement has the wrong shape (not an object, Statement not a list).",
    },
    POL004: { severity: "error", meaning: "A statement has a key IAM does not know." },
    POL005: {
      severity: "error",
      alsoAs: ["warning"],
      meaning: "`Version` is missing or not `2012-10-17` (policy variables need it).",
    },
    POL006: {
      severity: "error",
      meaning: "A `Sid` has characters other than letters and digits, or two statements share one.",
    },
    POL007: { severity: "error", meaning: "A statement has neither `Action` nor `NotAction`." },
    POL008: {
      severity: "error",
      meaning: "An identity-policy statement has neither `Resource` nor `NotResource`.",
    },
    POL009: {
      severity: "error",
      meaning: "A trust-policy statement has neither `Principal` nor `NotPrincipal`.",
    },
    POL010: {
      severity: "error",
      meaning: "An identity policy names a `Principal` (only trust policies may).",
    },
    POL011: { severity: "error", meaning: "A trust policy names a `Resource` (only identity policies may)." },
    POL012: {
      severity: "error",
      meaning: "A trust policy names an IAM group as principal: groups are not principals, it never matches.",
    },
  },
);
