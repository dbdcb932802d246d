/** Kubernetes connection (KUBE): finding the cluster in a kubeconfig. */
import { defineFamily } from "./define.js";

export const KUBE_CODES = defineFamily(
  "KUBE",
  {
    title: "Kubernetes connection (KUBE): finding the cluster in a kubeconfig",
    intro:
      "`plan`, `apply` and `destroy` choose the kubeconfig context of each cluster by its ARN, then its name, then its API server; a context that names the cluster but points at another server is skipped.",
  },
  {
    KUBE001: {
      severity: "error",
      meaning: "The kubeconfig file given does not exist.",
      hint: "Check the --kubeconfig path, or leave it out to use KUBECONFIG or ~/.kube/config.",
    },
    KUBE002: {
      severity: "error",
      alsoAs: ["warning"],
      meaning:
        "A kubeconfig file cannot be read: an error for the file given, a warning (file skipped) for one found through KUBECONFIG or ~/.kube/config.",
      hint: "Fix or remove the file (kubectl config view shows what kubectl makes of it).",
    },
    KUBE003: {
      severity: "error",
      meaning: "The kubeconfig context given does not exist.",
      hint: "List the contexts with kubectl config get-contexts, or add the cluster's with aws eks update-kubeconfig.",
    },
    KUBE004: {
      severity: "error",
      alsoAs: ["warning"],
      meaning:
        "A kubeconfig context that names the cluster points at another API server: an error for the context given, a warning (context skipped) for one eksgate found.",
      hint: "Refresh the context with aws eks update-kubeconfig --name CLUSTER --region REGION.",
    },
    KUBE005: {
      severity: "warning",
      meaning:
        "Several kubeconfig contexts fit the cluster equally well; the message says which one is used.",
      hint: "Name the context explicitly to choose another one.",
    },
    KUBE006: {
      severity: "error",
      meaning:
        "No kubeconfig context fits the cluster, and its endpoint is not known well enough to connect directly.",
      hint: "Add a context for the cluster (aws eks update-kubeconfig, or eksgate kubeconfig), or name an existing one.",
    },
  },
);
