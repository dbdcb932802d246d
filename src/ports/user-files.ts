/**
 * The person's own settings files that `eksgate kubeconfig` reads and changes: the
 * kubeconfig and the AWS CLI config file. Where they are follows kubectl and the aws CLI
 * (the adapter reads the environment); writes replace a file as a whole or not at all.
 */
import type { Result } from "../core/diagnostics.js";

/** A write that did not happen, and why (`cannot write PATH: REASON`). */
export type FileWriteResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface UserFilesPort {
  /** `explicit` (--kubeconfig), else the first file in KUBECONFIG, else ~/.kube/config. */
  kubeconfigPath(explicit: string | undefined): string;
  /** AWS_CONFIG_FILE, else ~/.aws/config. */
  awsConfigPath(): string;
  /** The file's text; undefined when it does not exist; diagnostics when it cannot be read. */
  readKubeconfig(path: string): Promise<Result<string | undefined>>;
  readAwsConfig(path: string): Promise<Result<string | undefined>>;
  /** Replaces the kubeconfig, readable by its owner only (0600). */
  writeKubeconfig(path: string, text: string): Promise<FileWriteResult>;
  /** Replaces the AWS config file, keeping an existing file's permission bits (new: 0600). */
  writeAwsConfig(path: string, text: string): Promise<FileWriteResult>;
}
