// An in-memory UserFilesPort: files are a map from path to text; a path whose parent is a
// file cannot be written (as on a real file system). Checked against the same contract as
// the real adapter (test/support/contracts/user-files-port.ts, test/unit/user-files-port.test.ts).
import type { Result } from "../../../src/core/diagnostics.js";
import type { FileWriteResult, UserFilesPort } from "../../../src/ports/user-files.js";

export class FakeUserFiles implements UserFilesPort {
  readonly files = new Map<string, string>();
  /** Paths every write was made to, in order. */
  readonly writes: string[] = [];

  constructor(
    private readonly home = "/home/ana",
    private readonly awsConfigFile = `${home}/.aws/config`,
  ) {}

  kubeconfigPath(explicit: string | undefined): string {
    return explicit !== undefined && explicit !== "" ? explicit : `${this.home}/.kube/config`;
  }

  awsConfigPath(): string {
    return this.awsConfigFile;
  }

  readKubeconfig(path: string): Promise<Result<string | undefined>> {
    return Promise.resolve({ ok: true, value: this.files.get(path), diagnostics: [] });
  }

  readAwsConfig(path: string): Promise<Result<string | undefined>> {
    return this.readKubeconfig(path);
  }

  writeKubeconfig(path: string, text: string): Promise<FileWriteResult> {
    return Promise.resolve(this.write(path, text));
  }

  writeAwsConfig(path: string, text: string): Promise<FileWriteResult> {
    return Promise.resolve(this.write(path, text));
  }

  private write(path: string, text: string): FileWriteResult {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      if (this.files.has(parent)) return { ok: false, message: `cannot write ${path}: ${parent} is a file` };
    }
    this.files.set(path, text);
    this.writes.push(path);
    return { ok: true };
  }
}
