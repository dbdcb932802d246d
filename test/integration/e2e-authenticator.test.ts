// End to end through the real authenticator: eksgate apply sets up IAM (moto, enforcing) and
// the cluster (a real kube-apiserver whose token webhook is aws-iam-authenticator, reading
// the aws-auth ConfigMap eksgate wrote); `eksgate kubeconfig` writes the member's
// kubeconfig; the real kubectl runs the exec plugin, and the authenticator verifies the
// token by calling "STS" (the loopback verifier, which checks the presigned signature with
// the keys moto holds). Nothing in the chain between kubectl and RBAC is a stand-in except
// STS's answer to the presigned GetCallerIdentity.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authenticatorBinary,
  prepareAuthenticator,
  startAuthenticator,
  type Authenticator,
} from "../env/authenticator.js";
import {
  awsClients,
  createGroup,
  createUserWithAccessKey,
  putUserPolicy,
  type SeededUser,
} from "../env/aws-seed.js";
import {
  motoEnv,
  type ProgramRun as Run,
  runProgram as run,
  setMotoEnforcement,
  uniqueName,
} from "../env/context.js";
import { startEksDouble, type EksDouble } from "../env/eks-double/index.js";
import { startKube, type KubeEnv } from "../env/kube.js";
import { startStsVerifier, type StsVerifier } from "../env/sts-verifier.js";
import { LONG_SCENARIO_TIMEOUT_MS } from "../support/time-limits.js";

const CLI_JS = join(import.meta.dirname, "../../dist/cli.js");
const SHIM = join(import.meta.dirname, "../../bin/eksgate-token");
const REGION = "us-east-2";
const ACCOUNT = "123456789012";
const CLUSTER = "e2e-cluster";
const CLUSTER_ARN = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`;

function log(line: string): void {
  process.stderr.write(`[e2e] ${line}\n`);
}

describe("end to end through aws-iam-authenticator", () => {
  let work: string;
  let verifier: StsVerifier;
  let kube: KubeEnv;
  let eks: EksDouble;
  let authenticator: Authenticator | undefined;
  let alice: SeededUser;
  let bob: SeededUser;
  let group: string;
  let team: string;
  let namespace: string;
  let roleArn: string;
  const kubeconfigs: Record<"eksgate" | "awsAlice" | "awsBob", string> = {
    eksgate: "",
    awsAlice: "",
    awsBob: "",
  };
  let binDir: string;
  let nodeLog: string;
  let adminKubeconfig: string;
  let config: string;

  /** What a person's shell holds: their own keys (or profiles), nothing of the test's. */
  function personEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const home = mkdtempSync(join(work, "home-"));
    return {
      PATH: `${binDir}:${process.env["PATH"] ?? ""}`,
      HOME: home,
      XDG_CACHE_HOME: join(home, ".cache"),
      KUBECACHEDIR: join(home, ".kube-cache"),
      AWS_EC2_METADATA_DISABLED: "true",
      NO_PROXY: "127.0.0.1,localhost",
      ...extra,
    };
  }

  function eksgateFormEnv(user: SeededUser): NodeJS.ProcessEnv {
    return personEnv({
      KUBECONFIG: kubeconfigs.eksgate,
      AWS_ACCESS_KEY_ID: user.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: user.credentials.secretAccessKey,
      // eksgate token's AssumeRole and GetCallerIdentity go to moto; the token it signs
      // still names https://sts.us-east-2.amazonaws.com/, which the authenticator calls.
      AWS_ENDPOINT_URL_STS: motoEnv().endpoint,
    });
  }

  function awsFormEnv(kubeconfig: string): NodeJS.ProcessEnv {
    return personEnv({
      KUBECONFIG: kubeconfig,
      AWS_CONFIG_FILE: join(
        work,
        kubeconfig === kubeconfigs.awsAlice ? "aws-config-alice" : "aws-config-bob",
      ),
      AWS_SHARED_CREDENTIALS_FILE: join(work, "aws-credentials"),
      // The aws CLI reaches "sts.amazonaws.com" through the verifier's proxy (which passes
      // AssumeRole on to moto), so the token it signs names the real STS host too.
      HTTPS_PROXY: verifier.proxyUrl,
      AWS_CA_BUNDLE: verifier.caFile,
    });
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "eksgate-e2e-"));
    const binary = await authenticatorBinary(log);
    verifier = await startStsVerifier({ motoEndpoint: motoEnv().endpoint, regions: [REGION] });
    const prepared = await prepareAuthenticator();
    kube = await startKube({ webhookUrl: prepared.webhookUrl, webhookCaData: prepared.caData });
    eks = await startEksDouble({ region: REGION, accountId: ACCOUNT });
    eks.seedCluster({
      name: CLUSTER,
      endpoint: kube.server,
      certificateAuthorityData: Buffer.from(kube.caData).toString("base64"),
      authenticationMode: "CONFIG_MAP",
    });

    // IAM: the team's group with alice in it; bob is in no group.
    const { iam } = awsClients(motoEnv().endpoint);
    group = uniqueName("e2e-devs");
    await createGroup(iam, group);
    alice = await createUserWithAccessKey(iam, uniqueName("alice"), [group]);
    bob = await createUserWithAccessKey(iam, uniqueName("bob"));
    team = uniqueName("e2e");
    roleArn = `arn:aws:iam::${ACCOUNT}:role/eksgate-${team}`;

    // The admin's kubeconfig: a context named after the cluster ARN, as eksgate looks for.
    adminKubeconfig = join(work, "admin.kubeconfig");
    writeFileSync(
      adminKubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: CLUSTER_ARN,
            cluster: {
              server: kube.server,
              "certificate-authority-data": Buffer.from(kube.caData).toString("base64"),
            },
          },
        ],
        users: [{ name: "admin", user: { token: kube.adminToken } }],
        contexts: [{ name: CLUSTER_ARN, context: { cluster: CLUSTER_ARN, user: "admin" } }],
        "current-context": CLUSTER_ARN,
      }),
    );
    namespace = uniqueName("team-ns");
    const adminEnv = {
      PATH: process.env["PATH"],
      HOME: work,
      KUBECONFIG: adminKubeconfig,
      KUBECACHEDIR: kube.kubeCacheDir,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ACCESS_KEY_ID: "AKIASEEDSEEDSEEDSEED",
      AWS_SECRET_ACCESS_KEY: "seed",
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_IAM: motoEnv().endpoint,
      AWS_ENDPOINT_URL_STS: motoEnv().endpoint,
      AWS_ENDPOINT_URL_EKS: eks.endpoint,
      XDG_STATE_HOME: join(work, "state"),
      NO_COLOR: "1",
    };
    const ns = await run("kubectl", ["create", "namespace", namespace], adminEnv);
    expect(ns.stderr).toBe("");

    config = join(work, "eksgate.yaml");
    writeFileSync(
      config,
      `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: ${CLUSTER}
    region: ${REGION}
    authentication: aws-auth
teams:
  - name: ${team}
    iamGroup: ${group}
    access:
      - cluster: ${CLUSTER}
        clusterRole: view
        namespaces: [${namespace}]
`,
    );
    const applied = await run(process.execPath, [CLI_JS, "apply", "-c", config, "--auto-approve"], adminEnv);
    if (applied.code !== 0) throw new Error(`eksgate apply failed:\n${applied.stdout}\n${applied.stderr}`);

    authenticator = await startAuthenticator(binary, prepared, {
      clusterId: CLUSTER,
      kubeconfig: adminKubeconfig,
      stsProxy: verifier,
    });

    // `eksgate` and `eksgate-token` on the PATH, as an installed package puts them there
    // (eksgate-token is linked, as npm links it, and finds dist/ through the link), and a
    // `node` that counts its starts, so a test can tell when the shell script answered alone.
    binDir = join(work, "bin");
    mkdirSync(binDir);
    writeFileSync(join(binDir, "eksgate"), `#!/bin/sh\nexec "${process.execPath}" "${CLI_JS}" "$@"\n`);
    chmodSync(join(binDir, "eksgate"), 0o755);
    symlinkSync(SHIM, join(binDir, "eksgate-token"));
    nodeLog = join(work, "node-starts.log");
    writeFileSync(
      join(binDir, "node"),
      `#!/bin/sh\necho "$*" >> "${nodeLog}"\nexec "${process.execPath}" "$@"\n`,
    );
    chmodSync(join(binDir, "node"), 0o755);

    // The member's kubeconfigs, written by eksgate kubeconfig (DescribeCluster at the double).
    writeFileSync(
      join(work, "aws-credentials"),
      [alice, bob]
        .map(
          (u, i) =>
            `[${i === 0 ? "alice" : "bob"}]\naws_access_key_id = ${u.credentials.accessKeyId}\naws_secret_access_key = ${u.credentials.secretAccessKey}\n`,
        )
        .join("\n"),
    );
    const writeKubeconfig = async (file: string, extra: string[], awsConfig: string): Promise<void> => {
      const result = await run(
        process.execPath,
        [CLI_JS, "kubeconfig", "-c", config, "--team", team, "--kubeconfig", file, ...extra],
        {
          ...adminEnv,
          AWS_CONFIG_FILE: join(work, awsConfig),
          AWS_SHARED_CREDENTIALS_FILE: join(work, "aws-credentials"),
        },
      );
      if (result.code !== 0)
        throw new Error(`eksgate kubeconfig failed:\n${result.stdout}\n${result.stderr}`);
    };
    kubeconfigs.eksgate = join(work, "kubeconfig-eksgate");
    kubeconfigs.awsAlice = join(work, "kubeconfig-aws-alice");
    kubeconfigs.awsBob = join(work, "kubeconfig-aws-bob");
    await writeKubeconfig(kubeconfigs.eksgate, [], "aws-config-unused");
    await writeKubeconfig(
      kubeconfigs.awsAlice,
      ["--exec", "aws", "--source-profile", "alice", "--write-aws-profile"],
      "aws-config-alice",
    );
    await writeKubeconfig(
      kubeconfigs.awsBob,
      ["--exec", "aws", "--source-profile", "bob", "--write-aws-profile"],
      "aws-config-bob",
    );

    // From here on moto checks every call like AWS: keys, identity policies, trust policies.
    await setMotoEnforcement(true);
  }, LONG_SCENARIO_TIMEOUT_MS);

  afterAll(async () => {
    await setMotoEnforcement(false);
    await authenticator?.stop();
    await kube.stop();
    await eks.stop();
    await verifier.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function kubectl(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<Run> {
    return run("kubectl", args, env);
  }

  function failureContext(result: Run): string {
    return `kubectl stderr:\n${result.stderr}\nauthenticator log (tail):\n${authenticator?.log().slice(-2500) ?? ""}`;
  }

  for (const form of ["eksgate", "aws"] as const) {
    describe(`kubeconfig with the ${form} exec form`, () => {
      const aliceEnv = (): NodeJS.ProcessEnv =>
        form === "eksgate" ? eksgateFormEnv(alice) : awsFormEnv(kubeconfigs.awsAlice);
      const bobEnv = (): NodeJS.ProcessEnv =>
        form === "eksgate" ? eksgateFormEnv(bob) : awsFormEnv(kubeconfigs.awsBob);

      it("alice is the team's user, named after her", async () => {
        const before = verifier.calls().length;
        const whoami = await kubectl(aliceEnv(), ["auth", "whoami", "-o", "json"]);
        expect(whoami.code, failureContext(whoami)).toBe(0);
        const review = JSON.parse(whoami.stdout) as {
          status: { userInfo: { username: string; groups: string[]; extra?: Record<string, string[]> } };
        };
        expect(review.status.userInfo.username).toBe(`eksgate:${team}:${alice.userName}`);
        expect(review.status.userInfo.groups).toContain(`eksgate:${team}`);
        expect(review.status.userInfo.extra?.["arn"]).toEqual([
          `arn:aws:sts::${ACCOUNT}:assumed-role/eksgate-${team}/${alice.userName}`,
        ]);
        // The authenticator really asked "STS", for this cluster, and the signature checked out.
        const calls = verifier.calls().slice(before);
        expect(calls.length).toBeGreaterThan(0);
        expect(calls.every((c) => c.outcome === "ok" && c.clusterId === CLUSTER)).toBe(true);
      });

      it("a verb her team has is allowed; one it lacks is forbidden", async () => {
        const env = aliceEnv();
        const list = await kubectl(env, ["get", "configmaps", "-n", namespace]);
        expect(list.code, failureContext(list)).toBe(0);
        const create = await kubectl(env, ["create", "configmap", uniqueName("nope"), "-n", namespace]);
        expect(create.code).not.toBe(0);
        expect(create.stderr).toContain("forbidden");
        expect(create.stderr).toContain(
          `User "eksgate:${team}:${alice.userName}" cannot create resource "configmaps"`,
        );
        const elsewhere = await kubectl(env, ["get", "configmaps", "-n", "default"]);
        expect(elsewhere.code).not.toBe(0);
        expect(elsewhere.stderr).toContain("forbidden");
      });

      it("bob, not in the group, is refused with a message he can act on", async () => {
        const result = await kubectl(bobEnv(), ["get", "configmaps", "-n", namespace]);
        expect(result.code).not.toBe(0);
        if (form === "eksgate") {
          expect(result.stderr).toContain(
            `eksgate token: not allowed to assume role ${roleArn}: is your IAM user in IAM group ${group}?`,
          );
        } else {
          expect(result.stderr).toContain("AccessDenied");
          expect(result.stderr).toContain("AssumeRole");
        }
        // kubectl never got a token to send, so the authenticator saw nothing from bob.
        expect(result.stderr).not.toContain("Unauthorized");
      });
    });
  }

  it("eksgate kubeconfig's exec entry runs eksgate-token, whose cached token the shell serves and the authenticator accepts", async () => {
    const written = readFileSync(kubeconfigs.eksgate, "utf8");
    expect(written).toContain("command: eksgate-token");
    expect(written).not.toMatch(/- token\n/);
    const nodeStarts = (): number =>
      existsSync(nodeLog) ? readFileSync(nodeLog, "utf8").split("\n").length - 1 : 0;
    const env = eksgateFormEnv(alice);
    const user = (run: Run): string =>
      (JSON.parse(run.stdout) as { status: { userInfo: { username: string } } }).status.userInfo.username;

    // A miss: the shell script hands over to Node, which assumes the role and caches the
    // token. The token is not sent anywhere yet.
    const startsBefore = nodeStarts();
    const filled = await run(
      join(binDir, "eksgate-token"),
      ["--cluster-name", CLUSTER, "--region", REGION, "--role-arn", roleArn, "--group", group],
      { ...env, KUBERNETES_EXEC_INFO: "" },
    );
    expect(filled.code, filled.stderr).toBe(0);
    expect(nodeStarts()).toBe(startsBefore + 1);
    const cachedToken = (JSON.parse(filled.stdout) as { status: { token: string } }).status.token;

    // kubectl runs the kubeconfig's entry: the shell serves that token without Node, and
    // the apiserver has never seen it, so the authenticator verifies it with "STS".
    const callsBefore = verifier.calls().length;
    for (const attempt of [1, 2]) {
      const result = await kubectl(env, ["auth", "whoami", "-o", "json"]);
      expect(result.code, `attempt ${attempt}: ${failureContext(result)}`).toBe(0);
      expect(user(result)).toBe(`eksgate:${team}:${alice.userName}`);
    }
    expect(nodeStarts()).toBe(startsBefore + 1);
    const calls = verifier.calls().slice(callsBefore);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.outcome === "ok" && c.clusterId === CLUSTER)).toBe(true);
    const signedWith = new URL(
      Buffer.from(cachedToken.slice("k8s-aws-v1.".length), "base64url").toString(),
    ).searchParams
      .get("X-Amz-Credential")
      ?.split("/")[0];
    expect(calls.map((c) => c.accessKeyId)).toContain(signedWith);
  });

  it("plan with no kubeconfig context connects with a token it signs itself, through the authenticator", async () => {
    // A platform admin with AWS keys and nothing else: no kubeconfig. aws-auth maps the user
    // to system:masters (as a cluster creator's entry would).
    await setMotoEnforcement(false);
    const { iam } = awsClients(motoEnv().endpoint);
    const adminName = uniqueName("platform-admin");
    const platform = await createUserWithAccessKey(iam, adminName);
    await putUserPolicy(iam, adminName, "everything", {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    });
    await setMotoEnforcement(true);
    const current = await run(
      "kubectl",
      ["--kubeconfig", adminKubeconfig, "-n", "kube-system", "get", "configmap", "aws-auth", "-o", "json"],
      personEnv({}),
    );
    expect(current.code, current.stderr).toBe(0);
    const data = (JSON.parse(current.stdout) as { data: Record<string, string> }).data;
    const mapUsers = `${data["mapUsers"] ?? ""}- userarn: ${platform.arn}\n  username: platform-admin\n  groups: [system:masters]\n`;
    const patched = await run(
      "kubectl",
      [
        "--kubeconfig",
        adminKubeconfig,
        "-n",
        "kube-system",
        "patch",
        "configmap",
        "aws-auth",
        "--type",
        "merge",
        "-p",
        JSON.stringify({ data: { mapUsers } }),
      ],
      personEnv({}),
    );
    expect(patched.code, patched.stderr).toBe(0);

    const noKubeconfig = join(work, "empty.kubeconfig");
    writeFileSync(noKubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    const before = verifier.calls().length;
    const plan = await run(
      process.execPath,
      [CLI_JS, "plan", "-c", config],
      personEnv({
        KUBECONFIG: noKubeconfig,
        AWS_ACCESS_KEY_ID: platform.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: platform.credentials.secretAccessKey,
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_IAM: motoEnv().endpoint,
        AWS_ENDPOINT_URL_STS: motoEnv().endpoint,
        AWS_ENDPOINT_URL_EKS: eks.endpoint,
        NO_COLOR: "1",
      }),
    );
    expect(plan.code, `${plan.stdout}\n${plan.stderr}\n${authenticator?.log().slice(-2500) ?? ""}`).toBe(0);
    // It read aws-auth and the RBAC objects it wrote earlier, as the platform admin.
    expect(plan.stdout).toContain("No changes: AWS and the clusters already match the config.");
    const calls = verifier.calls().slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.outcome === "ok" && c.clusterId === CLUSTER)).toBe(true);
    expect(calls.map((c) => c.arn)).toContain(platform.arn);
  });

  it("a token for another cluster is refused by the authenticator", async () => {
    // eksgate token for a cluster name the authenticator does not serve: the STS signature
    // covers x-k8s-aws-id, which the authenticator sets to its own cluster id.
    const env = eksgateFormEnv(alice);
    const minted = await run(
      process.execPath,
      [CLI_JS, "token", "--cluster-name", "some-other-cluster", "--region", REGION, "--role-arn", roleArn],
      env,
    );
    expect(minted.code, minted.stderr).toBe(0);
    const token = (JSON.parse(minted.stdout) as { status: { token: string } }).status.token;
    const before = verifier.calls().length;
    const result = await kubectl({ ...env, KUBECONFIG: "" }, [
      "--server",
      kube.server,
      "--certificate-authority",
      kube.caFile,
      "--token",
      token,
      "auth",
      "whoami",
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Unauthorized");
    // kubectl retries once after a 401; each attempt reached "STS" and was refused there.
    const calls = verifier.calls().slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.outcome === "denied" && c.clusterId === CLUSTER)).toBe(true);
    expect(calls[0]?.reason).toContain("SignatureDoesNotMatch");
  });
});

describe("the loopback STS verifier", () => {
  let verifier: StsVerifier;
  let clock = Date.now();
  let alice: SeededUser;
  let home: string;

  beforeAll(async () => {
    verifier = await startStsVerifier({ motoEndpoint: motoEnv().endpoint, now: () => clock });
    alice = await createUserWithAccessKey(awsClients(motoEnv().endpoint).iam, uniqueName("alice"));
    home = mkdtempSync(join(tmpdir(), "eksgate-sts-verifier-"));
  });
  afterAll(async () => {
    await verifier.stop();
    rmSync(home, { recursive: true, force: true });
  });

  async function presignedUrl(): Promise<string> {
    const minted = await run(
      process.execPath,
      [CLI_JS, "token", "--cluster-name", CLUSTER, "--region", REGION, "--no-cache"],
      {
        PATH: process.env["PATH"],
        HOME: home,
        AWS_ACCESS_KEY_ID: alice.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: alice.credentials.secretAccessKey,
      },
    );
    const token = (JSON.parse(minted.stdout) as { status: { token: string } }).status.token;
    return Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString("utf8");
  }

  async function ask(url: string, clusterId: string): Promise<Run> {
    return run(
      "curl",
      [
        "-sS",
        "--proxy",
        verifier.proxyUrl,
        "--cacert",
        verifier.caFile,
        "-H",
        `x-k8s-aws-id: ${clusterId}`,
        "-H",
        "accept: application/json",
        url,
      ],
      { PATH: process.env["PATH"] },
    );
  }

  it("answers a valid token with the caller, and refuses a wrong cluster, a changed signature and an old token", async () => {
    clock = Date.now();
    const url = await presignedUrl();
    const ok = await ask(url, CLUSTER);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      GetCallerIdentityResponse: { GetCallerIdentityResult: { Account: ACCOUNT, Arn: alice.arn } },
    });

    expect((await ask(url, "another-cluster")).stdout).toContain("SignatureDoesNotMatch");
    const signature = new URL(url).searchParams.get("X-Amz-Signature") ?? "";
    const flipped = url.replace(signature, `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
    expect((await ask(flipped, CLUSTER)).stdout).toContain("SignatureDoesNotMatch");

    clock = Date.now() + 16 * 60_000;
    expect((await ask(url, CLUSTER)).stdout).toContain("ExpiredToken");
    expect(verifier.calls().map((c) => c.outcome)).toEqual(["ok", "denied", "denied", "denied"]);
  });
});
