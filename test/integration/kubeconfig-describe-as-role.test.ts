// `eksgate kubeconfig` for a team member who holds only what eksgate's group policy gives:
// sts:AssumeRole on the team role. Their own DescribeCluster is denied, so the command reads
// the cluster as the team role (whose policy allows eks:DescribeCluster), under their IAM
// user name as session name, as the trust policy demands. Someone outside the group gets an
// error that names both denials and what to do.
//
// Starts its own moto with IAM enforcement on (EKS and STS answered by moto itself), so it
// does not switch enforcement on under other test files.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand, DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  accountRootTrustPolicy,
  assumeRolePolicy,
  awsClients,
  createGroup,
  createRole,
  createUserWithAccessKey,
  putGroupPolicy,
  putRolePolicy,
  SEED_CREDENTIALS,
  type SeededUser,
} from "../env/aws-seed.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";

const CLI_JS = join(import.meta.dirname, "../../dist/cli.js");
const REGION = "us-east-2";
const CLUSTER = "shared-dev";
const ROLE = "eksgate-payments";
const ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${ROLE}`;

const CONFIG = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${MOTO_ACCOUNT_ID}"
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
`;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let moto: MotoServer;
let home: string;
let alice: SeededUser;
let mallory: SeededUser;
let endpoint = "";

beforeAll(async () => {
  moto = await startMoto();
  const { iam } = awsClients(moto.endpoint);
  await createGroup(iam, "payments-devs");
  await putGroupPolicy(iam, "payments-devs", "AssumeTeamRole", assumeRolePolicy(ROLE_ARN));
  await createRole(
    iam,
    ROLE,
    accountRootTrustPolicy(MOTO_ACCOUNT_ID, { StringEquals: { "sts:RoleSessionName": "${aws:username}" } }),
  );
  await putRolePolicy(iam, ROLE, "ReadCluster", {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }],
  });
  alice = await createUserWithAccessKey(iam, "alice", ["payments-devs"]);
  mallory = await createUserWithAccessKey(iam, "mallory");
  const eks = new EKSClient({ region: REGION, endpoint: moto.endpoint, credentials: SEED_CREDENTIALS });
  await eks.send(
    new CreateClusterCommand({
      name: CLUSTER,
      roleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/cluster`,
      resourcesVpcConfig: {},
    }),
  );
  endpoint = (await eks.send(new DescribeClusterCommand({ name: CLUSTER }))).cluster?.endpoint ?? "";
  await moto.setEnforcement(true);
  home = mkdtempSync(join(tmpdir(), "eksgate-kubeconfig-role-"));
  writeFileSync(join(home, "eksgate.yaml"), CONFIG);
});

afterAll(async () => {
  await moto.stop();
  rmSync(home, { recursive: true, force: true });
});

function run(user: SeededUser, args: readonly string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: home,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ACCESS_KEY_ID: user.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: user.credentials.secretAccessKey,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_CONFIG_FILE: join(home, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
    NO_COLOR: "1",
  };
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI_JS, "kubeconfig", ...args],
      { env, cwd: home, encoding: "utf8" },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
      },
    );
  });
}

describe("eksgate kubeconfig when the member may not call DescribeCluster", () => {
  it("the member's own DescribeCluster is denied (the premise)", async () => {
    const eks = new EKSClient({ region: REGION, endpoint: moto.endpoint, credentials: alice.credentials });
    // moto answers EKS denials with an XML body the SDK cannot parse; the status is what counts.
    const denied = await eks.send(new DescribeClusterCommand({ name: CLUSTER })).then(
      () => undefined,
      (error: unknown) =>
        error as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } },
    );
    expect(denied?.$metadata?.httpStatusCode ?? denied?.$response?.statusCode).toBe(403);
  });

  it("reads the cluster as the team role, says so, and writes the entries", async () => {
    const kubeconfig = join(home, "kube-alice");
    const r = await run(alice, ["-c", "eksgate.yaml", "--cluster", CLUSTER, "--kubeconfig", kubeconfig]);
    expect(r.stderr).toContain(`read ${CLUSTER} as the team role ${ROLE_ARN}`);
    expect(r.code).toBe(0);
    const written = parse(readFileSync(kubeconfig, "utf8")) as {
      clusters: { cluster: { server: string } }[];
      users: { user: { exec: { args: string[] } } }[];
    };
    expect(written.clusters[0]?.cluster.server).toBe(endpoint);
    expect(written.users[0]?.user.exec.args).toContain(ROLE_ARN);
  });

  it("outside the group: exit 1, both denials named, what to do, nothing written", async () => {
    const kubeconfig = join(home, "kube-mallory");
    const r = await run(mallory, ["-c", "eksgate.yaml", "--cluster", CLUSTER, "--kubeconfig", kubeconfig]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is denied to your identity");
    expect(r.stderr).toContain(`reading it as the team role ${ROLE_ARN} (session mallory) failed too`);
    expect(r.stderr).toContain("team's IAM group");
    // A stack frame, not the diagnostic's own "  at <field>" line.
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(() => readFileSync(kubeconfig, "utf8")).toThrow();
  });
});
