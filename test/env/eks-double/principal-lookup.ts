// How the double learns an IAM principal's unique ID (AROA.../AIDA...) when an access entry is
// created. EKS stores that ID with the entry, so a principal deleted and recreated under the
// same ARN no longer matches it (AccessEntry.principalArn in the EKS API reference).
import { createHash } from "node:crypto";
import { GetRoleCommand, GetUserCommand, IAMClient, NoSuchEntityException } from "@aws-sdk/client-iam";
import type { PrincipalRef } from "./rules.js";

export interface PrincipalIdentity {
  /** RoleId or UserId. */
  readonly id: string;
  readonly arn: string;
}

/** Resolves a principal; undefined when IAM has no principal with exactly that ARN. */
export type PrincipalLookup = (principal: PrincipalRef) => Promise<PrincipalIdentity | undefined>;

export interface IamCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** GetRole / GetUser by name against an IAM endpoint (moto), matching the full ARN incl. path. */
export function iamPrincipalLookup(
  endpoint: string,
  credentials: IamCredentials = { accessKeyId: "testing", secretAccessKey: "testing" },
): { lookup: PrincipalLookup; close(): void } {
  const iam = new IAMClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 2 });
  const lookup: PrincipalLookup = async (principal) => {
    try {
      if (principal.kind === "role") {
        const { Role } = await iam.send(new GetRoleCommand({ RoleName: principal.name }));
        if (Role?.Arn !== principal.arn || !Role.RoleId) return undefined;
        return { id: Role.RoleId, arn: Role.Arn };
      }
      const { User } = await iam.send(new GetUserCommand({ UserName: principal.name }));
      if (User?.Arn !== principal.arn || !User.UserId) return undefined;
      return { id: User.UserId, arn: User.Arn };
    } catch (error) {
      if (error instanceof NoSuchEntityException) return undefined;
      throw error;
    }
  };
  return {
    lookup,
    close: () => {
      iam.destroy();
    },
  };
}

/**
 * A stand-in ID for principals the double cannot look up (no IAM configured, or another
 * account): stable for one ARN, so it cannot show a recreated principal.
 */
export function syntheticPrincipalId(principal: PrincipalRef): string {
  const digest = createHash("sha256").update(principal.arn).digest("hex").slice(0, 17).toUpperCase();
  return `${principal.kind === "role" ? "AROA" : "AIDA"}${digest}`;
}
