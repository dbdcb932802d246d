// moto as the tests' AWS: IAM enforcement with the trust-policy patch behaves like AWS for
// group-based role access (account-root trust + identity policy + session-name condition),
// plain moto does not, and the server leaves no process behind.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  accountRootTrustPolicy,
  assumeRolePolicy,
  awsClientConfig,
  awsClients,
  createGroup,
  createRole,
  createUserWithAccessKey,
  putGroupPolicy,
  putRolePolicy,
  type AwsCredentials,
  type PolicyDocument,
  type SeededUser,
} from "../env/aws-seed.js";
import {
  MOTO_ACCOUNT_ID,
  MOTO_INSTALL_HINT,
  MotoUnavailableError,
  startMoto,
  type MotoServer,
} from "../env/moto.js";

const ACCOUNT = MOTO_ACCOUNT_ID;
const SESSION_IS_USER_NAME = { StringEquals: { "sts:RoleSessionName": "${aws:username}" } };

interface Scenario {
  readonly alice: SeededUser;
  readonly bob: SeededUser;
  readonly roleArn: string;
}

/**
 * alice is in group `platform`, whose inline policy allows sts:AssumeRole on the role;
 * bob is in no group and has no policy. The role trusts `trust` (default: the account
 * root with the session-name condition). Enforcement is switched on at the end.
 */
async function seedGroupAccess(moto: MotoServer, trust?: PolicyDocument): Promise<Scenario> {
  const { iam } = awsClients(moto.endpoint);
  const roleArn = await createRole(
    iam,
    "platform-access",
    trust ?? accountRootTrustPolicy(ACCOUNT, SESSION_IS_USER_NAME),
  );
  await createGroup(iam, "platform");
  await putGroupPolicy(iam, "platform", "assume-platform-access", assumeRolePolicy(roleArn));
  const alice = await createUserWithAccessKey(iam, "alice", ["platform"]);
  const bob = await createUserWithAccessKey(iam, "bob");
  await moto.setEnforcement(true);
  return { alice, bob, roleArn };
}

function assumeRole(
  moto: MotoServer,
  credentials: AwsCredentials,
  roleArn: string,
  sessionName: string,
  externalId?: string,
) {
  const sts = new STSClient(awsClientConfig(moto.endpoint, credentials));
  return sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: sessionName,
      ...(externalId === undefined ? {} : { ExternalId: externalId }),
    }),
  );
}

function sessionCredentials(out: Awaited<ReturnType<typeof assumeRole>>): AwsCredentials {
  const c = out.Credentials;
  if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) {
    throw new Error("AssumeRole returned no credentials");
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

const accessDenied = { name: "AccessDenied" };

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

describe("moto with the trust-policy patch, IAM enforcement on", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto.stop();
  });
  beforeEach(async () => {
    await moto.reset();
  });

  it("lets a group member assume the root-trusting role with her user name as session name", async () => {
    const { alice, roleArn } = await seedGroupAccess(moto);
    const out = await assumeRole(moto, alice.credentials, roleArn, "alice");
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-access/alice`);

    // The session credentials are real: moto authenticates them under enforcement.
    const sts = new STSClient(awsClientConfig(moto.endpoint, sessionCredentials(out)));
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-access/alice`);
  });

  it("denies the member a session name other than her user name", async () => {
    const { alice, roleArn } = await seedGroupAccess(moto);
    await expect(assumeRole(moto, alice.credentials, roleArn, "bob")).rejects.toMatchObject(accessDenied);
    await expect(assumeRole(moto, alice.credentials, roleArn, "alice-admin")).rejects.toMatchObject(
      accessDenied,
    );
  });

  it("denies a user outside the group, whose own identity policies allow nothing", async () => {
    const { bob, roleArn } = await seedGroupAccess(moto);
    await expect(assumeRole(moto, bob.credentials, roleArn, "bob")).rejects.toMatchObject(accessDenied);
  });

  it("denies only because enforcement is on: with it off the same call passes", async () => {
    const { bob, roleArn } = await seedGroupAccess(moto);
    await moto.setEnforcement(false);
    const out = await assumeRole(moto, bob.credentials, roleArn, "bob");
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-access/bob`);
  });

  it("treats a bare account id as the account root", async () => {
    const trust: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }],
    };
    const { alice, bob, roleArn } = await seedGroupAccess(moto, trust);
    const out = await assumeRole(moto, alice.credentials, roleArn, "any-name");
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-access/any-name`);
    await expect(assumeRole(moto, bob.credentials, roleArn, "bob")).rejects.toMatchObject(accessDenied);
  });

  it("does not trust the root of another account", async () => {
    const { alice, roleArn } = await seedGroupAccess(moto, accountRootTrustPolicy("210987654321"));
    await expect(assumeRole(moto, alice.credentials, roleArn, "alice")).rejects.toMatchObject(accessDenied);
  });

  it("resolves policy variables inside StringLike and honours StringNotEquals", async () => {
    const trust = accountRootTrustPolicy(ACCOUNT, {
      StringLike: { "sts:RoleSessionName": "${aws:username}-*" },
      StringNotEquals: { "sts:RoleSessionName": "alice-root" },
    });
    const { alice, roleArn } = await seedGroupAccess(moto, trust);
    const out = await assumeRole(moto, alice.credentials, roleArn, "alice-ci");
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-access/alice-ci`);
    await expect(assumeRole(moto, alice.credentials, roleArn, "alice")).rejects.toMatchObject(accessDenied);
    await expect(assumeRole(moto, alice.credentials, roleArn, "bob-ci")).rejects.toMatchObject(accessDenied);
    await expect(assumeRole(moto, alice.credentials, roleArn, "alice-root")).rejects.toMatchObject(
      accessDenied,
    );
  });

  it("gives a role session no aws:username, so a user-name condition never admits it", async () => {
    const { alice, roleArn } = await seedGroupAccess(moto);
    const first = sessionCredentials(await assumeRole(moto, alice.credentials, roleArn, "alice"));

    // Seed a second role and let the first role assume it: identity policy on the role.
    await moto.setEnforcement(false);
    const { iam } = awsClients(moto.endpoint);
    const guarded = await createRole(iam, "guarded", accountRootTrustPolicy(ACCOUNT, SESSION_IS_USER_NAME));
    const open = await createRole(iam, "open", accountRootTrustPolicy(ACCOUNT));
    await putRolePolicy(iam, "platform-access", "chain", assumeRolePolicy([guarded, open]));
    await moto.setEnforcement(true);

    await expect(assumeRole(moto, first, guarded, "alice")).rejects.toMatchObject(accessDenied);
    // The same session may assume a role whose trust has no condition: the denial above
    // comes from the missing user name, not from role chaining being refused.
    const chained = await assumeRole(moto, first, open, "alice");
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/open/alice`);
  });

  it("evaluates the supported condition operators with AWS semantics", async () => {
    type Condition = NonNullable<Parameters<typeof accountRootTrustPolicy>[1]>;
    const cases: {
      name: string;
      condition: Condition;
      session: string;
      externalId?: string;
      allowed: boolean;
    }[] = [
      {
        name: "IgnoreCase match",
        condition: { StringEqualsIgnoreCase: { "sts:RoleSessionName": "ALICE" } },
        session: "alice",
        allowed: true,
      },
      {
        name: "IgnoreCase mismatch",
        condition: { StringEqualsIgnoreCase: { "sts:RoleSessionName": "ALICE" } },
        session: "bob",
        allowed: false,
      },
      {
        name: "missing key",
        condition: { StringEquals: { "sts:ExternalId": "x-1" } },
        session: "alice",
        allowed: false,
      },
      {
        name: "missing key, IfExists",
        condition: { StringEqualsIfExists: { "sts:ExternalId": "x-1" } },
        session: "alice",
        allowed: true,
      },
      {
        name: "missing key, negated",
        condition: { StringNotEquals: { "sts:ExternalId": "x-1" } },
        session: "alice",
        allowed: true,
      },
      {
        name: "present key",
        condition: { StringEquals: { "sts:ExternalId": "x-1" } },
        session: "alice",
        externalId: "x-1",
        allowed: true,
      },
      {
        name: "Null true",
        condition: { Null: { "sts:ExternalId": "true" } },
        session: "alice",
        allowed: true,
      },
      {
        name: "Null false",
        condition: { Null: { "sts:ExternalId": "false" } },
        session: "alice",
        allowed: false,
      },
      {
        name: "any of the values",
        condition: { StringEquals: { "sts:RoleSessionName": ["ci", "${aws:username}"] } },
        session: "alice",
        allowed: true,
      },
      {
        name: "NotLike excluded",
        condition: { StringNotLike: { "sts:RoleSessionName": "admin-*" } },
        session: "admin-1",
        allowed: false,
      },
      {
        name: "NotLike other",
        condition: { StringNotLike: { "sts:RoleSessionName": "admin-*" } },
        session: "alice",
        allowed: true,
      },
      {
        name: "variable with default",
        condition: { StringEquals: { "sts:RoleSessionName": "${sts:ExternalId, 'none'}" } },
        session: "none",
        allowed: true,
      },
      {
        name: "unsupported operator",
        condition: { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } },
        session: "alice",
        allowed: false,
      },
    ];
    const { iam } = awsClients(moto.endpoint);
    await createGroup(iam, "conditions");
    await putGroupPolicy(
      iam,
      "conditions",
      "assume-cond",
      assumeRolePolicy(`arn:aws:iam::${ACCOUNT}:role/cond-*`),
    );
    const roles: string[] = [];
    for (const [index, c] of cases.entries())
      roles.push(await createRole(iam, `cond-${index}`, accountRootTrustPolicy(ACCOUNT, c.condition)));
    const alice = await createUserWithAccessKey(iam, "alice", ["conditions"]);
    await moto.setEnforcement(true);

    const outcomes: { name: string; allowed: boolean }[] = [];
    for (const [index, c] of cases.entries()) {
      const allowed = await assumeRole(
        moto,
        alice.credentials,
        roles[index] ?? "",
        c.session,
        c.externalId,
      ).then(
        () => true,
        (error: unknown) => {
          if ((error as Error).name !== "AccessDenied") throw error;
          return false;
        },
      );
      outcomes.push({ name: c.name, allowed });
    }
    expect(outcomes).toEqual(cases.map((c) => ({ name: c.name, allowed: c.allowed })));
  });

  it("exposes seeded state through data.json", async () => {
    const { alice } = await seedGroupAccess(moto);
    const dump = JSON.stringify(await moto.dataJson());
    expect(dump).toContain(alice.credentials.accessKeyId);
    expect(dump).toContain(alice.credentials.secretAccessKey);
  });
});

describe("moto without the patch (moto_server as shipped), IAM enforcement on", () => {
  let plain: MotoServer;
  beforeAll(async () => {
    plain = await startMoto({ trustPolicyPatch: false });
  });
  afterAll(async () => {
    await plain.stop();
  });
  beforeEach(async () => {
    await plain.reset();
  });

  it("denies the group member a role that trusts the account root (gap a)", async () => {
    expect(plain.trustPolicyPatch).toBe(false);
    const { alice, roleArn } = await seedGroupAccess(plain);
    await expect(assumeRole(plain, alice.credentials, roleArn, "alice")).rejects.toMatchObject(accessDenied);
  });

  it("ignores a session-name condition it cannot resolve and admits any session name (gap b)", async () => {
    // Trust names alice directly, which moto matches, so only the condition differs.
    const trust: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
          Action: "sts:AssumeRole",
          Condition: SESSION_IS_USER_NAME,
        },
      ],
    };
    const { alice, roleArn } = await seedGroupAccess(plain, trust);
    const out = await assumeRole(plain, alice.credentials, roleArn, "not-alice");
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-access/not-alice`);
  });
});

describe("the same user-ARN trust policy with the patch", () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto.stop();
  });

  it("admits only the session named after the user", async () => {
    const trust: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/alice`] },
          Action: "sts:AssumeRole",
          Condition: SESSION_IS_USER_NAME,
        },
      ],
    };
    const { alice, roleArn } = await seedGroupAccess(moto, trust);
    await expect(assumeRole(moto, alice.credentials, roleArn, "not-alice")).rejects.toMatchObject(
      accessDenied,
    );
    const out = await assumeRole(moto, alice.credentials, roleArn, "alice");
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/platform-access/alice`);
  });
});

describe("moto server lifecycle", () => {
  it("stop() ends the process and frees the port", async () => {
    const moto = await startMoto();
    expect(processExists(moto.pid)).toBe(true);
    await moto.stop();
    expect(processExists(moto.pid)).toBe(false);
    await expect(fetch(`${moto.endpoint}/moto-api/data.json`)).rejects.toThrow();
  });

  it("stop() ends the unpatched server too", async () => {
    const plain = await startMoto({ trustPolicyPatch: false });
    expect(processExists(plain.pid)).toBe(true);
    await plain.stop();
    expect(processExists(plain.pid)).toBe(false);
  });

  it("listens on the requested port", async () => {
    const first = await startMoto();
    const port = first.port;
    await first.stop();
    const second = await startMoto({ port });
    try {
      expect(second.port).toBe(port);
      expect(second.endpoint).toBe(`http://127.0.0.1:${port}`);
      await expect(second.dataJson()).resolves.toBeTypeOf("object");
    } finally {
      await second.stop();
    }
  });

  it("exits by itself when the process that started it goes away (its stdin closes)", async () => {
    const launcher = fileURLToPath(new URL("../env/moto/server.py", import.meta.url));
    const child = spawn("python3", [launcher, "--port", "0"], { stdio: ["pipe", "pipe", "ignore"] });
    const exited = new Promise<number | null>((done) =>
      child.once("exit", (code) => {
        done(code);
      }),
    );
    await new Promise<void>((done, fail) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().startsWith("READY ")) done();
      });
      child.once("exit", () => {
        fail(new Error("launcher exited before READY"));
      });
    });
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(child.pid !== undefined && processExists(child.pid)).toBe(false);
  });

  it("names the package to install when the interpreter is missing", async () => {
    const error: unknown = await startMoto({ python: "/nonexistent/python3" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MotoUnavailableError);
    expect((error as Error).message).toContain(MOTO_INSTALL_HINT);
  });

  it("names the package to install when the interpreter has no moto", async () => {
    // A real python3 that cannot see site-packages (-S), so `import moto` fails.
    const dir = await mkdtemp(join(tmpdir(), "eksgate-no-moto-"));
    try {
      const python = join(dir, "python3");
      await writeFile(python, '#!/bin/sh\nexec python3 -S "$@"\n');
      await chmod(python, 0o755);
      for (const trustPolicyPatch of [true, false]) {
        const error: unknown = await startMoto({ python, trustPolicyPatch }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MotoUnavailableError);
        expect((error as Error).message).toContain(MOTO_INSTALL_HINT);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
