/**
 * Read-only Identity Center source for `eksgate snapshot --identity-center`: sso-admin
 * (ListInstances, ListPermissionSets, DescribePermissionSet, GetInlinePolicyForPermissionSet,
 * ListManagedPoliciesInPermissionSet, ListCustomerManagedPolicyReferencesInPermissionSet,
 * ListAccountAssignments) and identitystore (ListUsers, ListGroups, ListGroupMemberships).
 * Each answer is kept in the shape the AWS CLI prints, as the files of `identity-center/`.
 *
 * The clients are built as every other AWS adapter's are: the memoized credential chain
 * (client-config.ts) and the counting, error-translating middleware (call-count.ts), so a
 * denied or expired call reads as the same PortError as in plan, apply and the rest of the
 * snapshot.
 */
import {
  paginateListGroupMemberships,
  paginateListGroups,
  paginateListUsers,
  IdentitystoreClient,
} from "@aws-sdk/client-identitystore";
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import "./node-version-warning.js";
import { arnResourceName } from "../../core/model/arn.js";
import { PORT_MIDDLEWARE, portMiddleware } from "./call-count.js";
import { type AwsCredentials, effectiveProfile, standardCredentials } from "./client-config.js";
import type { IdentityCenterFile, IdentityCenterSnapshotSource } from "../../ports/snapshot-sources.js";

export interface IdentityCenterSourceOptions {
  readonly profile?: string;
  /** The region of the Identity Center instance. */
  readonly region?: string;
  readonly endpoints?: { readonly ssoAdmin?: string; readonly identityStore?: string };
  /** Default: the standard credential chain (see `standardCredentials`). */
  readonly credentials?: AwsCredentials;
}

async function all<P, T>(pages: AsyncIterable<P>, pick: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** A file name part from an id or name: letters, digits, `.`, `_`, `-` only. */
function safe(name: string): string {
  return name.replace(/[^\w.-]/g, "_");
}

export function createIdentityCenterSnapshotSource(
  options: IdentityCenterSourceOptions,
): IdentityCenterSnapshotSource {
  const common = {
    region: options.region ?? "us-east-1",
    credentials: options.credentials ?? standardCredentials(options.profile),
  };
  const profile = effectiveProfile(options.profile);
  const sso = new SSOAdminClient({
    ...common,
    ...(options.endpoints?.ssoAdmin !== undefined ? { endpoint: options.endpoints.ssoAdmin } : {}),
  });
  const store = new IdentitystoreClient({
    ...common,
    ...(options.endpoints?.identityStore !== undefined ? { endpoint: options.endpoints.identityStore } : {}),
  });
  sso.middlewareStack.add(portMiddleware({}, { service: "sso", profile }), PORT_MIDDLEWARE);
  store.middlewareStack.add(portMiddleware({}, { service: "identitystore", profile }), PORT_MIDDLEWARE);
  return {
    async files(accountIds) {
      const files: IdentityCenterFile[] = [];
      const instances = await all(paginateListInstances({ client: sso }, {}), (p) => p.Instances);
      files.push({ path: "identity-center/instances.json", value: { Instances: instances } });
      for (const instance of instances) {
        const instanceArn = instance.InstanceArn;
        const storeId = instance.IdentityStoreId;
        if (instanceArn === undefined || storeId === undefined) continue;
        const tag = instances.length === 1 ? "" : `-${safe(storeId)}`;
        const users = await all(
          paginateListUsers({ client: store }, { IdentityStoreId: storeId }),
          (p) => p.Users,
        );
        files.push({ path: `identity-center/users${tag}.json`, value: { Users: users } });
        const groups = await all(
          paginateListGroups({ client: store }, { IdentityStoreId: storeId }),
          (p) => p.Groups,
        );
        files.push({ path: `identity-center/groups${tag}.json`, value: { Groups: groups } });
        for (const group of groups) {
          if (group.GroupId === undefined) continue;
          const memberships = await all(
            paginateListGroupMemberships(
              { client: store },
              { IdentityStoreId: storeId, GroupId: group.GroupId },
            ),
            (p) => p.GroupMemberships,
          );
          files.push({
            path: `identity-center/group-memberships/${safe(group.GroupId)}.json`,
            value: { GroupMemberships: memberships },
          });
        }
        const sets = await all(
          paginateListPermissionSets({ client: sso }, { InstanceArn: instanceArn }),
          (p) => p.PermissionSets,
        );
        for (const arn of sets) {
          const described = await sso.send(
            new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
          );
          const inline = await sso.send(
            new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
          );
          const managed = await all(
            paginateListManagedPoliciesInPermissionSet(
              { client: sso },
              { InstanceArn: instanceArn, PermissionSetArn: arn },
            ),
            (p) => p.AttachedManagedPolicies,
          );
          const customer = await all(
            paginateListCustomerManagedPolicyReferencesInPermissionSet(
              { client: sso },
              { InstanceArn: instanceArn, PermissionSetArn: arn },
            ),
            (p) => p.CustomerManagedPolicyReferences,
          );
          const id = safe(arnResourceName(arn));
          files.push({
            path: `identity-center/permission-sets/${id}.json`,
            value: {
              PermissionSet: described.PermissionSet,
              InlinePolicy: inline.InlinePolicy ?? "",
              AttachedManagedPolicies: managed,
              CustomerManagedPolicyReferences: customer,
            },
          });
          for (const account of accountIds) {
            const assignments = await all(
              paginateListAccountAssignments(
                { client: sso },
                { InstanceArn: instanceArn, AccountId: account, PermissionSetArn: arn },
              ),
              (p) => p.AccountAssignments,
            );
            if (assignments.length === 0) continue;
            files.push({
              path: `identity-center/account-assignments/${account}-${id}.json`,
              value: { AccountAssignments: assignments },
            });
          }
        }
      }
      return files;
    },
  };
}
