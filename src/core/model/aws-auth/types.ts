/** The aws-auth ConfigMap as the authenticator understands it. */
import type { SourcePosition } from "../../diagnostics.js";

export const AWS_AUTH_KEYS = ["mapRoles", "mapUsers", "mapAccounts"] as const;
export type AwsAuthKey = (typeof AWS_AUTH_KEYS)[number];

/** Maps an offset inside a data value to a position in the file it came from. */
export type ValueLocator = (offset: number) => SourcePosition | undefined;

/** One `data` value and, when it was read from a file, where its characters are. */
export interface AwsAuthValue {
  readonly text: string;
  readonly locate?: ValueLocator;
}

/** How the authenticator treated one key. */
export type AwsAuthKeyStatus =
  /** The key is not in `data`. */
  | "absent"
  /** Empty, or only `""` / two backticks: skipped without error. */
  | "skipped"
  /** A YAML/JSON error or not a list: no entry of this key is used. */
  | "dropped"
  | "read";

/** Where a field was written, under which (case-insensitive) name. */
export interface AwsAuthField {
  /** The field name as written, e.g. `rOlEaRn`. */
  readonly name: string;
  readonly source?: SourcePosition;
}

/** The alpha `sso` matcher of a mapRoles entry. */
export interface AwsAuthSsoMatcher {
  readonly permissionSetName: string;
  readonly accountId: string;
  /** As written; empty when absent (the authenticator then means `aws`). */
  readonly partition: string;
}

interface MappingCommon {
  /** Index in the key's list (counting invalid entries too). */
  readonly index: number;
  /** e.g. `mapRoles[2]` */
  readonly path: string;
  readonly username: string;
  readonly groups: readonly string[];
  /** Used only by the DynamicFile backend in user-id-strict mode; kept for fidelity. */
  readonly userid: string;
  /** Position of the entry (its `-`). */
  readonly source?: SourcePosition;
  /** The known fields present in the entry, keyed by canonical lowercase name. */
  readonly fields: Readonly<
    Partial<Record<"rolearn" | "userarn" | "sso" | "username" | "groups" | "userid", AwsAuthField>>
  >;
  /** Position of each group value, in order. */
  readonly groupSources: readonly (SourcePosition | undefined)[];
}

export interface AwsAuthRoleMapping extends MappingCommon {
  readonly kind: "role";
  /** Empty for an sso entry. */
  readonly rolearn: string;
  readonly sso?: AwsAuthSsoMatcher;
  /** The lookup key: lowercased rolearn, or the sso pattern (lowercased). */
  readonly key: string;
}

export interface AwsAuthUserMapping extends MappingCommon {
  readonly kind: "user";
  readonly userarn: string;
  /** The lookup key: the userarn exactly as written (the authenticator does not lowercase it here). */
  readonly key: string;
}

export type AwsAuthMapping = AwsAuthRoleMapping | AwsAuthUserMapping;

export interface AwsAuthAccount {
  readonly index: number;
  readonly path: string;
  readonly accountId: string;
  readonly source?: SourcePosition;
}

/** An entry that a later one with the same key replaces. */
export interface AwsAuthShadowing {
  readonly shadowed: AwsAuthMapping;
  readonly by: AwsAuthMapping;
}

/**
 * A mapRoles / mapUsers entry exactly as the authenticator's JSON decoding leaves it,
 * before any validation (entries the authenticator's newer versions skip included).
 */
export interface AwsAuthDecodedEntry {
  readonly index: number;
  /** `rolearn` (mapRoles) or `userarn` (mapUsers); empty when absent. */
  readonly arn: string;
  readonly username: string;
  readonly groups: readonly string[];
  readonly userid: string;
}

/** One key as the authenticator's parser reads it. */
export interface AwsAuthDecodedKey {
  readonly status: AwsAuthKeyStatus;
  /**
   * Whether the parser reports an error for the key. It may still keep entries: a field of
   * the wrong type is refused, the rest of the entries read.
   */
  readonly failed: boolean;
  /** mapRoles / mapUsers: every entry decoded (empty for mapAccounts, see `accounts`). */
  readonly entries: readonly AwsAuthDecodedEntry[];
}

export interface AwsAuthMappings {
  readonly status: Readonly<Record<AwsAuthKey, AwsAuthKeyStatus>>;
  /** Valid mapRoles entries in file order (duplicates included). */
  readonly roles: readonly AwsAuthRoleMapping[];
  /** Valid mapUsers entries in file order (duplicates included). */
  readonly users: readonly AwsAuthUserMapping[];
  readonly accounts: readonly AwsAuthAccount[];
  /** The entries the authenticator keeps after duplicates are resolved, in file order. */
  readonly effectiveRoles: readonly AwsAuthRoleMapping[];
  readonly effectiveUsers: readonly AwsAuthUserMapping[];
  readonly shadowed: readonly AwsAuthShadowing[];
  /** What the authenticator's parser itself keeps of each key, before validation. */
  readonly decoded: Readonly<Record<AwsAuthKey, AwsAuthDecodedKey>>;
}
