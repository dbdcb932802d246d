// Builds and caches the binaries of the integration test environment (etcd,
// kube-apiserver, kube-controller-manager; with --with-aws-iam-authenticator also
// aws-iam-authenticator and aws-auth-parse, a small program around the authenticator's
// aws-auth parser). Safe to run repeatedly: cached versions are reused.
//
//   npx tsx scripts/build-test-binaries.ts [--with-aws-iam-authenticator]
import {
  type Component,
  COMPONENTS,
  componentDir,
  ensureComponent,
  ensureControlPlane,
  isCached,
} from "../test/env/binaries.js";
import { MissingPrerequisiteError } from "../test/env/prereqs.js";

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const wanted: Component[] = [COMPONENTS.etcd, COMPONENTS.kubernetes];
  const authenticator = process.argv.includes("--with-aws-iam-authenticator");
  if (authenticator) wanted.push(COMPONENTS.awsIamAuthenticator, COMPONENTS.awsAuthParse);
  for (const component of wanted) {
    log(
      `${component.name} ${component.version}: ${isCached(component) ? "cached" : "to build"} (${componentDir(component)})`,
    );
  }
  await ensureControlPlane(log);
  if (authenticator) {
    await ensureComponent(COMPONENTS.awsIamAuthenticator, log);
    await ensureComponent(COMPONENTS.awsAuthParse, log);
  }
  log(`test binaries ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof MissingPrerequisiteError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exitCode = 1;
});
