/** The views of `eksgate render`: text for people, YAML/JSON for machines, files for --out. */
import { stringify } from "yaml";
import type { DesiredState } from "../../core/plan/desired.js";
import {
  asArray,
  serializePolicyDocument,
  statementsOf,
  type PolicyDocument,
  type Statement,
} from "../../core/model/policy-document.js";
import type { RbacObject } from "../../core/model/rbac.js";
import type { Terminal } from "../terminal.js";

const yamlOptions = { lineWidth: 0, aliasDuplicateObjects: false } as const;

export function manifestsYaml(objects: readonly RbacObject[]): string {
  return objects.map((o) => stringify(o, yamlOptions)).join("---\n");
}

/** One readable line per statement: effect, actions, principals, resources, conditions. */
export function summarizePolicy(doc: PolicyDocument): string[] {
  return statementsOf(doc).map(summarizeStatement);
}

function summarizeStatement(statement: Statement): string {
  const parts: string[] = [statement.Effect];
  if (statement.Action !== undefined) parts.push(asArray(statement.Action).join(", "));
  if (statement.NotAction !== undefined)
    parts.push(`everything except ${asArray(statement.NotAction).join(", ")}`);
  const principal = statement.Principal;
  if (principal !== undefined) {
    const who = principal === "*" ? ["anyone"] : Object.values(principal).flatMap((v) => asArray(v));
    parts.push(`to ${who.join(", ")}`);
  }
  if (statement.Resource !== undefined) parts.push(`on ${asArray(statement.Resource).join(", ")}`);
  if (statement.NotResource !== undefined)
    parts.push(`on everything except ${asArray(statement.NotResource).join(", ")}`);
  const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, block]) =>
    Object.entries(block).map(([key, value]) => `${key} ${operator} ${asArray(value).join(" | ")}`),
  );
  if (conditions.length > 0) parts.push(`if ${conditions.join(" and ")}`);
  return parts.join(" ");
}

function indent(text: string, by: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => (line === "" ? line : by + line))
    .join("\n");
}

/** A JSON-friendly form of the whole rendering (also used for YAML). */
export function renderingData(desired: DesiredState): unknown {
  return {
    apiVersion: "eksgate.dev/v1alpha1",
    kind: "Rendering",
    accountId: desired.accountId,
    partition: desired.partition,
    iam: desired.iam,
    clusters: desired.clusters.map((c) => ({
      name: c.cluster.name,
      region: c.cluster.region,
      arn: c.cluster.arn,
      authentication: c.cluster.authentication,
      teams: c.teams,
      ...(c.cluster.authentication !== "access-entries" ? { awsAuthMapRoles: c.awsAuthMappings } : {}),
      ...(c.cluster.authentication !== "aws-auth" ? { accessEntries: c.accessEntries } : {}),
      rbac: c.rbacObjects,
    })),
    kubeconfigUsers: desired.kubeconfigUsers,
  };
}

export function renderText(desired: DesiredState, source: string, term: Pick<Terminal, "paint">): string {
  const { paint } = term;
  const out: string[] = [];
  const h1 = (s: string): void => {
    out.push("", paint.bold(paint.underline(s)));
  };
  const h2 = (s: string): void => {
    out.push("", paint.bold(s));
  };
  out.push(
    `${paint.bold("eksgate render")} ${paint.dim(`${source} · account ${desired.accountId} · ${desired.iam.length} team(s), ${desired.clusters.length} cluster(s) · nothing is changed`)}`,
  );

  h1("IAM (account-wide)");
  if (desired.iam.length === 0) out.push(paint.dim("  (no teams selected)"));
  for (const team of desired.iam) {
    h2(`team ${team.team}`);
    out.push(`  ${paint.cyan("role")}         ${team.roleName}  ${paint.dim(team.roleArn)}`);
    out.push(`  ${paint.cyan("tags")}         ${team.roleTags.map((t) => `${t.Key}=${t.Value}`).join(", ")}`);
    out.push(`  ${paint.cyan("trust policy")} (who may assume the role)`);
    for (const line of summarizePolicy(team.trustPolicy)) out.push(`    ${line}`);
    out.push(`  ${paint.cyan("role policy")}  ${team.rolePolicy.name} (what the role may do in AWS)`);
    for (const line of summarizePolicy(team.rolePolicy.document)) out.push(`    ${line}`);
    out.push(
      `  ${paint.cyan("group policy")} ${team.groupPolicy.name} on IAM group ${paint.bold(team.groupName)} (lets members assume the role)`,
    );
    for (const line of summarizePolicy(team.groupPolicy.document)) out.push(`    ${line}`);
  }

  for (const c of desired.clusters) {
    h1(`cluster ${c.cluster.name} (${c.cluster.region}, authentication: ${c.cluster.authentication})`);
    if (c.teams.length === 0) {
      out.push(paint.dim("  no selected team has access to this cluster"));
      continue;
    }
    if (c.cluster.authentication !== "access-entries") {
      h2(
        c.cluster.authentication === "auto"
          ? "aws-auth mapRoles entries (if the cluster authenticates through aws-auth)"
          : "aws-auth mapRoles entries (kube-system/aws-auth; every other entry is kept as it is)",
      );
      out.push(indent(stringify(c.awsAuthMappings, yamlOptions), "  "));
    }
    if (c.cluster.authentication !== "aws-auth") {
      h2(
        c.cluster.authentication === "auto"
          ? "access entries (if the cluster's authentication mode allows them)"
          : "access entries",
      );
      out.push(indent(stringify(c.accessEntries, yamlOptions), "  "));
    }
    h2("RBAC manifests (labelled app.kubernetes.io/managed-by=eksgate)");
    out.push(indent(manifestsYaml(c.rbacObjects), "  "));
    h2("kubeconfig user for team members (eksgate kubeconfig writes it)");
    for (const k of desired.kubeconfigUsers.filter((u) => u.cluster === c.cluster.name)) {
      out.push(`  ${paint.dim(`# team ${k.team}`)}`);
      out.push(indent(stringify({ users: [k.user] }, yamlOptions), "  "));
    }
  }
  out.push(
    "",
    paint.dim(
      "Full policy documents: -o json or -o yaml; one file per document: --out DIR. Apply with eksgate plan/apply.",
    ),
  );
  return `${out.join("\n")}\n`;
}

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/** One file per document, for `--out DIR`. Paths are relative to DIR. */
export function renderFiles(desired: DesiredState): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const team of desired.iam) {
    const dir = `iam/${team.team}`;
    files.push({
      path: `${dir}/trust-policy.json`,
      content: `${serializePolicyDocument(team.trustPolicy)}\n`,
    });
    files.push({
      path: `${dir}/role-policy.json`,
      content: `${serializePolicyDocument(team.rolePolicy.document)}\n`,
    });
    files.push({
      path: `${dir}/group-policy.json`,
      content: `${serializePolicyDocument(team.groupPolicy.document)}\n`,
    });
  }
  for (const c of desired.clusters) {
    const dir = `clusters/${c.cluster.name}`;
    if (c.cluster.authentication !== "access-entries") {
      files.push({
        path: `${dir}/aws-auth-mapRoles.yaml`,
        content: stringify(c.awsAuthMappings, yamlOptions),
      });
    }
    if (c.cluster.authentication !== "aws-auth") {
      files.push({
        path: `${dir}/access-entries.json`,
        content: `${JSON.stringify(c.accessEntries, null, 2)}\n`,
      });
    }
    if (c.rbacObjects.length > 0)
      files.push({ path: `${dir}/rbac.yaml`, content: manifestsYaml(c.rbacObjects) });
    for (const k of desired.kubeconfigUsers.filter((u) => u.cluster === c.cluster.name)) {
      files.push({
        path: `${dir}/kubeconfig-user-${k.team}.yaml`,
        content: stringify({ users: [k.user] }, yamlOptions),
      });
    }
  }
  return files;
}
