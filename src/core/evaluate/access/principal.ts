/**
 * Which ARNs `explain` and `can-i` can answer for: every form the EKS authenticator maps
 * (aws-iam-authenticator, pkg/arn "Canonicalize": an IAM user or role, with or without a
 * path, the account root user, an STS assumed-role or federated-user session), provided it
 * could be a real caller. An ARN STS never reports (an account id that is not 12 digits, a
 * region in an IAM ARN, an empty or malformed name) is refused with the reason, since no
 * request can ever come from it.
 */
import { parsePrincipalArn, PARTITIONS, readArn, partitionOf, isPartition } from "../../model/arn.js";

export type PrincipalArnCheck =
  | { readonly ok: true; readonly kind: "user" | "role" | "root" | "assumed-role" | "federated-user" }
  | { readonly ok: false; readonly reason: string; readonly hint: string };

const FORMS =
  "Use arn:aws:iam::ACCOUNT:user/NAME, arn:aws:iam::ACCOUNT:role/NAME, arn:aws:iam::ACCOUNT:root, " +
  "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or arn:aws:sts::ACCOUNT:federated-user/NAME.";

/** IAM user and role names, and STS session names ("IAM identifiers", "AssumeRole"). */
const NAME = /^[\w+=,.@-]+$/;
const SESSION = /^[\w+=,.@-]{2,64}$/;
const FEDERATED = /^[\w+=,.@-]{2,32}$/;
/** IAM paths: `/`, or `/` + printable ASCII + `/` ("IAM identifiers"). */
const PATH = /^\/(?:[\x21-\x7e]*\/)?$/;

function refuse(reason: string, hint = FORMS): PrincipalArnCheck {
  return { ok: false, reason, hint };
}

export function checkPrincipalArn(arn: string): PrincipalArnCheck {
  if (/\s/.test(arn)) return refuse(`${JSON.stringify(arn)} contains whitespace: no caller has this ARN`);
  const parsed = parsePrincipalArn(arn);
  if (!parsed.ok) {
    const d = parsed.diagnostics[0];
    const sections = readArn(arn);
    if (sections?.service === "iam" && sections.region === "" && sections.resource.startsWith("group/")) {
      return refuse(
        `${JSON.stringify(arn)} is an IAM group: groups are not principals`,
        "Groups are not principals: ask about a member (arn:aws:iam::ACCOUNT:user/NAME), or use who-can.",
      );
    }
    const partition = partitionOf(arn, "");
    if (arn.startsWith("arn:") && !isPartition(partition)) {
      return refuse(
        `${JSON.stringify(arn)} has partition ${JSON.stringify(partition)}, which the authenticator does not accept`,
        `Partitions: ${PARTITIONS.join(", ")}.`,
      );
    }
    return refuse(
      `${JSON.stringify(arn)} is not a principal the authenticator maps: ${d?.summary ?? "not an ARN"}`,
    );
  }
  const p = parsed.value;
  const { region, resource } = readArn(arn) ?? { region: "", resource: "" };
  if (region !== "") {
    return refuse(
      `${JSON.stringify(arn)} has region ${JSON.stringify(region)}: IAM and STS principal ARNs have none, so no caller has this ARN`,
      `Drop the region: ${arn.replace(`:${region}:`, "::")}.`,
    );
  }
  if (!/^\d{12}$/.test(p.accountId)) {
    return refuse(
      `${JSON.stringify(arn)} has account id ${JSON.stringify(p.accountId)}: an AWS account id is 12 digits, so no caller has this ARN`,
    );
  }
  switch (p.kind) {
    case "root":
      if (resource !== "root") return refuse(`${JSON.stringify(arn)}: the root user's ARN ends in :root`);
      return { ok: true, kind: "root" };
    case "user":
    case "role":
      if (!NAME.test(p.name) || p.name.length > 64) {
        return refuse(
          `${JSON.stringify(arn)} names ${p.kind} ${JSON.stringify(p.name)}, which is not a valid IAM ${p.kind} name`,
          "IAM names are 1-64 of letters, digits and + = , . @ _ -.",
        );
      }
      if (!PATH.test(p.path)) {
        return refuse(
          `${JSON.stringify(arn)} has path ${JSON.stringify(p.path)}, which is not a valid IAM path`,
        );
      }
      return { ok: true, kind: p.kind };
    case "assumed-role":
      if (!NAME.test(p.roleName) || !SESSION.test(p.sessionName)) {
        return refuse(
          `${JSON.stringify(arn)} is not a session STS issues: role ${JSON.stringify(p.roleName)}, session ${JSON.stringify(p.sessionName)}`,
          "A session ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (ROLE without its path, SESSION 2-64 of letters, digits and + = , . @ _ -).",
        );
      }
      return { ok: true, kind: "assumed-role" };
    case "federated-user":
      if (!FEDERATED.test(p.name)) {
        return refuse(
          `${JSON.stringify(arn)} names federated user ${JSON.stringify(p.name)}, which GetFederationToken does not issue`,
          "A federated-user name is 2-32 of letters, digits and + = , . @ _ -.",
        );
      }
      return { ok: true, kind: "federated-user" };
  }
}
