/**
 * Registers the access-audit commands (snapshot, explain, who-can, can-i, audit).
 * Each command's action loads its implementation lazily.
 */
import { Option, type Command } from "commander";
import type { Terminal } from "../terminal.js";
import type { AuditCliOptions } from "./audit.js";
import type { CanICliOptions } from "./can-i.js";
import type { ExplainCliOptions } from "./explain.js";
import type { SnapshotCliOptions } from "./snapshot-command.js";
import type { WhoCanCliOptions } from "./who-can.js";

const LIVE_NOTE = `
Input: --snapshot DIR reads a snapshot (layout in docs/audit.md). Without it, the same data
is collected live, read-only, with your AWS credentials and kubeconfig (see eksgate snapshot).`;

/** The options every audit command takes to find its input. */
function inputOptions(command: Command): Command {
  return command
    .option("--snapshot <dir>", "read this snapshot directory instead of collecting live")
    .option("-c, --config <file>", "live: the eksgate config that lists the clusters and their regions")
    .option("--region <region>", "live: the AWS region of the clusters (default AWS_REGION)")
    .option("--profile <name>", "live: the AWS profile to use")
    .option(
      "--kube-context <name>",
      "live: the kubeconfig context (one cluster only; default: the cluster ARN)",
    )
    .option("--kubeconfig <file>", "live: the kubeconfig file (default KUBECONFIG or ~/.kube/config)")
    .option("--scps <file>", "live: service control policies from this file (the iam/scps.json shape)")
    .option("--organizations", "live: read service control policies from AWS Organizations");
}

const CONTEXT_NOTE = `
Request context: IAM is asked without MFA unless --mfa or --no-mfa says otherwise, and
access only MFA allows is shown as "yes, with MFA" with the condition that needs it.
--at TIME (ISO 8601, default now) sets aws:CurrentTime and aws:EpochTime; --context
KEY=VALUE adds a condition key (repeatable; a multivalued key takes several); --session-name
names every role session. The output says which context was assumed.`;

function collectPairs(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The request context IAM is asked in: MFA, time, session name, more condition keys. */
function contextOptions(command: Command): Command {
  return command
    .option("--mfa", "the caller signed in with MFA (default: not assumed; MFA-only access shows as such)")
    .option("--no-mfa", "the caller did not sign in with MFA: access that needs MFA counts as no")
    .option(
      "--context <key=value>",
      "a condition key of the request, e.g. aws:SourceIp=10.0.0.1 (repeatable)",
      collectPairs,
    )
    .option(
      "--session-name <name>",
      "the role session name of every AssumeRole (default: the IAM user name) and of a role used directly (default EKSGetTokenAuth)",
    )
    .option("--at <time>", "the time of the request, ISO 8601 with a zone (default: now)");
}

function outputOption(command: Command, graphs: boolean): Command {
  const choices = graphs ? ["text", "json", "mermaid", "dot"] : ["text", "json"];
  return command
    .option("--json", "print JSON (same as -o json)")
    .addOption(new Option("-o, --output <format>", "output format").choices(choices).default("text"));
}

function collectClusters(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerAuditCommands(
  program: Command,
  term: Terminal,
  setExit: (code: number) => void,
): void {
  program
    .command("snapshot")
    .description("collect IAM, EKS access entries, aws-auth and RBAC into a snapshot directory (read-only)")
    .requiredOption("--out <dir>", "the directory to write the snapshot to")
    .option(
      "--cluster <name>",
      "a cluster to collect (repeatable; default: the config's, else all in the region)",
      collectClusters,
    )
    .option("-c, --config <file>", "the eksgate config that lists the clusters and their regions")
    .option("--region <region>", "the AWS region of the clusters (default AWS_REGION)")
    .option("--profile <name>", "the AWS profile to use")
    .option("--kube-context <name>", "the kubeconfig context (one cluster only; default: the cluster ARN)")
    .addOption(new Option("--context <name>", "renamed to --kube-context").hideHelp())
    .option("--kubeconfig <file>", "the kubeconfig file (default KUBECONFIG or ~/.kube/config)")
    .option("--scps <file>", "service control policies from this file (the iam/scps.json shape)")
    .option("--organizations", "read service control policies from AWS Organizations (when permitted)")
    .addHelpText(
      "after",
      `
Examples:
  eksgate snapshot --out snap/ --cluster prod --region eu-west-1
  eksgate snapshot --out snap/ -c eksgate.yaml
  eksgate snapshot --out snap/ --cluster prod --kube-context prod-admin
  eksgate snapshot --out snap/ --cluster prod --organizations   # SCPs too

Reads only: iam:GetAccountAuthorizationDetails, eks:DescribeCluster, eks:ListClusters,
eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies, and
get/list of ConfigMap kube-system/aws-auth, RBAC objects and Namespaces. With
--organizations also organizations:DescribeOrganization, ListRoots, ListParents,
ListPoliciesForTarget and DescribePolicy (management account or delegated administrator);
without that permission the snapshot is written without SCPs and says so.`,
    )
    .action(async (options: SnapshotCliOptions) => {
      const { snapshotCommand } = await import("./snapshot-command.js");
      setExit(await snapshotCommand(options, term));
    });

  outputOption(
    contextOptions(
      inputOptions(
        program
          .command("explain")
          .description("show what an IAM user or role can reach in each cluster, and why, hop by hop")
          .argument(
            "<principal-arn>",
            "an IAM user (path included), role, account root, assumed-role or federated-user ARN",
          )
          .option("--cluster <name>", "only this cluster"),
      ),
    ),
    true,
  )
    .addHelpText(
      "after",
      `
Examples:
  eksgate explain arn:aws:iam::111122223333:user/alice --snapshot snap/
  eksgate explain arn:aws:iam::111122223333:role/eksgate-rnd --cluster prod --snapshot snap/
  eksgate explain arn:aws:iam::111122223333:user/alice --snapshot snap/ -o mermaid > alice.mmd
  eksgate explain arn:aws:iam::111122223333:root --snapshot snap/
  eksgate explain arn:aws:iam::111122223333:user/alice --mfa --context aws:SourceIp=10.0.0.1 --snapshot snap/
${CONTEXT_NOTE}
${LIVE_NOTE}`,
    )
    .action(async (principal: string, options: ExplainCliOptions) => {
      const { explainCommand } = await import("./explain.js");
      setExit(await explainCommand(principal, options, term));
    });

  outputOption(
    contextOptions(
      inputOptions(
        program
          .command("who-can")
          .description("list the IAM users and roles that can make a Kubernetes request, each with its path")
          .argument("<verb>", "get, list, create, delete, impersonate, ... or *")
          .argument(
            "<resource>",
            "pods, pods/log, deployments.apps, deployments.apps/scale, or a URL such as /healthz",
          )
          .option("-n, --namespace <ns>", "the namespace of the request (default: cluster-wide)")
          .option("--cluster <name>", "only this cluster")
          .option("--subresource <name>", "the subresource (same as RESOURCE/SUB)")
          .option("--name <name>", "the object's name (rules with resourceNames need it)")
          .option("--detail", "print every hop with its reason")
          .option("--no-impersonation", "do not count identities that get there by impersonating a holder"),
      ),
    ),
    true,
  )
    .addHelpText(
      "after",
      `
Examples:
  eksgate who-can delete pods -n payments --cluster prod --snapshot snap/
  eksgate who-can get pods/log -n payments --snapshot snap/ --detail
  eksgate who-can get secrets -n kube-system --name aws-credentials --snapshot snap/
  eksgate who-can get /metrics --snapshot snap/ --json
  eksgate who-can delete pods -n payments --no-mfa --at 2026-12-03T10:00:00Z --snapshot snap/
${CONTEXT_NOTE}
${LIVE_NOTE}`,
    )
    .action(async (verb: string, resource: string, options: WhoCanCliOptions) => {
      const { whoCanCommand } = await import("./who-can.js");
      setExit(await whoCanCommand(verb, resource, options, term));
    });

  outputOption(
    contextOptions(
      inputOptions(
        program
          .command("can-i")
          .description("answer whether an IAM user or role can make a Kubernetes request (exit 0 yes, 1 no)")
          .argument(
            "<principal-arn>",
            "an IAM user (path included), role, account root, assumed-role or federated-user ARN",
          )
          .argument("<verb>", "get, list, create, delete, ...")
          .argument("<resource>", "pods, pods/log, deployments.apps, or a URL such as /healthz")
          .option("-n, --namespace <ns>", "the namespace of the request (default: cluster-wide)")
          .option("--cluster <name>", "only this cluster (default: yes when any cluster allows)")
          .option("--subresource <name>", "the subresource (same as RESOURCE/SUB)")
          .option("--name <name>", "the object's name"),
      ),
    ),
    true,
  )
    .addHelpText(
      "after",
      `
Examples:
  eksgate can-i arn:aws:iam::111122223333:user/bob delete pods -n payments --snapshot snap/
  eksgate can-i arn:aws:iam::111122223333:user/carol get pods --cluster prod --snapshot snap/ --json

Answers: "yes", "yes, with MFA" (neither --mfa nor --no-mfa given, and only a path that
needs MFA allows it) or "no". Exit code 0 for yes and for yes, with MFA; 1 for no (the
reason says which hop broke) or on bad input. With --no-mfa a path that needs MFA is a no;
with --mfa the caller is taken to have signed in with MFA.
${CONTEXT_NOTE}
${LIVE_NOTE}`,
    )
    .action(async (principal: string, verb: string, resource: string, options: CanICliOptions) => {
      const { canICommand } = await import("./can-i.js");
      setExit(await canICommand(principal, verb, resource, options, term));
    });

  contextOptions(
    inputOptions(
      program
        .command("audit")
        .description(
          "list risky or broken access (findings with severity and code); optionally an HTML report",
        )
        .option("--cluster <name>", "only this cluster")
        .option("--json", "print JSON")
        .option("--html <file>", "also write a self-contained HTML report with the access graph"),
    ),
  )
    .addHelpText(
      "after",
      `
Examples:
  eksgate audit --snapshot snap/
  eksgate audit --snapshot snap/ --cluster prod --html report.html
  eksgate audit --snapshot snap/ --json

Exit code 1 when any finding is an error (or on bad input), 0 otherwise. Codes: docs/audit.md.
The findings do not depend on the request context; the access graph of --html does.
${CONTEXT_NOTE}
${LIVE_NOTE}`,
    )
    .action(async (options: AuditCliOptions) => {
      const { auditCommand } = await import("./audit.js");
      setExit(await auditCommand(options, term));
    });
}
