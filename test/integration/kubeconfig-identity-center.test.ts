// An IAM Identity Center member end to end, without an AWS account: `eksgate kubeconfig`
// writes the sso-session profile (kept intact around what was there) and an exec entry that
// signs with it; the real aws CLI reads that profile and the cached sign-in the way eksgate
// does; the token plugin gets the role credentials from the SSO portal double (moto has no
// portal API: docs/specs/sso-portal.md) and serves the next call from its cache.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { motoEnv, runProgram } from "../env/context.js";
import { startEksDouble, type EksDouble } from "../env/eks-double/index.js";
import { startSsoPortalDouble, type SsoPortalDouble } from "../env/sso-portal-double/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI_JS = join(ROOT, "dist", "cli.js");
const TOKEN_SHIM = join(ROOT, "bin", "eksgate-token");
const ACCOUNT = "123456789012";
const REGION = "us-east-2";
const CLUSTER = "dev";
const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n").toString("base64");
const SERVER = "https://DEV.gr7.us-east-2.eks.amazonaws.com";
const START_URL = "https://d-1234567890.awsapps.com/start";
const PROFILE = "eksgate-sre";
const ACCESS_TOKEN = "sso-access-token-of-ana";
const ROLE_KEYS = {
  accessKeyId: "ASIAPORTALSREANA0001",
  secretAccessKey: "portal-secret",
  sessionToken: "portal-session-token",
};

const CONFIG = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
identityCenter:
  region: us-east-1
  identityStoreId: d-1234567890
clusters:
  - name: ${CLUSTER}
    region: ${REGION}
    authentication: access-entries
teams:
  - name: sre
    identityCenter:
      group: SRE
      permissionSet: EksgateSre
    access:
      - cluster: ${CLUSTER}
        clusterRole: view
`;

const OWN_AWS_CONFIG = `# my own settings
[default]
region = eu-west-1

[profile work]
sso_session = corp
s3 =
    max_concurrent_requests = 20

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function node(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [...args], { env, cwd, encoding: "utf8" }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

describe("eksgate kubeconfig for an Identity Center team", () => {
  let eks: EksDouble;
  let portal: SsoPortalDouble;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    eks = await startEksDouble({ region: REGION, accountId: ACCOUNT });
    eks.seedCluster({ name: CLUSTER, endpoint: SERVER, certificateAuthorityData: CA });
    portal = await startSsoPortalDouble();
    home = mkdtempSync(join(tmpdir(), "eksgate-kubeconfig-idc-"));
    writeFileSync(join(home, "eksgate.yaml"), CONFIG);
    writeFileSync(join(home, "aws-config"), OWN_AWS_CONFIG);
    env = {
      PATH: process.env["PATH"],
      HOME: home,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_EKS: eks.endpoint,
      AWS_ENDPOINT_URL_STS: motoEnv().endpoint,
      AWS_ENDPOINT_URL_SSO: portal.endpoint,
      AWS_CONFIG_FILE: join(home, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      KUBECONFIG: join(home, "kube", "config"),
      NO_COLOR: "1",
    };
  });
  afterAll(async () => {
    await eks.stop();
    await portal.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** What `aws sso login` leaves behind: the access token, cached under the session name's SHA-1. */
  function signIn(session: string, expiresAt: number): void {
    const dir = join(home, ".aws", "sso", "cache");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${createHash("sha1").update(session).digest("hex")}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        startUrl: START_URL,
        region: "us-east-1",
        accessToken: ACCESS_TOKEN,
        expiresAt: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      }),
    );
    portal.signIn(ACCESS_TOKEN, expiresAt);
    portal.assign(ACCESS_TOKEN, ACCOUNT, "EksgateSre", ROLE_KEYS);
  }

  it("--aws-profile-only --write-aws-profile appends the sso-session and the profile, and the aws CLI signs in with them", async () => {
    const result = await node(
      [CLI_JS, "kubeconfig", "-c", "eksgate.yaml", "--write-aws-profile", "--aws-profile-only"],
      env,
      home,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Sign in before using it: aws sso login --profile ${PROFILE}`);
    expect(existsSync(join(home, "kube", "config"))).toBe(false);
    const written = readFileSync(join(home, "aws-config"), "utf8");
    expect(written).toBe(
      `${OWN_AWS_CONFIG}
[sso-session eksgate]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile ${PROFILE}]
sso_session = eksgate
sso_account_id = ${ACCOUNT}
sso_role_name = EksgateSre
region = ${REGION}
`,
    );

    const awsEnv = { ...env, AWS_MAX_ATTEMPTS: "1" };
    const get = await runProgram("aws", ["configure", "get", "sso_role_name", "--profile", PROFILE], awsEnv);
    expect(get.stdout.trim()).toBe("EksgateSre");
    signIn("eksgate", Date.now() + 8 * 3_600_000);
    const before = portal.requests.length;
    const who = await runProgram(
      "aws",
      ["sts", "get-caller-identity", "--profile", PROFILE, "--output", "json"],
      awsEnv,
    );
    expect(who.stderr).toBe("");
    expect(who.code).toBe(0);
    // botocore found the session, its token file and the account and role of the profile.
    expect(portal.requests.slice(before)).toEqual([
      {
        method: "GET",
        path: "/federation/credentials",
        query: { account_id: ACCOUNT, role_name: "EksgateSre" },
        bearerToken: ACCESS_TOKEN,
      },
    ]);

    const again = await node(
      [CLI_JS, "kubeconfig", "-c", "eksgate.yaml", "--write-aws-profile", "--aws-profile-only"],
      env,
      home,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`profile ${PROFILE} is already there`);
    expect(readFileSync(join(home, "aws-config"), "utf8")).toBe(written);
  });

  it("reads the cluster as the signed-in profile and writes an exec entry that signs with it", async () => {
    signIn("eksgate", Date.now() + 8 * 3_600_000);
    const before = portal.requests.length;
    const result = await node([CLI_JS, "kubeconfig", "-c", "eksgate.yaml", "--json"], env, home);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(portal.requests.length).toBeGreaterThan(before);
    const report = JSON.parse(result.stdout) as { awsProfile: Record<string, unknown> };
    expect(report.awsProfile).toMatchObject({
      form: "sso",
      name: PROFILE,
      action: "unchanged",
      written: false,
    });

    const kubeconfig = parse(readFileSync(join(home, "kube", "config"), "utf8")) as {
      users: { user: { exec: { command: string; args: string[] } } }[];
    };
    const exec = kubeconfig.users[0]?.user.exec;
    expect(exec?.command).toBe("eksgate-token");
    expect(exec?.args).toEqual(["--cluster-name", CLUSTER, "--region", REGION, "--profile", PROFILE]);

    // The entry as kubectl runs it: the shim, then the Node plugin on a miss.
    const shimEnv = { ...env, PATH: `${join(ROOT, "node_modules", ".bin")}:${env["PATH"] ?? ""}` };
    const first = await runProgram(TOKEN_SHIM, exec?.args ?? [], shimEnv);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const token = (JSON.parse(first.stdout) as { status: { token: string } }).status.token;
    const url = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString("utf8"));
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(new RegExp(`^${ROLE_KEYS.accessKeyId}/`));
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe(ROLE_KEYS.sessionToken);
    const calls = portal.requests.length;
    const second = await runProgram(TOKEN_SHIM, exec?.args ?? [], shimEnv);
    expect(second.stdout).toBe(first.stdout);
    expect(portal.requests.length).toBe(calls);
  });

  it("without a sign-in the plugin says TOK101 and what to run; a role not assigned is TOK104", async () => {
    rmSync(join(home, ".aws", "sso"), { recursive: true, force: true });
    const args = ["--cluster-name", CLUSTER, "--region", REGION, "--profile", PROFILE, "--no-cache"];
    const out = await node([join(ROOT, "dist", "token.js"), ...args], env, home);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(
      new RegExp(
        `^eksgate token: TOK101 not signed in to SSO session eksgate \\(no token in .*\\); run \`aws sso login --profile ${PROFILE}\` and try again\\n$`,
      ),
    );
    signIn("eksgate", Date.now() + 8 * 3_600_000);
    portal.reset();
    portal.signIn(ACCESS_TOKEN, Date.now() + 8 * 3_600_000);
    const denied = await node([join(ROOT, "dist", "token.js"), ...args], env, home);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      `eksgate token: TOK104 IAM Identity Center gives you no role EksgateSre in account ${ACCOUNT} (No access)`,
    );
  });

  it("a session that is not in the file and no start URL to create it is KCFG008; nothing is written", async () => {
    const before = readFileSync(join(home, "aws-config"), "utf8");
    const result = await node(
      [
        CLI_JS,
        "kubeconfig",
        "-c",
        "eksgate.yaml",
        "--write-aws-profile",
        "--aws-profile-only",
        "--profile-name",
        "other",
        "--sso-session",
        "nope",
        "--json",
      ],
      { ...env },
      home,
    );
    // The config names the identity store, so the start URL is known: the session is added.
    expect(result.code).toBe(0);
    const noStore = CONFIG.replace("  identityStoreId: d-1234567890\n", "");
    writeFileSync(join(home, "nostore.yaml"), noStore);
    const refused = await node(
      [
        CLI_JS,
        "kubeconfig",
        "-c",
        "nostore.yaml",
        "--write-aws-profile",
        "--aws-profile-only",
        "--profile-name",
        "third",
        "--sso-session",
        "nope2",
        "--json",
      ],
      env,
      home,
    );
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.stdout) as { diagnostics: { code: string; path: string }[] };
    expect(report.diagnostics.map((d) => [d.code, d.path])).toEqual([["KCFG008", "--sso-start-url"]]);
    expect(readFileSync(join(home, "aws-config"), "utf8")).toContain("[profile other]");
    expect(readFileSync(join(home, "aws-config"), "utf8")).not.toContain("third");
    expect(before).not.toContain("[profile other]");
  });

  it("without a sign-in, reading the cluster as the profile fails with KCFG002 saying to sign in; nothing is written", async () => {
    rmSync(join(home, ".aws", "sso"), { recursive: true, force: true });
    const before = readFileSync(join(home, "kube", "config"), "utf8");
    const result = await node(
      [CLI_JS, "kubeconfig", "-c", "eksgate.yaml", "--set-context", "--json"],
      env,
      home,
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      diagnostics: { code: string; path: string; detail: string }[];
    };
    expect(report.diagnostics.map((d) => [d.code, d.path])).toEqual([["KCFG002", "clusters[0].name"]]);
    expect(report.diagnostics[0]?.detail).toContain(`Sign in first: aws sso login --profile ${PROFILE}`);
    expect(readFileSync(join(home, "kube", "config"), "utf8")).toBe(before);
  });
});
