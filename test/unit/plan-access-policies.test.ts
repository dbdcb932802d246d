// Access policies asked for in the config (accessPolicy instead of clusterRole): associated
// with the team's access entry in the right scope, no RBAC binding, refused on aws-auth.
import { describe, expect, it } from "vitest";
import {
  ACCOUNT,
  configFrom,
  emptyObservedState,
  planErrors,
  planOf,
  roleArn,
  stepById,
  stepIds,
} from "../support/observed-state.js";
import { applyWithEngine } from "../support/fake-cloud.js";

function yaml(authentication: string): string {
  return `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: prod
    region: eu-west-1
    authentication: ${authentication}
teams:
  - name: web
    iamGroup: web-devs
    access:
      - cluster: prod
        accessPolicy: edit
        namespaces: [web, web-*]
      - cluster: prod
        accessPolicy: view
`;
}

const EDIT = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy";
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

describe("planner: access policies from the config", () => {
  it("associates each policy with its scope, and binds nothing in RBAC", () => {
    const config = configFrom(yaml("access-entries"));
    const plan = planOf(config, emptyObservedState(config, { modes: { prod: "API" } }));
    const principal = roleArn("eksgate-web");
    const edit = stepById(plan, `access-policy/prod/${principal}/${EDIT}`);
    expect(edit.action).toBe("create");
    expect(edit.payload).toEqual({
      type: "access-policy",
      accessScope: { type: "namespace", namespaces: ["web", "web-*"] },
    });
    expect(stepById(plan, `access-policy/prod/${principal}/${VIEW}`).payload).toEqual({
      type: "access-policy",
      accessScope: { type: "cluster" },
    });
    expect(stepIds(plan).filter((id) => id.startsWith("rbac/"))).toEqual([]);
    // Policies are associated after the entry exists.
    expect(stepIds(plan).indexOf(`access-entry/prod/${principal}`)).toBeLessThan(
      stepIds(plan).indexOf(`access-policy/prod/${principal}/${EDIT}`),
    );
  });

  it("converges: planning again after applying shows no changes", async () => {
    const config = configFrom(yaml("access-entries"));
    const observed = emptyObservedState(config, { modes: { prod: "API" } });
    const after = await applyWithEngine(config, observed, planOf(config, observed));
    expect(stepIds(planOf(config, after))).toEqual([]);
  });

  it("refuses with EG212 when the cluster turns out to use aws-auth (auto on a CONFIG_MAP cluster)", () => {
    const config = configFrom(yaml("auto"));
    const errors = planErrors(config, emptyObservedState(config, { modes: { prod: "CONFIG_MAP" } }));
    expect(errors.map((d) => d.code)).toEqual(["EG212"]);
    expect(errors[0]?.detail).toContain("authenticationMode=API_AND_CONFIG_MAP");
  });
});
