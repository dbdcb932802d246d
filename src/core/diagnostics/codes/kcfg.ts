/** `eksgate kubeconfig` (KCFG). */
import { defineFamily } from "./define.js";

export const KCFG_CODES = defineFamily(
  "KCFG",
  {
    title: "`eksgate kubeconfig` (KCFG)",
    intro:
      "KCFG0nn: the command's input, the kubeconfig it merges into and the AWS calls it makes. KCFG1nn: the AWS CLI profile it writes with `--exec aws`. KCFG007-008 concern the AWS config file it adds profiles to.",
  },
  {
    KCFG001: {
      severity: "error",
      where: "kubeconfig",
      meaning: "The cluster or team given does not fit the config (unknown, no access, ambiguous).",
    },
    KCFG002: {
      severity: "error",
      where: "kubeconfig",
      meaning:
        "DescribeCluster failed, was denied (also as the team role), or the cluster has no endpoint yet.",
    },
    KCFG003: {
      severity: "error",
      where: "kubeconfig",
      meaning: "Your identity (GetCallerIdentity) gives no usable role session name: pass --session-name.",
    },
    KCFG004: { severity: "error", where: "kubeconfig", meaning: "The kubeconfig file cannot be read." },
    KCFG005: {
      severity: "error",
      where: "kubeconfig",
      meaning: "The kubeconfig file is not a kubeconfig (not YAML, or not a mapping).",
    },
    KCFG006: {
      severity: "error",
      where: "kubeconfig",
      meaning: "A list in the kubeconfig (clusters, users, contexts) is not a list of named entries.",
    },
    KCFG007: {
      severity: "error",
      where: "kubeconfig --exec aws",
      meaning:
        "The AWS config profile (or the `sso-session` it would use) exists with other settings: eksgate never overwrites it.",
    },
    KCFG008: {
      severity: "error",
      where: "kubeconfig --write-aws-profile",
      meaning:
        "An Identity Center profile needs an `sso-session` with the AWS access portal URL, and none is in the file: pass `--sso-start-url`.",
    },
    KCFG101: {
      severity: "error",
      where: "kubeconfig --exec aws",
      meaning: "The AWS CLI profile for a team needs a role session name and none could be found.",
    },
    KCFG102: {
      severity: "error",
      where: "kubeconfig --exec aws",
      meaning: "The role session name is not one STS accepts (2-64 of letters, digits and `+=,.@_-`).",
    },
  },
);
