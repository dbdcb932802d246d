// The live side of the access audit, end to end: the built CLI collects a snapshot from moto
// (IAM, through the recording proxy of test/support/apply-env.ts), the EKS access-entry double
// and the shared kube-apiserver, read-only; the audit commands answer the same live as from the
// written directory; a directory assembled from what the installed aws CLI and kubectl print
// gives the same principals; and an unknown cluster is a diagnostic, not a stack trace.
//
// The tests run in order and share one environment.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssociateAccessPolicyCommand, CreateAccessEntryCommand, EKSClient } from "@aws-sdk/client-eks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshotDir } from "../../src/adapters/fs/snapshot-dir.js";
import { parseSnapshot, type AccessSnapshot } from "../../src/core/snapshot/index.js";
import {
  accountRootTrustPolicy,
  addUserToGroup,
  assumeRolePolicy,
  createRole,
  createUser,
  putGroupPolicy,
  SEED_CREDENTIALS,
} from "../env/aws-seed.js";
import { kubectl, uniqueName } from "../env/context.js";
import {
  ACCOUNT,
  admin,
  type ApplyEnv,
  type CliResult,
  createNamespace,
  isAwsWrite,
  readAwsAuth,
  REGION,
  setAwsAuth,
  startApplyEnv,
} from "../support/apply-env.js";
import { SPAWN_DEADLINE_MS } from "../support/time-limits.js";

const CLUSTER = uniqueName("snap");
const NS = uniqueName("snap-web");
// IAM names (private moto) and Kubernetes group names (shared apiserver).
const WEB_GROUP = uniqueName("g-web");
const DATA_GROUP = uniqueName("g-data");
const WEB_ROLE = uniqueName("team-web");
const DATA_ROLE = uniqueName("team-data");
const ALICE = uniqueName("alice");
const BOB = uniqueName("bob");
const CAROL = uniqueName("carol");
const KUBE_WEB = uniqueName("web-devs");
const KUBE_DATA = uniqueName("data-readers");
const POD_ROLE = uniqueName("pod-manager");
const NODE_READER = uniqueName("node-reader");

const userArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
/** A fixed request time, so that live and offline answers (which state it) compare equal. */
const AT = "2026-12-03T10:00:00Z";
const VIEW_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const RBAC = "/apis/rbac.authorization.k8s.io/v1";

interface KubeObject {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly [field: string]: unknown;
}

/** The Kubernetes objects the test creates: the collection to POST to, and the object. */
const KUBE_OBJECTS: readonly { collection: string; body: KubeObject }[] = [
  {
    collection: `${RBAC}/namespaces/${NS}/roles`,
    body: {
      kind: "Role",
      metadata: { name: POD_ROLE },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] }],
    },
  },
  {
    collection: `${RBAC}/namespaces/${NS}/rolebindings`,
    body: {
      kind: "RoleBinding",
      metadata: { name: POD_ROLE },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: POD_ROLE },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: KUBE_WEB }],
    },
  },
  {
    collection: `${RBAC}/clusterroles`,
    body: {
      kind: "ClusterRole",
      metadata: { name: NODE_READER },
      rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] }],
    },
  },
  {
    collection: `${RBAC}/clusterrolebindings`,
    body: {
      kind: "ClusterRoleBinding",
      metadata: { name: NODE_READER },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: NODE_READER },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: KUBE_DATA }],
    },
  },
];

const objectPath = (o: (typeof KUBE_OBJECTS)[number]): string =>
  `${o.collection}/${encodeURIComponent(o.body.metadata.name)}`;

const MAP_ROLES = `- rolearn: ${roleArn(WEB_ROLE)}
  username: web:{{SessionName}}
  groups:
    - ${KUBE_WEB}
`;

let env: ApplyEnv;
let eks: EKSClient;
/** aws-auth as it was before the test, once read (the `data`, undefined when absent). */
let previousAwsAuth: { data: Record<string, string> | undefined } | undefined;
let snapDir: string;
let toolsDir: string;
let awsHome: string;

function connection(): string[] {
  return [
    "--cluster",
    CLUSTER,
    "--region",
    REGION,
    "--kube-context",
    env.clusterArn(CLUSTER),
    "--kubeconfig",
    env.kubeconfig,
  ];
}

function json(result: CliResult): unknown {
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Kubernetes resourceVersions of aws-auth and of every object the test created. */
async function kubeVersions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const awsAuth = await readAwsAuth();
  out["aws-auth"] = awsAuth?.metadata.resourceVersion ?? "absent";
  for (const o of KUBE_OBJECTS) {
    const res = await admin("GET", objectPath(o));
    out[`${o.body.kind}/${o.body.metadata.name}`] =
      res.status === 200
        ? (JSON.parse(res.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion
        : `HTTP ${res.status}`;
  }
  return out;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The installed aws CLI (v1) against moto or the double, with the seed keys and no profile. */
function aws(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      "aws",
      [...args, "--output", "json"],
      {
        encoding: "utf8",
        timeout: SPAWN_DEADLINE_MS,
        env: {
          PATH: process.env["PATH"],
          HOME: awsHome,
          AWS_ACCESS_KEY_ID: SEED_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: SEED_CREDENTIALS.secretAccessKey,
          AWS_DEFAULT_REGION: REGION,
          AWS_EC2_METADATA_DISABLED: "true",
          AWS_CONFIG_FILE: join(awsHome, "config"),
          AWS_SHARED_CREDENTIALS_FILE: join(awsHome, "credentials"),
        },
      },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
  });
}

async function awsOk(args: readonly string[]): Promise<string> {
  const out = await aws(args);
  if (out.code !== 0) throw new Error(`aws ${args.join(" ")}: exit ${out.code}\n${out.stderr}`);
  return out.stdout;
}

async function kubectlOk(args: readonly string[]): Promise<string> {
  const out = await kubectl(env.kubeconfig, ["--context", env.clusterArn(CLUSTER), ...args]);
  if (out.code !== 0) throw new Error(`kubectl ${args.join(" ")}: exit ${out.code}\n${out.stderr}`);
  return out.stdout;
}

async function readBack(dir: string): Promise<{ snapshot: AccessSnapshot; codes: string[] }> {
  const read = await readSnapshotDir(dir);
  if (!read.ok) throw new Error(JSON.stringify(read.diagnostics));
  const parsed = parseSnapshot(read.value);
  return {
    snapshot: parsed.snapshot,
    codes: parsed.diagnostics.filter((d) => d.severity !== "info").map((d) => `${d.code} ${d.summary}`),
  };
}

interface PrincipalJson {
  arn: string;
  type: string;
  viaGroups: string[];
  clusters: string[];
  paths: { cluster: string; hops: { kind: string; what: string; source?: string }[] }[];
}

interface WhoCanJson {
  principals: PrincipalJson[];
}

interface CanIJson {
  allowed: boolean;
  reason: string;
  paths: { hops: { kind: string; what: string; source?: string }[] }[];
  failures: { brokenAt: string; reason: string }[];
}

/** Who can, as principal ARN -> the IAM groups it goes through, for comparisons. */
function principalsOf(out: unknown): Record<string, string[]> {
  return Object.fromEntries(
    (out as WhoCanJson).principals.map((p) => [p.arn, [...p.viaGroups].sort()] as const),
  );
}

beforeAll(async () => {
  env = await startApplyEnv();
  eks = new EKSClient({
    endpoint: env.double.endpoint,
    region: REGION,
    credentials: SEED_CREDENTIALS,
    maxAttempts: 1,
  });
  awsHome = mkdtempSync(join(tmpdir(), "eksgate-snapshot-live-aws-"));
  writeFileSync(join(awsHome, "config"), "");
  writeFileSync(join(awsHome, "credentials"), "");
  snapDir = join(env.dir, "snap");
  toolsDir = join(env.dir, "snap-tools");

  // IAM: two groups, each allowed to assume its team role; alice and bob are members,
  // carol is in no group. The roles trust the account, gated on the session name.
  await env.resetAws([WEB_GROUP, DATA_GROUP]);
  const sessionIsUserName = { StringEquals: { "sts:RoleSessionName": "${aws:username}" } };
  await createRole(env.aws.iam, WEB_ROLE, accountRootTrustPolicy(ACCOUNT, sessionIsUserName));
  await createRole(env.aws.iam, DATA_ROLE, accountRootTrustPolicy(ACCOUNT, sessionIsUserName));
  await putGroupPolicy(env.aws.iam, WEB_GROUP, "assume-web", assumeRolePolicy(roleArn(WEB_ROLE)));
  await putGroupPolicy(env.aws.iam, DATA_GROUP, "assume-data", assumeRolePolicy(roleArn(DATA_ROLE)));
  for (const [user, group] of [
    [ALICE, WEB_GROUP],
    [BOB, DATA_GROUP],
    [CAROL, undefined],
  ] as const) {
    await createUser(env.aws.iam, user);
    if (group !== undefined) await addUserToGroup(env.aws.iam, user, group);
  }

  // EKS: the data team's role gets a STANDARD access entry with a Kubernetes group and the
  // view access policy on the namespace.
  env.seedCluster(CLUSTER, "API_AND_CONFIG_MAP");
  await eks.send(
    new CreateAccessEntryCommand({
      clusterName: CLUSTER,
      principalArn: roleArn(DATA_ROLE),
      type: "STANDARD",
      kubernetesGroups: [KUBE_DATA],
    }),
  );
  await eks.send(
    new AssociateAccessPolicyCommand({
      clusterName: CLUSTER,
      principalArn: roleArn(DATA_ROLE),
      policyArn: VIEW_POLICY,
      accessScope: { type: "namespace", namespaces: [NS] },
    }),
  );

  // Kubernetes: aws-auth maps the web team's role; a Role + RoleBinding for its group in the
  // namespace, a ClusterRole + ClusterRoleBinding for the access entry's group.
  previousAwsAuth = { data: (await readAwsAuth())?.data };
  await setAwsAuth({ mapRoles: MAP_ROLES });
  await createNamespace(NS);
  for (const o of KUBE_OBJECTS) {
    const res = await admin("POST", o.collection, { apiVersion: "rbac.authorization.k8s.io/v1", ...o.body });
    if (res.status !== 201) throw new Error(`POST ${o.collection}: HTTP ${res.status} ${res.body}`);
  }
});

afterAll(async () => {
  (eks as EKSClient | undefined)?.destroy();
  const home = awsHome as string | undefined;
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  const started = env as ApplyEnv | undefined;
  if (started === undefined) return;
  for (const o of [...KUBE_OBJECTS].reverse()) await admin("DELETE", objectPath(o));
  if (previousAwsAuth !== undefined) await setAwsAuth(previousAwsAuth.data);
  await started.stop();
});

describe("eksgate snapshot, live", () => {
  it("writes the documented layout, read-only, and it reads back with what was seeded", async () => {
    const kubeBefore = await kubeVersions();
    env.markAws();
    env.double.clearRequests();

    const out = await env.run(["snapshot", "--out", snapDir, ...connection()]);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toContain(`1 cluster: ${CLUSTER}`);
    // The SDK's Node-version notice is silenced like in the other AWS adapters.
    expect(out.stderr).not.toContain("NodeVersionSupportWarning");

    for (const file of [
      "iam/account-authorization-details.json",
      `clusters/${CLUSTER}/cluster.json`,
      `clusters/${CLUSTER}/access-entries.json`,
      `clusters/${CLUSTER}/aws-auth.yaml`,
      `clusters/${CLUSTER}/rbac.yaml`,
      `clusters/${CLUSTER}/namespaces.yaml`,
    ])
      expect(existsSync(join(snapDir, file)), file).toBe(true);

    // Read-only: IAM/STS only read (and did read), EKS only the documented reads, and the
    // Kubernetes objects are untouched.
    const awsCalls = env.awsCalls().map((c) => c.action);
    expect(awsCalls).toContain("GetAccountAuthorizationDetails");
    expect(awsCalls.filter(isAwsWrite)).toEqual([]);
    expect(Object.keys(env.double.requestCounts()).sort()).toEqual([
      "DescribeAccessEntry",
      "DescribeCluster",
      "ListAccessEntries",
      "ListAssociatedAccessPolicies",
    ]);
    expect(await kubeVersions()).toEqual(kubeBefore);

    const { snapshot, codes } = await readBack(snapDir);
    expect(codes).toEqual([]);
    const users = snapshot.iamIndex.users;
    const userGroups = (name: string): string[] | undefined =>
      users.find((u) => u.name === name)?.groups.map((g) => g.name);
    expect(userGroups(ALICE)).toEqual([WEB_GROUP]);
    expect(userGroups(BOB)).toEqual([DATA_GROUP]);
    expect(userGroups(CAROL)).toEqual([]);
    const roleNames = snapshot.iamIndex.roles.map((r) => r.name);
    expect(roleNames).toEqual(expect.arrayContaining([WEB_ROLE, DATA_ROLE]));
    const webTrust = snapshot.iamIndex.roles.find((r) => r.name === WEB_ROLE)?.trust;
    expect(JSON.stringify(webTrust)).toContain("sts:RoleSessionName");

    expect(snapshot.clusters.map((c) => c.name)).toEqual([CLUSTER]);
    const cluster = snapshot.clusters[0];
    expect(cluster?.authenticationMode).toBe("API_AND_CONFIG_MAP");
    expect(cluster?.modeSource).toBe("cluster.json");
    expect(cluster?.arn).toBe(env.clusterArn(CLUSTER));
    expect(
      cluster?.accessEntries.map((e) => ({
        principalArn: e.principalArn,
        type: e.type,
        kubernetesGroups: e.kubernetesGroups,
        associations: e.associations,
      })),
    ).toEqual([
      {
        principalArn: roleArn(DATA_ROLE),
        type: "STANDARD",
        kubernetesGroups: [KUBE_DATA],
        associations: [{ policyArn: VIEW_POLICY, accessScope: { type: "namespace", namespaces: [NS] } }],
      },
    ]);
    expect(
      cluster?.awsAuth?.mappings.effectiveRoles.map((r) => ({
        rolearn: r.rolearn,
        username: r.username,
        groups: r.groups,
      })),
    ).toEqual([{ rolearn: roleArn(WEB_ROLE), username: "web:{{SessionName}}", groups: [KUBE_WEB] }]);
    const binding = cluster?.rbac.bindings.find((b) => b.name === POD_ROLE && b.namespace === NS);
    expect(binding?.subjects.map((s) => s.name)).toEqual([KUBE_WEB]);
    expect(binding?.rules).toBeDefined();
    const clusterBinding = cluster?.rbac.clusterBindings.find((b) => b.name === NODE_READER);
    expect(clusterBinding?.subjects.map((s) => s.name)).toEqual([KUBE_DATA]);
    expect(cluster?.rbac.namespaces).toContain(NS);
  });

  it("who-can answers the same live and from the written snapshot, through aws-auth and the access entry", async () => {
    const ask = async (args: readonly string[]) => {
      const live = await env.run(["who-can", ...args, "--json", "--at", AT, ...connection()]);
      const offline = await env.run([
        "who-can",
        ...args,
        "--json",
        "--at",
        AT,
        "--cluster",
        CLUSTER,
        "--snapshot",
        snapDir,
      ]);
      expect(live.code, live.stderr).toBe(0);
      expect(offline.code, offline.stderr).toBe(0);
      const answer = json(live);
      expect(answer).toEqual(json(offline));
      return answer;
    };

    // The RoleBinding: alice through her group and the aws-auth-mapped role.
    const del = await ask(["delete", "pods", "-n", NS]);
    expect(principalsOf(del)).toEqual({ [userArn(ALICE)]: [WEB_GROUP], [roleArn(WEB_ROLE)]: [] });
    const alicePath = (del as WhoCanJson).principals.find((p) => p.arn === userArn(ALICE))?.paths[0];
    expect(alicePath?.hops.map((h) => h.kind)).toEqual([
      "iam-user",
      "iam-group",
      "iam-role",
      "mapping",
      "kubernetes-identity",
      "binding",
      "rule",
    ]);
    expect(alicePath?.hops.find((h) => h.kind === "mapping")?.source).toContain("aws-auth.yaml");
    expect(alicePath?.hops.find((h) => h.kind === "binding")?.what).toContain(POD_ROLE);

    // The view access policy of the access entry, scoped to the namespace: bob's role reads
    // deployments there, and not elsewhere.
    const view = await ask(["list", "deployments.apps", "-n", NS]);
    expect(principalsOf(view)).toEqual({ [userArn(BOB)]: [DATA_GROUP], [roleArn(DATA_ROLE)]: [] });
    const bobPath = (view as WhoCanJson).principals.find((p) => p.arn === userArn(BOB))?.paths[0];
    expect(bobPath?.hops.map((h) => h.kind)).toContain("access-policy");
    expect(bobPath?.hops.find((h) => h.kind === "mapping")?.source).toContain("access-entries.json");
    expect(principalsOf(await ask(["list", "deployments.apps", "-n", "kube-system"]))).toEqual({});

    // The ClusterRoleBinding for the access entry's Kubernetes group.
    expect(principalsOf(await ask(["list", "nodes"]))).toEqual({
      [userArn(BOB)]: [DATA_GROUP],
      [roleArn(DATA_ROLE)]: [],
    });
  });

  it("can-i answers the same live and offline: yes with the path, no with the reason", async () => {
    const ask = async (args: readonly string[], code: number) => {
      const live = await env.run(["can-i", ...args, "--json", "--at", AT, ...connection()]);
      const offline = await env.run([
        "can-i",
        ...args,
        "--json",
        "--at",
        AT,
        "--cluster",
        CLUSTER,
        "--snapshot",
        snapDir,
      ]);
      expect(live.code, live.stdout + live.stderr).toBe(code);
      expect(offline.code, offline.stdout + offline.stderr).toBe(code);
      const answer = json(live) as CanIJson;
      expect(answer).toEqual(json(offline));
      return answer;
    };

    const alice = await ask([userArn(ALICE), "delete", "pods", "-n", NS], 0);
    expect(alice.allowed).toBe(true);
    const hops = alice.paths[0]?.hops ?? [];
    expect(hops.find((h) => h.kind === "iam-role")?.what).toContain(WEB_ROLE);
    expect(hops.find((h) => h.kind === "kubernetes-identity")?.what).toContain(`web:${ALICE}`);
    expect(hops.find((h) => h.kind === "binding")?.what).toContain(POD_ROLE);

    const bob = await ask([userArn(BOB), "get", "pods", "-n", NS], 0);
    expect(bob.paths[0]?.hops.find((h) => h.kind === "access-policy")?.what).toContain("AmazonEKSViewPolicy");
    const bobDelete = await ask([userArn(BOB), "delete", "pods", "-n", NS], 1);
    expect(bobDelete.allowed).toBe(false);

    const carol = await ask([userArn(CAROL), "get", "pods", "-n", NS], 1);
    expect(carol.allowed).toBe(false);
    expect(carol.reason).not.toBe("");
    expect(carol.failures.length).toBeGreaterThan(0);
    for (const f of carol.failures) expect(f.reason).not.toBe("");
  });

  it("explain answers the same live and offline", async () => {
    const live = await env.run(["explain", userArn(ALICE), "--json", "--at", AT, ...connection()]);
    const offline = await env.run([
      "explain",
      userArn(ALICE),
      "--json",
      "--at",
      AT,
      "--cluster",
      CLUSTER,
      "--snapshot",
      snapDir,
    ]);
    expect(live.code, live.stderr).toBe(0);
    expect(offline.code, offline.stderr).toBe(0);
    expect(json(live)).toEqual(json(offline));
    const text = JSON.stringify(json(live));
    expect(text).toContain(WEB_ROLE);
    expect(text).toContain(POD_ROLE);
    expect(text).not.toContain(DATA_ROLE);
  });

  it("a snapshot assembled from the aws CLI and kubectl output gives the same principals", async () => {
    const write = (path: string, text: string): void => {
      const file = join(toolsDir, path);
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, text);
    };
    write(
      "iam/account-authorization-details.json",
      await awsOk(["iam", "get-account-authorization-details", "--endpoint-url", env.moto.endpoint]),
    );
    const eksArgs = ["--endpoint-url", env.double.endpoint, "--region", REGION];
    // awscli 1.45 speaks the double's REST/JSON: cluster.json and the access entries come
    // from the CLI itself, not from the SDK.
    write(
      `clusters/${CLUSTER}/cluster.json`,
      await awsOk(["eks", "describe-cluster", "--name", CLUSTER, ...eksArgs]),
    );
    const listed = JSON.parse(
      await awsOk(["eks", "list-access-entries", "--cluster-name", CLUSTER, ...eksArgs]),
    ) as { accessEntries: string[] };
    const entries: unknown[] = [];
    for (const principalArn of listed.accessEntries) {
      const one = ["--cluster-name", CLUSTER, "--principal-arn", principalArn, ...eksArgs];
      const entry = JSON.parse(await awsOk(["eks", "describe-access-entry", ...one])) as {
        accessEntry: Record<string, unknown>;
      };
      const policies = JSON.parse(await awsOk(["eks", "list-associated-access-policies", ...one])) as {
        associatedAccessPolicies: unknown[];
      };
      entries.push({ ...entry.accessEntry, associatedAccessPolicies: policies.associatedAccessPolicies });
    }
    write(`clusters/${CLUSTER}/access-entries.json`, JSON.stringify({ accessEntries: entries }, null, 2));
    write(
      `clusters/${CLUSTER}/aws-auth.yaml`,
      await kubectlOk(["get", "cm", "aws-auth", "-n", "kube-system", "-o", "yaml"]),
    );
    write(
      `clusters/${CLUSTER}/rbac.yaml`,
      await kubectlOk(["get", "clusterroles,clusterrolebindings,roles,rolebindings", "-A", "-o", "yaml"]),
    );
    write(`clusters/${CLUSTER}/namespaces.yaml`, await kubectlOk(["get", "namespaces", "-o", "yaml"]));

    const { codes } = await readBack(toolsDir);
    expect(codes).toEqual([]);

    for (const args of [
      ["delete", "pods", "-n", NS],
      ["list", "deployments.apps", "-n", NS],
      ["list", "nodes"],
    ]) {
      const live = await env.run(["who-can", ...args, "--json", ...connection()]);
      const tools = await env.run(["who-can", ...args, "--json", "--snapshot", toolsDir]);
      expect(live.code, live.stderr).toBe(0);
      expect(tools.code, tools.stderr).toBe(0);
      const expected = principalsOf(json(live));
      expect(Object.keys(expected).length, args.join(" ")).toBeGreaterThan(0);
      expect(principalsOf(json(tools)), args.join(" ")).toEqual(expected);
    }
  });

  it("an unknown cluster is a diagnostic naming it and what to check, with no stack trace", async () => {
    const missing = uniqueName("no-such-cluster");
    const out = join(env.dir, "snap-missing");
    const result = await env.run([
      "snapshot",
      "--out",
      out,
      "--cluster",
      missing,
      "--region",
      REGION,
      "--kubeconfig",
      env.kubeconfig,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toContain(REGION);
    expect(result.stderr).toMatch(/--region/);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(existsSync(out)).toBe(false);

    const live = await env.run([
      "who-can",
      "get",
      "pods",
      "--json",
      "--cluster",
      missing,
      "--region",
      REGION,
    ]);
    // With --json the failure is JSON on stdout, like every other output of the command.
    expect(live.code).toBe(1);
    expect(live.stderr).toBe("");
    const failure = JSON.parse(live.stdout) as {
      ok: boolean;
      diagnostics: { code: string; summary: string }[];
    };
    expect(failure.ok).toBe(false);
    expect(failure.diagnostics.map((d) => d.code)).toEqual(["SNAP110"]);
    expect(failure.diagnostics[0]?.summary).toContain(missing);

    // The cluster exists but the kubeconfig has no such context: the message names the
    // context and says how to get one.
    const context = uniqueName("no-such-context");
    const noContext = await env.run([
      "snapshot",
      "--out",
      out,
      "--cluster",
      CLUSTER,
      "--region",
      REGION,
      "--kube-context",
      context,
      "--kubeconfig",
      env.kubeconfig,
    ]);
    expect(noContext.code).toBe(1);
    expect(noContext.stderr).toContain(`"${context}"`);
    expect(noContext.stderr).toContain("update-kubeconfig");
    expect(noContext.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it("never reads a cluster through a kubeconfig context that points at another server", async () => {
    // A kubeconfig as a recreated cluster leaves it: the context is named after the cluster
    // ARN, but its server is the old cluster's. DescribeCluster reports the live endpoint.
    const stale = env.writeFile(
      "stale-kubeconfig.yaml",
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `  - name: ${env.clusterArn(CLUSTER)}`,
        "    cluster:",
        "      server: https://127.0.0.1:1",
        "users:",
        "  - name: stale",
        "    user:",
        "      token: not-used",
        "contexts:",
        `  - name: ${env.clusterArn(CLUSTER)}`,
        "    context:",
        `      cluster: ${env.clusterArn(CLUSTER)}`,
        "      user: stale",
        `current-context: ${env.clusterArn(CLUSTER)}`,
        "",
      ].join("\n"),
    );
    const out = join(env.dir, "snap-stale");
    const base = ["snapshot", "--out", out, "--cluster", CLUSTER, "--region", REGION, "--kubeconfig", stale];
    const found = await env.run(base);
    expect(found.code, found.stderr).toBe(1);
    expect(found.stderr).toContain("KUBE004");
    expect(found.stderr).toContain("https://127.0.0.1:1");
    expect(found.stderr).toContain("KUBE006");
    expect(found.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(existsSync(out)).toBe(false);

    const named = await env.run([...base, "--kube-context", env.clusterArn(CLUSTER)]);
    expect(named.code, named.stderr).toBe(1);
    expect(named.stderr).toMatch(/error KUBE004/);
    expect(existsSync(out)).toBe(false);

    // The audit commands collect live through the same resolver.
    const who = await env.run([
      "who-can",
      "get",
      "pods",
      "--cluster",
      CLUSTER,
      "--region",
      REGION,
      "--kubeconfig",
      stale,
    ]);
    expect(who.code).toBe(1);
    expect(who.stdout).toBe("");
    expect(who.stderr).toContain("KUBE004");
  });
});
