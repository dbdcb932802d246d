/** UserFilesPort over the local file system (kubeconfig-file.ts, aws-config-file.ts). */
import type { FileWriteResult, UserFilesPort } from "../../ports/user-files.js";
import { awsConfigPath, readAwsConfig, writeAwsConfig } from "./aws-config-file.js";
import { kubeconfigPath, readOptionalText, writeFileAtomically } from "./kubeconfig-file.js";
import { outputWriteError } from "./write-files.js";

async function attempt(path: string, write: () => Promise<unknown>): Promise<FileWriteResult> {
  try {
    await write();
    return { ok: true };
  } catch (error) {
    return { ok: false, message: outputWriteError(path, error).message };
  }
}

export function createUserFilesPort(env: NodeJS.ProcessEnv = process.env): UserFilesPort {
  return {
    kubeconfigPath: (explicit) => kubeconfigPath(explicit, env),
    awsConfigPath: () => awsConfigPath(env),
    readKubeconfig: (path) => readOptionalText(path, "kubeconfig"),
    readAwsConfig: (path) => readAwsConfig(path),
    writeKubeconfig: (path, text) => attempt(path, () => writeFileAtomically(path, text, 0o600)),
    writeAwsConfig: (path, text) => attempt(path, () => writeAwsConfig(path, text)),
  };
}
