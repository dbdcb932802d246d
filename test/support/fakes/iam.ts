// An in-memory IamPort: roles with inline policies and tags, groups with inline policies.
// Specification: docs/specs/port-fakes.md, rules I1-I9; the contract suite
// (test/support/contracts/iam-port.ts) checks it here and checks moto through the real
// adapter against the same rules.
import type { IamTag } from "../../../src/core/model/iam-documents.js";
import type { PolicyDocument } from "../../../src/core/model/policy-document.js";
import type { AccountIam, IamPort, NewRole, ObservedRole } from "../../../src/ports/iam.js";
import type { PortError } from "../../../src/ports/errors.js";
import { awsFailure } from "./aws-errors.js";
import type { FakeClock } from "./clock.js";

/** A role as the fake keeps it. */
export interface FakeRole {
  readonly name: string;
  /** Default `/`; Identity Center's roles are under `/aws-reserved/sso.amazonaws.com/` (I11). */
  readonly path?: string;
  readonly roleId: string;
  readonly createDate: string;
  readonly description?: string;
  readonly trustPolicy: PolicyDocument;
  readonly tags: readonly IamTag[];
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
}

export interface FakeIamOptions {
  readonly accountId: string;
  readonly partition?: string;
  readonly clock: FakeClock;
  /** The identity making the calls (I9); default the account's `eksgate-admin` user. */
  readonly callerArn?: string;
  /** The identity may not call GetAccountAuthorizationDetails (I10). */
  readonly denyReadAccount?: boolean;
}

interface RoleRecord {
  readonly name: string;
  readonly path: string;
  readonly roleId: string;
  readonly createDate: string;
  readonly description?: string;
  trustPolicy: PolicyDocument;
  tags: IamTag[];
  readonly policies: Map<string, PolicyDocument>;
}

export class FakeIam implements IamPort {
  private readonly roles = new Map<string, RoleRecord>();
  private readonly groups = new Map<string, Map<string, PolicyDocument>>();
  private readonly usedIds = new Set<string>();
  private idCounter = 0;

  constructor(private readonly options: FakeIamOptions) {}

  get accountId(): string {
    return this.options.accountId;
  }

  roleArn(name: string): string {
    return `arn:${this.options.partition ?? "aws"}:iam::${this.options.accountId}:role/${name}`;
  }

  // ------------------------------------------------------------- set up by tests, outside IamPort

  /** A group (IamPort cannot make one, I7), with inline policies. */
  createGroup(name: string, policies: Readonly<Record<string, PolicyDocument>> = {}): void {
    this.groups.set(name, new Map(Object.entries(structuredClone(policies))));
  }

  /** A role made earlier (its id and creation time as given). */
  seedRole(role: FakeRole): void {
    this.usedIds.add(role.roleId);
    this.roles.set(role.name, {
      name: role.name,
      path: role.path ?? "/",
      roleId: role.roleId,
      createDate: role.createDate,
      ...(role.description !== undefined ? { description: role.description } : {}),
      trustPolicy: structuredClone(role.trustPolicy),
      tags: role.tags.map((t) => ({ ...t })),
      policies: new Map(Object.entries(structuredClone(role.inlinePolicies))),
    });
  }

  // ------------------------------------------------------------------------------ IamPort

  readAccount(): Promise<AccountIam> {
    if (this.options.denyReadAccount === true) {
      throw awsFailure(
        "iam",
        "GetAccountAuthorizationDetails",
        "AccessDenied",
        403,
        `User: ${this.options.callerArn ?? "eksgate-admin"} is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *`,
      );
    }
    return Promise.resolve({
      roles: [...this.roles.values()].map((r) => ({
        ...this.observed(r),
        inlinePolicies: Object.fromEntries(structuredClone([...r.policies])),
      })),
      groups: [...this.groups].map(([name, policies]) => ({
        name,
        policies: Object.fromEntries(structuredClone([...policies])),
      })),
    });
  }

  getRole(name: string): Promise<ObservedRole | undefined> {
    const role = this.roles.get(name);
    return Promise.resolve(role === undefined ? undefined : this.observed(role));
  }

  listRolesTagged(prefix: string, tags: readonly IamTag[]): Promise<readonly ObservedRole[]> {
    const found = [...this.roles.values()]
      .filter((r) => r.name.startsWith(prefix))
      .filter((r) => tags.every((w) => r.tags.some((t) => t.Key === w.Key && t.Value === w.Value)))
      .map((r) => this.observed(r));
    return Promise.resolve(found);
  }

  listRolesByPath(pathPrefix: string): Promise<readonly ObservedRole[]> {
    const found = [...this.roles.values()]
      .filter((r) => r.path.startsWith(pathPrefix))
      .map((r) => ({ ...this.observed(r), tags: [] }));
    return Promise.resolve(found);
  }

  createRole(role: NewRole): Promise<ObservedRole> {
    if (this.roles.has(role.name)) {
      throw awsFailure(
        "iam",
        "CreateRole",
        "EntityAlreadyExists",
        409,
        `Role with name ${role.name} already exists.`,
      );
    }
    const record: RoleRecord = {
      name: role.name,
      path: "/",
      roleId: this.newRoleId(),
      createDate: this.options.clock.now(),
      description: role.description,
      trustPolicy: structuredClone(role.trustPolicy),
      tags: role.tags.map((t) => ({ ...t })),
      policies: new Map(),
    };
    this.roles.set(role.name, record);
    return Promise.resolve(this.observed(record));
  }

  updateTrustPolicy(roleName: string, document: PolicyDocument): Promise<void> {
    this.role("UpdateAssumeRolePolicy", roleName).trustPolicy = structuredClone(document);
    return Promise.resolve();
  }

  tagRole(roleName: string, tags: readonly IamTag[]): Promise<void> {
    const role = this.role("TagRole", roleName);
    for (const tag of tags) {
      role.tags = [...role.tags.filter((t) => t.Key !== tag.Key), { ...tag }];
    }
    return Promise.resolve();
  }

  listRolePolicies(roleName: string): Promise<readonly string[]> {
    return Promise.resolve([...this.role("ListRolePolicies", roleName).policies.keys()].sort());
  }

  getRolePolicy(roleName: string, policyName: string): Promise<PolicyDocument | undefined> {
    const doc = this.roles.get(roleName)?.policies.get(policyName);
    return Promise.resolve(doc === undefined ? undefined : structuredClone(doc));
  }

  putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void> {
    this.role("PutRolePolicy", roleName).policies.set(policyName, structuredClone(document));
    return Promise.resolve();
  }

  deleteRolePolicy(roleName: string, policyName: string): Promise<void> {
    const role = this.role("DeleteRolePolicy", roleName);
    if (!role.policies.delete(policyName)) {
      throw this.noSuchEntity("DeleteRolePolicy", `The role policy with name ${policyName} cannot be found.`);
    }
    return Promise.resolve();
  }

  deleteRole(roleName: string): Promise<void> {
    const role = this.role("DeleteRole", roleName);
    if (role.policies.size > 0) {
      throw awsFailure(
        "iam",
        "DeleteRole",
        "DeleteConflict",
        409,
        "Cannot delete entity, must delete policies first.",
      );
    }
    this.roles.delete(roleName);
    return Promise.resolve();
  }

  groupExists(groupName: string): Promise<boolean> {
    return Promise.resolve(this.groups.has(groupName));
  }

  getGroupPolicy(groupName: string, policyName: string): Promise<PolicyDocument | undefined> {
    const doc = this.groups.get(groupName)?.get(policyName);
    return Promise.resolve(doc === undefined ? undefined : structuredClone(doc));
  }

  putGroupPolicy(groupName: string, policyName: string, document: PolicyDocument): Promise<void> {
    this.group("PutGroupPolicy", groupName).set(policyName, structuredClone(document));
    return Promise.resolve();
  }

  deleteGroupPolicy(groupName: string, policyName: string): Promise<void> {
    if (!this.group("DeleteGroupPolicy", groupName).delete(policyName)) {
      throw this.noSuchEntity(
        "DeleteGroupPolicy",
        `The group policy with name ${policyName} cannot be found.`,
      );
    }
    return Promise.resolve();
  }

  callerArn(): Promise<string> {
    return Promise.resolve(
      this.options.callerArn ??
        `arn:${this.options.partition ?? "aws"}:iam::${this.options.accountId}:user/eksgate-admin`,
    );
  }

  // ---------------------------------------------------------------------------- internals

  private observed(role: RoleRecord): ObservedRole {
    return {
      name: role.name,
      arn: this.roleArn(`${role.path.slice(1)}${role.name}`),
      roleId: role.roleId,
      path: role.path,
      trustPolicy: structuredClone(role.trustPolicy),
      tags: role.tags.map((t) => ({ ...t })),
      ...(role.description !== undefined && role.description !== "" ? { description: role.description } : {}),
      createDate: role.createDate,
    };
  }

  private role(operation: string, name: string): RoleRecord {
    const role = this.roles.get(name);
    if (role === undefined) throw this.noSuchEntity(operation, `The role with name ${name} cannot be found.`);
    return role;
  }

  private group(operation: string, name: string): Map<string, PolicyDocument> {
    const group = this.groups.get(name);
    if (group === undefined)
      throw this.noSuchEntity(operation, `The group with name ${name} cannot be found.`);
    return group;
  }

  private noSuchEntity(operation: string, message: string): PortError {
    return awsFailure("iam", operation, "NoSuchEntity", 404, message);
  }

  /** `AROA` + 17 capitals and digits, never handed out twice (I2). */
  private newRoleId(): string {
    for (;;) {
      this.idCounter += 1;
      const id = `AROAFAKE${String(this.idCounter).padStart(13, "0")}`;
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }
}
