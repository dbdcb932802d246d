// The checks bench/apply-scale makes of aws-auth after each tool wrote it: they must tell a
// rewrite that dropped a key, a field or a comment from one that kept them, so the
// side-by-side numbers mean what they say.
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { updateAwsAuthData } from "../../src/core/model/aws-auth.js";
import { peerMappings, seededAwsAuth, survival } from "../../bench/apply-scale/peer-aws-auth.js";

const ACCOUNT = "123456789012";
const mappings = peerMappings(ACCOUNT, 3);

describe("bench/apply-scale: what survived in aws-auth", () => {
  it("everything, after eksgate's writer added the mappings", () => {
    const updated = updateAwsAuthData(
      seededAwsAuth(ACCOUNT),
      mappings,
      mappings.map((m) => m.rolearn),
    );
    if (!updated.ok) throw new Error("writer refused");
    expect(survival(updated.value.data, ACCOUNT, mappings)).toEqual({
      nodeEntry: true,
      unknownField: true,
      comment: true,
      mapUsers: true,
      mapAccounts: true,
      allMappings: true,
    });
  });

  it("not the field, the comment or mapAccounts after a rewrite of the modelled keys only", () => {
    const seed = seededAwsAuth(ACCOUNT);
    // What a tool that decodes entries into a struct and writes back mapRoles and mapUsers does.
    const rewritten = {
      mapRoles: stringify([
        {
          rolearn: `arn:aws:iam::${ACCOUNT}:role/eks-nodes`,
          username: "system:node:{{EC2PrivateDNSName}}",
          groups: ["system:nodes"],
        },
        ...mappings.map((m) => ({ ...m, groups: [...m.groups] })),
      ]),
      mapUsers: seed["mapUsers"] ?? "",
    };
    expect(survival(rewritten, ACCOUNT, mappings)).toEqual({
      nodeEntry: true,
      unknownField: false,
      comment: false,
      mapUsers: true,
      mapAccounts: false,
      allMappings: true,
    });
  });

  it("notices a mapping missing or written twice", () => {
    const once = stringify(mappings.slice(0, 2).map((m) => ({ ...m, groups: [...m.groups] })));
    expect(survival({ mapRoles: once }, ACCOUNT, mappings).allMappings).toBe(false);
    const twice = stringify(
      [...mappings, mappings[0]].map((m) => ({ ...m, groups: [...(m?.groups ?? [])] })),
    );
    expect(survival({ mapRoles: twice }, ACCOUNT, mappings).allMappings).toBe(false);
  });
});
