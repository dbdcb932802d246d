// The `--exec aws` kubeconfig with the installed aws CLI (v1): the profile eksgate writes
// makes `aws eks get-token` assume the team role under the member's own session name,
// which `--role-arn` cannot do (it always uses EKSGetTokenAuth). STS is moto; the token's
// presigned URL names the assumed-role keys, and moto says whose session they belong to.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { awsClients, createRole, createUserWithAccessKey, type SeededUser } from "../env/aws-seed.js";
import { motoEnv, runProgram as run, uniqueName } from "../env/context.js";
import { startEksDouble, type EksDouble } from "../env/eks-double/index.js";

const CLI_JS = join(import.meta.dirname, "../../dist/cli.js");
const REGION = "us-east-2";
const ACCOUNT = "123456789012";
const CLUSTER = "demo";

interface AssumedRoleRecord {
  readonly access_key_id: string;
  readonly session_name: string;
  readonly role_arn: string;
  readonly arn: string;
}

describe("eksgate kubeconfig --exec aws with the installed aws CLI", () => {
  let eks: EksDouble;
  let home: string;
  let alice: SeededUser;
  let roleArn: string;

  beforeAll(async () => {
    eks = await startEksDouble({ region: REGION, accountId: ACCOUNT });
    eks.seedCluster({
      name: CLUSTER,
      endpoint: "https://127.0.0.1:6443",
      certificateAuthorityData: Buffer.from("ca").toString("base64"),
    });
    const { iam } = awsClients(motoEnv().endpoint);
    alice = await createUserWithAccessKey(iam, uniqueName("alice"));
    const roleName = uniqueName("eksgate-team");
    roleArn = await createRole(iam, roleName, {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: alice.arn }, Action: "sts:AssumeRole" }],
    });
    home = mkdtempSync(join(tmpdir(), "eksgate-kubeconfig-awscli-"));
  });
  afterAll(async () => {
    await eks.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it("the written profile makes aws eks get-token sign with a session named after the caller", async () => {
    writeFileSync(
      join(home, "credentials"),
      `[alice]\naws_access_key_id = ${alice.credentials.accessKeyId}\naws_secret_access_key = ${alice.credentials.secretAccessKey}\n`,
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"],
      HOME: home,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: join(home, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
      AWS_ENDPOINT_URL_STS: motoEnv().endpoint,
      AWS_ENDPOINT_URL_EKS: eks.endpoint,
      KUBECONFIG: join(home, "kubeconfig"),
    };
    const written = await run(
      process.execPath,
      [
        CLI_JS,
        "kubeconfig",
        "--cluster-name",
        CLUSTER,
        "--region",
        REGION,
        "--role-arn",
        roleArn,
        "--exec",
        "aws",
        "--source-profile",
        "alice",
        "--write-aws-profile",
      ],
      // DescribeCluster with any keys; the caller identity comes from the alice profile.
      { ...env, AWS_ACCESS_KEY_ID: "AKIASEEDSEEDSEEDSEED", AWS_SECRET_ACCESS_KEY: "seed" },
    );
    expect(written.stderr).toBe("");
    expect(written.code).toBe(0);

    // Run exactly what kubectl would run.
    const kubeconfig = parse(readFileSync(join(home, "kubeconfig"), "utf8")) as {
      users: { user: { exec: { command: string; args: string[] } } }[];
    };
    const exec = kubeconfig.users[0]?.user.exec;
    expect(exec?.command).toBe("aws");
    const result = await run(exec?.command ?? "aws", exec?.args ?? [], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const credential = JSON.parse(result.stdout) as { kind: string; status: { token: string } };
    expect(credential.kind).toBe("ExecCredential");
    const url = new URL(
      Buffer.from(credential.status.token.slice("k8s-aws-v1.".length), "base64url").toString("utf8"),
    );
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    expect(url.searchParams.get("X-Amz-Security-Token")).not.toBeNull();
    const accessKeyId = url.searchParams.get("X-Amz-Credential")?.split("/")[0];

    const state = (await (await fetch(`${motoEnv().endpoint}/moto-api/data.json`)).json()) as {
      sts: { AssumedRole: AssumedRoleRecord[] };
    };
    const session = state.sts.AssumedRole.find((r) => r.access_key_id === accessKeyId);
    expect(session).toMatchObject({ role_arn: roleArn, session_name: alice.userName });
    expect(session?.arn.endsWith(`/${alice.userName}`)).toBe(true);
  });
});
