// bench/audit-scale: the access engine on a generated organization.
//
//   npx tsx bench/audit-scale/run.ts [--users 10000] [--groups 1000] [--roles 3000]
//                                    [--clusters 5] [--bindings 3000] [--json FILE]
//
// Writes a snapshot directory (the documented layout) to a temp dir, then measures in a
// child process: reading and parsing the snapshot, `who-can` for 20 verb/resource pairs on
// every cluster, and `explain` for 100 IAM users; wall time and peak RSS (the child's own
// maxRSS from process.resourceUsage()). Then the same with every count doubled, and the ratio.
// Targets (issue #6): <= 5 s wall, <= 1 GiB peak RSS, doubling costs <= 2.3x the time.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
    const mapRoles = Array.from({ length: s.roles }, (_, r) => ({
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
  const doubled: Size = {
    users: base.users * 2,
    groups: base.groups * 2,
    roles: base.roles * 2,
    clusters: base.clusters * 2,
    bindings: base.bindings * 2,
  };
  const results: { size: Size; measured: Measured; generateMs: number }[] = [];
  for (const size of [base, doubled]) {
    const dir = mkdtempSync(join(tmpdir(), "eksgate-audit-scale-"));
    try {
      const g0 = performance.now();
      generate(dir, size);
      const generateMs = Math.round(performance.now() - g0);
      const measured = runChild(dir, size.users);
      results.push({ size, measured, generateMs });
      process.stdout.write(
        `${size.users} users, ${size.groups} groups, ${size.roles} roles, ${size.clusters} clusters x ${size.bindings} bindings: ` +
          `load ${measured.loadMs} ms + who-can x20 ${measured.whoCanMs} ms + explain x100 ${measured.explainMs} ms = ${measured.totalMs} ms; ` +
          `peak RSS ${measured.maxRssMiB} MiB (${measured.principalsFound} who-can principals, ${measured.reachFound} explain reaches)\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const [small, large] = results;
  if (small === undefined || large === undefined) return;
  const ratio = large.measured.totalMs / small.measured.totalMs;
  const verdict = {
    wall: small.measured.totalMs <= 5_000,
    rss: small.measured.maxRssMiB <= 1024,
    doubling: ratio <= 2.3,
  };
  process.stdout.write(
    `doubling ratio ${ratio.toFixed(2)}x; targets: wall<=5s ${verdict.wall ? "met" : "MISSED"}, RSS<=1GiB ${verdict.rss ? "met" : "MISSED"}, doubling<=2.3x ${verdict.doubling ? "met" : "MISSED"}\n`,
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

await main();
