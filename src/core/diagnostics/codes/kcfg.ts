/** `eksgate kubeconfig` (KCFG). */
import { defineFamily } from "./define.js";

export const KCFG_CODES = defineFamily(
  "KCFG",
  {
    title: "`eksgate kubeconfig` (KCFG)",
    intro:
      "KCFG0nn: the command's input, the kubeconfig it merges into and the AWS calls it makes. KCFG1nn: the AWS CLI profile it writes with `--exec aws`.",
  },
  {
    KCFG001: {
      severity: "error",
      where: "kubeconfig",
      meaning: "The cluster or team given does not fit the config (unknown, no access, ambiguous).",
      hint: "Name a cluster and a team of the config that has access to it (--cluster, --team).",
    },
    KCFG002: {
      severity: "error",
      where: "kubeconfig",
      meaning:
        "DescribeCluster failed, was denied (also as the team role), or the cluster has no endpoint yet.",
      hint: "Check the cluster name, region and your credentials; you need eks:DescribeCluster, or membership of the team's group.",
    },
    KCFG003: {
      severity: "error",
      where: "kubeconfig",
      meaning: "Your identity (GetCallerIdentity) gives no usable role session name: pass --session-name.",
      hint: "Pass --session-name with your IAM user name.",
    },
    KCFG004: {
      severity: "error",
      where: "kubeconfig",
      meaning: "The kubeconfig file cannot be read.",
      hint: "Check the path and the file's permissions.",
    },
    KCFG005: {
      severity: "error",
      where: "kubeconfig",
      meaning: "The kubeconfig file is not a kubeconfig (not YAML, or not a mapping).",
      hint: "Fix the file, or point --kubeconfig at another one; eksgate never rewrites a file it cannot read.",
    },
    KCFG006: {
      severity: "error",
      where: "kubeconfig",
      meaning: "A list in the kubeconfig (clusters, users, contexts) is not a list of named entries.",
      hint: "Fix the list so that each entry is a mapping with a name.",
    },
    KCFG007: {
      severity: "error",
      where: "kubeconfig --exec aws",
      meaning: "The AWS config profile exists with other settings: eksgate never overwrites it.",
      hint: "Remove or rename the existing profile, or choose another profile name.",
    },
    KCFG101: {
      severity: "error",
      where: "kubeconfig --exec aws",
      meaning: "The AWS CLI profile for a team needs a role session name and none could be found.",
      hint: "Pass --session-name with your IAM user name.",
    },
    KCFG102: {
      severity: "error",
      where: "kubeconfig --exec aws",
      meaning: "The role session name is not one STS accepts (2-64 of letters, digits and `+=,.@_-`).",
      hint: "Use 2 to 64 letters, digits and +=,.@_- for --session-name.",
    },
  },
);
