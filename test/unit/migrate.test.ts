/**
 * `eksgate migrate` in the core: the conversion of realistic aws-auth ConfigMaps (node
 * groups, Windows nodes, Karpenter, Fargate, admins with system:masters, teams with several
 * groups, templated usernames, SSO roles with paths, odd-case keys) and the proof.
 *
 * AWS behaviour encoded here, from the EKS User Guide:
 * - "Create access entries" (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html):
 *   node types, STANDARD-only groups and policies, no `system:` groups, one entry per principal.
 * - "Set a custom username" (https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html):
 *   reserved username prefixes, a `:` before {{SessionName}}.
 * - "Migrating existing aws-auth ConfigMap entries to access entries"
 *   (https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  convertAwsAuth,
  defaultEntryUsername,
  directoryFromIam,
  doctorCluster,
  migrationRefusal,
  nodeTypeOf,
  planMigration,
  proveMigration,
  shapeEntry,
  unacceptedCodes,
  type MigrationPlan,
  type MigrationTarget,
} from "../../src/core/migrate/index.js";
import { parseSnapshot, type SnapshotFile } from "../../src/core/snapshot/index.js";
import { runCli } from "../../src/cli/program.js";
import { recordingTerminal } from "../support/terminal.js";

const ROOT = "test/fixtures/snapshot/migrate";
const A = "111122223333";
const TIMEOUT = 120_000;

function fixtureFiles(): SnapshotFile[] {
  return readdirSync(ROOT, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(ROOT, f)).isFile())
    .sort()
    .map((f) => ({ path: f.split("\\").join("/"), text: readFileSync(join(ROOT, f), "utf8") }));
}

function edited(files: SnapshotFile[], path: string, edit: (text: string) => string): SnapshotFile[] {
  return files.map((f) => (f.path === path ? { ...f, text: edit(f.text) } : f));
}

function plan(files: SnapshotFile[], cluster: string, to: MigrationTarget): MigrationPlan {
  const parsed = parseSnapshot(files);
  const c = parsed.snapshot.clusters.find((x) => x.name === cluster);
  if (c === undefined) throw new Error(`no cluster ${cluster}`);
  const result = planMigration({ cluster: c, to, principals: directoryFromIam(parsed.snapshot.iam) });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.value;
}

const roleArn = (name: string, path = "/"): string => `arn:aws:iam::${A}:role${path}${name}`;

describe("migrate: a realistic production aws-auth", () => {
  const files = fixtureFiles();

  it(
    "converts every entry, not only eksgate's, with nothing lost",
    () => {
      const p = plan(files, "prod", "API");
      const byArn = new Map(p.accessEntries.map((e) => [e.principalArn, e]));
      expect(byArn.get(roleArn("eks-node-group-prod"))).toMatchObject({
        type: "EC2_LINUX",
        kubernetesGroups: [],
      });
      expect(byArn.get(roleArn("KarpenterNodeRole-prod"))).toMatchObject({ type: "EC2_LINUX" });
      // eks:kube-proxy-windows marks a Windows node role, as the authenticator's docs describe.
      expect(byArn.get(roleArn("eks-windows-nodes"))).toMatchObject({
        type: "EC2_WINDOWS",
        kubernetesGroups: [],
      });
      expect(byArn.get(roleArn("eks-fargate-pods"))).toMatchObject({ type: "FARGATE_LINUX" });
      // Node types take the server's username: none is sent.
      expect(byArn.get(roleArn("eks-node-group-prod"))?.username).toBeUndefined();
      // Odd-case keys (RoleArn, UserName, GROUPS) read like the authenticator reads them;
      // system:masters becomes the cluster-admin access policy, the other group stays.
      expect(byArn.get(roleArn("platform-admin"))).toEqual({
        principalArn: roleArn("platform-admin"),
        type: "STANDARD",
        username: "admin:{{SessionName}}",
        kubernetesGroups: ["platform"],
        accessPolicies: [
          {
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
          },
        ],
        from: "mapRoles[4]",
      });
      // Every group of a team is kept (eksctl keeps none of them), templated usernames too.
      expect(byArn.get(roleArn("team-payments"))).toMatchObject({
        username: "payments:{{SessionNameRaw}}",
        kubernetesGroups: ["payments-deployers", "payments-readers", "readers"],
      });
      // Role paths come back from IAM: aws-auth names roles without them.
      const sso = roleArn(
        "AWSReservedSSO_Developers_0123456789abcdef",
        "/aws-reserved/sso.amazonaws.com/eu-west-1/",
      );
      expect(byArn.get(sso)).toMatchObject({
        username: "sso-dev:{{SessionName}}",
        kubernetesGroups: ["developers", "readers"],
      });
      expect(byArn.get(roleArn("ci-deployer", "/automation/"))).toMatchObject({ username: "ci-deployer" });
      expect(byArn.get(`arn:aws:iam::${A}:user/ops/oncall-bot`)).toMatchObject({
        kubernetesGroups: ["readers"],
      });
      expect(p.accessEntries).toHaveLength(9);
      expect(p.decisions.every((d) => d.outcome === "access-entry" && d.removeFromAwsAuth)).toBe(true);
      expect(p.items).toEqual([]);
      expect(p.blockingCodes).toEqual([]);
      expect(p.deleteAwsAuth).toBe(true);
      expect(p.proof.differences).toEqual([]);
      // Nine principals, the roles with two session names each (the node roles with an instance id).
      expect(p.proof.principals).toBeGreaterThanOrEqual(13);
      expect(p.proof.requests).toBeGreaterThan(500);
      expect(migrationRefusal(p, [])).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    "is data in a stable order: the same input gives the same JSON, entries sorted by ARN",
    () => {
      const a = JSON.stringify(plan(files, "prod", "API_AND_CONFIG_MAP"));
      const b = JSON.stringify(plan([...files].reverse(), "prod", "API_AND_CONFIG_MAP"));
      expect(a).toBe(b);
      const arns = plan(files, "prod", "API").accessEntries.map((e) => e.principalArn);
      expect(arns).toEqual([...arns].sort());
    },
    TIMEOUT,
  );

  it(
    "towards API_AND_CONFIG_MAP keeps the ConfigMap and removes only converted entries",
    () => {
      const p = plan(files, "prod", "API_AND_CONFIG_MAP");
      expect(p.deleteAwsAuth).toBe(false);
      expect(p.decisions.filter((d) => d.removeFromAwsAuth)).toHaveLength(9);
      expect(p.proof.differences).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "shows a lost grant hop by hop when RBAC binds a group a node type does not get",
    () => {
      // A binding only for system:bootstrappers: EC2_LINUX entries get system:nodes alone.
      const withBinding = edited(files, "clusters/prod/rbac.yaml", (t) =>
        t.replace(
          "        name: system:nodes\n",
          "        name: system:nodes\n  - apiVersion: rbac.authorization.k8s.io/v1\n    kind: ClusterRoleBinding\n    metadata:\n      name: bootstrap-only\n    roleRef:\n      apiGroup: rbac.authorization.k8s.io\n      kind: ClusterRole\n      name: team-read\n    subjects:\n      - apiGroup: rbac.authorization.k8s.io\n        kind: Group\n        name: system:bootstrappers\n",
        ),
      );
      const p = plan(withBinding, "prod", "API");
      const node = p.proof.differences.find((d) => d.principalArn === roleArn("eks-node-group-prod"));
      expect(node?.before.groups).toEqual(["system:bootstrappers", "system:nodes"]);
      expect(node?.after.groups).toEqual(["system:nodes"]);
      expect(node?.lost.map((l) => l.grant)).toEqual([
        "ClusterRoleBinding bootstrap-only of ClusterRole team-read to Group system:bootstrappers, rule 0",
      ]);
      expect(node?.lost[0]?.requests).toContain("get pods cluster-wide");
      expect(node?.gained).toEqual([]);
      expect(p.blockingCodes).toEqual(["EG414"]);
      expect(migrationRefusal(p, [])?.code).toBe("EG419");
      expect(migrationRefusal(p, ["EG414"])).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    "leaves an existing access entry alone: it already wins over aws-auth",
    () => {
      const hybrid = [
        ...edited(files, "clusters/prod/cluster.json", (t) =>
          t.replace('"CONFIG_MAP"', '"API_AND_CONFIG_MAP"'),
        ),
        {
          path: "clusters/prod/access-entries.json",
          text: JSON.stringify({
            accessEntries: [
              {
                principalArn: roleArn("team-payments"),
                type: "STANDARD",
                username: "payments:{{SessionNameRaw}}",
                kubernetesGroups: ["payments-deployers", "payments-readers", "readers"],
                associatedAccessPolicies: [],
              },
            ],
          }),
        },
      ];
      const p = plan(hybrid, "prod", "API");
      expect(p.accessEntries.map((e) => e.principalArn)).not.toContain(roleArn("team-payments"));
      expect(p.decisions.find((d) => d.source === "mapRoles[6]")).toMatchObject({
        outcome: "already-served",
        removeFromAwsAuth: true,
        codes: ["EG417"],
      });
      expect(p.proof.differences).toEqual([]);
    },
    TIMEOUT,
  );
});

describe("migrate: an aws-auth with what access entries cannot express", () => {
  const files = fixtureFiles();

  it(
    "towards API lists every problem with its code and blocks until each is accepted",
    () => {
      const p = plan(files, "legacy", "API");
      const codesOf = (source: string): readonly string[] =>
        p.decisions.find((d) => d.source === source)?.codes ?? [];
      expect(codesOf("mapRoles[0]")).toEqual(["EG407"]); // node entry with an extra group
      expect(codesOf("mapRoles[1]")).toEqual(["EG411"]); // rolearn with a path never matches
      expect(codesOf("mapRoles[2]")).toEqual(["EG402"]); // role does not exist
      expect(codesOf("mapRoles[3]")).toEqual(["EG403"]); // service-linked (its path says so)
      expect([...codesOf("mapRoles[4]")].sort()).toEqual(["EG404", "EG406"]); // system: username and group
      expect(codesOf("mapRoles[5]")).toEqual(["EG405"]); // {{SessionName}} without a colon
      expect(codesOf("mapRoles[6]")).toEqual(["EG412"]); // shadowed duplicate
      expect(codesOf("mapRoles[8]")).toEqual(["EG410"]); // sso entry
      expect(codesOf("mapRoles[9]")).toEqual(["EG413"]); // another account
      expect(codesOf("mapUsers[0]")).toEqual(["EG409"]); // account root
      expect(codesOf("mapAccounts[0]")).toEqual(["EG401"]);
      expect(p.blockingCodes).toEqual([
        "EG401",
        "EG402",
        "EG403",
        "EG404",
        "EG405",
        "EG406",
        "EG407",
        "EG409",
        "EG414",
      ]);
      // The sso entry lists the role it names, path included, as what to map instead.
      expect(p.items.find((i) => i.code === "EG410")?.hint).toContain(
        roleArn("AWSReservedSSO_Viewers_fedcba9876543210", "/aws-reserved/sso.amazonaws.com/eu-west-1/"),
      );
      // The last duplicate is converted; the shadowed one goes with it.
      expect(p.accessEntries.find((e) => e.principalArn === roleArn("kiosk"))?.username).toBe("kiosk");
      expect(p.decisions.find((d) => d.source === "mapRoles[6]")?.removeFromAwsAuth).toBe(true);
      // What changes where a username cannot be kept: the server's default.
      const monitoring = p.proof.differences.find(
        (d) => d.principalArn === roleArn("monitoring-agent") && d.sessionName === "EKSGetTokenAuth",
      );
      expect(monitoring?.before.username).toBe("system:monitoring-agent");
      expect(monitoring?.after.username).toBe(
        `arn:aws:sts::${A}:assumed-role/monitoring-agent/EKSGetTokenAuth`,
      );
      expect(monitoring?.lost.map((l) => l.grant)).toEqual([
        "ClusterRoleBinding monitoring of ClusterRole metrics-read to Group system:monitoring, rule 0",
        "ClusterRoleBinding monitoring of ClusterRole metrics-read to Group system:monitoring, rule 1",
      ]);
      // A principal that does not exist has nothing to lose; the root user does.
      expect(p.proof.differences.some((d) => d.principalArn === roleArn("deleted-role"))).toBe(false);
      expect(
        p.proof.differences.find((d) => d.principalArn === `arn:aws:iam::${A}:root`)?.lost[0]?.grant,
      ).toBe("member of system:masters: allowed before RBAC is consulted");
      const refusal = migrationRefusal(p, ["EG401", "EG402"]);
      expect(refusal?.code).toBe("EG419");
      expect(refusal?.detail).toContain("--accept-loss EG403 EG404 EG405 EG406 EG407 EG409 EG414");
      expect(unacceptedCodes(p, p.blockingCodes)).toEqual([]);
      expect(migrationRefusal(p, p.blockingCodes)).toBeUndefined();
    },
    TIMEOUT,
  );

  it(
    "towards API_AND_CONFIG_MAP converts what it can and keeps the rest in aws-auth, losing nothing",
    () => {
      const p = plan(files, "legacy", "API_AND_CONFIG_MAP");
      expect(p.accessEntries.map((e) => e.principalArn)).toEqual([
        roleArn("kiosk"),
        `arn:aws:iam::${A}:user/alice`,
        "arn:aws:iam::444455556666:role/tooling-ci",
      ]);
      const stays = p.decisions.filter((d) => d.outcome === "stays-in-aws-auth").map((d) => d.source);
      expect(stays).toEqual([
        "mapRoles[0]",
        "mapRoles[2]",
        "mapRoles[3]",
        "mapRoles[4]",
        "mapRoles[5]",
        "mapUsers[0]",
        "mapAccounts[0]",
      ]);
      expect(p.items.every((i) => i.severity !== "blocking")).toBe(true);
      expect(p.blockingCodes).toEqual([]);
      expect(p.proof.differences).toEqual([]);
      expect(p.deleteAwsAuth).toBe(false);
    },
    TIMEOUT,
  );

  it(
    "proves a hand-made lossy conversion wrong: a dropped group shows as lost",
    () => {
      const parsed = parseSnapshot(files);
      const cluster = parsed.snapshot.clusters.find((c) => c.name === "prod");
      if (cluster === undefined) throw new Error("no prod");
      const directory = directoryFromIam(parsed.snapshot.iam);
      const conversion = convertAwsAuth({ cluster, to: "API", principals: directory });
      const lossy = {
        ...conversion,
        accessEntries: conversion.accessEntries.map((e) =>
          e.principalArn === roleArn("team-payments") ? { ...e, kubernetesGroups: ["readers"] } : e,
        ),
      };
      const proof = proveMigration(cluster, lossy, directory);
      const payments = proof.differences.filter((d) => d.principalArn === roleArn("team-payments"));
      expect(payments.map((d) => d.sessionName)).toEqual(["EKSGetTokenAuth", "alice@example.com"]);
      expect(payments[0]?.lost.map((l) => l.grant)).toEqual([
        "RoleBinding payments/payments-deployers of ClusterRole team-deploy to Group payments-deployers, rule 0",
        "RoleBinding payments/payments-deployers of ClusterRole team-deploy to Group payments-deployers, rule 1",
      ]);
      expect(payments[0]?.lost[1]?.requests).toEqual([
        'get secrets "registry-credentials" in namespace payments',
      ]);
    },
    TIMEOUT,
  );
});

describe("migrate: preconditions", () => {
  const files = fixtureFiles();

  it("refuses a cluster already in API mode (EG416) and an aws-auth key that does not parse (EG415)", () => {
    const parsedApi = parseSnapshot(
      edited(files, "clusters/prod/cluster.json", (t) => t.replace('"CONFIG_MAP"', '"API"')),
    );
    const api = parsedApi.snapshot.clusters.find((c) => c.name === "prod");
    if (api === undefined) throw new Error("no prod");
    const r1 = planMigration({
      cluster: api,
      to: "API",
      principals: directoryFromIam(parsedApi.snapshot.iam),
    });
    expect(r1.ok).toBe(false);
    expect(r1.diagnostics.map((d) => d.code)).toEqual(["EG416"]);

    const parsedBroken = parseSnapshot(
      edited(files, "clusters/prod/aws-auth.yaml", (t) =>
        t.replace(
          "      groups: [system:bootstrappers, system:nodes]",
          "      groups: [system:bootstrappers, system:nodes",
        ),
      ),
    );
    const broken = parsedBroken.snapshot.clusters.find((c) => c.name === "prod");
    if (broken === undefined) throw new Error("no prod");
    const r2 = planMigration({
      cluster: broken,
      to: "API",
      principals: directoryFromIam(parsedBroken.snapshot.iam),
    });
    expect(r2.ok).toBe(false);
    expect(r2.diagnostics.map((d) => [d.code, d.path])).toEqual([["EG415", "data.mapRoles"]]);
  });
});

describe("migrate: one entry's shape", () => {
  it("recognises node roles as the authenticator's templates make them", () => {
    expect(nodeTypeOf("system:node:{{EC2PrivateDNSName}}", ["system:bootstrappers", "system:nodes"])).toBe(
      "EC2_LINUX",
    );
    expect(nodeTypeOf("system:node:{{EC2PrivateDNSName}}", ["system:nodes", "eks:kube-proxy-windows"])).toBe(
      "EC2_WINDOWS",
    );
    expect(
      nodeTypeOf("system:node:{{SessionName}}", [
        "system:bootstrappers",
        "system:nodes",
        "system:node-proxier",
      ]),
    ).toBe("FARGATE_LINUX");
    expect(nodeTypeOf("system:node:{{EC2PrivateDNSName}}", ["system:bootstrappers"])).toBeUndefined();
    expect(nodeTypeOf("node:{{EC2PrivateDNSName}}", ["system:nodes"])).toBeUndefined();
  });

  it("keeps usernames access entries allow and says what changes where they do not", () => {
    expect(shapeEntry("dev:{{SessionName}}", ["dev"], "aws").entry.username).toBe("dev:{{SessionName}}");
    expect(shapeEntry("{{AccountID}}-ops", ["ops"], "aws").entry.username).toBe("{{AccountID}}-ops");
    const cases: [string, string][] = [
      ["eks:operator", "EG404"],
      ["amazon:x", "EG404"],
      ["ops-{{SessionName}}", "EG405"],
      ["ops:{{AccessKeyID}}", "EG408"],
    ];
    for (const [username, code] of cases) {
      const shaped = shapeEntry(username, [], "aws");
      expect(shaped.entry.username, username).toBeUndefined();
      expect(
        shaped.losses.map((l) => l.code),
        username,
      ).toEqual([code]);
    }
    const groups = shapeEntry(
      "x",
      ["a", "system:masters", "a", "{{SessionName}}", "system:viewers"],
      "aws-cn",
    );
    expect(groups.entry.kubernetesGroups).toEqual(["a"]);
    expect(groups.entry.accessPolicies[0]?.policyArn).toBe(
      "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    );
    expect(groups.losses.map((l) => l.code)).toEqual(["EG408", "EG406"]);
  });
});

describe("eksgate migrate (CLI over a snapshot)", () => {
  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const term = recordingTerminal();
    const code = await runCli(argv, term);
    return { code, out: term.stdout(), err: term.stderr() };
  }

  it(
    "prints the plan with its proof, writes it with --out, and says what blocks the switch",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "eksgate-migrate-"));
      const out = join(dir, "plan.json");
      const r = await cli([
        "migrate",
        "--cluster",
        "legacy",
        "--to",
        "API",
        "--snapshot",
        ROOT,
        "--out",
        out,
      ]);
      expect(r.code).toBe(1);
      expect(r.out).toContain("Migration of cluster legacy: CONFIG_MAP -> API");
      expect(r.out).toContain("blocking EG401 mapAccounts[0]");
      expect(r.out).toContain("lost 1 request(s), allowed by ClusterRoleBinding monitoring");
      expect(r.out).toContain(
        "Refused until accepted: --accept-loss EG401 EG402 EG403 EG404 EG405 EG406 EG407 EG409 EG414",
      );
      expect(r.err).toContain("error EG419");
      expect(r.err).toContain("--accept-loss EG401 EG402 EG403 EG404 EG405 EG406 EG407 EG409 EG414");
      const saved = JSON.parse(readFileSync(out, "utf8")) as MigrationPlan;
      expect(saved.kind).toBe("eksgate-migration-plan");
      expect(saved.blockingCodes).toContain("EG414");

      const ok = await cli(["migrate", "--cluster", "prod", "--to", "API", "--snapshot", ROOT, "--json"]);
      expect(ok.code).toBe(0);
      expect(ok.err).toBe("");
      const json = JSON.parse(ok.out) as MigrationPlan;
      expect(json.proof.differences).toEqual([]);
      expect(json.accessEntries).toHaveLength(9);
    },
    TIMEOUT,
  );

  it(
    "exits 1 while a blocking code is not accepted, and 0 once --accept-loss names every one",
    async () => {
      const codes = ["EG401", "EG402", "EG403", "EG404", "EG405", "EG406", "EG407", "EG409", "EG414"];
      const base = ["migrate", "--cluster", "legacy", "--to", "API", "--snapshot", ROOT];
      const partly = await cli([...base, "--accept-loss", ...codes.slice(1)]);
      expect(partly.code).toBe(1);
      expect(partly.err).toContain("error EG419");
      expect(partly.err).toContain("--accept-loss EG401.");
      const all = await cli([...base, "--accept-loss", ...codes]);
      expect(all.code).toBe(0);
      expect(all.err).not.toContain("EG419");
      // Towards API_AND_CONFIG_MAP nothing blocks: what access entries cannot express stays
      // in aws-auth, which that mode still reads.
      const mixed = await cli(["migrate", "--cluster", "legacy", "--snapshot", ROOT]);
      expect(mixed.code).toBe(0);
    },
    TIMEOUT,
  );

  it("refuses an unknown --to and an unknown cluster with a code, exit 1", async () => {
    const bad = await cli(["migrate", "--cluster", "prod", "--to", "CONFIG_MAP", "--snapshot", ROOT]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("EG416");
    const missing = await cli(["migrate", "--cluster", "nope", "--snapshot", ROOT]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("AUD002");
  });
});

describe("eksgate doctor", () => {
  const parsed = parseSnapshot(fixtureFiles());
  const directory = directoryFromIam(parsed.snapshot.iam);
  const hybrid = parsed.snapshot.clusters.find((c) => c.name === "hybrid");
  if (hybrid === undefined) throw new Error("no hybrid");
  const findings = doctorCluster(hybrid, directory);
  const of = (code: string): string[] => findings.filter((f) => f.code === code).map((f) => f.subject);

  it("finds an access entry older than its role (bound to the deleted role), as an error with the fix", () => {
    // AccessEntry.principalArn (EKS API Reference): EKS stores the role's unique ID, and a
    // role recreated under the same ARN does not match the old entry.
    expect(of("EG430")).toEqual([`access entry ${roleArn("team-payments")}`]);
    const stale = findings.find((f) => f.code === "EG430");
    expect(stale?.severity).toBe("error");
    expect(stale?.fix).toContain(
      `aws eks delete-access-entry --cluster-name hybrid --principal-arn ${roleArn("team-payments")}`,
    );
  });

  it("finds entries for principals that do not exist, on both sides", () => {
    expect(of("EG432")).toEqual([
      `access entry ${roleArn("retired-admin")}`,
      `aws-auth mapRoles[2] (${roleArn("gone-ci")})`,
    ]);
  });

  it("tells a shadowed aws-auth entry that agrees from one that disagrees with the entry that wins", () => {
    expect(of("EG431")).toEqual([`aws-auth mapRoles[0] (${roleArn("eks-node-group-prod")})`]);
    expect(of("EG433")).toEqual([`aws-auth mapRoles[1] (${roleArn("platform-admin")})`]);
  });

  it("names the server defaults a naive comparison would flap on", () => {
    expect(of("EG434")).toEqual([
      `access entry ${roleArn("eks-node-group-prod")}`,
      `access entry ${roleArn("platform-admin")}`,
    ]);
    expect(defaultEntryUsername(roleArn("ci-deployer", "/automation/"))).toBe(
      `arn:aws:sts::${A}:assumed-role/ci-deployer/{{SessionName}}`,
    );
  });

  it("finds nothing on a clean cluster, and exits 1 only on an error", async () => {
    const prod = parsed.snapshot.clusters.find((c) => c.name === "prod");
    if (prod === undefined) throw new Error("no prod");
    expect(doctorCluster(prod, directory)).toEqual([]);
    const term = recordingTerminal();
    expect(await runCli(["doctor", "--snapshot", ROOT, "--cluster", "prod"], term)).toBe(0);
    expect(term.stdout()).toBe("No problems found.\n");
    const term2 = recordingTerminal();
    expect(await runCli(["doctor", "--snapshot", ROOT, "--cluster", "hybrid", "--json"], term2)).toBe(1);
    const json = JSON.parse(term2.stdout()) as { findings: { code: string }[] };
    expect(json.findings.map((f) => f.code)).toEqual([
      "EG434",
      "EG434",
      "EG432",
      "EG430",
      "EG431",
      "EG433",
      "EG432",
    ]);
  });

  it(
    "is part of eksgate audit: the doctor's findings the audit has no code for appear among its own, with their fix, and count",
    async () => {
      const term = recordingTerminal();
      const code = await runCli(["audit", "--snapshot", ROOT, "--cluster", "hybrid", "--json"], term);
      const report = JSON.parse(term.stdout()) as {
        counts: Record<string, number>;
        findings: { code: string; severity: string; fix: string; why: string }[];
      };
      const doctor = report.findings.filter((f) => /^EG43\d$/.test(f.code));
      // EG430 and EG432 are the audit's own AUD150 and AUD120, reported once.
      expect(doctor.map((f) => f.code).sort()).toEqual(["EG431", "EG433", "EG434", "EG434"]);
      expect(report.findings.map((f) => f.code)).toContain("AUD150");
      const disagree = doctor.find((f) => f.code === "EG433");
      expect(disagree?.severity).toBe("warning");
      expect(disagree?.fix).not.toBe("");
      expect(disagree?.why).toContain("map one principal differently");
      expect(code).toBe(1);
      expect(report.counts["error"]).toBe(report.findings.filter((f) => f.severity === "error").length);
      const prod = recordingTerminal();
      await runCli(["audit", "--snapshot", ROOT, "--cluster", "prod", "--json"], prod);
      const clean = JSON.parse(prod.stdout()) as { findings: { code: string }[] };
      expect(clean.findings.filter((f) => /^EG43\d$/.test(f.code))).toEqual([]);
    },
    TIMEOUT,
  );
});
