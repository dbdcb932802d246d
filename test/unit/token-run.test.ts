// runToken as kubectl sees it: argv in, one ExecCredential line on stdout or one error
// line on stderr, exit code 0 or 1. Fixed clock, temp HOME and cache.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CPU_HEAVY_TIMEOUT_MS } from "../support/time-limits.js";
import { parseTokenArgs } from "../../src/token/args.js";
import { EXEC_API_V1, EXEC_API_V1BETA1, rfc3339 } from "../../src/token/exec-credential.js";
import { runToken, type TokenRuntime } from "../../src/token/main.js";
import { regionFromConfigText } from "../../src/token/region.js";

const NOW = Date.UTC(2026, 10, 28, 10, 30, 15, 250);
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "eksgate-token-run-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const baseEnv = (): NodeJS.ProcessEnv => ({
  HOME: home,
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_CONFIG_FILE: join(home, "config"),
});

async function run(argv: string[], env: NodeJS.ProcessEnv = baseEnv(), runtime: Partial<TokenRuntime> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runToken(
    argv,
    env,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    { now: () => NOW, ...runtime },
  );
  return { code, stdout, stderr };
}

interface ExecCredential {
  kind: string;
  apiVersion: string;
  status: { token: string; expirationTimestamp: string };
}

describe("runToken output", () => {
  it("answers v1beta1 when kubectl does not say, with expiry now + 14 minutes", async () => {
    const r = await run(["--cluster-name", "demo", "--region", "eu-west-1"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.endsWith("\n")).toBe(true);
    const credential = JSON.parse(r.stdout) as ExecCredential;
    expect(credential.kind).toBe("ExecCredential");
    expect(credential.apiVersion).toBe(EXEC_API_V1BETA1);
    expect(credential.status.expirationTimestamp).toBe("2026-11-28T10:44:15Z");
    expect(credential.status.token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
  });

  it.each([EXEC_API_V1, EXEC_API_V1BETA1])(
    "answers the apiVersion kubectl asked for: %s",
    async (apiVersion) => {
      const env = {
        ...baseEnv(),
        KUBERNETES_EXEC_INFO: JSON.stringify({
          kind: "ExecCredential",
          apiVersion,
          spec: { interactive: false },
        }),
      };
      const r = await run(["--cluster-name", "demo", "--region", "eu-west-1"], env);
      expect((JSON.parse(r.stdout) as ExecCredential).apiVersion).toBe(apiVersion);
    },
  );

  it.each([
    [
      "client.authentication.k8s.io/v1alpha1",
      /kubectl asked for ExecCredential client\.authentication\.k8s\.io\/v1alpha1/,
    ],
    ["{not json", /KUBERNETES_EXEC_INFO is not valid JSON/],
  ])("refuses an ExecCredential version it cannot answer: %s", async (info, message) => {
    const raw = info.startsWith("{") ? info : JSON.stringify({ apiVersion: info });
    const r = await run(["--cluster-name", "demo", "--region", "eu-west-1"], {
      ...baseEnv(),
      KUBERNETES_EXEC_INFO: raw,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("caches in $XDG_CACHE_HOME/eksgate and --drop-cache empties it", async () => {
    const env = { ...baseEnv(), XDG_CACHE_HOME: join(home, "xdg") };
    await run(["--cluster-name", "demo", "--region", "eu-west-1"], env);
    expect(readdirSync(join(home, "xdg", "eksgate"))).toHaveLength(1);
    const dropped = await run(["--drop-cache"], env);
    expect(dropped).toEqual({
      code: 0,
      stdout: `removed 1 cached entry from ${join(home, "xdg", "eksgate")}\n`,
      stderr: "",
    });
    expect(readdirSync(join(home, "xdg", "eksgate"))).toHaveLength(0);
  });

  it("--no-cache leaves no file behind", async () => {
    const r = await run(["--cluster-name", "demo", "--region", "eu-west-1", "--no-cache"]);
    expect(r.code).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });

  it("takes the region from AWS_REGION, then the profile in the AWS config file", async () => {
    const fromEnv = await run(["--cluster-name", "demo"], {
      ...baseEnv(),
      AWS_REGION: "ap-south-1",
      AWS_DEFAULT_REGION: "us-east-1",
    });
    expect(
      Buffer.from(
        (JSON.parse(fromEnv.stdout) as ExecCredential).status.token.slice(11),
        "base64url",
      ).toString(),
    ).toContain("sts.ap-south-1.amazonaws.com");
    writeFileSync(join(home, "config"), "[default]\nregion = eu-north-1\n");
    const fromFile = await run(["--cluster-name", "demo"]);
    expect(
      Buffer.from(
        (JSON.parse(fromFile.stdout) as ExecCredential).status.token.slice(11),
        "base64url",
      ).toString(),
    ).toContain("sts.eu-north-1.amazonaws.com");
  });

  it.each([
    [
      ["--cluster-name", "demo", "--bogus"],
      "eksgate token: unknown option --bogus (see eksgate token --help)\n",
    ],
    [["--region", "eu-west-1"], "eksgate token: --cluster-name is required (see eksgate token --help)\n"],
    [["--cluster-name"], "eksgate token: --cluster-name needs a value\n"],
    [
      ["--cluster-name", "demo"],
      "eksgate token: no AWS region: pass --region, set AWS_REGION, or set region in your AWS profile\n",
    ],
    [["--cluster-name", "demo", "--region", "mars"], "eksgate token: mars is not an AWS region name\n"],
    [
      ["--cluster-name", "demo", "--region", "eu-west-1", "--output", "yaml"],
      "eksgate token: --output yaml is not supported: the ExecCredential is always JSON\n",
    ],
  ])("fails with one line and exit 1: %j", async (argv, line) => {
    expect(await run(argv)).toEqual({ code: 1, stdout: "", stderr: line });
  });

  it("reports an unexpected failure as one line, without a stack", async () => {
    const r = await run(["--cluster-name", "demo", "--region", "eu-west-1"], baseEnv(), {
      resolveCredentials: () => Promise.reject(new Error("boom\n    at somewhere (file.js:1:1)")),
      cacheDir: join(home, "c"),
    });
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: "eksgate token: unexpected error: boom at somewhere (file.js:1:1)\n",
    });
  });

  it("prints usage for --help", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: eksgate token --cluster-name NAME/);
  });
});

describe("parseTokenArgs", () => {
  it("reads the aws eks get-token flags in both spellings", () => {
    expect(
      parseTokenArgs([
        "--cluster-name=demo",
        "--region",
        "eu-west-1",
        "--role-arn",
        "arn:aws:iam::1:role/r",
        "--profile=p",
        "--output",
        "json",
        "--session-name",
        "alice",
      ]),
    ).toEqual({
      clusterName: "demo",
      region: "eu-west-1",
      roleArn: "arn:aws:iam::1:role/r",
      profile: "p",
      sessionName: "alice",
      noCache: false,
      dropCache: false,
      help: false,
    });
  });

  it("rejects repeated flags, values on switches, stray words and invalid session names", () => {
    expect(() => parseTokenArgs(["--cluster-name", "a", "--cluster-name", "b"])).toThrow(
      "--cluster-name given twice",
    );
    expect(() => parseTokenArgs(["--cluster-name", "a", "--no-cache=yes"])).toThrow(
      "--no-cache takes no value",
    );
    expect(() => parseTokenArgs(["--cluster-name", "a", "extra"])).toThrow("unexpected argument extra");
    expect(() => parseTokenArgs(["--cluster-name", "a", "--session-name", "has space"])).toThrow(
      /not a valid role session name/,
    );
    expect(() => parseTokenArgs(["--cluster-name", "--region"])).toThrow("--cluster-name needs a value");
  });
});

describe("regionFromConfigText", () => {
  const text =
    "[default]\nregion=us-east-1\n\n[profile dev]\n# comment\noutput = json\nregion = eu-west-3\n[sso-session s]\nregion = x\n";
  it("finds the region of the named profile or of default", () => {
    expect(regionFromConfigText(text, "dev")).toBe("eu-west-3");
    expect(regionFromConfigText(text, "default")).toBe("us-east-1");
    expect(regionFromConfigText(text, "s")).toBeUndefined();
  });
});

describe("rfc3339", { timeout: CPU_HEAVY_TIMEOUT_MS }, () => {
  it("agrees with Date over four centuries, leap days and the epoch included", () => {
    const instants = [
      0,
      -1000,
      Date.UTC(2000, 1, 29, 23, 59, 59),
      Date.UTC(2100, 2, 1),
      Date.UTC(1900, 1, 28, 12),
    ];
    for (let t = Date.UTC(1800, 0, 1); t < Date.UTC(2200, 0, 1); t += 86_400_000 * 13 + 3_723_456)
      instants.push(t);
    for (const t of instants)
      expect(rfc3339(t)).toBe(`${new Date(Math.floor(t / 1000) * 1000).toISOString().slice(0, 19)}Z`);
  });
});
