// Seeds IAM state in moto through the real AWS SDK v3 clients.
//
// Order matters when a test needs IAM enforcement: seed with SEED_CREDENTIALS while
// enforcement is off (moto accepts any key then), switch enforcement on, and from then
// on call AWS with the access keys created here, which moto checks like AWS would.
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";

export const DEFAULT_REGION = "us-east-2";

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Dummy keys for seeding while enforcement is off; moto rejects them once it is on. */
export const SEED_CREDENTIALS: AwsCredentials = {
  accessKeyId: "AKIASEEDSEEDSEEDSEED",
  secretAccessKey: "seed",
};

export interface AwsClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly maxAttempts: number;
}

/** SDK client configuration for a moto endpoint (one attempt: a denial is an answer, not a retry). */
export function awsClientConfig(
  endpoint: string,
  credentials: AwsCredentials = SEED_CREDENTIALS,
  region: string = DEFAULT_REGION,
): AwsClientConfig {
  return { endpoint, region, credentials, maxAttempts: 1 };
}

export interface AwsClients {
  readonly iam: IAMClient;
  readonly sts: STSClient;
}

export function awsClients(
  endpoint: string,
  credentials: AwsCredentials = SEED_CREDENTIALS,
  region?: string,
): AwsClients {
  const config = awsClientConfig(endpoint, credentials, region);
  return { iam: new IAMClient(config), sts: new STSClient(config) };
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | Readonly<Record<string, string | readonly string[]>>;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

const asJson = (document: PolicyDocument | string): string =>
  typeof document === "string" ? document : JSON.stringify(document);

/** The identity-policy document that lets its holder assume the given roles. */
export function assumeRolePolicy(roleArns: string | readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArns }],
  };
}

/** A trust policy naming the account root: every principal of the account whose identity policies allow it. */
export function accountRootTrustPolicy(
  accountId: string,
  condition?: PolicyStatement["Condition"],
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: "sts:AssumeRole",
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`moto returned no ${what}`);
  return value;
}

/** Creates an IAM user; returns its ARN. */
export async function createUser(iam: IAMClient, userName: string): Promise<string> {
  const out = await iam.send(new CreateUserCommand({ UserName: userName }));
  return required(out.User?.Arn, "user ARN");
}

/** Creates an IAM group; returns its ARN. */
export async function createGroup(iam: IAMClient, groupName: string): Promise<string> {
  const out = await iam.send(new CreateGroupCommand({ GroupName: groupName }));
  return required(out.Group?.Arn, "group ARN");
}

export async function addUserToGroup(iam: IAMClient, userName: string, groupName: string): Promise<void> {
  await iam.send(new AddUserToGroupCommand({ UserName: userName, GroupName: groupName }));
}

/** A new access key of the user (moto returns the secret once, like AWS). */
export async function createAccessKey(iam: IAMClient, userName: string): Promise<AwsCredentials> {
  const out = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return {
    accessKeyId: required(out.AccessKey?.AccessKeyId, "access key id"),
    secretAccessKey: required(out.AccessKey?.SecretAccessKey, "secret access key"),
  };
}

/** Creates a role with the given trust policy; returns its ARN. */
export async function createRole(
  iam: IAMClient,
  roleName: string,
  trustPolicy: PolicyDocument | string,
): Promise<string> {
  const out = await iam.send(
    new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: asJson(trustPolicy) }),
  );
  return required(out.Role?.Arn, "role ARN");
}

/**
 * A role under a path, as another service makes it: how tests stand in for IAM Identity
 * Center, which creates `AWSReservedSSO_<PermissionSet>_<suffix>` under
 * `/aws-reserved/sso.amazonaws.com/` when a permission set is assigned (moto does not).
 * Answers the role's ARN and unique id.
 */
export async function createRoleAt(
  iam: IAMClient,
  roleName: string,
  path: string,
  trustPolicy: PolicyDocument | string,
): Promise<{ arn: string; roleId: string }> {
  const out = await iam.send(
    new CreateRoleCommand({ RoleName: roleName, Path: path, AssumeRolePolicyDocument: asJson(trustPolicy) }),
  );
  return { arn: required(out.Role?.Arn, "role ARN"), roleId: required(out.Role?.RoleId, "role id") };
}

export async function putGroupPolicy(
  iam: IAMClient,
  groupName: string,
  policyName: string,
  document: PolicyDocument | string,
): Promise<void> {
  await iam.send(
    new PutGroupPolicyCommand({
      GroupName: groupName,
      PolicyName: policyName,
      PolicyDocument: asJson(document),
    }),
  );
}

export async function putUserPolicy(
  iam: IAMClient,
  userName: string,
  policyName: string,
  document: PolicyDocument | string,
): Promise<void> {
  await iam.send(
    new PutUserPolicyCommand({
      UserName: userName,
      PolicyName: policyName,
      PolicyDocument: asJson(document),
    }),
  );
}

export async function putRolePolicy(
  iam: IAMClient,
  roleName: string,
  policyName: string,
  document: PolicyDocument | string,
): Promise<void> {
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: policyName,
      PolicyDocument: asJson(document),
    }),
  );
}

export interface SeededUser {
  readonly userName: string;
  readonly arn: string;
  readonly credentials: AwsCredentials;
}

/** A user with one access key, member of the given groups. */
export async function createUserWithAccessKey(
  iam: IAMClient,
  userName: string,
  groups: readonly string[] = [],
): Promise<SeededUser> {
  const arn = await createUser(iam, userName);
  for (const group of groups) await addUserToGroup(iam, userName, group);
  return { userName, arn, credentials: await createAccessKey(iam, userName) };
}
