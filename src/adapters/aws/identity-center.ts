/**
 * IdentityCenterPort over @aws-sdk/client-sso-admin and @aws-sdk/client-identitystore.
 * Every call is counted by operation and every SDK failure reaches the caller as a
 * PortError whose operation is the IAM action (`sso:CreatePermissionSet`,
 * `identitystore:ListGroups`), as an access-denied message names it.
 *
 * Inline policies travel as JSON text; they are decoded with `decodePolicyDocument`.
 */
import "./node-version-warning.js";
import { DescribeGroupCommand, GetGroupIdCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListInstances,
  paginateListPermissionSets,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
  UpdatePermissionSetCommand,
} from "@aws-sdk/client-sso-admin";
import { decodePolicyDocument, serializePolicyDocument } from "../../core/model/policy-document.js";
import { PortError } from "../../ports/errors.js";
import type {
  AssignmentTarget,
  IdentityCenterPort,
  IdentityCenterRequestStatus,
  ObservedPermissionSet,
} from "../../ports/identity-center.js";
import { mapLimited, orUndefined } from "./iam.js";
import { type Counted, PORT_MIDDLEWARE, portMiddleware, sumCounts } from "./call-count.js";
import { type AwsCredentials, effectiveProfile, standardCredentials } from "./client-config.js";

export interface IdentityCenterPortOptions {
  /** The region of the Identity Center instance. */
  readonly region: string;
  /** Default: the standard credential chain. */
  readonly credentials?: AwsCredentials;
  readonly profile?: string;
  readonly endpoints?: { readonly ssoAdmin?: string; readonly identityStore?: string };
  readonly maxAttempts?: number;
}

/** How many DescribePermissionSet calls run at once while listing permission sets. */
const DESCRIBE_CONCURRENCY = 4;

export function createIdentityCenterPort(options: IdentityCenterPortOptions): IdentityCenterPort & Counted {
  const credentials = options.credentials ?? standardCredentials(options.profile);
  const profile = effectiveProfile(options.profile);
  const common = {
    region: options.region,
    credentials,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  };
  const sso = new SSOAdminClient({
    ...common,
    ...(options.endpoints?.ssoAdmin !== undefined ? { endpoint: options.endpoints.ssoAdmin } : {}),
  });
  const store = new IdentitystoreClient({
    ...common,
    ...(options.endpoints?.identityStore !== undefined ? { endpoint: options.endpoints.identityStore } : {}),
  });
  const ssoCalls: Record<string, number> = {};
  const storeCalls: Record<string, number> = {};
  sso.middlewareStack.add(portMiddleware(ssoCalls, { service: "sso", profile }), PORT_MIDDLEWARE);
  store.middlewareStack.add(
    portMiddleware(storeCalls, { service: "identitystore", profile }),
    PORT_MIDDLEWARE,
  );

  const describe = async (instanceArn: string, arn: string): Promise<ObservedPermissionSet | undefined> => {
    const out = await orUndefined(
      sso.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn })),
    );
    const set = out?.PermissionSet;
    if (set === undefined) return undefined;
    return {
      arn,
      name: required(set.Name, "Name", "DescribePermissionSet"),
      ...(set.Description !== undefined && set.Description !== "" ? { description: set.Description } : {}),
      sessionDuration: set.SessionDuration ?? "PT1H",
    };
  };

  return {
    calls: () => sumCounts(ssoCalls, storeCalls),

    async listInstances() {
      const out = [];
      for await (const page of paginateListInstances({ client: sso }, {})) {
        for (const instance of page.Instances ?? []) {
          out.push({
            instanceArn: required(instance.InstanceArn, "InstanceArn", "ListInstances"),
            identityStoreId: required(instance.IdentityStoreId, "IdentityStoreId", "ListInstances"),
          });
        }
      }
      return out;
    },

    async findGroupByName(identityStoreId, displayName) {
      // Display names are unique in an identity store; GetGroupId looks one up exactly.
      const out = await orUndefined(
        store.send(
          new GetGroupIdCommand({
            IdentityStoreId: identityStoreId,
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: "displayName", AttributeValue: displayName },
            },
          }),
        ),
      );
      if (out?.GroupId === undefined) return undefined;
      return { groupId: out.GroupId, displayName };
    },

    async describeGroup(identityStoreId, groupId) {
      const out = await orUndefined(
        store.send(new DescribeGroupCommand({ IdentityStoreId: identityStoreId, GroupId: groupId })),
      );
      if (out === undefined) return undefined;
      return { groupId: out.GroupId ?? groupId, displayName: out.DisplayName ?? "" };
    },

    async listPermissionSets(instanceArn) {
      const arns: string[] = [];
      for await (const page of paginateListPermissionSets({ client: sso }, { InstanceArn: instanceArn })) {
        arns.push(...(page.PermissionSets ?? []));
      }
      const described = await mapLimited(arns, DESCRIBE_CONCURRENCY, (arn) => describe(instanceArn, arn));
      // A permission set deleted between the list and its description is simply gone.
      return described.filter((p): p is ObservedPermissionSet => p !== undefined);
    },

    async getInlinePolicy(instanceArn, permissionSetArn) {
      const out = await sso.send(
        new GetInlinePolicyForPermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: permissionSetArn,
        }),
      );
      const text = out.InlinePolicy ?? "";
      if (text.trim() === "") return undefined;
      const decoded = decodePolicyDocument(text);
      if (!decoded.ok) {
        throw new PortError(
          "invalid",
          `sso:GetInlinePolicyForPermissionSet returned a policy that cannot be read: ${decoded.diagnostics.map((d) => d.summary).join(" ")}`,
          { operation: "sso:GetInlinePolicyForPermissionSet" },
        );
      }
      return decoded.value;
    },

    async listAccountAssignments(instanceArn, accountId, permissionSetArn) {
      const out: AssignmentTarget[] = [];
      const pages = paginateListAccountAssignments(
        { client: sso },
        { InstanceArn: instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn },
      );
      for await (const page of pages) {
        for (const a of page.AccountAssignments ?? []) {
          if (a.PrincipalType !== "GROUP" && a.PrincipalType !== "USER") continue;
          out.push({
            permissionSetArn: a.PermissionSetArn ?? permissionSetArn,
            accountId: a.AccountId ?? accountId,
            principalType: a.PrincipalType,
            principalId: required(a.PrincipalId, "PrincipalId", "ListAccountAssignments"),
          });
        }
      }
      return out;
    },

    async createPermissionSet(instanceArn, permissionSet) {
      const out = await sso.send(
        new CreatePermissionSetCommand({
          InstanceArn: instanceArn,
          Name: permissionSet.name,
          Description: permissionSet.description,
          SessionDuration: permissionSet.sessionDuration,
          ...(permissionSet.tags.length > 0
            ? { Tags: permissionSet.tags.map((t) => ({ Key: t.Key, Value: t.Value })) }
            : {}),
        }),
      );
      return required(out.PermissionSet?.PermissionSetArn, "PermissionSetArn", "CreatePermissionSet");
    },

    async updatePermissionSet(instanceArn, permissionSetArn, change) {
      await sso.send(
        new UpdatePermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: permissionSetArn,
          Description: change.description,
          SessionDuration: change.sessionDuration,
        }),
      );
    },

    async putInlinePolicy(instanceArn, permissionSetArn, document) {
      await sso.send(
        new PutInlinePolicyToPermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: permissionSetArn,
          InlinePolicy: serializePolicyDocument(document, 0),
        }),
      );
    },

    async provisionPermissionSet(instanceArn, permissionSetArn) {
      const out = await sso.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: permissionSetArn,
          TargetType: "ALL_PROVISIONED_ACCOUNTS",
        }),
      );
      return status(out.PermissionSetProvisioningStatus, "ProvisionPermissionSet");
    },

    async createAccountAssignment(instanceArn, target) {
      const out = await sso.send(
        new CreateAccountAssignmentCommand({ InstanceArn: instanceArn, ...assignmentInput(target) }),
      );
      return status(out.AccountAssignmentCreationStatus, "CreateAccountAssignment");
    },

    async deleteAccountAssignment(instanceArn, target) {
      const out = await sso.send(
        new DeleteAccountAssignmentCommand({ InstanceArn: instanceArn, ...assignmentInput(target) }),
      );
      return status(out.AccountAssignmentDeletionStatus, "DeleteAccountAssignment");
    },

    async deletePermissionSet(instanceArn, permissionSetArn) {
      await sso.send(
        new DeletePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }),
      );
    },

    async requestStatus(instanceArn, kind, requestId) {
      switch (kind) {
        case "assignment-creation": {
          const out = await sso.send(
            new DescribeAccountAssignmentCreationStatusCommand({
              InstanceArn: instanceArn,
              AccountAssignmentCreationRequestId: requestId,
            }),
          );
          return status(out.AccountAssignmentCreationStatus, "DescribeAccountAssignmentCreationStatus");
        }
        case "assignment-deletion": {
          const out = await sso.send(
            new DescribeAccountAssignmentDeletionStatusCommand({
              InstanceArn: instanceArn,
              AccountAssignmentDeletionRequestId: requestId,
            }),
          );
          return status(out.AccountAssignmentDeletionStatus, "DescribeAccountAssignmentDeletionStatus");
        }
        case "provisioning": {
          const out = await sso.send(
            new DescribePermissionSetProvisioningStatusCommand({
              InstanceArn: instanceArn,
              ProvisionPermissionSetRequestId: requestId,
            }),
          );
          return status(out.PermissionSetProvisioningStatus, "DescribePermissionSetProvisioningStatus");
        }
      }
    },
  };
}

function assignmentInput(target: AssignmentTarget) {
  return {
    TargetId: target.accountId,
    TargetType: "AWS_ACCOUNT" as const,
    PermissionSetArn: target.permissionSetArn,
    PrincipalType: target.principalType,
    PrincipalId: target.principalId,
  };
}

function status(
  answer:
    | { RequestId?: string | undefined; Status?: string | undefined; FailureReason?: string | undefined }
    | undefined,
  operation: string,
): IdentityCenterRequestStatus {
  const value = answer?.Status;
  if (value !== "IN_PROGRESS" && value !== "FAILED" && value !== "SUCCEEDED") {
    throw malformed(operation, `status ${value ?? "(none)"}`);
  }
  return {
    requestId: answer?.RequestId ?? "",
    status: value,
    ...(answer?.FailureReason !== undefined ? { failureReason: answer.FailureReason } : {}),
  };
}

function malformed(operation: string, what: string): PortError {
  return new PortError("invalid", `sso:${operation} returned an unexpected answer: ${what}.`, {
    operation: `sso:${operation}`,
  });
}

function required<T>(value: T | undefined, field: string, operation: string): T {
  if (value === undefined) throw malformed(operation, `${field} is missing`);
  return value;
}
