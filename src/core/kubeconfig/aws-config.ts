/**
 * The AWS CLI config file (`~/.aws/config`): finding a profile and adding one, as text.
 *
 * The file is INI as botocore reads it: `[default]` and `[profile NAME]` sections (also
 * `[sso-session X]`, `[services X]`, which are left alone), `key = value` lines, `#` or `;`
 * comments, and indented continuation lines for nested settings. eksgate never rewrites
 * the file: it only appends a new section, so comments, order and everything it does not
 * understand stay byte for byte.
 */
import type { AwsCliProfile } from "../model/kubeconfig-entry.js";

export interface ConfigSection {
  /** The profile name (`default` for `[default]`). */
  readonly profile: string;
  readonly settings: Readonly<Record<string, string>>;
  /** 1-based line of the header. */
  readonly line: number;
}

/** Any section: `[default]` and `[profile P]` are profiles, `[sso-session S]` a session. */
export interface AwsConfigSection {
  readonly kind: "profile" | "sso-session" | "other";
  /** The profile or session name; the whole title for other kinds. */
  readonly name: string;
  readonly settings: Readonly<Record<string, string>>;
  /** 1-based line of the header. */
  readonly line: number;
}

const HEADER = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/;
const SETTING = /^([^=\s][^=]*?)\s*=\s*(.*)$/;

function sectionOf(title: string): Pick<AwsConfigSection, "kind" | "name"> {
  if (title === "default") return { kind: "profile", name: "default" };
  const profile = /^profile\s+(.+)$/.exec(title)?.[1]?.trim();
  if (profile !== undefined) return { kind: "profile", name: profile };
  const session = /^sso-session\s+(.+)$/.exec(title)?.[1]?.trim();
  if (session !== undefined) return { kind: "sso-session", name: session };
  return { kind: "other", name: title };
}

/** Every section of an AWS config file, in file order (keys as written, last one wins). */
export function parseAwsConfigSections(text: string): AwsConfigSection[] {
  const sections: (AwsConfigSection & { settings: Record<string, string> })[] = [];
  let current: { settings: Record<string, string> } | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const header = HEADER.exec(raw);
    if (header) {
      const section = { ...sectionOf(header[1] ?? ""), settings: {}, line: index + 1 };
      sections.push(section);
      current = section;
      return;
    }
    if (current === undefined) return;
    // Continuation lines (indented) belong to a nested setting eksgate does not use.
    if (/^\s/.test(raw)) return;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) return;
    const setting = SETTING.exec(trimmed);
    if (setting?.[1] !== undefined) current.settings[setting[1].trim()] = (setting[2] ?? "").trim();
  });
  return sections;
}

/** The last section of that kind and name (later sections of the same name win in botocore). */
export function findAwsConfigSection(
  sections: readonly AwsConfigSection[],
  kind: AwsConfigSection["kind"],
  name: string,
): AwsConfigSection | undefined {
  return sections.filter((s) => s.kind === kind && s.name === name).pop();
}

/** The profile sections of an AWS config file (other section kinds are skipped). */
export function parseAwsConfigProfiles(text: string): ConfigSection[] {
  return parseAwsConfigSections(text)
    .filter((s) => s.kind === "profile")
    .map((s) => ({ profile: s.name, settings: s.settings, line: s.line }));
}

export type ProfilePlan =
  | { readonly action: "add"; readonly text: string; readonly section: string }
  | { readonly action: "unchanged"; readonly line: number }
  | {
      readonly action: "conflict";
      readonly line: number;
      /** Settings whose value differs: [key, in the file, wanted]. */
      readonly differences: readonly (readonly [string, string | undefined, string])[];
    };

/**
 * What writing `profile` into a config file holding `text` means. A profile of that name
 * with the same role_arn, source_profile and role_session_name is fine as it is (other
 * settings such as region are the owner's business); with different values it is a
 * conflict the person must resolve, never overwritten. Later sections of the same name
 * win in botocore, so the last one is compared.
 */
export function planAwsConfigProfile(
  text: string,
  profile: AwsCliProfile,
  format: (p: AwsCliProfile) => string,
): ProfilePlan {
  const existing = parseAwsConfigProfiles(text)
    .filter((s) => s.profile === profile.name)
    .pop();
  if (existing !== undefined) {
    const differences: (readonly [string, string | undefined, string])[] = [];
    for (const [key, wanted] of Object.entries(profile.settings)) {
      const have = existing.settings[key];
      if (have !== wanted) differences.push([key, have, wanted]);
    }
    return differences.length === 0
      ? { action: "unchanged", line: existing.line }
      : { action: "conflict", line: existing.line, differences };
  }
  const section = format(profile);
  return { action: "add", text: appendSections(text, section), section };
}

/** `text` with `sections` appended after one blank line; nothing else changes. */
function appendSections(text: string, sections: string): string {
  let prefix = "";
  if (text !== "" && !text.endsWith("\n")) prefix = "\n\n";
  else if (text !== "" && !text.endsWith("\n\n")) prefix = "\n";
  return `${text}${prefix}${sections}`;
}

// ---------------------------------------------------------------------------------------
// IAM Identity Center profiles (`aws sso login`)

/** What an Identity Center team member's profile must say: which account, which permission set. */
export interface SsoProfileWish {
  readonly profileName: string;
  readonly accountId: string;
  /** The permission set's name: the role name the portal knows. */
  readonly roleName: string;
  /** The cluster's region, the profile's `region`. */
  readonly region: string;
  /** Region of the Identity Center instance. */
  readonly ssoRegion: string;
  /** The `sso-session` to use; default: one with `startUrl`, else the only one, else `eksgate`. */
  readonly session?: string;
  /** The AWS access portal URL; needed only when the session is not in the file yet. */
  readonly startUrl?: string;
}

export const SSO_REGISTRATION_SCOPES = "sso:account:access";
export const DEFAULT_SSO_SESSION = "eksgate";

export type SsoSectionPlan =
  | { readonly action: "add"; readonly section: string }
  | { readonly action: "unchanged"; readonly line: number }
  | {
      readonly action: "conflict";
      readonly line: number;
      readonly differences: readonly (readonly [string, string | undefined, string])[];
    };

export type SsoProfilePlan =
  | {
      /** Something to add (the session, the profile or both): `text` is the new file. */
      readonly action: "add" | "unchanged" | "conflict";
      readonly sessionName: string;
      readonly session: SsoSectionPlan;
      readonly profile: SsoSectionPlan;
      /** The profile's settings (and the session's) as eksgate would write them. */
      readonly settings: Readonly<Record<string, string>>;
      readonly sessionSettings: Readonly<Record<string, string>>;
      readonly text: string;
    }
  | {
      /** The profile is missing and so is a session to put it in, and no start URL is known. */
      readonly action: "needs-start-url";
      readonly sessionName: string;
      readonly settings: Readonly<Record<string, string>>;
    };

/** One section as eksgate writes it: the header, then `key = value` lines. */
export function formatAwsConfigSection(header: string, settings: Readonly<Record<string, string>>): string {
  return `${[`[${header}]`, ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`)].join("\n")}\n`;
}

function compare(
  have: Readonly<Record<string, string>>,
  want: Readonly<Record<string, string>>,
): (readonly [string, string | undefined, string])[] {
  return Object.entries(want).flatMap(([key, value]) =>
    have[key] === value ? [] : [[key, have[key], value] as const],
  );
}

/**
 * What giving a member the profile `wish` means in a config file holding `text`: the
 * `[sso-session S]` and `[profile P]` sections to add, or the ones already there. An
 * existing profile that names the same account and permission set is used as it is (its
 * session and other settings are the owner's business); one that names others is a
 * conflict. An existing session is reused when its start URL (if one is asked for) and
 * region agree, and is a conflict otherwise. Nothing is ever rewritten, only appended.
 */
export function planSsoProfile(text: string, wish: SsoProfileWish): SsoProfilePlan {
  const sections = parseAwsConfigSections(text);
  const sessions = sections.filter((s) => s.kind === "sso-session");
  const sessionName =
    wish.session ??
    (wish.startUrl !== undefined
      ? sessions.filter((s) => s.settings["sso_start_url"] === wish.startUrl).pop()?.name
      : sessions.length === 1
        ? sessions[0]?.name
        : undefined) ??
    DEFAULT_SSO_SESSION;
  const settings = {
    sso_session: sessionName,
    sso_account_id: wish.accountId,
    sso_role_name: wish.roleName,
    region: wish.region,
  };
  const existingProfile = findAwsConfigSection(sections, "profile", wish.profileName);
  const existingSession = findAwsConfigSection(sections, "sso-session", sessionName);
  const startUrl = wish.startUrl ?? existingSession?.settings["sso_start_url"];
  const sessionSettings = {
    ...(startUrl !== undefined ? { sso_start_url: startUrl } : {}),
    sso_region: wish.ssoRegion,
    sso_registration_scopes: SSO_REGISTRATION_SCOPES,
  };

  if (existingProfile !== undefined) {
    const differences = compare(existingProfile.settings, {
      sso_account_id: wish.accountId,
      sso_role_name: wish.roleName,
    });
    const profile: SsoSectionPlan =
      differences.length === 0
        ? { action: "unchanged", line: existingProfile.line }
        : { action: "conflict", line: existingProfile.line, differences };
    return {
      action: profile.action === "unchanged" ? "unchanged" : "conflict",
      sessionName: existingProfile.settings["sso_session"] ?? sessionName,
      session: { action: "unchanged", line: existingSession?.line ?? existingProfile.line },
      profile,
      settings,
      sessionSettings,
      text,
    };
  }

  let session: SsoSectionPlan;
  if (existingSession !== undefined) {
    const differences = compare(existingSession.settings, {
      ...(wish.startUrl !== undefined ? { sso_start_url: wish.startUrl } : {}),
      sso_region: wish.ssoRegion,
    });
    if (existingSession.settings["sso_start_url"] === undefined)
      differences.push(["sso_start_url", undefined, wish.startUrl ?? "(your AWS access portal URL)"]);
    session =
      differences.length === 0
        ? { action: "unchanged", line: existingSession.line }
        : { action: "conflict", line: existingSession.line, differences };
  } else {
    if (startUrl === undefined) return { action: "needs-start-url", sessionName, settings };
    session = {
      action: "add",
      section: formatAwsConfigSection(`sso-session ${sessionName}`, sessionSettings),
    };
  }
  const profileSection = formatAwsConfigSection(`profile ${wish.profileName}`, settings);
  const added = `${session.action === "add" ? `${session.section}\n` : ""}${profileSection}`;
  return {
    action: session.action === "conflict" ? "conflict" : "add",
    sessionName,
    session,
    profile: { action: "add", section: profileSection },
    settings,
    sessionSettings,
    text: session.action === "conflict" ? text : appendSections(text, added),
  };
}
