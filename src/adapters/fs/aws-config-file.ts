/**
 * The AWS CLI config file: AWS_CONFIG_FILE, else ~/.aws/config (as botocore and the SDKs
 * look for it). Written atomically; an existing file keeps its permission bits, a new one
 * is 0600.
 */
import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Result } from "../../core/diagnostics.js";
import { readOptionalText, writeFileAtomically } from "./kubeconfig-file.js";

export function awsConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env["AWS_CONFIG_FILE"];
  if (configured !== undefined && configured !== "") return configured;
  return join(env["HOME"] ?? homedir(), ".aws", "config");
}

export function readAwsConfig(path: string): Promise<Result<string | undefined>> {
  return readOptionalText(path, "AWS config file");
}

export async function writeAwsConfig(path: string, text: string): Promise<void> {
  const mode = await stat(path).then(
    (info) => info.mode & 0o777,
    () => 0o600,
  );
  await writeFileAtomically(path, text, mode);
}
