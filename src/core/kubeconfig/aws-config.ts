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

const HEADER = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/;
const SETTING = /^([^=\s][^=]*?)\s*=\s*(.*)$/;

/** The profile sections of an AWS config file (other section kinds are skipped). */
export function parseAwsConfigProfiles(text: string): ConfigSection[] {
  const sections: { profile: string; settings: Record<string, string>; line: number }[] = [];
  let current: { profile: string; settings: Record<string, string>; line: number } | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const header = HEADER.exec(raw);
    if (header) {
      const title = header[1] ?? "";
      const profile = title === "default" ? "default" : /^profile\s+(.+)$/.exec(title)?.[1]?.trim();
      current = profile !== undefined ? { profile, settings: {}, line: index + 1 } : undefined;
      if (current) sections.push(current);
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
  let prefix = "";
  if (text !== "" && !text.endsWith("\n")) prefix = "\n\n";
  else if (text !== "" && !text.endsWith("\n\n")) prefix = "\n";
  return { action: "add", text: `${text}${prefix}${section}`, section };
}
