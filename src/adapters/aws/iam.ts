/**
 * IamPort over @aws-sdk/client-iam, plus STS GetCallerIdentity for `callerArn`.
 *
 * IAM returns policy documents percent-encoded (RFC 3986); they are decoded with
 * `decodePolicyDocument`, which also accepts the plain JSON some stand-ins return
 * (moto's ListRoles does). Every list call follows its pagination marker to the end.
 * Every call is counted by operation (`calls()`) and every SDK failure reaches the caller
 * as a PortError (see errors.ts).
 */
import "./node-version-warning.js";
import {
  CreateRoleCommand,
  DeleteGroupPolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  type Role,
  type RoleDetail,
  paginateListRolePolicies,
  paginateListRoles,
  paginateListRoleTags,
  paginateGetAccountAuthorizationDetails,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  type Tag,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { IamTag } from "../../core/model/iam-documents.js";
import {
  decodePolicyDocument,
  type PolicyDocument,
  serializePolicyDocument,
} from "../../core/model/policy-document.js";
import { isPortError, PortError } from "../../ports/errors.js";
import type { AccountIam, IamPort, NewRole, ObservedRole } from "../../ports/iam.js";
import { type Counted, PORT_MIDDLEWARE, portMiddleware, sumCounts } from "./call-count.js";
import { type AwsCredentials, effectiveProfile, standardCredentials } from "./client-config.js";

export interface IamPortOptions {
  /**
   * Region for signing and for the regional STS endpoint. IAM itself is global. Absent:
   * AWS_REGION or the profile's region, as the SDK resolves it.
   */
  readonly region?: string;
  /** Default: the standard credential chain (see `standardCredentials`). */
  readonly credentials?: AwsCredentials;
  /** Endpoint overrides, e.g. a local moto server. */
  readonly endpoints?: { readonly iam?: string; readonly sts?: string };
  /** Profile for the standard chain (ignored when `credentials` is given) and for hints. */
  readonly profile?: string;
  /** SDK attempts per call, retries included (SDK default 3). */
  readonly maxAttempts?: number;
}

/** How many ListRoleTags calls run at once while listing tagged roles. */
const TAG_LOOKUP_CONCURRENCY = 4;

export function createIamPort(options: IamPortOptions = {}): IamPort & Counted {
  const credentials = options.credentials ?? standardCredentials(options.profile);
  const profile = effectiveProfile(options.profile);
  const common = {
    credentials,
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  };
  const iam = new IAMClient({
    ...common,
    ...(options.endpoints?.iam !== undefined ? { endpoint: options.endpoints.iam } : {}),
  });
  const sts = new STSClient({
    ...common,
    ...(options.endpoints?.sts !== undefined ? { endpoint: options.endpoints.sts } : {}),
  });
  const iamCalls: Record<string, number> = {};
  const stsCalls: Record<string, number> = {};
  iam.middlewareStack.add(portMiddleware(iamCalls, { service: "iam", profile }), PORT_MIDDLEWARE);
  sts.middlewareStack.add(portMiddleware(stsCalls, { service: "sts", profile }), PORT_MIDDLEWARE);

  let caller: Promise<string> | undefined;

  const tagsOf = async (roleName: string): Promise<IamTag[]> => {
    const tags: IamTag[] = [];
    for await (const page of paginateListRoleTags({ client: iam }, { RoleName: roleName })) {
      tags.push(...toTags(page.Tags));
    }
    return tags;
  };

  return {
    calls: () => sumCounts(iamCalls, stsCalls),

    async getRole(name) {
      const out = await orUndefined(iam.send(new GetRoleCommand({ RoleName: name })));
      if (out?.Role === undefined) return undefined;
      return observedRole(out.Role, toTags(out.Role.Tags), "GetRole");
    },

    async readAccount() {
      const roles: AccountIam["roles"][number][] = [];
      const groups: AccountIam["groups"][number][] = [];
      const operation = "GetAccountAuthorizationDetails";
      const pages = paginateGetAccountAuthorizationDetails(
        { client: iam, pageSize: 1000 },
        { Filter: ["Role", "Group"] },
      );
      for await (const page of pages) {
        for (const role of page.RoleDetailList ?? []) {
          const name = requiredField(role.RoleName, "RoleName", operation);
          const inlinePolicies: Record<string, PolicyDocument> = {};
          for (const policy of role.RolePolicyList ?? []) {
            const policyName = requiredField(policy.PolicyName, "PolicyName", operation);
            inlinePolicies[policyName] = decodeDocument(
              policy.PolicyDocument,
              operation,
              `role ${name} policy ${policyName}`,
            );
          }
          roles.push({ ...observedRole(role, toTags(role.Tags), operation), inlinePolicies });
        }
        for (const group of page.GroupDetailList ?? []) {
          const name = requiredField(group.GroupName, "GroupName", operation);
          const policies: Record<string, PolicyDocument> = {};
          for (const policy of group.GroupPolicyList ?? []) {
            const policyName = requiredField(policy.PolicyName, "PolicyName", operation);
            policies[policyName] = decodeDocument(
              policy.PolicyDocument,
              operation,
              `group ${name} policy ${policyName}`,
            );
          }
          groups.push({ name, policies });
        }
      }
      return { roles, groups };
    },

    async listRolesTagged(prefix, tags) {
      const candidates: Role[] = [];
      for await (const page of paginateListRoles({ client: iam }, { PathPrefix: "/" })) {
        for (const role of page.Roles ?? []) {
          if (role.RoleName?.startsWith(prefix) === true) candidates.push(role);
        }
      }
      const observed = await mapLimited(candidates, TAG_LOOKUP_CONCURRENCY, async (role) => {
        // A role deleted between ListRoles and ListRoleTags is simply gone.
        const roleTags = await orUndefined(tagsOf(requiredField(role.RoleName, "RoleName", "ListRoles")));
        if (roleTags === undefined || !hasAllTags(roleTags, tags)) return undefined;
        return observedRole(role, roleTags, "ListRoles");
      });
      return observed.filter((role): role is ObservedRole => role !== undefined);
    },

    async listRolesByPath(pathPrefix) {
      const out: ObservedRole[] = [];
      for await (const page of paginateListRoles({ client: iam }, { PathPrefix: pathPrefix })) {
        for (const role of page.Roles ?? []) {
          // ListRoles carries no tags; the path filter is the server's, checked again here.
          if ((role.Path ?? "/").startsWith(pathPrefix)) out.push(observedRole(role, [], "ListRoles"));
        }
      }
      return out;
    },

    async createRole(role: NewRole) {
      const out = await iam.send(
        new CreateRoleCommand({
          RoleName: role.name,
          AssumeRolePolicyDocument: serializePolicyDocument(role.trustPolicy, 0),
          Description: role.description,
          ...(role.tags.length > 0 ? { Tags: role.tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {}),
        }),
      );
      const created = out.Role;
      if (created === undefined) throw malformedAnswer("CreateRole", "no Role in the answer");
      // CreateRole echoes the tags on AWS; fall back to what was sent when it does not.
      const tags = created.Tags === undefined ? [...role.tags] : toTags(created.Tags);
      return observedRole(created, tags, "CreateRole");
    },

    async updateTrustPolicy(roleName, document) {
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: roleName,
          PolicyDocument: serializePolicyDocument(document, 0),
        }),
      );
    },

    async tagRole(roleName, tags) {
      if (tags.length === 0) return;
      await iam.send(
        new TagRoleCommand({ RoleName: roleName, Tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) }),
      );
    },

    async listRolePolicies(roleName) {
      const names: string[] = [];
      for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
        names.push(...(page.PolicyNames ?? []));
      }
      return names;
    },

    async getRolePolicy(roleName, policyName) {
      const out = await orUndefined(
        iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      );
      if (out === undefined) return undefined;
      return decodeDocument(out.PolicyDocument, "GetRolePolicy", `role ${roleName} policy ${policyName}`);
    },

    async putRolePolicy(roleName, policyName, document) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: policyName,
          PolicyDocument: serializePolicyDocument(document, 0),
        }),
      );
    },

    async deleteRolePolicy(roleName, policyName) {
      await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    },

    async deleteRole(roleName) {
      await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
    },

    async groupExists(groupName) {
      const out = await orUndefined(iam.send(new GetGroupCommand({ GroupName: groupName, MaxItems: 1 })));
      return out !== undefined;
    },

    async getGroupPolicy(groupName, policyName) {
      const out = await orUndefined(
        iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName })),
      );
      if (out === undefined) return undefined;
      return decodeDocument(out.PolicyDocument, "GetGroupPolicy", `group ${groupName} policy ${policyName}`);
    },

    async putGroupPolicy(groupName, policyName, document) {
      await iam.send(
        new PutGroupPolicyCommand({
          GroupName: groupName,
          PolicyName: policyName,
          PolicyDocument: serializePolicyDocument(document, 0),
        }),
      );
    },

    async deleteGroupPolicy(groupName, policyName) {
      await iam.send(new DeleteGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName }));
    },

    callerArn() {
      caller ??= sts
        .send(new GetCallerIdentityCommand({}))
        .then((out) => requiredField(out.Arn, "Arn", "GetCallerIdentity"));
      // A failed lookup is not cached: the next call asks again.
      caller.catch(() => {
        caller = undefined;
      });
      return caller;
    },
  };
}

/** The answer, or undefined when AWS says the object does not exist. */
export async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isPortError(error, "not-found")) return undefined;
    throw error;
  }
}

function toTags(tags: readonly Tag[] | undefined): IamTag[] {
  return (tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [{ Key: t.Key, Value: t.Value ?? "" }]));
}

function hasAllTags(actual: readonly IamTag[], wanted: readonly IamTag[]): boolean {
  return wanted.every((w) => actual.some((a) => a.Key === w.Key && a.Value === w.Value));
}

function malformedAnswer(operation: string, what: string): PortError {
  return new PortError("invalid", `iam:${operation} returned an unexpected answer: ${what}.`, {
    operation: `iam:${operation}`,
  });
}

function requiredField<T>(value: T | undefined, field: string, operation: string): T {
  if (value === undefined) throw malformedAnswer(operation, `${field} is missing`);
  return value;
}

function decodeDocument(text: string | undefined, operation: string, what: string): PolicyDocument {
  const decoded = decodePolicyDocument(requiredField(text, "PolicyDocument", operation));
  if (!decoded.ok) {
    const reasons = decoded.diagnostics.map((d) => d.summary).join(" ");
    throw malformedAnswer(operation, `the policy document of ${what} cannot be read: ${reasons}`);
  }
  return decoded.value;
}

function observedRole(role: Role | RoleDetail, tags: readonly IamTag[], operation: string): ObservedRole {
  const name = requiredField(role.RoleName, "RoleName", operation);
  const createDate = role.CreateDate;
  // GetAccountAuthorizationDetails does not return the description.
  const description = "Description" in role ? role.Description : undefined;
  return {
    name,
    arn: requiredField(role.Arn, "Arn", operation),
    roleId: requiredField(role.RoleId, "RoleId", operation),
    path: role.Path ?? "/",
    trustPolicy: decodeDocument(role.AssumeRolePolicyDocument, operation, `role ${name} (trust policy)`),
    tags,
    ...(description !== undefined && description !== "" ? { description } : {}),
    createDate: createDate?.toISOString() ?? "",
  };
}

/** `map` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
