// What plan and apply report reaches the user as diagnostics with codes, in text and in
// --json, through the built CLI: kubeconfig problems keep their KUBE codes (an error ends
// the plan, a warning rides with it), the command line's own checks (EG140, EG320) and a
// denied read (EG301) come as {"ok": false, "diagnostics": [...]} on stdout with --json.
// And the live snapshot's Kubernetes reads fail as PortErrors, as plan's do.
//
// Runs against moto, the EKS double and the shared kube-apiserver (test/support/apply-env.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeSnapshotSource } from "../../src/adapters/kube/snapshot-collector.js";
import { isPortError, type PortError } from "../../src/ports/errors.js";
import { createUserWithAccessKey } from "../env/aws-seed.js";
import { uniqueName } from "../env/context.js";
import {
  ACCOUNT,
  type ApplyEnv,
  type CliResult,
  isAwsWrite,
  REGION,
  resetCluster,
  startApplyEnv,
} from "../support/apply-env.js";

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly path?: string;
}

interface Failure {
  readonly ok: false;
  readonly diagnostics: readonly JsonDiagnostic[];
}

const GROUP = "g-diag";
let env: ApplyEnv;
let cluster: string;
let config: string;

function configYaml(name: string): string {
  return `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: ${name}
    region: ${REGION}
teams:
  - name: diag
    iamGroup: ${GROUP}
    access:
      - cluster: ${name}
        clusterRole: view
`;
}

function failureOf(r: CliResult): Failure {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  const parsed = JSON.parse(r.stdout) as Failure;
  expect(parsed.ok).toBe(false);
  return parsed;
}

/**
 * A kubeconfig where the context named after the cluster ARN points at another server (a
 * cluster recreated since), and two contexts point at the cluster's endpoint.
 */
function staleAndAmbiguousKubeconfig(file: string): string {
  const arn = env.clusterArn(cluster);
  const user = { name: "admin", user: { token: env.kube.adminToken } };
  const ca = Buffer.from(env.kube.caData).toString("base64");
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "old", cluster: { server: "https://127.0.0.1:9", "certificate-authority-data": ca } },
      { name: "live", cluster: { server: env.kube.server, "certificate-authority-data": ca } },
    ],
    users: [user],
    contexts: [
      { name: arn, context: { cluster: "old", user: "admin" } },
      { name: "first", context: { cluster: "live", user: "admin" } },
      { name: "second", context: { cluster: "live", user: "admin" } },
    ],
    "current-context": "second",
  };
  writeFileSync(file, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  return file;
}

beforeAll(async () => {
  env = await startApplyEnv();
  await env.resetAws([GROUP]);
  await resetCluster(undefined);
  cluster = uniqueName("diag");
  env.seedCluster(cluster, "CONFIG_MAP");
  config = env.writeFile(`${cluster}.yaml`, configYaml(cluster));
});

afterAll(async () => {
  const started = env as ApplyEnv | undefined; // undefined when beforeAll failed
  if (started === undefined) return;
  await resetCluster(undefined);
  await started.stop();
});

describe("kubeconfig problems reach the user with their KUBE codes", () => {
  it("a --kubeconfig that does not exist: KUBE001 at the path, as JSON", async () => {
    const missing = join(env.dir, "no-such-kubeconfig");
    const r = await env.run(["plan", "-c", config, "--kubeconfig", missing, "--json"]);
    const { diagnostics } = failureOf(r);
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([["KUBE001", "error", missing]]);
    expect(diagnostics[0]?.detail).toContain("KUBECONFIG");
  });

  it("a skipped stale context (KUBE004) and several that fit (KUBE005) are warnings of the plan, in --json and in text", async () => {
    const kubeconfig = staleAndAmbiguousKubeconfig(join(env.dir, "stale-ambiguous.kubeconfig"));
    const json = await env.run(["plan", "-c", config, "--json"], { kubeconfig });
    expect(json.code, json.stdout + json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as { kind: string; diagnostics: readonly JsonDiagnostic[] };
    expect(plan.kind).toBe("EksgatePlan");
    const byCode = new Map(plan.diagnostics.map((d) => [d.code, d]));
    expect(byCode.get("KUBE004")?.severity).toBe("warning");
    expect(byCode.get("KUBE004")?.summary).toContain("https://127.0.0.1:9");
    expect(byCode.get("KUBE005")?.severity).toBe("warning");
    // The file's current context wins among equals, and the warning says so.
    expect(byCode.get("KUBE005")?.summary).toContain('using "second"');
    expect(byCode.get("KUBE005")?.detail).toBeDefined();

    const text = await env.run(["plan", "-c", config], { kubeconfig });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/warning KUBE004: kubeconfig context "arn:aws:eks:[^"]+" in .* skipped/);
    expect(text.stderr).toMatch(/warning KUBE005: .*using "second"/);
    expect(text.stderr).toContain("hint: Pass the context explicitly");
  });
});

describe("the command line's checks as diagnostics", () => {
  it("--cluster that the config does not define: EG140 with a suggestion, as JSON, before any AWS call", async () => {
    env.markAws();
    const r = await env.run(["plan", "-c", config, "--cluster", `${cluster}x`, "--json"]);
    const { diagnostics } = failureOf(r);
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([["EG140", "--cluster"]]);
    expect(diagnostics[0]?.summary).toContain(`did you mean "${cluster}"`);
    expect(diagnostics[0]?.detail).toBe(`Known clusters: ${cluster}.`);
    expect(r.stderr).toBe("");
    expect(env.awsCalls()).toEqual([]);
  });

  it("apply --json without a terminal and without --auto-approve: EG320 as JSON, nothing written", async () => {
    env.markAws();
    const r = await env.run(["apply", "-c", config, "--json"]);
    const { diagnostics } = failureOf(r);
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([["EG320", "--auto-approve"]]);
    expect(diagnostics[0]?.detail).toContain("--auto-approve");
    expect(env.awsCalls().filter((c) => isAwsWrite(c.action))).toEqual([]);
  });

  it("the same check for people: the code and the hint on stderr, then what was not done", async () => {
    const r = await env.run(["apply", "-c", config]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(
      "error EG320: refusing to apply without confirmation: standard input is not a terminal",
    );
    expect(r.stderr).toContain("hint: Review the plan, then run again with --auto-approve.");
    expect(r.stderr).toContain("Nothing was changed.");
  });

  it("a read the identity may not make: EG301 naming the identity, as JSON", async () => {
    const nobody = await createUserWithAccessKey(env.aws.iam, uniqueName("diag-nobody"));
    await env.moto.setEnforcement(true);
    try {
      const r = await env.run(["plan", "-c", config, "--json"], { credentials: nobody.credentials });
      const { diagnostics } = failureOf(r);
      expect(diagnostics.map((d) => d.code)).toEqual(["EG301"]);
      expect(diagnostics[0]?.summary).toContain(`${nobody.arn} is not allowed to iam:`);
      expect(diagnostics[0]?.detail).toContain("Grant iam:");
    } finally {
      await env.moto.setEnforcement(false);
    }
  });
});

describe("live snapshot reads fail through the kube adapter's error translation", () => {
  const ref = () => ({ name: cluster, arn: env.clusterArn(cluster), endpoint: env.kube.server });

  it("a missing ConfigMap is absent; a refused list is a PortError naming the verb and resource", async () => {
    const admin = await createKubeSnapshotSource(ref(), { kubeconfigPath: env.kubeconfig });
    if (!admin.ok) return expect.fail(JSON.stringify(admin.diagnostics));
    expect(await admin.value.configMap("kube-system", uniqueName("no-such-cm"))).toBeUndefined();

    const lowPrivKubeconfig = env.kubeconfigFor(
      env.kube.lowPrivToken,
      join(env.dir, "lowpriv-snapshot.kubeconfig"),
    );
    const reader = await createKubeSnapshotSource(ref(), { kubeconfigPath: lowPrivKubeconfig });
    if (!reader.ok) return expect.fail(JSON.stringify(reader.diagnostics));
    const refused = await reader.value.rbacObjects().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isPortError(refused, "access-denied")).toBe(true);
    const details = (refused as PortError).details;
    expect(details.operation).toBe("list clusterroles");
    expect(details.identity).toBe("eksgate-test-lowpriv");
    expect(details.missingPermission).toBe("list clusterroles.rbac.authorization.k8s.io at cluster scope");
    // Not a missing object: a ConfigMap the reader may not get is a refusal, not absent.
    await expect(reader.value.configMap("kube-system", "aws-auth")).rejects.toSatisfy((e: unknown) =>
      isPortError(e, "access-denied"),
    );
  });
});
