import { describe, expect, it } from "vitest";
import {
  canonicalPolicyDocument,
  decodePolicyDocument,
  decodePolicyJson,
  policyDocumentSize,
  policyDocumentsEquivalent,
  serializePolicyDocument,
  validatePolicyDocument,
  type PolicyDocument,
  type Statement,
} from "../../src/core/model/policy-document.js";
import { parsePolicyDocument } from "../../src/core/evaluate/iam/policy-document.js";

const trust: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EksgateTeamAssumeRole",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789123:root" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "sts:RoleSessionName": "${aws:username}" },
        Bool: { "aws:MultiFactorAuthPresent": "true" },
      },
    },
  ],
};

const allowEks: Statement = {
  Sid: "A",
  Effect: "Allow",
  Action: ["eks:DescribeCluster", "eks:ListClusters"],
  Resource: ["arn:aws:eks:us-east-2:123456789123:cluster/a", "arn:aws:eks:us-east-2:123456789123:cluster/b"],
};
const denyIam: Statement = { Sid: "B", Effect: "Deny", Action: "iam:*", Resource: "*" };
const identity: PolicyDocument = { Version: "2012-10-17", Statement: [allowEks, denyIam] };

describe("serializePolicyDocument", () => {
  it("writes keys in a fixed order whatever order the input object has", () => {
    const shuffled = {
      Statement: [
        {
          Condition: {
            StringEquals: { "sts:RoleSessionName": "${aws:username}" },
            Bool: { "aws:MultiFactorAuthPresent": "true" },
          },
          Action: "sts:AssumeRole",
          Principal: { AWS: "arn:aws:iam::123456789123:root" },
          Effect: "Allow",
          Sid: "EksgateTeamAssumeRole",
        },
      ],
      Version: "2012-10-17",
    } as PolicyDocument;
    expect(serializePolicyDocument(shuffled)).toBe(serializePolicyDocument(trust));
    const parsed = JSON.parse(serializePolicyDocument(shuffled)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["Version", "Statement"]);
    const st = (parsed["Statement"] as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(st)).toEqual(["Sid", "Effect", "Principal", "Action", "Condition"]);
    expect(Object.keys(st["Condition"] as object)).toEqual(["Bool", "StringEquals"]);
  });

  it("keeps single values and lists as given", () => {
    const json = JSON.parse(serializePolicyDocument(identity)) as { Statement: { Action: unknown }[] };
    expect(json.Statement[0]?.Action).toEqual(["eks:DescribeCluster", "eks:ListClusters"]);
    expect(json.Statement[1]?.Action).toBe("iam:*");
  });

  it("counts size without whitespace", () => {
    const compact = serializePolicyDocument(identity, 0);
    expect(compact).not.toMatch(/\n/);
    expect(policyDocumentSize(identity)).toBe(compact.length);
    expect(serializePolicyDocument(identity).length).toBeGreaterThan(compact.length);
  });
});

describe("policyDocumentsEquivalent", () => {
  it("treats a single string and a one-element list alike", () => {
    const listForm: PolicyDocument = {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::123456789123:root"] },
        Action: ["sts:AssumeRole"],
        Condition: {
          StringEquals: { "sts:RoleSessionName": ["${aws:username}"] },
          Bool: { "aws:MultiFactorAuthPresent": ["true"] },
        },
      },
    };
    expect(policyDocumentsEquivalent(trust, listForm)).toBe(true);
  });

  it("ignores statement order, action and resource order, Sids and action case", () => {
    const reordered: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Deny", Action: "IAM:*", Resource: "*" },
        {
          Sid: "Other",
          Effect: "Allow",
          Action: ["eks:listclusters", "EKS:DescribeCluster"],
          Resource: [
            "arn:aws:eks:us-east-2:123456789123:cluster/b",
            "arn:aws:eks:us-east-2:123456789123:cluster/a",
          ],
        },
      ],
    };
    expect(policyDocumentsEquivalent(identity, reordered)).toBe(true);
  });

  it("treats an empty Condition as none, booleans as their strings and condition key case as irrelevant", () => {
    const a: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::1:root" },
          Action: "sts:AssumeRole",
          Condition: {},
        },
      ],
    };
    const b: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:AssumeRole" }],
    };
    expect(policyDocumentsEquivalent(a, b)).toBe(true);
    const c: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { Bool: { "AWS:SecureTransport": true } },
        },
      ],
    };
    const d: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "true" } },
        },
      ],
    };
    expect(policyDocumentsEquivalent(c, d)).toBe(true);
  });

  it("treats a bare account id principal as the account root, in the given partition", () => {
    const bare: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "123456789123" }, Action: "sts:AssumeRole" }],
    };
    const root = (p: string): PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:${p}:iam::123456789123:root` }, Action: "sts:AssumeRole" },
      ],
    });
    expect(policyDocumentsEquivalent(bare, root("aws"))).toBe(true);
    expect(policyDocumentsEquivalent(bare, root("aws-cn"))).toBe(false);
    expect(policyDocumentsEquivalent(bare, root("aws-cn"), { partition: "aws-cn" })).toBe(true);
  });

  it("merges duplicate statements", () => {
    const once: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "a:B", Resource: "r" }],
    };
    const twice: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "One", Effect: "Allow", Action: "a:B", Resource: "r" },
        { Sid: "Two", Effect: "Allow", Action: ["a:b"], Resource: ["r"] },
      ],
    };
    expect(policyDocumentsEquivalent(once, twice)).toBe(true);
  });

  it.each<[string, PolicyDocument]>([
    [
      "another resource",
      {
        Version: "2012-10-17",
        Statement: [{ ...allowEks, Resource: "arn:aws:eks:us-east-2:123456789123:cluster/c" }, denyIam],
      },
    ],
    [
      "a resource in another case",
      {
        Version: "2012-10-17",
        Statement: [
          {
            ...allowEks,
            Resource: [
              "arn:aws:eks:us-east-2:123456789123:cluster/A",
              "arn:aws:eks:us-east-2:123456789123:cluster/b",
            ],
          },
          denyIam,
        ],
      },
    ],
    ["another effect", { Version: "2012-10-17", Statement: [allowEks, { ...denyIam, Effect: "Allow" }] }],
    ["one statement fewer", { Version: "2012-10-17", Statement: [allowEks] }],
    [
      "Action turned into NotAction",
      { Version: "2012-10-17", Statement: [allowEks, { Effect: "Deny", NotAction: "iam:*", Resource: "*" }] },
    ],
    ["no Version (2008-10-17)", { Statement: [allowEks, denyIam] }],
  ])("tells documents apart that differ by %s", (_name, other) => {
    expect(policyDocumentsEquivalent(identity, other)).toBe(false);
  });

  it("tells trust policies apart that differ in a condition value or lack a condition", () => {
    const withoutMfa: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789123:root" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:RoleSessionName": "${aws:username}" } },
        },
      ],
    };
    const otherValue: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789123:root" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "sts:RoleSessionName": "${aws:userid}" },
            Bool: { "aws:MultiFactorAuthPresent": "true" },
          },
        },
      ],
    };
    expect(policyDocumentsEquivalent(trust, withoutMfa)).toBe(false);
    expect(policyDocumentsEquivalent(trust, otherValue)).toBe(false);
  });

  it("canonical form is stable under reordering", () => {
    const a = serializePolicyDocument(canonicalPolicyDocument(identity));
    const b = serializePolicyDocument(
      canonicalPolicyDocument({ ...identity, Statement: [denyIam, allowEks] }),
    );
    expect(a).toBe(b);
  });
});

describe("decodePolicyDocument", () => {
  it("reads the percent-encoded JSON IAM returns and finds it equivalent to what was sent", () => {
    // What GetRole returns for `trust` after IAM stored it: reordered, single values, encoded.
    const asReturned = encodeURIComponent(
      '{"Statement":[{"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"StringEquals":{"sts:RoleSessionName":"${aws:username}"}},"Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::123456789123:root"},"Effect":"Allow","Sid":"EksgateTeamAssumeRole"}],"Version":"2012-10-17"}',
    );
    expect(asReturned.startsWith("%7B")).toBe(true);
    const result = decodePolicyDocument(asReturned);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.diagnostics).toEqual([]);
    expect(policyDocumentsEquivalent(result.value, trust)).toBe(true);
    expect(serializePolicyDocument(result.value)).toBe(serializePolicyDocument(trust));
  });

  it("reads plain JSON, including a percent sign inside a value", () => {
    const doc: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/100%/*" }],
    };
    const result = decodePolicyDocument(JSON.stringify(doc));
    expect(result.ok && policyDocumentsEquivalent(result.value, doc)).toBe(true);
  });

  it("reports broken percent-encoding", () => {
    const result = decodePolicyDocument("%7B%E0%A4%A");
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["POL001"]);
  });

  it("reports invalid JSON", () => {
    const result = decodePolicyDocument(encodeURIComponent('{"Version": "2012-10-17", "Statement": ['));
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]?.code).toBe("POL002");
  });

  it("reports unknown elements and wrong types with their field paths", () => {
    const result = decodePolicyDocument(
      JSON.stringify({
        Version: "2012-10-17",
        Extra: 1,
        Statement: [
          { Effect: "Allow", Action: "a:B", Resource: 3, Principals: "*" },
          { Effect: "Maybe", Action: "a:B" },
        ],
      }),
      "roles[0].trust",
    );
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["POL004", "roles[0].trust.Extra"],
      ["POL004", "roles[0].trust.Statement[0].Principals"],
      ["POL003", "roles[0].trust.Statement[0].Resource"],
      ["POL003", "roles[0].trust.Statement[1].Effect"],
    ]);
  });

  it("reports a missing Statement and an unsupported Version", () => {
    const result = decodePolicyDocument('{"Version":"2020-01-01"}');
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["POL005", "POL003"]);
  });
});

describe("validatePolicyDocument", () => {
  it("accepts well-formed trust and identity policies", () => {
    expect(validatePolicyDocument(trust, "trust", "p")).toEqual([]);
    expect(validatePolicyDocument(identity, "identity", "p")).toEqual([]);
  });

  it("requires a Principal in trust policies and forbids Resource there", () => {
    const doc: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
    };
    expect(validatePolicyDocument(doc, "trust", "t").map((d) => [d.code, d.path])).toEqual([
      ["POL009", "t.Statement[0]"],
      ["POL011", "t.Statement[0].Resource"],
    ]);
  });

  it("rejects an IAM group as a trust principal", () => {
    const doc: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::123456789123:group/dev.rnd.group"] },
          Action: "sts:AssumeRole",
        },
      ],
    };
    expect(validatePolicyDocument(doc, "trust", "t").map((d) => d.code)).toEqual(["POL012"]);
  });

  it("requires Resource and forbids Principal in identity policies", () => {
    const doc: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }],
    };
    expect(validatePolicyDocument(doc, "identity", "i").map((d) => d.code)).toEqual(["POL008", "POL010"]);
  });

  it("requires exactly one of Action and NotAction", () => {
    const both: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "a:B", NotAction: "a:C", Resource: "*" }],
    };
    const none: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: [], Resource: "*" }],
    };
    expect(validatePolicyDocument(both, "identity", "i").map((d) => d.code)).toEqual(["POL007"]);
    expect(validatePolicyDocument(none, "identity", "i").map((d) => d.code)).toEqual(["POL007"]);
  });

  it("checks Sid characters and uniqueness, and warns about an old Version", () => {
    const doc: PolicyDocument = {
      Statement: [
        { Sid: "has-dash", Effect: "Allow", Action: "a:B", Resource: "*" },
        { Sid: "Same", Effect: "Allow", Action: "a:B", Resource: "*" },
        { Sid: "Same", Effect: "Allow", Action: "a:C", Resource: "*" },
      ],
    };
    expect(validatePolicyDocument(doc, "identity", "i").map((d) => [d.code, d.severity, d.path])).toEqual([
      ["POL005", "warning", "i.Version"],
      ["POL006", "error", "i.Statement[0].Sid"],
      ["POL006", "error", "i.Statement[2].Sid"],
    ]);
  });
});

describe("one decoding for the planner and the evaluator", () => {
  const doc = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }],
  };

  it("decodePolicyJson reads plain and percent-encoded JSON alike and names what is wrong", () => {
    expect(decodePolicyJson(`  ${JSON.stringify(doc)}`)).toEqual({ ok: true, value: doc });
    expect(decodePolicyJson(encodeURIComponent(JSON.stringify(doc)))).toEqual({ ok: true, value: doc });
    expect(decodePolicyJson("%7B%E0%A4%A")).toMatchObject({ ok: false, problem: "encoding" });
    expect(decodePolicyJson("%7B")).toMatchObject({ ok: false, problem: "json" });
  });

  it("the evaluator's parser accepts and refuses the same texts as the planner's reader", () => {
    for (const text of [JSON.stringify(doc), encodeURIComponent(JSON.stringify(doc)), "%7B%E0%A4%A", "%7B"]) {
      const planner = decodePolicyDocument(text);
      const evaluator = parsePolicyDocument(text, "doc");
      const evaluatorRefused = evaluator.diagnostics.some((d) => d.code === "IAM101");
      expect(evaluatorRefused, text).toBe(!planner.ok);
      if (planner.ok) expect(evaluator.document.statements.length).toBe(1);
    }
  });
});
