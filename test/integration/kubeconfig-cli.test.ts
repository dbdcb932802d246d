// `eksgate kubeconfig` as a person runs it: the built CLI in its own process, DescribeCluster
// answered by the EKS double, the caller's identity by moto, files in a private HOME.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { awsClients, createUserWithAccessKey, type SeededUser } from "../env/aws-seed.js";
import { motoEnv, uniqueName } from "../env/context.js";
import { startEksDouble, type EksDouble } from "../env/eks-double/index.js";

const CLI_JS = join(import.meta.dirname, "../../dist/cli.js");
const REGION = "us-east-2";
const ACCOUNT = "123456789012";
const CLUSTER = "dev.my-eks-cluster";
const CLUSTER_ARN = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/eksgate-payments`;
const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n").toString("base64");
const SERVER = "https://ABCDEF.gr7.us-east-2.eks.amazonaws.com";

const CONFIG = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: ${CLUSTER}
    region: ${REGION}
    authentication: aws-auth
teams:
  - name: payments
    iamGroup: payments-devs
    access:
      - cluster: ${CLUSTER}
        clusterRole: edit
        namespaces: [payments]
  - name: support
    iamGroup: support
    access:
      - cluster: ${CLUSTER}
        clusterRole: view
`;

const OTHER_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: kind-dev
    cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: S0lORA== }
contexts:
  - name: kind-dev
    context: { cluster: kind-dev, user: kind-dev }
users:
  - name: kind-dev
    user: { token: abc }
current-context: kind-dev
preferences: {}
x-my-tool: keep-me
`;

interface Report {
  readonly ok: boolean;
  readonly kubeconfig: { readonly path: string; readonly written: boolean };
  readonly cluster: Record<string, string>;
  readonly user: {
    readonly user: { readonly exec: { readonly command: string; readonly args: readonly string[] } };
  };
  readonly awsProfile?: Record<string, unknown>;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe("eksgate kubeconfig", () => {
  let eks: EksDouble;
  let home: string;
  let alice: SeededUser;

  beforeAll(async () => {
    eks = await startEksDouble({ region: REGION, accountId: ACCOUNT });
    eks.seedCluster({ name: CLUSTER, endpoint: SERVER, certificateAuthorityData: CA });
    const { iam } = awsClients(motoEnv().endpoint);
    alice = await createUserWithAccessKey(iam, uniqueName("alice"));
  });
  afterAll(async () => {
    await eks.stop();
  });

  function setup(): { dir: string; env: NodeJS.ProcessEnv } {
    home = mkdtempSync(join(tmpdir(), "eksgate-kubeconfig-it-"));
    writeFileSync(join(home, "eksgate.yaml"), CONFIG);
    return {
      dir: home,
      env: {
        PATH: process.env["PATH"],
        HOME: home,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ACCESS_KEY_ID: "AKIASEEDSEEDSEEDSEED",
        AWS_SECRET_ACCESS_KEY: "seed",
        AWS_ENDPOINT_URL_EKS: eks.endpoint,
        AWS_ENDPOINT_URL_STS: motoEnv().endpoint,
        AWS_CONFIG_FILE: join(home, "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
        NO_COLOR: "1",
      },
    };
  }
  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function run(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [CLI_JS, "kubeconfig", ...args],
        { env, cwd, encoding: "utf8" },
        (error, stdout, stderr) => {
          done({
            code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
            stdout,
            stderr,
          });
        },
      );
    });
  }

  it("merges into the first KUBECONFIG file only, keeps other entries, writes 0600", async () => {
    const { dir, env } = setup();
    const first = join(dir, "first.yaml");
    const second = join(dir, "second.yaml");
    writeFileSync(first, OTHER_KUBECONFIG, { mode: 0o644 });
    writeFileSync(second, OTHER_KUBECONFIG);
    const result = await run(
      ["-c", "eksgate.yaml", "--team", "payments"],
      { ...env, KUBECONFIG: `${first}:${second}` },
      dir,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`+ cluster         ${CLUSTER_ARN}  (add)`);

    expect(readFileSync(second, "utf8")).toBe(OTHER_KUBECONFIG);
    expect(statSync(first).mode & 0o777).toBe(0o600);
    const written = parse(readFileSync(first, "utf8")) as Record<string, unknown>;
    expect(written["x-my-tool"]).toBe("keep-me");
    expect(written["current-context"]).toBe("kind-dev");
    const users = written["users"] as { name: string; user: Record<string, unknown> }[];
    expect(users.map((u) => u.name)).toEqual(["kind-dev", CLUSTER_ARN]);
    expect(users[0]?.user).toEqual({ token: "abc" });
    expect(users[1]?.user).toEqual({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1",
        command: "eksgate-token",
        args: [
          "--cluster-name",
          CLUSTER,
          "--region",
          REGION,
          "--role-arn",
          ROLE_ARN,
          "--group",
          "payments-devs",
        ],
        interactiveMode: "Never",
      },
    });
    const clusters = written["clusters"] as { name: string; cluster: Record<string, unknown> }[];
    expect(clusters[1]).toEqual({
      name: CLUSTER_ARN,
      cluster: { server: SERVER, "certificate-authority-data": CA },
    });

    // Running it again changes nothing.
    const before = readFileSync(first, "utf8");
    const again = await run(["-c", "eksgate.yaml", "--team", "payments"], { ...env, KUBECONFIG: first }, dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already up to date");
    expect(readFileSync(first, "utf8")).toBe(before);
  });

  it("--dry-run shows the change and writes nothing; --set-context switches the context", async () => {
    const { dir, env } = setup();
    const file = join(dir, "config");
    writeFileSync(file, OTHER_KUBECONFIG);
    const dry = await run(
      ["-c", "eksgate.yaml", "--team", "support", "--set-context", "--dry-run"],
      { ...env, KUBECONFIG: file },
      dir,
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("dry run: nothing is written");
    expect(dry.stdout).toContain(`~ current-context ${CLUSTER_ARN}  (replace)`);
    expect(dry.stdout).toContain("command: eksgate-token");
    expect(readFileSync(file, "utf8")).toBe(OTHER_KUBECONFIG);

    const real = await run(
      ["-c", "eksgate.yaml", "--team", "support", "--set-context"],
      { ...env, KUBECONFIG: file },
      dir,
    );
    expect(real.code).toBe(0);
    expect((parse(readFileSync(file, "utf8")) as Record<string, unknown>)["current-context"]).toBe(
      CLUSTER_ARN,
    );
  });

  it("works without a config file, and reports what it wrote as JSON", async () => {
    const { dir, env } = setup();
    const file = join(dir, "kube", "config");
    const result = await run(
      ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", ROLE_ARN, "--kubeconfig", file, "--json"],
      env,
      dir,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(report.kubeconfig).toMatchObject({ path: file, written: true });
    expect(report.cluster).toEqual({ name: CLUSTER, region: REGION, arn: CLUSTER_ARN, server: SERVER });
    expect(report.user.user.exec.command).toBe("eksgate-token");
    expect(report.user.user.exec.args).toEqual([
      "--cluster-name",
      CLUSTER,
      "--region",
      REGION,
      "--role-arn",
      ROLE_ARN,
    ]);
    // A new kubeconfig gets our context as the current one, like aws eks update-kubeconfig.
    expect((parse(readFileSync(file, "utf8")) as Record<string, unknown>)["current-context"]).toBe(
      CLUSTER_ARN,
    );
    expect(statSync(join(dir, "kube")).mode & 0o777).toBe(0o700);
  });

  it("--exec aws names the caller's session in the profile and writes it only when asked", async () => {
    const { dir, env } = setup();
    writeFileSync(
      join(dir, "aws-credentials"),
      `[me]\naws_access_key_id = ${alice.credentials.accessKeyId}\naws_secret_access_key = ${alice.credentials.secretAccessKey}\n`,
    );
    const file = join(dir, "config");
    const args = [
      "-c",
      "eksgate.yaml",
      "--team",
      "payments",
      "--exec",
      "aws",
      "--source-profile",
      "me",
      "--kubeconfig",
      file,
    ];
    const section = `[profile eksgate-payments]\nrole_arn = ${ROLE_ARN}\nsource_profile = me\nrole_session_name = ${alice.userName}\n`;

    const notAsked = await run(args, env, dir);
    expect(notAsked.code).toBe(0);
    expect(notAsked.stdout).toContain("profile eksgate-payments is missing");
    expect(notAsked.stdout).toContain(`role_session_name = ${alice.userName}`);
    expect(existsSync(join(dir, "aws-config"))).toBe(false);

    const dry = await run([...args, "--write-aws-profile", "--dry-run", "--json"], env, dir);
    const dryReport = JSON.parse(dry.stdout) as Report;
    expect(dryReport.awsProfile).toMatchObject({
      action: "add",
      written: false,
      sessionNameFrom: "caller",
    });
    expect(existsSync(join(dir, "aws-config"))).toBe(false);

    const write = await run([...args, "--write-aws-profile"], env, dir);
    expect(write.code).toBe(0);
    expect(readFileSync(join(dir, "aws-config"), "utf8")).toBe(section);
    const users = (
      parse(readFileSync(file, "utf8")) as {
        users: { user: { exec: { command: string; args: string[] } } }[];
      }
    ).users;
    expect(users[0]?.user.exec.command).toBe("aws");
    expect(users[0]?.user.exec.args).toEqual([
      "--region",
      REGION,
      "eks",
      "get-token",
      "--cluster-name",
      CLUSTER,
      "--output",
      "json",
      "--profile",
      "eksgate-payments",
    ]);
  });

  it("never clobbers an existing profile with other settings, and writes nothing then", async () => {
    const { dir, env } = setup();
    const theirs = `[profile eksgate-payments]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/something-else\nsource_profile = me\n`;
    writeFileSync(join(dir, "aws-config"), theirs);
    const file = join(dir, "config");
    const result = await run(
      [
        "-c",
        "eksgate.yaml",
        "--team",
        "payments",
        "--exec",
        "aws",
        "--session-name",
        "alice",
        "--source-profile",
        "me",
        "--write-aws-profile",
        "--kubeconfig",
        file,
      ],
      env,
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("profile eksgate-payments already exists");
    expect(result.stderr).toContain("--profile-name");
    expect(readFileSync(join(dir, "aws-config"), "utf8")).toBe(theirs);
    expect(existsSync(file)).toBe(false);
  });

  it("says what is wrong with the cluster, the team or the kubeconfig, and exits 1", async () => {
    const { dir, env } = setup();
    const file = join(dir, "config");
    const missing = await run(
      ["--cluster-name", "nope", "--region", REGION, "--role-arn", ROLE_ARN, "--kubeconfig", file],
      env,
      dir,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cluster nope does not exist in us-east-2");

    const twoTeams = await run(["-c", "eksgate.yaml", "--kubeconfig", file], env, dir);
    expect(twoTeams.code).toBe(1);
    expect(twoTeams.stderr).toContain("--team is required");
    expect(twoTeams.stderr).toContain("payments, support");

    writeFileSync(file, "clusters: [\n");
    const broken = await run(["-c", "eksgate.yaml", "--team", "payments", "--kubeconfig", file], env, dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("is not valid YAML");
    expect(readFileSync(file, "utf8")).toBe("clusters: [\n");
  });
});
