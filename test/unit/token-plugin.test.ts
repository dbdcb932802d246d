// issueToken with a fixed clock and a temp cache: what is reused, for how long, and which
// STS calls a miss makes. STS here is a recording stand-in for the port (the real STS
// path runs against moto in test/integration/token-moto.test.ts).
import * as fs from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CredentialCache } from "../../src/token/cache.js";
import { StsError, TokenError } from "../../src/token/errors.js";
import {
  issueToken,
  ROLE_REUSE_MARGIN_MS,
  sessionNameFromArn,
  TOKEN_LIFETIME_MS,
  TOKEN_REUSE_MARGIN_MS,
  type TokenPluginDeps,
  type TokenRequest,
} from "../../src/token/plugin.js";
import type { AwsCredentials } from "../../src/token/sigv4.js";
import type { AssumedRoleCredentials, StsApi } from "../../src/token/sts.js";

const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);
const HOUR = 3_600_000;
const ALICE_KEYS = { AWS_ACCESS_KEY_ID: "AKIAALICE", AWS_SECRET_ACCESS_KEY: "alice-secret" };
const ROLE = "arn:aws:iam::111122223333:role/team-a";

interface World {
  clock: number;
  calls: string[];
  callerArn: string;
  roleLifetimeMs: number;
  denyAssume: boolean;
  credentialLoads: number;
  deps: TokenPluginDeps;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "eksgate-token-plugin-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function world(env: NodeJS.ProcessEnv = ALICE_KEYS, cached = true): World {
  let issued = 0;
  const w: World = {
    clock: T0,
    calls: [],
    callerArn: "arn:aws:iam::111122223333:user/people/alice",
    roleLifetimeMs: HOUR,
    denyAssume: false,
    credentialLoads: 0,
    deps: undefined as unknown as TokenPluginDeps,
  };
  const sts: StsApi = {
    endpoint: "https://sts.test",
    getCallerIdentity: (credentials: AwsCredentials) => {
      w.calls.push(`GetCallerIdentity ${credentials.accessKeyId}`);
      return Promise.resolve({ arn: w.callerArn, account: "111122223333", userId: "AIDA" });
    },
    assumeRole: (
      credentials: AwsCredentials,
      roleArn: string,
      sessionName: string,
    ): Promise<AssumedRoleCredentials> => {
      w.calls.push(`AssumeRole ${credentials.accessKeyId} ${roleArn} ${sessionName}`);
      if (w.denyAssume)
        return Promise.reject(
          new StsError("AccessDenied", "User is not authorized to perform: sts:AssumeRole", 403),
        );
      issued++;
      return Promise.resolve({
        accessKeyId: `ASIAROLE${issued}`,
        secretAccessKey: `role-secret-${issued}`,
        sessionToken: `session-${issued}`,
        expiration: w.clock + w.roleLifetimeMs,
      });
    },
  };
  w.deps = {
    now: () => w.clock,
    env,
    cache: cached ? new CredentialCache(join(dir, "eksgate"), fs, process.getuid?.()) : undefined,
    resolveCredentials: () => {
      w.credentialLoads++;
      return Promise.resolve({
        accessKeyId: env["AWS_ACCESS_KEY_ID"] ?? "AKIAPROFILE",
        secretAccessKey: "s",
      });
    },
    sts: () => Promise.resolve(sts),
  };
  return w;
}

const request = (extra: Partial<TokenRequest> = {}): TokenRequest => ({
  clusterName: "demo",
  region: "eu-west-1",
  ...extra,
});
const keyIdOf = (token: string): string =>
  new URL(Buffer.from(token.slice(11), "base64url").toString()).searchParams
    .get("X-Amz-Credential")
    ?.split("/")[0] ?? "";

describe("issueToken without a role", () => {
  it("signs with the caller's keys, expires in 14 minutes, then serves the cache", async () => {
    const w = world();
    const first = await issueToken(request(), w.deps);
    expect(first).toMatchObject({ source: "fresh", expiresAt: T0 + TOKEN_LIFETIME_MS });
    expect(keyIdOf(first.token)).toBe("AKIAALICE");
    w.clock += 5 * 60_000;
    const second = await issueToken(request(), w.deps);
    expect(second).toEqual({ ...first, source: "cache" });
    expect(w.credentialLoads).toBe(1);
    expect(w.calls).toEqual([]);
  });

  it("stops handing out a token a minute before its 14 minutes are up", async () => {
    const w = world();
    const first = await issueToken(request(), w.deps);
    w.clock = first.expiresAt - TOKEN_REUSE_MARGIN_MS - 1;
    expect((await issueToken(request(), w.deps)).source).toBe("cache");
    w.clock = first.expiresAt - TOKEN_REUSE_MARGIN_MS + 1;
    const renewed = await issueToken(request(), w.deps);
    expect(renewed.source).toBe("fresh");
    expect(renewed.token).not.toBe(first.token);
    expect(renewed.expiresAt).toBe(w.clock + TOKEN_LIFETIME_MS);
  });

  it("keys the cache by cluster, region and caller", async () => {
    const w = world();
    const a = await issueToken(request(), w.deps);
    expect((await issueToken(request({ clusterName: "other" }), w.deps)).token).not.toBe(a.token);
    expect((await issueToken(request({ region: "us-east-1" }), w.deps)).source).toBe("fresh");
    const bob = world({ AWS_ACCESS_KEY_ID: "AKIABOB", AWS_SECRET_ACCESS_KEY: "b" });
    const fromBob = await issueToken(request(), { ...bob.deps, cache: w.deps.cache });
    expect(fromBob.source).toBe("fresh");
    expect(keyIdOf(fromBob.token)).toBe("AKIABOB");
  });

  it("with no cache, signs every time and writes nothing", async () => {
    const w = world(ALICE_KEYS, false);
    await issueToken(request(), w.deps);
    await issueToken(request(), w.deps);
    expect(w.credentialLoads).toBe(2);
    expect(fs.existsSync(join(dir, "eksgate"))).toBe(false);
  });

  it("never reports an expiry later than the credentials themselves", async () => {
    const w = world();
    w.deps = {
      ...w.deps,
      resolveCredentials: () =>
        Promise.resolve({
          accessKeyId: "ASIAX",
          secretAccessKey: "s",
          sessionToken: "t",
          expiration: T0 + 5 * 60_000,
        }),
    };
    expect((await issueToken(request(), w.deps)).expiresAt).toBe(T0 + 5 * 60_000);
  });
});

describe("issueToken with --role-arn", () => {
  it("asks who the caller is once, assumes the role as the user name, caches both", async () => {
    const w = world();
    const first = await issueToken(request({ roleArn: ROLE }), w.deps);
    expect(w.calls).toEqual(["GetCallerIdentity AKIAALICE", `AssumeRole AKIAALICE ${ROLE} alice`]);
    expect(keyIdOf(first.token)).toBe("ASIAROLE1");
    expect((await issueToken(request({ roleArn: ROLE }), w.deps)).source).toBe("cache");
    expect(w.calls).toHaveLength(2);
  });

  it("signs new tokens from cached role credentials while they outlive a token", async () => {
    const w = world();
    await issueToken(request({ roleArn: ROLE }), w.deps);
    w.clock += 20 * 60_000; // token expired, role credentials have 40 minutes left
    const second = await issueToken(request({ roleArn: ROLE }), w.deps);
    expect(second.source).toBe("cached-role");
    expect(keyIdOf(second.token)).toBe("ASIAROLE1");
    expect(w.credentialLoads).toBe(1);
    // Another cluster with the same role reuses the role credentials too.
    expect((await issueToken(request({ roleArn: ROLE, clusterName: "b" }), w.deps)).source).toBe(
      "cached-role",
    );
  });

  it("assumes the role again (without asking who the caller is) when its credentials would not outlive a token", async () => {
    const w = world();
    await issueToken(request({ roleArn: ROLE }), w.deps);
    w.clock = T0 + HOUR - ROLE_REUSE_MARGIN_MS + 1;
    const again = await issueToken(request({ roleArn: ROLE }), w.deps);
    expect(again.source).toBe("fresh");
    expect(keyIdOf(again.token)).toBe("ASIAROLE2");
    expect(w.calls).toEqual([
      "GetCallerIdentity AKIAALICE",
      `AssumeRole AKIAALICE ${ROLE} alice`,
      `AssumeRole AKIAALICE ${ROLE} alice`,
    ]);
  });

  it("uses --session-name as given, without GetCallerIdentity", async () => {
    const w = world();
    await issueToken(request({ roleArn: ROLE, sessionName: "ops-alice" }), w.deps);
    expect(w.calls).toEqual([`AssumeRole AKIAALICE ${ROLE} ops-alice`]);
  });

  it("keeps an assumed-role or SSO caller's own session name", async () => {
    const w = world();
    w.callerArn = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0123/alice@example.com";
    await issueToken(request({ roleArn: ROLE }), w.deps);
    expect(w.calls[1]).toBe(`AssumeRole AKIAALICE ${ROLE} alice@example.com`);
  });

  it("turns AccessDenied into a line that names the role and the group", async () => {
    const w = world();
    w.denyAssume = true;
    const failure = issueToken(request({ roleArn: ROLE, group: "team-a" }), w.deps);
    await expect(failure).rejects.toBeInstanceOf(TokenError);
    await expect(failure).rejects.toThrow(
      `not allowed to assume role ${ROLE}: is your IAM user in IAM group team-a?`,
    );
    expect(
      fs.readdirSync(join(dir, "eksgate")).filter((n) => n.startsWith("role-") || n.startsWith("token")),
    ).toEqual([]);
  });

  it("refuses to guess a session name for the account root", async () => {
    const w = world();
    w.callerArn = "arn:aws:iam::111122223333:root";
    await expect(issueToken(request({ roleArn: ROLE }), w.deps)).rejects.toThrow(/pass --session-name/);
  });
});

describe("sessionNameFromArn", () => {
  it.each([
    ["arn:aws:iam::111122223333:user/alice", "alice"],
    ["arn:aws:iam::111122223333:user/division/team/bob", "bob"],
    ["arn:aws:sts::111122223333:assumed-role/Admin/carol", "carol"],
    ["arn:aws-cn:sts::111122223333:federated-user/dave", "dave"],
    ["arn:aws:iam::111122223333:root", undefined],
    ["arn:aws:iam::111122223333:user/x", undefined],
  ])("%s -> %s", (arn, name) => {
    expect(sessionNameFromArn(arn)).toBe(name);
  });
});
