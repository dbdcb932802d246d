// The RBAC manifests and kubeconfig entries the core renders, handed to the real kubectl
// and kube-apiserver: client- and server-side dry-run apply of the bindings and custom
// roles, kubectl's own `create ... --dry-run=client` output as a second opinion on their
// shape, and a kubeconfig whose exec entry kubectl actually runs.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessConfig } from "../../src/core/model/access-config.js";
import {
  eksgateExecUser,
  kubeconfigContext,
  kubeconfigDocument,
} from "../../src/core/model/kubeconfig-entry.js";
import {
  clusterRbacObjects,
  teamRbacBindings,
  validateClusterRoleRules,
  type RbacObject,
} from "../../src/core/model/rbac.js";
import { freshNamespace, kubeEnv, uniqueName } from "../env/context.js";
import { DEV, access, exampleConfig, team } from "../support/example-access-config.js";
import { SPAWN_DEADLINE_MS } from "../support/time-limits.js";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(
      "kubectl",
      [...args],
      { env: { ...process.env, ...env }, timeout: SPAWN_DEADLINE_MS },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") fail(new Error(`kubectl did not run: ${error.message}`));
        else done({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "eksgate-rendered-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function adminKubectl(args: readonly string[]): Promise<Run> {
  const env = kubeEnv();
  return run(args, { KUBECONFIG: env.adminKubeconfig, KUBECACHEDIR: env.kubeCacheDir });
}

function writeManifest(objects: readonly RbacObject[]): string {
  const file = join(dir, `${uniqueName("manifest")}.yaml`);
  writeFileSync(file, objects.map((o) => stringify(o)).join("---\n"));
  return file;
}

describe("rendered RBAC manifests", () => {
  let config: AccessConfig;

  beforeAll(async () => {
    // The example config, with namespaces that exist on this shared server and names no
    // other test uses.
    const [ns1, ns2] = [await freshNamespace("payments"), await freshNamespace("payments-staging")];
    const base = exampleConfig();
    const suffix = uniqueName("t").slice(2);
    config = {
      ...base,
      teams: [
        team(`rnd-${suffix}`, { access: [access(DEV.name, "cluster-admin")] }),
        team(`payments-${suffix}`, {
          access: [access(DEV.name, "edit", [ns1, ns2]), access(DEV.name, `log-reader-${suffix}`, [ns1])],
        }),
      ],
      customRoles: [{ ...(base.customRoles[0] ?? { rules: [] }), name: `log-reader-${suffix}` }],
    };
  });

  it("are accepted by `kubectl apply --dry-run=client` and `--dry-run=server`", async () => {
    const file = writeManifest(clusterRbacObjects(config, DEV.name));
    const client = await adminKubectl(["apply", "--dry-run=client", "-f", file]);
    expect(client.stderr).toBe("");
    expect(client.code).toBe(0);
    expect(client.stdout.trim().split("\n")).toHaveLength(5);
    const server = await adminKubectl(["apply", "--dry-run=server", "-f", file]);
    expect(server.stderr).toBe("");
    expect(server.code).toBe(0);
    expect(server.stdout).toMatch(
      /clusterrole\.rbac\.authorization\.k8s\.io\/log-reader-\S+ created \(server dry run\)/,
    );
  });

  it("are refused by the server when a rule is invalid, as the rule validator predicts", async () => {
    const rules = [{ apiGroups: [""], nonResourceURLs: ["/metrics"], verbs: ["get"] }];
    expect(validateClusterRoleRules(rules, "rules").map((d) => d.code)).toEqual(["RBAC002"]);
    const file = writeManifest([
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: uniqueName("bad"), labels: {} },
        rules,
      },
    ]);
    const server = await adminKubectl(["apply", "--dry-run=server", "-f", file]);
    expect(server.code).not.toBe(0);
    expect(server.stderr).toContain("rules cannot apply to both regular resources and non-resource URLs");
  });

  it("have the shape `kubectl create ... --dry-run=client` gives the same bindings", async () => {
    const t = config.teams[1];
    if (t === undefined) throw new Error("missing team");
    const [rb] = teamRbacBindings(t, DEV.name);
    if (rb?.kind !== "RoleBinding") throw new Error("expected a RoleBinding");
    const created = await adminKubectl([
      "create",
      "rolebinding",
      rb.metadata.name,
      "-n",
      rb.metadata.namespace,
      `--clusterrole=${rb.roleRef.name}`,
      `--group=${t.kubernetesGroup}`,
      "--dry-run=client",
      "-o",
      "json",
    ]);
    expect(created.code).toBe(0);
    const theirs = JSON.parse(created.stdout) as Record<string, unknown> & {
      metadata: Record<string, unknown>;
    };
    const { creationTimestamp: _ts, ...theirMeta } = theirs.metadata;
    const { labels: _labels, ...ourMeta } = rb.metadata;
    expect({ ...theirs, metadata: theirMeta }).toEqual({ ...rb, metadata: ourMeta });
  });
});

describe("rendered kubeconfig", () => {
  it("is loaded by kubectl, which runs the exec entry with its arguments and uses the credential", async () => {
    const env = kubeEnv();
    // A stand-in `eksgate-token` on PATH: records what kubectl passed, answers with the admin token.
    const bin = join(dir, "bin");
    const record = join(dir, "exec-call.json");
    mkdirSync(bin, { recursive: true });
    const stub = join(bin, "eksgate-token");
    writeFileSync(
      stub,
      [
        "#!/usr/bin/env node",
        'const fs = require("node:fs");',
        `fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), info: JSON.parse(process.env.KUBERNETES_EXEC_INFO ?? "null") }));`,
        `process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: ${JSON.stringify(env.adminToken)} } }));`,
        "",
      ].join("\n"),
    );
    chmodSync(stub, 0o755);

    const t = team("rnd");
    const doc = kubeconfigDocument({
      clusters: [
        {
          name: DEV.arn,
          cluster: {
            server: env.server,
            "certificate-authority-data": Buffer.from(env.caData).toString("base64"),
          },
        },
      ],
      contexts: [kubeconfigContext(DEV)],
      users: [eksgateExecUser(t, DEV)],
    });
    const file = join(dir, "kubeconfig.yaml");
    writeFileSync(file, stringify(doc));

    const res = await run(["get", "--raw", "/version"], {
      KUBECONFIG: file,
      KUBECACHEDIR: env.kubeCacheDir,
      PATH: `${bin}${delimiter}${process.env["PATH"] ?? ""}`,
    });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect((JSON.parse(res.stdout) as { gitVersion: string }).gitVersion).toBe(env.version);
    const call = JSON.parse(readFileSync(record, "utf8")) as {
      args: string[];
      info: { apiVersion: string; spec: { interactive: boolean } };
    };
    expect(call.args).toEqual([
      "--cluster-name",
      DEV.name,
      "--region",
      DEV.region,
      "--role-arn",
      t.roleArn,
      "--group",
      t.iamGroup,
    ]);
    expect(call.info.apiVersion).toBe("client.authentication.k8s.io/v1");
    expect(call.info.spec.interactive).toBe(false);
  });
});
