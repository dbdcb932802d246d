// An in-memory IdentityCenterPort: one instance, its identity store's groups, permission sets
// with an inline policy, and account assignments. Specification: docs/specs/port-fakes.md,
// rules C1-C8; the contract suite (test/support/contracts/identity-center-port.ts) checks it
// here and checks moto through the real adapter against the same rules.
//
// Identity Center creates a role in the account when a permission set is first assigned
// there; the fake does that only when the test says how (`onAssigned`), since what it
// creates is an IAM role in another port.
import type { PolicyDocument } from "../../../src/core/model/policy-document.js";
import type {
  AssignmentTarget,
  IdentityCenterGroupRef,
  IdentityCenterInstanceRef,
  IdentityCenterPort,
  IdentityCenterRequestKind,
  IdentityCenterRequestStatus,
  NewPermissionSet,
  ObservedPermissionSet,
} from "../../../src/ports/identity-center.js";
import { awsFailure } from "./aws-errors.js";

export interface FakeIdentityCenterOptions {
  readonly instanceArn?: string;
  readonly identityStoreId?: string;
  /** How many times a new request answers IN_PROGRESS before it succeeds (C8; default 0). */
  readonly pendingPolls?: number;
  /** Called when a permission set is assigned in an account for the first time. */
  readonly onAssigned?: (target: AssignmentTarget, permissionSetName: string) => void;
}

interface PermissionSetRecord {
  readonly arn: string;
  readonly name: string;
  description: string;
  sessionDuration: string;
  inlinePolicy?: PolicyDocument;
}

export class FakeIdentityCenter implements IdentityCenterPort {
  readonly instance: IdentityCenterInstanceRef;
  private readonly groups = new Map<string, string>();
  private readonly sets = new Map<string, PermissionSetRecord>();
  private assignments: AssignmentTarget[] = [];
  private readonly requests = new Map<string, { polls: number; status: IdentityCenterRequestStatus }>();
  private counter = 0;
  /** Write calls made, by operation, in order. */
  readonly writes: string[] = [];

  constructor(private readonly options: FakeIdentityCenterOptions = {}) {
    this.instance = {
      instanceArn: options.instanceArn ?? "arn:aws:sso:::instance/ssoins-fake0000000000",
      identityStoreId: options.identityStoreId ?? "d-fake000000",
    };
  }

  // ------------------------------------------------------------- set up by tests, outside the port

  /** A group of the identity store (the port cannot make one); answers its id. Names are unique. */
  createGroup(displayName: string): string {
    if ([...this.groups.values()].includes(displayName)) throw new Error(`group ${displayName} exists`);
    const id = `g-${String(++this.counter).padStart(8, "0")}`;
    this.groups.set(id, displayName);
    return id;
  }

  /** A permission set made outside eksgate. */
  seedPermissionSet(set: Omit<PermissionSetRecord, "arn">): string {
    const arn = this.newPermissionSetArn();
    this.sets.set(arn, { arn, ...set });
    return arn;
  }

  /** An assignment made outside eksgate. */
  seedAssignment(target: AssignmentTarget): void {
    this.assignments.push({ ...target });
  }

  permissionSetNamed(name: string): (ObservedPermissionSet & { inlinePolicy?: PolicyDocument }) | undefined {
    const set = [...this.sets.values()].find((s) => s.name === name);
    return set === undefined ? undefined : structuredClone(set);
  }

  allAssignments(): readonly AssignmentTarget[] {
    return this.assignments.map((a) => ({ ...a }));
  }

  // ---------------------------------------------------------------------------- the port

  listInstances(): Promise<readonly IdentityCenterInstanceRef[]> {
    return Promise.resolve([{ ...this.instance }]);
  }

  findGroupByName(identityStoreId: string, displayName: string): Promise<IdentityCenterGroupRef | undefined> {
    this.store("GetGroupId", identityStoreId);
    const found = [...this.groups].find(([, name]) => name === displayName);
    return Promise.resolve(found === undefined ? undefined : { groupId: found[0], displayName });
  }

  describeGroup(identityStoreId: string, groupId: string): Promise<IdentityCenterGroupRef | undefined> {
    this.store("DescribeGroup", identityStoreId);
    const name = this.groups.get(groupId);
    return Promise.resolve(name === undefined ? undefined : { groupId, displayName: name });
  }

  listPermissionSets(instanceArn: string): Promise<readonly ObservedPermissionSet[]> {
    this.sso("ListPermissionSets", instanceArn);
    return Promise.resolve(
      [...this.sets.values()].map((s) => ({
        arn: s.arn,
        name: s.name,
        ...(s.description !== "" ? { description: s.description } : {}),
        sessionDuration: s.sessionDuration,
      })),
    );
  }

  getInlinePolicy(instanceArn: string, permissionSetArn: string): Promise<PolicyDocument | undefined> {
    const set = this.set("GetInlinePolicyForPermissionSet", instanceArn, permissionSetArn);
    return Promise.resolve(set.inlinePolicy === undefined ? undefined : structuredClone(set.inlinePolicy));
  }

  listAccountAssignments(
    instanceArn: string,
    accountId: string,
    permissionSetArn: string,
  ): Promise<readonly AssignmentTarget[]> {
    this.set("ListAccountAssignments", instanceArn, permissionSetArn);
    return Promise.resolve(
      this.assignments
        .filter((a) => a.accountId === accountId && a.permissionSetArn === permissionSetArn)
        .map((a) => ({ ...a })),
    );
  }

  createPermissionSet(instanceArn: string, permissionSet: NewPermissionSet): Promise<string> {
    this.sso("CreatePermissionSet", instanceArn);
    if ([...this.sets.values()].some((s) => s.name === permissionSet.name)) {
      throw awsFailure(
        "sso",
        "CreatePermissionSet",
        "ConflictException",
        409,
        `Permission set with name ${permissionSet.name} already exists.`,
      );
    }
    this.writes.push("CreatePermissionSet");
    const arn = this.newPermissionSetArn();
    this.sets.set(arn, {
      arn,
      name: permissionSet.name,
      description: permissionSet.description,
      sessionDuration: permissionSet.sessionDuration,
    });
    return Promise.resolve(arn);
  }

  updatePermissionSet(
    instanceArn: string,
    permissionSetArn: string,
    change: { readonly description: string; readonly sessionDuration: string },
  ): Promise<void> {
    const set = this.set("UpdatePermissionSet", instanceArn, permissionSetArn);
    this.writes.push("UpdatePermissionSet");
    set.description = change.description;
    set.sessionDuration = change.sessionDuration;
    return Promise.resolve();
  }

  putInlinePolicy(instanceArn: string, permissionSetArn: string, document: PolicyDocument): Promise<void> {
    const set = this.set("PutInlinePolicyToPermissionSet", instanceArn, permissionSetArn);
    this.writes.push("PutInlinePolicyToPermissionSet");
    set.inlinePolicy = structuredClone(document);
    return Promise.resolve();
  }

  provisionPermissionSet(
    instanceArn: string,
    permissionSetArn: string,
  ): Promise<IdentityCenterRequestStatus> {
    this.set("ProvisionPermissionSet", instanceArn, permissionSetArn);
    this.writes.push("ProvisionPermissionSet");
    return Promise.resolve(this.newRequest());
  }

  createAccountAssignment(
    instanceArn: string,
    target: AssignmentTarget,
  ): Promise<IdentityCenterRequestStatus> {
    const set = this.set("CreateAccountAssignment", instanceArn, target.permissionSetArn);
    this.writes.push("CreateAccountAssignment");
    const firstInAccount = !this.assignments.some(
      (a) => a.accountId === target.accountId && a.permissionSetArn === target.permissionSetArn,
    );
    if (!this.assignments.some((a) => sameAssignment(a, target))) this.assignments.push({ ...target });
    if (firstInAccount) this.options.onAssigned?.(target, set.name);
    return Promise.resolve(this.newRequest());
  }

  deleteAccountAssignment(
    instanceArn: string,
    target: AssignmentTarget,
  ): Promise<IdentityCenterRequestStatus> {
    this.set("DeleteAccountAssignment", instanceArn, target.permissionSetArn);
    this.writes.push("DeleteAccountAssignment");
    this.assignments = this.assignments.filter((a) => !sameAssignment(a, target));
    return Promise.resolve(this.newRequest());
  }

  deletePermissionSet(instanceArn: string, permissionSetArn: string): Promise<void> {
    this.set("DeletePermissionSet", instanceArn, permissionSetArn);
    this.writes.push("DeletePermissionSet");
    this.sets.delete(permissionSetArn);
    this.assignments = this.assignments.filter((a) => a.permissionSetArn !== permissionSetArn);
    return Promise.resolve();
  }

  requestStatus(
    instanceArn: string,
    _kind: IdentityCenterRequestKind,
    requestId: string,
  ): Promise<IdentityCenterRequestStatus> {
    this.sso("DescribeRequestStatus", instanceArn);
    const request = this.requests.get(requestId);
    if (request === undefined) {
      throw awsFailure("sso", "DescribeRequestStatus", "ResourceNotFoundException", 404, "No such request.");
    }
    if (request.polls > 0) {
      request.polls -= 1;
      return Promise.resolve({ requestId, status: "IN_PROGRESS" });
    }
    return Promise.resolve({ ...request.status, status: "SUCCEEDED" });
  }

  // ---------------------------------------------------------------------------- internals

  private newPermissionSetArn(): string {
    const id = `ps-${(++this.counter).toString(16).padStart(16, "0")}`;
    return `${this.instance.instanceArn.replace(":instance/", ":permissionSet/")}/${id}`;
  }

  private newRequest(): IdentityCenterRequestStatus {
    const requestId = `request-${++this.counter}`;
    const polls = this.options.pendingPolls ?? 0;
    const status: IdentityCenterRequestStatus = {
      requestId,
      status: polls > 0 ? "IN_PROGRESS" : "SUCCEEDED",
    };
    this.requests.set(requestId, { polls: Math.max(0, polls - 1), status });
    return status;
  }

  private sso(operation: string, instanceArn: string): void {
    if (instanceArn !== this.instance.instanceArn) {
      throw awsFailure(
        "sso",
        operation,
        "ResourceNotFoundException",
        404,
        `Instance ${instanceArn} not found.`,
      );
    }
  }

  private store(operation: string, identityStoreId: string): void {
    if (identityStoreId !== this.instance.identityStoreId) {
      throw awsFailure(
        "identitystore",
        operation,
        "ResourceNotFoundException",
        404,
        `Identity store ${identityStoreId} not found.`,
      );
    }
  }

  private set(operation: string, instanceArn: string, arn: string): PermissionSetRecord {
    this.sso(operation, instanceArn);
    const set = this.sets.get(arn);
    if (set === undefined) {
      throw awsFailure(
        "sso",
        operation,
        "ResourceNotFoundException",
        404,
        `Permission set ${arn} not found.`,
      );
    }
    return set;
  }
}

function sameAssignment(a: AssignmentTarget, b: AssignmentTarget): boolean {
  return (
    a.accountId === b.accountId &&
    a.permissionSetArn === b.permissionSetArn &&
    a.principalType === b.principalType &&
    a.principalId === b.principalId
  );
}
