// One mapping from failures to diagnostics (src/engine/failure-diagnostic.ts), used by plan
// while reading and by apply while writing; connection problems that travel as values
// (KUBE001-KUBE006) reach plan's result and apply's outcomes with their own codes; a live
// snapshot reports a cluster's refused reads the same way; and the CLI's failure report,
// text or JSON.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/core/diagnostics.js";
import { applyPlan, createStepRunner, clusterConnections } from "../../src/engine/apply.js";
import {
  DiagnosedFailure,
  failureDiagnostic,
  isExpectedFailure,
  portFailureDiagnostic,
} from "../../src/engine/failure-diagnostic.js";
import { makePlan } from "../../src/engine/plan.js";
import { collectSnapshot } from "../../src/engine/collect-snapshot.js";
import { PortError } from "../../src/ports/errors.js";
import type { KubeSnapshotSource, SnapshotSources } from "../../src/ports/snapshot-sources.js";
import { reportFailure } from "../../src/cli/views/diagnostics.js";
import { FakeCloud } from "../support/fake-cloud.js";
import { configFrom } from "../support/observed-state.js";
import { recordingTerminal } from "../support/terminal.js";

const denied = (extra: Partial<ConstructorParameters<typeof PortError>[2]> = {}): PortError =>
  new PortError("access-denied", "User: arn:aws:iam::1:user/ci is not authorized to perform iam:CreateRole", {
    operation: "iam:CreateRole",
    identity: "arn:aws:iam::1:user/ci",
    missingPermission: "iam:CreateRole",
    ...extra,
  });

describe("a port failure as a diagnostic", () => {
  it("access denied is EG301 naming the permission, the identity and the account, reading or writing", () => {
    const read = portFailureDiagnostic(denied(), { during: "read", account: "222222222222" });
    const write = portFailureDiagnostic(denied(), {
      during: "write",
      step: "iam-role/eksgate-pay",
      account: "222222222222",
    });
    expect(read.code).toBe("EG301");
    expect(read.summary).toBe(
      "arn:aws:iam::1:user/ci is not allowed to iam:CreateRole in account 222222222222",
    );
    expect(read.detail).toContain("Grant iam:CreateRole in account 222222222222 to arn:aws:iam::1:user/ci");
    // The same failure reads the same in apply, led by the step.
    expect(write).toEqual({ ...read, summary: `iam-role/eksgate-pay: ${read.summary}` });
  });

  it("without a known identity, the identity eksgate runs as; without a missing permission, the operation", () => {
    const d = portFailureDiagnostic(
      new PortError("access-denied", "denied", { operation: "eks:ListAccessEntries" }),
      {
        during: "read",
      },
    );
    expect(d.summary).toBe("the identity eksgate runs as is not allowed to eks:ListAccessEntries");
  });

  it("an RBAC escalation refusal is EG302, not a plain denial", () => {
    const d = portFailureDiagnostic(denied({ escalation: true, identity: "ci-bot" }), {
      during: "write",
      step: "rbac/x",
    });
    expect(d.code).toBe("EG302");
    expect(d.summary).toContain("ci-bot does not itself hold the permissions it grants");
  });

  it("missing or expired credentials are EG303 either way, with what to refresh", () => {
    const error = new PortError("credentials", "the SSO session has expired", {
      operation: "sts:GetCallerIdentity",
    });
    for (const during of ["read", "write"] as const) {
      const d = portFailureDiagnostic(error, { during });
      expect(d.code).toBe("EG303");
      expect(d.summary).toBe("sts:GetCallerIdentity failed: the SSO session has expired");
      expect(d.detail).toContain("aws sso login");
    }
  });

  it("other failures: EG304 while reading, EG300 while writing; throttling says to slow down", () => {
    const error = new PortError("unavailable", "connect ECONNREFUSED", { operation: "list clusterroles" });
    expect(portFailureDiagnostic(error, { during: "read" }).code).toBe("EG304");
    const write = portFailureDiagnostic(error, { during: "write", step: "rbac/y" });
    expect(write.code).toBe("EG300");
    expect(write.summary).toBe("rbac/y: list clusterroles failed (unavailable): connect ECONNREFUSED");
    expect(write.detail).toContain("continues from what is already done");
    const throttled = new PortError("unavailable", "Rate exceeded", {
      operation: "iam:GetRole",
      throttled: true,
    });
    expect(portFailureDiagnostic(throttled, { during: "read" }).detail).toContain("--parallelism");
  });
});

describe("failures that already are diagnostics", () => {
  const kube006: Diagnostic = {
    code: "KUBE006",
    severity: "error",
    summary: "No way to reach the Kubernetes API of cluster prod.",
    detail: "Add a context with aws eks update-kubeconfig.",
    path: "/home/me/.kube/config",
  };
  const skipped: Diagnostic = {
    code: "KUBE004",
    severity: "warning",
    summary: 'kubeconfig context "prod" points at another server; skipped.',
  };

  it("keep their code, path and hint; further errors follow in the hint, warnings do not", () => {
    const kube003: Diagnostic = { code: "KUBE003", severity: "error", summary: "context x not found." };
    const d = failureDiagnostic(new DiagnosedFailure([skipped, kube006, kube003]), {
      during: "write",
      step: "aws-auth/prod",
    });
    expect(d).toEqual({
      code: "KUBE006",
      severity: "error",
      summary: "aws-auth/prod: No way to reach the Kubernetes API of cluster prod.",
      detail: "Add a context with aws eks update-kubeconfig. Also: KUBE003: context x not found.",
      path: "/home/me/.kube/config",
    });
  });

  it("other errors are bugs: not expected, and reported as such", () => {
    const bug = new TypeError("x is undefined");
    expect(isExpectedFailure(bug)).toBe(false);
    expect(isExpectedFailure(denied())).toBe(true);
    expect(isExpectedFailure(new DiagnosedFailure([kube006]))).toBe(true);
    const d = failureDiagnostic(bug, { during: "write", step: "rbac/z" });
    expect([d.code, d.summary]).toEqual(["EG300", "rbac/z: x is undefined"]);
    expect(d.detail).toContain("EKSGATE_DEBUG=1");
  });
});

const YAML = readFileSync(join(import.meta.dirname, "../../examples/eksgate.yaml"), "utf8");
const CLUSTER = "dev.my-eks-cluster";

function cloudFor(connect: (fake: FakeCloud) => FakeCloud["deps"]["kube"]): FakeCloud {
  const config = configFrom(YAML);
  const cloud = new FakeCloud(config.accountId);
  for (const team of config.teams) cloud.iam.createGroup(team.iamGroup);
  for (const cluster of config.clusters) {
    cloud.eks(cluster.region).seedCluster(cluster.name, "CONFIG_MAP");
    for (const team of config.teams)
      for (const access of team.access)
        for (const ns of access.namespaces) cloud.kube(cluster.name).createNamespace(ns);
  }
  Object.assign(cloud.deps, { kube: connect(cloud) });
  return cloud;
}

function plan(cloud: FakeCloud) {
  return makePlan(
    {
      config: configFrom(YAML),
      configFile: "examples/eksgate.yaml",
      configDigest: createHash("sha256").update(YAML).digest("hex"),
      scope: { destroy: false },
    },
    cloud.deps,
  );
}

describe("kube connection problems travel as values", () => {
  const ambiguous: Diagnostic = {
    code: "KUBE005",
    severity: "warning",
    summary: `Several kubeconfig contexts fit cluster ${CLUSTER} ("a", "b"); using "a".`,
    detail: "Pass the context explicitly to choose another.",
  };

  it("a warning of the connection is one of the plan's diagnostics", async () => {
    const cloud = cloudFor(
      (fake) => (cluster) =>
        Promise.resolve({ ok: true, value: fake.kube(cluster.name), diagnostics: [ambiguous] }),
    );
    const planned = await plan(cloud);
    if (!planned.ok) return expect.fail(JSON.stringify(planned.diagnostics));
    expect(planned.value.plan.diagnostics).toContainEqual(ambiguous);
    expect(planned.diagnostics).toContainEqual(ambiguous);
  });

  it("a cluster that cannot be reached fails the plan with the connection's codes", async () => {
    const failed: Diagnostic = {
      code: "KUBE001",
      severity: "error",
      summary: "kubeconfig /nowhere does not exist.",
      path: "/nowhere",
    };
    const cloud = cloudFor(() => () => Promise.resolve({ ok: false, diagnostics: [failed] }));
    const planned = await plan(cloud);
    expect(planned.ok).toBe(false);
    expect(planned.diagnostics).toEqual([failed]);
  });

  it("apply: a cluster first reached while applying fails its steps with the connection's code", async () => {
    let reachable = true;
    const cloud = cloudFor(
      (fake) => (cluster) =>
        Promise.resolve(
          reachable
            ? { ok: true, value: fake.kube(cluster.name), diagnostics: [] }
            : {
                ok: false,
                diagnostics: [
                  { code: "KUBE003", severity: "error", summary: 'kubeconfig context "x" not found.' },
                ],
              },
        ),
    );
    const planned = await plan(cloud);
    if (!planned.ok) return expect.fail(JSON.stringify(planned.diagnostics));
    reachable = false;
    // No connection carried over from planning: apply connects itself.
    const runner = createStepRunner(
      planned.value.plan,
      cloud.deps,
      clusterConnections(planned.value.plan, cloud.deps),
    );
    const result = await applyPlan(planned.value.plan, runner, { parallelism: 1 });
    const failedOutcome = result.outcomes.find((o) => o.status === "failed");
    expect(result.ok).toBe(false);
    expect(failedOutcome?.diagnostic?.code).toBe("KUBE003");
    expect(failedOutcome?.diagnostic?.summary).toBe(
      `${failedOutcome?.step.id ?? ""}: kubeconfig context "x" not found.`,
    );
  });
});

describe("the CLI's failure report", () => {
  const eg140: Diagnostic = {
    code: "EG140",
    severity: "error",
    summary: "--team payment is not in eksgate.yaml",
    detail: "Known teams: payments.",
    path: "--team",
  };

  it("with --json: the diagnostics as JSON on stdout, nothing on stderr", () => {
    const term = recordingTerminal();
    reportFailure([eg140], term, { json: true, then: "Nothing was changed." });
    expect(JSON.parse(term.stdout())).toEqual({ ok: false, diagnostics: [eg140] });
    expect(term.stderr()).toBe("");
  });

  it("for people: code, place and hint on stderr, then what was not done", () => {
    const term = recordingTerminal();
    reportFailure([eg140], term, { then: "Nothing was changed." });
    expect(term.stdout()).toBe("");
    expect(term.stderr()).toBe(
      "error EG140: --team payment is not in eksgate.yaml\n  at --team\n  hint: Known teams: payments.\n1 error, 0 warnings\nNothing was changed.\n",
    );
  });
});

describe("live snapshot collection: Kubernetes failures per cluster", () => {
  const describeCluster = (name: string) =>
    Promise.resolve({
      cluster: {
        name,
        arn: `arn:aws:eks:us-east-1:111111111111:cluster/${name}`,
        accessConfig: { authenticationMode: "CONFIG_MAP" },
      },
    });
  const source = (name: string): KubeSnapshotSource => ({
    server: `https://${name}.example`,
    configMap: () => Promise.resolve(undefined),
    rbacObjects: () =>
      name === "locked"
        ? Promise.reject(
            new PortError("access-denied", 'User "reader" cannot list resource "clusterroles"', {
              operation: "list clusterroles",
              identity: "reader",
              missingPermission: "list clusterroles.rbac.authorization.k8s.io at cluster scope",
            }),
          )
        : Promise.resolve([]),
    namespaces: () => Promise.resolve([]),
  });
  const sources: SnapshotSources = {
    iam: { accountAuthorizationDetails: () => Promise.resolve([]) },
    eks: () => ({
      listClusters: () => Promise.resolve([]),
      describeCluster,
      accessEntries: () => Promise.resolve([]),
    }),
    kube: (cluster) => Promise.resolve({ ok: true, value: source(cluster.name), diagnostics: [] }),
  };

  it("a refused read leaves that cluster out with EG301 naming what was missing; a missing aws-auth is SNAP113", async () => {
    const collected = await collectSnapshot(sources, {
      clusters: [
        { name: "locked", region: "us-east-1" },
        { name: "open", region: "us-east-1" },
      ],
    });
    expect(collected.clusters).toEqual(["open"]);
    expect(collected.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["EG301", "error"],
      ["SNAP113", "info"],
    ]);
    expect(collected.diagnostics[0]?.summary).toBe(
      "reader is not allowed to list clusterroles.rbac.authorization.k8s.io at cluster scope",
    );
    expect(collected.diagnostics[1]?.summary).toContain("cluster open has no aws-auth ConfigMap");
  });

  it("a failure that is not the world's is a bug and is not turned into a diagnostic", async () => {
    const broken: SnapshotSources = {
      ...sources,
      kube: (cluster) =>
        Promise.resolve({
          ok: true,
          value: { ...source(cluster.name), namespaces: () => Promise.reject(new TypeError("bug")) },
          diagnostics: [],
        }),
    };
    await expect(
      collectSnapshot(broken, { clusters: [{ name: "open", region: "us-east-1" }] }),
    ).rejects.toThrow(TypeError);
  });
});
