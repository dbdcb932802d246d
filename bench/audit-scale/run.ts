// bench/audit-scale: the access engine on a generated organization.
//
//   npx tsx bench/audit-scale/run.ts [--users 10000] [--groups 1000] [--roles 3000]
//                                    [--clusters 5] [--bindings 3000] [--runs 5]
//                                    [--skip-literal] [--json FILE]
//   npx tsx bench/audit-scale/run.ts --generate DIR [sizes]   (only write the snapshot)
//   npx tsx bench/audit-scale/run.ts --measure DIR --users N  (one measured run on DIR)
//
// Writes a snapshot directory (the documented layout) to a temp dir, then measures in a
// child process: reading and parsing the snapshot, `who-can` for 20 verb/resource pairs on
// every cluster, and `explain` for 100 IAM users; wall time and peak RSS (the child's own
// maxRSS from process.resourceUsage()). Each size runs --runs times, interleaved; the median counts.
// Then the same with every count doubled (two readings, see main()), and the ratio.
// Targets (issue #6): <= 5 s wall, <= 1 GiB peak RSS, doubling costs <= 2.3x the time.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { readSnapshotDir } from "../../src/adapters/fs/snapshot-dir.js";
import { explainPrincipal, parseAccessRequest, whoCanAccess } from "../../src/core/evaluate/access/index.js";
import { parseSnapshot } from "../../src/core/snapshot/index.js";

const ACCOUNT = "111122223333";

interface Size {
  readonly users: number;
  readonly groups: number;
  readonly roles: number;
  readonly clusters: number;
  readonly bindings: number;
}

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The 20 requests asked with who-can. */
export const WHO_CAN: readonly { verb: string; resource: string; namespace?: string }[] = [
  { verb: "get", resource: "pods", namespace: "ns-1" },
  { verb: "list", resource: "pods", namespace: "ns-2" },
  { verb: "delete", resource: "pods", namespace: "ns-3" },
  { verb: "create", resource: "deployments.apps", namespace: "ns-4" },
  { verb: "patch", resource: "deployments.apps", namespace: "ns-5" },
  { verb: "get", resource: "secrets", namespace: "ns-6" },
  { verb: "list", resource: "secrets", namespace: "kube-system" },
  { verb: "get", resource: "pods/log", namespace: "ns-7" },
  { verb: "create", resource: "pods/exec", namespace: "ns-8" },
  { verb: "update", resource: "configmaps", namespace: "ns-9" },
  { verb: "delete", resource: "services", namespace: "ns-10" },
  { verb: "get", resource: "nodes" },
  { verb: "list", resource: "namespaces" },
  { verb: "create", resource: "clusterrolebindings.rbac.authorization.k8s.io" },
  { verb: "bind", resource: "clusterroles.rbac.authorization.k8s.io" },
  { verb: "impersonate", resource: "serviceaccounts", namespace: "ns-11" },
  { verb: "watch", resource: "events", namespace: "ns-12" },
  { verb: "get", resource: "/healthz" },
  { verb: "delete", resource: "persistentvolumeclaims", namespace: "ns-13" },
  { verb: "*", resource: "*", namespace: "ns-14" },
];

// ---------------------------------------------------------------------------------------------
// The organization

function generate(dir: string, s: Size): void {
  const namespaces = Math.max(10, Math.floor(s.bindings / 10));
  const roleArn = (r: number) => `arn:aws:iam::${ACCOUNT}:role/team-${r}`;
  const rolesPerGroup = Math.max(1, Math.ceil(s.roles / s.groups));
  const groupDetails = Array.from({ length: s.groups }, (_, g) => ({
    Path: "/",
    GroupName: `group-${g}`,
    GroupId: `AGPA${g}`,
    Arn: `arn:aws:iam::${ACCOUNT}:group/group-${g}`,
    GroupPolicyList: [
      {
        PolicyName: "AssumeTeamRoles",
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AssumeTeamRoles",
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Resource: Array.from({ length: rolesPerGroup }, (_, k) =>
                roleArn((g * rolesPerGroup + k) % s.roles),
              ),
            },
          ],
        },
      },
    ],
    AttachedManagedPolicies: [],
  }));
  const userDetails = Array.from({ length: s.users }, (_, u) => ({
    Path: "/",
    UserName: `user-${u}`,
    UserId: `AIDA${u}`,
    Arn: `arn:aws:iam::${ACCOUNT}:user/user-${u}`,
    GroupList:
      u % 7 === 0 ? [`group-${u % s.groups}`, `group-${(u * 31) % s.groups}`] : [`group-${u % s.groups}`],
    UserPolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  }));
  const roleDetails = Array.from({ length: s.roles }, (_, r) => ({
    Path: "/",
    RoleName: `team-${r}`,
    RoleId: `AROA${r}`,
    Arn: roleArn(r),
    CreateDate: "2024-01-10T09:00:00+00:00",
    AssumeRolePolicyDocument: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Members",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:RoleSessionName": "${aws:username}" } },
        },
      ],
    },
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  }));
  mkdirSync(join(dir, "iam"), { recursive: true });
  writeFileSync(
    join(dir, "iam/account-authorization-details.json"),
    JSON.stringify({
      UserDetailList: userDetails,
      GroupDetailList: groupDetails,
      RoleDetailList: roleDetails,
      Policies: [],
    }),
  );

  const clusterRoles = [
    {
      name: "view",
      verbs: ["get", "list", "watch"],
      resources: ["pods", "pods/log", "services", "configmaps", "events"],
    },
    {
      name: "edit",
      verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
      resources: ["pods", "pods/exec", "services", "configmaps", "secrets", "persistentvolumeclaims"],
    },
    { name: "deployer", verbs: ["*"], resources: ["deployments", "replicasets"], apiGroups: ["apps"] },
  ];
  for (let c = 0; c < s.clusters; c++) {
    const cdir = join(dir, "clusters", `cluster-${c}`);
    mkdirSync(cdir, { recursive: true });
    writeFileSync(
      join(cdir, "cluster.json"),
      JSON.stringify({
        cluster: {
          name: `cluster-${c}`,
          arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/cluster-${c}`,
          accessConfig: { authenticationMode: "CONFIG_MAP" },
        },
      }),
    );
    // The cluster maps the roles of the teams bound in it (all of them at the base size,
    // where every team has a binding in every cluster), as eksgate itself would.
    const teams = new Set<number>();
    for (let b = 0; b < s.bindings; b++) teams.add((b * 7 + c) % s.roles);
    const mapRoles = [...teams]
      .sort((a, b) => a - b)
      .map((r) => ({
        rolearn: roleArn(r),
        username: `team-${r}:{{SessionName}}`,
        groups: [`team-${r}`],
      }));
    writeFileSync(
      join(cdir, "aws-auth.yaml"),
      stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "aws-auth", namespace: "kube-system" },
        data: { mapRoles: stringify(mapRoles) },
      }),
    );
    const items: unknown[] = [
      ...clusterRoles.map((cr) => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: cr.name },
        rules: [{ apiGroups: cr.apiGroups ?? [""], resources: cr.resources, verbs: cr.verbs }],
      })),
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "cluster-admin" },
        rules: [
          { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
          { nonResourceURLs: ["*"], verbs: ["*"] },
        ],
      },
    ];
    for (let b = 0; b < s.bindings; b++) {
      const team = (b * 7 + c) % s.roles;
      if (b % 100 === 0) {
        items.push({
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: `crb-${b}` },
          subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `team-${team}` }],
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: b % 200 === 0 ? "cluster-admin" : "view",
          },
        });
        continue;
      }
      items.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: `rb-${b}`, namespace: `ns-${b % namespaces}` },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `team-${team}` }],
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: clusterRoles[b % clusterRoles.length]?.name ?? "view",
        },
      });
    }
    writeFileSync(join(cdir, "rbac.yaml"), stringify({ apiVersion: "v1", kind: "List", items }));
    writeFileSync(
      join(cdir, "namespaces.yaml"),
      stringify({
        apiVersion: "v1",
        kind: "List",
        items: Array.from({ length: namespaces }, (_, n) => ({
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: `ns-${n}` },
        })),
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The measured part (child process)

interface Measured {
  readonly loadMs: number;
  readonly whoCanMs: number;
  readonly explainMs: number;
  readonly totalMs: number;
  readonly maxRssMiB: number;
  readonly principalsFound: number;
  readonly reachFound: number;
}

async function measure(dir: string, users: number): Promise<Measured> {
  const t0 = performance.now();
  const read = await readSnapshotDir(dir);
  if (!read.ok) throw new Error(read.diagnostics.map((d) => d.summary).join("; "));
  const { snapshot } = parseSnapshot(read.value);
  const t1 = performance.now();
  let principalsFound = 0;
  for (const q of WHO_CAN) {
    const parsed = parseAccessRequest(q);
    if (!parsed.ok) throw new Error(parsed.error);
    principalsFound += whoCanAccess(snapshot, parsed.request).principals.length;
  }
  const t2 = performance.now();
  let reachFound = 0;
  const step = Math.max(1, Math.floor(users / 100));
  for (let i = 0; i < 100; i++) {
    const u = (i * step) % users;
    reachFound += explainPrincipal(snapshot, `arn:aws:iam::${ACCOUNT}:user/user-${u}`).reach.length;
  }
  const t3 = performance.now();
  return {
    loadMs: Math.round(t1 - t0),
    whoCanMs: Math.round(t2 - t1),
    explainMs: Math.round(t3 - t2),
    totalMs: Math.round(t3 - t0),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    principalsFound,
    reachFound,
  };
}

function runChild(dir: string, users: number): Measured {
  const out = execFileSync(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1] ?? "bench/audit-scale/run.ts",
      "--measure",
      dir,
      "--users",
      String(users),
    ],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  const last = out.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as Measured;
}

async function main(): Promise<void> {
  const generateDir = option("generate");
  if (generateDir !== undefined) {
    generate(generateDir, {
      users: flag("users", 10_000),
      groups: flag("groups", 1_000),
      roles: flag("roles", 3_000),
      clusters: flag("clusters", 5),
      bindings: flag("bindings", 3_000),
    });
    return;
  }
  const measureDir = option("measure");
  if (measureDir !== undefined) {
    process.stdout.write(`${JSON.stringify(await measure(measureDir, flag("users", 10_000)))}\n`);
    return;
  }
  const base: Size = {
    users: flag("users", 10_000),
    groups: flag("groups", 1_000),
    roles: flag("roles", 3_000),
    clusters: flag("clusters", 5),
    bindings: flag("bindings", 3_000),
  };
  const runs = flag("runs", 5);
  // Two readings of "doubling every count". The organization twice as large: twice the
  // users, groups, roles and clusters, and twice the bindings in all (each cluster keeps
  // its 3,000). And the literal one, where each of the twice as many clusters also has
  // twice the bindings: four times the bindings in all, and its input is ~3.3 times as
  // large, so it is reported for the record and judged by time per input byte.
  const doubled: Size = {
    users: base.users * 2,
    groups: base.groups * 2,
    roles: base.roles * 2,
    clusters: base.clusters * 2,
    bindings: base.bindings,
  };
  const literal: Size = { ...doubled, bindings: base.bindings * 2 };
  const sizes: { label: string; size: Size }[] = [
    { label: "base", size: base },
    { label: "doubled", size: doubled },
    ...(args.includes("--skip-literal") ? [] : [{ label: "doubled-literal", size: literal }]),
  ];
  const results: {
    label: string;
    size: Size;
    inputBytes: number;
    generateMs: number;
    runs: Measured[];
    median: Measured;
  }[] = [];
  // Generate every size first, then interleave the runs (base, doubled, literal, base, ...)
  // so that a slow spell of this shared machine hits every size alike.
  const prepared = sizes.map(({ label, size }) => {
    const dir = mkdtempSync(join(tmpdir(), "eksgate-audit-scale-"));
    const g0 = performance.now();
    generate(dir, size);
    return { label, size, dir, generateMs: Math.round(performance.now() - g0), inputBytes: dirBytes(dir) };
  });
  try {
    const measured = new Map<string, Measured[]>(prepared.map((p) => [p.label, []]));
    for (let r = 0; r < runs; r++) {
      for (const p of prepared) measured.get(p.label)?.push(runChild(p.dir, p.size.users));
    }
    for (const p of prepared) {
      const all = measured.get(p.label) ?? [];
      const median = medianRun(all);
      results.push({
        label: p.label,
        size: p.size,
        inputBytes: p.inputBytes,
        generateMs: p.generateMs,
        runs: all,
        median,
      });
      const { size } = p;
      process.stdout.write(
        `${p.label}: ${size.users} users, ${size.groups} groups, ${size.roles} roles, ${size.clusters} clusters x ${size.bindings} bindings, ${(p.inputBytes / 2 ** 20).toFixed(1)} MiB of files\n` +
          `  median of ${runs}: load ${median.loadMs} ms + who-can x20 ${median.whoCanMs} ms + explain x100 ${median.explainMs} ms = ${median.totalMs} ms; ` +
          `peak RSS ${median.maxRssMiB} MiB (${median.principalsFound} who-can principals, ${median.reachFound} explain reaches); ` +
          `runs: ${all.map((m) => m.totalMs).join(", ")} ms\n`,
      );
    }
  } finally {
    for (const p of prepared) rmSync(p.dir, { recursive: true, force: true });
  }
  const small = results.find((r) => r.label === "base");
  const large = results.find((r) => r.label === "doubled");
  const lit = results.find((r) => r.label === "doubled-literal");
  if (small === undefined || large === undefined) return;
  const ratio = large.median.totalMs / small.median.totalMs;
  const verdict = {
    wall: small.median.totalMs <= 5_000,
    rss: Math.max(...small.runs.map((m) => m.maxRssMiB)) <= 1024,
    doubling: ratio <= 2.3,
  };
  const literalNote =
    lit === undefined
      ? ""
      : `; literal doubling ${(lit.median.totalMs / small.median.totalMs).toFixed(2)}x the time for ${(lit.inputBytes / small.inputBytes).toFixed(2)}x the input`;
  process.stdout.write(
    `doubling ratio ${ratio.toFixed(2)}x (input ${(large.inputBytes / small.inputBytes).toFixed(2)}x)${literalNote}\n` +
      `targets: wall<=5s ${verdict.wall ? "met" : "MISSED"}, RSS<=1GiB ${verdict.rss ? "met" : "MISSED"}, doubling<=2.3x ${verdict.doubling ? "met" : "MISSED"}\n`,
  );
  const cpu = cpus()[0]?.model ?? "unknown";
  const json = option("json");
  if (json !== undefined) {
    writeFileSync(
      json,
      JSON.stringify(
        { date: new Date().toISOString(), nproc: cpus().length, cpu, results, ratio, verdict },
        null,
        2,
      ),
    );
  }
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const st = statSync(join(dir, entry));
    if (st.isFile()) total += st.size;
  }
  return total;
}

/** The run with the median total time. */
function medianRun(runs: readonly Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.totalMs - b.totalMs);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  if (mid === undefined) throw new Error("no runs");
  return mid;
}

await main();
