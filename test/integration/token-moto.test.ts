// `eksgate token` against moto with IAM enforcement on: a cache miss assumes the team
// role with the caller's IAM user name as session name; the next call is served from the
// cache without any network; a non-member gets the actionable AccessDenied line.
// Runs the built plugin (dist/token.js) as kubectl would: a separate process.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accountRootTrustPolicy,
  assumeRolePolicy,
  awsClients,
  createGroup,
  createRole,
  createUserWithAccessKey,
  putGroupPolicy,
  type SeededUser,
} from "../env/aws-seed.js";
import { MOTO_ACCOUNT_ID, startMoto, type MotoServer } from "../env/moto.js";

const TOKEN_JS = join(import.meta.dirname, "../../dist/token.js");
const REGION = "us-east-2";
const CLUSTER = "demo";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runPlugin(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [TOKEN_JS, ...args], { env, encoding: "utf8" }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

function presignedUrl(stdout: string): URL {
  const credential = JSON.parse(stdout) as { status: { token: string } };
  return new URL(
    Buffer.from(credential.status.token.slice("k8s-aws-v1.".length), "base64url").toString("utf8"),
  );
}

/** An environment holding nothing from the machine's AWS setup but what the test sets. */
function isolatedEnv(home: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env["PATH"],
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

describe("eksgate token against moto", () => {
  let moto: MotoServer;
  let roleArn: string;
  let alice: SeededUser;
  let bob: SeededUser;
  const homes: string[] = [];
  const newHome = (): string => {
    const home = mkdtempSync(join(tmpdir(), "eksgate-token-it-"));
    homes.push(home);
    return home;
  };

  beforeAll(async () => {
    if (!existsSync(TOKEN_JS)) throw new Error(`${TOKEN_JS} is missing: run npm run build first`);
    moto = await startMoto();
    const { iam } = awsClients(moto.endpoint);
    await createGroup(iam, "team-a");
    roleArn = await createRole(
      iam,
      "team-a-eks",
      accountRootTrustPolicy(MOTO_ACCOUNT_ID, { StringEquals: { "sts:RoleSessionName": "${aws:username}" } }),
    );
    await putGroupPolicy(iam, "team-a", "assume-team-role", assumeRolePolicy(roleArn));
    alice = await createUserWithAccessKey(iam, "alice", ["team-a"]);
    bob = await createUserWithAccessKey(iam, "bob");
    await moto.setEnforcement(true);
  });

  afterAll(async () => {
    await moto.stop();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });

  const keysOf = (user: SeededUser): NodeJS.ProcessEnv => ({
    AWS_ACCESS_KEY_ID: user.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: user.credentials.secretAccessKey,
  });

  it("assumes the role as session <user name> on a miss, then serves the cache without network", async () => {
    const home = newHome();
    const args = ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", roleArn];
    const miss = await runPlugin(
      args,
      isolatedEnv(home, { ...keysOf(alice), AWS_ENDPOINT_URL_STS: moto.endpoint }),
    );
    expect(miss).toMatchObject({ code: 0, stderr: "" });

    const url = presignedUrl(miss.stdout);
    expect(url.host).toBe(`sts.${REGION}.amazonaws.com`);
    const tokenKeyId = url.searchParams.get("X-Amz-Credential")?.split("/")[0];
    expect(tokenKeyId).not.toBe(alice.credentials.accessKeyId);
    expect(url.searchParams.get("X-Amz-Security-Token")).toMatch(/^.{20,}$/);

    // The cached role credentials are the ones the token was signed with, and STS says
    // whose session they are.
    const cacheDir = join(home, ".cache", "eksgate");
    const roleFile = readdirSync(cacheDir).find((name) => name.startsWith("role-"));
    expect(roleFile).toBeDefined();
    const role = JSON.parse(readFileSync(join(cacheDir, roleFile ?? ""), "utf8")) as Record<string, string>;
    expect(role["accessKeyId"]).toBe(tokenKeyId);
    const sts = new STSClient({
      endpoint: moto.endpoint,
      region: REGION,
      credentials: {
        accessKeyId: role["accessKeyId"] ?? "",
        secretAccessKey: role["secretAccessKey"] ?? "",
        sessionToken: role["sessionToken"] ?? "",
      },
    });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/team-a-eks/alice`);

    // Second call: nothing reachable (STS on a closed port), same token.
    const hit = await runPlugin(
      args,
      isolatedEnv(home, { ...keysOf(alice), AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9" }),
    );
    expect(hit).toMatchObject({ code: 0, stderr: "" });
    expect(hit.stdout).toBe(miss.stdout);
  });

  it("signs a new token from cached role credentials when the token cache is gone", async () => {
    const home = newHome();
    const args = ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", roleArn];
    const first = await runPlugin(
      args,
      isolatedEnv(home, { ...keysOf(alice), AWS_ENDPOINT_URL_STS: moto.endpoint }),
    );
    expect(first.code).toBe(0);
    const cacheDir = join(home, ".cache", "eksgate");
    const tokenFiles = readdirSync(cacheDir).filter((n) => n.startsWith("token"));
    expect(tokenFiles).toHaveLength(1);
    for (const name of tokenFiles) rmSync(join(cacheDir, name));
    const second = await runPlugin(
      args,
      isolatedEnv(home, { ...keysOf(alice), AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9" }),
    );
    expect(second).toMatchObject({ code: 0, stderr: "" });
    expect(presignedUrl(second.stdout).searchParams.get("X-Amz-Credential")).toBe(
      presignedUrl(first.stdout).searchParams.get("X-Amz-Credential"),
    );
  });

  it("tells a non-member which group they need, in one line, exit 1", async () => {
    const home = newHome();
    const run = await runPlugin(
      ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", roleArn, "--group", "team-a"],
      isolatedEnv(home, { ...keysOf(bob), AWS_ENDPOINT_URL_STS: moto.endpoint }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      new RegExp(
        `^eksgate token: not allowed to assume role ${roleArn}: is your IAM user in IAM group team-a\\?.*\\n$`,
      ),
    );
    expect(run.stderr.split("\n")).toHaveLength(2);
  });

  it("refuses a session name other than the user's own when the trust policy forces it", async () => {
    const home = newHome();
    const run = await runPlugin(
      ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", roleArn, "--session-name", "not-alice"],
      isolatedEnv(home, { ...keysOf(alice), AWS_ENDPOINT_URL_STS: moto.endpoint }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^eksgate token: not allowed to assume role /);
  });

  it("loads credentials from a profile through the SDK chain, with nothing on stderr", async () => {
    const home = newHome();
    writeFileSync(
      join(home, "credentials"),
      `[alice]\naws_access_key_id = ${alice.credentials.accessKeyId}\naws_secret_access_key = ${alice.credentials.secretAccessKey}\n`,
    );
    writeFileSync(join(home, "config"), `[profile alice]\nregion = ${REGION}\n`);
    const run = await runPlugin(
      ["--cluster-name", CLUSTER, "--role-arn", roleArn, "--profile", "alice"],
      isolatedEnv(home, {
        AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
        AWS_CONFIG_FILE: join(home, "config"),
        AWS_ENDPOINT_URL_STS: moto.endpoint,
      }),
    );
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(presignedUrl(run.stdout).host).toBe(`sts.${REGION}.amazonaws.com`);
  });

  it("tells the user to run aws sso login when the SSO session has expired", async () => {
    const home = newHome();
    const startUrl = "https://example.awsapps.com/start";
    writeFileSync(
      join(home, "config"),
      `[profile dev]\nsso_start_url = ${startUrl}\nsso_region = ${REGION}\nsso_account_id = ${MOTO_ACCOUNT_ID}\nsso_role_name = Dev\nregion = ${REGION}\n`,
    );
    // The legacy SSO token cache file: ~/.aws/sso/cache/<sha1 of the start URL>.json, expired.
    mkdirSync(join(home, ".aws", "sso", "cache"), { recursive: true });
    writeFileSync(
      join(home, ".aws", "sso", "cache", `${createHash("sha1").update(startUrl).digest("hex")}.json`),
      JSON.stringify({ startUrl, region: REGION, accessToken: "expired", expiresAt: "2020-01-01T00:00:00Z" }),
    );
    const run = await runPlugin(
      ["--cluster-name", CLUSTER, "--profile", "dev"],
      isolatedEnv(home, {
        AWS_CONFIG_FILE: join(home, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
      }),
    );
    expect(run.code).toBe(1);
    // Read by eksgate itself (src/token/sso.ts), not the SDK: a coded line saying what to run.
    expect(run.stderr).toBe(
      `eksgate token: TOK102 the sign-in to SSO start URL ${startUrl} expired at 2020-01-01T00:00:00.000Z; run \`aws sso login --profile dev\` and try again\n`,
    );
  });

  it("says what to set when there are no credentials at all", async () => {
    const home = newHome();
    const run = await runPlugin(["--cluster-name", CLUSTER, "--region", REGION], isolatedEnv(home, {}));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "eksgate token: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a configured profile with --profile or AWS_PROFILE (see `aws configure`)\n",
    );
  });
});
