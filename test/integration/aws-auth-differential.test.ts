// eksgate's aws-auth reader against aws-iam-authenticator's own parser: the authenticator's
// pkg/mapper/configmap `ParseMap` (pinned version, built from test/env/k8s/aws-auth-parse
// and cached like the other test binaries) reads every fixture and a seeded corpus of
// generated ConfigMaps; for each key eksgate must say what the authenticator says: whether
// the key is there, whether the parser reports an error for it, and every entry it keeps
// with its ARN, username, groups and userid (mapAccounts: every account).
//
// Seed and size: AWS_AUTH_DIFF_SEED and AWS_AUTH_DIFF_CASES override the defaults; the
// seed is printed so that a failure can be replayed.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readAwsAuthManifest } from "../../src/core/model/aws-auth.js";
import {
  awsAuthParseBinary,
  parseManifestsWithAuthenticator,
  parseWithAuthenticator,
} from "../env/aws-auth-parser.js";
import { awsAuthCorpus, type AwsAuthStringData } from "../support/aws-auth-corpus.js";
import { authenticatorView, differences, ourView } from "../support/aws-auth-differential.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/aws-auth");
const SEED = Number(process.env["AWS_AUTH_DIFF_SEED"] ?? "20261203");
const CASES = Number(process.env["AWS_AUTH_DIFF_CASES"] ?? "3000");

function log(line: string): void {
  process.stderr.write(`[aws-auth differential] ${line}\n`);
}

describe("aws-auth reader vs the authenticator's parser", () => {
  let binary: string;

  beforeAll(async () => {
    binary = await awsAuthParseBinary(log);
  }, 1_800_000);

  it("reads every fixture manifest like the authenticator", async () => {
    const names = readdirSync(FIXTURES)
      .filter((n) => /\.ya?ml$/u.test(n))
      .sort();
    const theirs = await parseManifestsWithAuthenticator(
      binary,
      names.map((n) => join(FIXTURES, n)),
    );
    expect(theirs).toHaveLength(names.length);
    names.forEach((name, i) => {
      const go = theirs[i];
      if (go === undefined) throw new Error(`no answer for ${name}`);
      const manifest = readAwsAuthManifest(readFileSync(join(FIXTURES, name), "utf8"), name);
      // A manifest kubectl cannot turn into a ConfigMap is one eksgate refuses too
      // (not YAML, or a data value that is not a string).
      const refused = !manifest.ok || manifest.value.nonStringValues.length > 0;
      expect(refused, `${name}: ${go.manifestError ?? "decoded"}`).toBe(go.manifestError !== undefined);
      if (!manifest.ok || go.manifestError !== undefined) return;
      const data = Object.fromEntries(Object.entries(manifest.value.data).map(([k, v]) => [k, v.text]));
      expect(differences(ourView(data), authenticatorView(go), go), name).toEqual([]);
    });
    expect(names.length).toBeGreaterThanOrEqual(8);
  }, 120_000);

  it(`reads ${String(CASES)} generated ConfigMaps like the authenticator (seed ${String(SEED)})`, async () => {
    log(`seed ${String(SEED)}, ${String(CASES)} ConfigMaps (AWS_AUTH_DIFF_SEED / AWS_AUTH_DIFF_CASES)`);
    const corpus = awsAuthCorpus(SEED, CASES);
    const theirs = await parseWithAuthenticator(binary, corpus);
    const disagreements: string[] = [];
    corpus.forEach((data, i) => {
      const go = theirs[i];
      if (go === undefined) throw new Error(`no answer for case ${String(i)}`);
      const d = differences(ourView(data), authenticatorView(go), go);
      if (d.length > 0 && disagreements.length < 10) {
        disagreements.push(
          `case ${String(i)} (seed ${String(SEED)}): ${JSON.stringify(data)}\n  ${d.join("\n  ")}`,
        );
      }
    });
    expect(disagreements).toEqual([]);

    // The corpus covers what it claims to (so that agreeing means something).
    const count = (test: (d: AwsAuthStringData, i: number) => boolean): number => corpus.filter(test).length;
    const values = (d: AwsAuthStringData): string[] =>
      [d["mapRoles"], d["mapUsers"]].filter((v): v is string => v !== undefined);
    const coverage = {
      oddCaseKeys: count((d) =>
        values(d).some((v) => /\b(RoleArn|ROLEARN|UserName|USERNAME|gRoUpS)\b/u.test(v)),
      ),
      json: count((d) => values(d).some((v) => v.trimStart().startsWith('[{"'))),
      sso: count((d) => /\bsso\b/iu.test(d["mapRoles"] ?? "")),
      userid: count((d) => values(d).some((v) => /userid/iu.test(v))),
      templates: count((d) => values(d).some((v) => v.includes("{{SessionName}}"))),
      mapAccounts: count((d) => d["mapAccounts"] !== undefined),
      empty: count((d) => values(d).some((v) => v.trim() === "")),
      quotedEmpty: count((d) => values(d).some((v) => ['""', "''", "``"].includes(v.trim()))),
      broken: count((_, i) => {
        const go = theirs[i];
        return [go?.mapRoles, go?.mapUsers].some((k) => k?.error.includes("yaml:") === true);
      }),
      keptDespiteErrors: count((_, i) => {
        const k = theirs[i]?.mapRoles;
        return k !== undefined && k.error !== "" && (k.entries?.length ?? 0) > 0;
      }),
      duplicates: count((_, i) => {
        const arns = (theirs[i]?.mapRoles?.entries ?? []).map((e) => (e.rolearn ?? "").toLowerCase());
        return new Set(arns).size < arns.length;
      }),
    };
    log(`coverage: ${JSON.stringify(coverage)}`);
    const minimum = Math.floor(CASES / 200);
    for (const [what, n] of Object.entries(coverage)) expect(n, what).toBeGreaterThanOrEqual(minimum);
  }, 600_000);
});
