/**
 * The region, as the AWS CLI finds it: --region, AWS_REGION, AWS_DEFAULT_REGION, then the
 * `region` of the selected profile in the AWS config file. The config file is read only
 * when nothing else names a region (kubeconfigs written by eksgate always pass --region).
 */
import { readFileSync } from "node:fs";
import { TokenError } from "./errors.js";

/** The `region` key of `[profile NAME]` (or `[default]`) in an AWS config file. */
export function regionFromConfigText(text: string, profile: string): string | undefined {
  const wanted = profile === "default" ? ["default", "profile default"] : [`profile ${profile}`];
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section?.[1] !== undefined) {
      inSection = wanted.includes(section[1].replace(/\s+/g, " "));
      continue;
    }
    if (!inSection) continue;
    const pair = /^region\s*=\s*(\S+)/.exec(line);
    if (pair?.[1] !== undefined) return pair[1];
  }
  return undefined;
}

export function resolveRegion(
  explicit: string | undefined,
  profile: string | undefined,
  env: NodeJS.ProcessEnv,
  homedir: () => string,
): string {
  const fromEnv = explicit ?? (env["AWS_REGION"] || undefined) ?? (env["AWS_DEFAULT_REGION"] || undefined);
  let region = fromEnv;
  if (region === undefined) {
    const file = env["AWS_CONFIG_FILE"] || `${homedir()}/.aws/config`;
    try {
      region = regionFromConfigText(readFileSync(file, "utf8"), profile ?? "default");
    } catch {
      region = undefined;
    }
  }
  if (region === undefined) {
    throw new TokenError("no AWS region: pass --region, set AWS_REGION, or set region in your AWS profile");
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new TokenError(`${region} is not an AWS region name`);
  return region;
}
