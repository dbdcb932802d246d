// The UserFilesPort contract against the real file-system adapter (in a temporary
// directory) and the in-memory fake the kubeconfig use case's tests run with.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createUserFilesPort } from "../../src/adapters/fs/user-files.js";
import { describeUserFilesPortContract } from "../support/contracts/user-files-port.js";
import { FakeUserFiles } from "../support/fakes/user-files.js";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describeUserFilesPortContract({
  name: "file system adapter",
  setup: () => {
    const root = mkdtempSync(join(tmpdir(), "eksgate-user-files-"));
    roots.push(root);
    return { files: createUserFilesPort({ HOME: root }), root };
  },
});

describeUserFilesPortContract({
  name: "FakeUserFiles",
  setup: () => ({ files: new FakeUserFiles("/home/ana"), root: "/home/ana/t" }),
});
