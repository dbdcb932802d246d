// What eksgate relies on from a UserFilesPort (the kubeconfig and AWS config files), rules
// U1-U4 of docs/specs/port-fakes.md, run against the real adapter (a temporary directory)
// and the in-memory fake alike.
import { describe, expect, it } from "vitest";
import type { UserFilesPort } from "../../../src/ports/user-files.js";

export interface UserFilesContractSetup {
  readonly name: string;
  /** A port whose files all live under `root`, and nothing exists there yet. */
  readonly setup: () => { readonly files: UserFilesPort; readonly root: string };
}

export function describeUserFilesPortContract({ name, setup }: UserFilesContractSetup): void {
  describe(`UserFilesPort contract: ${name}`, () => {
    it("U1: an explicit kubeconfig path is used as given", () => {
      const { files, root } = setup();
      expect(files.kubeconfigPath(`${root}/mine.yaml`)).toBe(`${root}/mine.yaml`);
    });

    it("U2: a file that does not exist reads as undefined, not as a failure", async () => {
      const { files, root } = setup();
      const kube = await files.readKubeconfig(`${root}/none/config`);
      const aws = await files.readAwsConfig(`${root}/none/aws-config`);
      expect(kube).toEqual({ ok: true, value: undefined, diagnostics: [] });
      expect(aws).toEqual({ ok: true, value: undefined, diagnostics: [] });
    });

    it("U3: a written file reads back exactly, and a second write replaces it", async () => {
      const { files, root } = setup();
      const path = `${root}/kube/config`;
      expect(await files.writeKubeconfig(path, "first\n")).toEqual({ ok: true });
      expect(await files.writeKubeconfig(path, "second\n")).toEqual({ ok: true });
      expect(await files.readKubeconfig(path)).toEqual({ ok: true, value: "second\n", diagnostics: [] });
      const aws = `${root}/aws/config`;
      expect(await files.writeAwsConfig(aws, "[default]\nregion = eu-west-1\n")).toEqual({ ok: true });
      const read = await files.readAwsConfig(aws);
      expect(read.ok && read.value).toBe("[default]\nregion = eu-west-1\n");
    });

    it("U4: a path through a file is not written, with a message naming the path", async () => {
      const { files, root } = setup();
      expect(await files.writeKubeconfig(`${root}/plain`, "x\n")).toEqual({ ok: true });
      const result = await files.writeKubeconfig(`${root}/plain/config`, "y\n");
      expect(result.ok).toBe(false);
      expect(!result.ok && result.message).toMatch(new RegExp(`^cannot write ${root}/plain`));
      expect(await files.readKubeconfig(`${root}/plain`)).toEqual({
        ok: true,
        value: "x\n",
        diagnostics: [],
      });
    });
  });
}
