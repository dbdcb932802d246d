/**
 * The one PolicyRule normaliser: the config loader, the planner's custom ClusterRoles and
 * the Kubernetes adapter all read rules through `normalizePolicyRule`, and the planner
 * compares desired with observed rules through `comparablePolicyRule`.
 */
import { describe, expect, it } from "vitest";
import { comparablePolicyRule, normalizePolicyRule } from "../../src/core/model/rbac.js";

describe("normalizePolicyRule", () => {
  it("puts verbs first, keeps the Go field order and leaves absent lists out", () => {
    const rule = normalizePolicyRule({
      resources: ["pods"],
      apiGroups: [""],
      verbs: ["get", "list"],
      resourceNames: undefined,
      nonResourceURLs: undefined,
    });
    expect(Object.keys(rule)).toEqual(["verbs", "apiGroups", "resources"]);
    expect(rule).toEqual({ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] });
  });

  it("copies the lists, so the result does not change with its input", () => {
    const verbs = ["get"];
    const resources = ["pods"];
    const rule = normalizePolicyRule({ verbs, resources });
    verbs.push("delete");
    resources.push("secrets");
    expect(rule).toEqual({ verbs: ["get"], resources: ["pods"] });
  });

  it("keeps an empty list (it is written as given)", () => {
    expect(normalizePolicyRule({ verbs: ["get"], resourceNames: [] })).toEqual({
      verbs: ["get"],
      resourceNames: [],
    });
  });
});

describe("comparablePolicyRule", () => {
  it("treats an empty list like an absent one, as the API server does", () => {
    const desired = comparablePolicyRule({ verbs: ["get"], apiGroups: [""], resources: ["pods"] });
    const observed = comparablePolicyRule({
      verbs: ["get"],
      apiGroups: [""],
      resources: ["pods"],
      resourceNames: [],
      nonResourceURLs: [],
    });
    expect(observed).toEqual(desired);
    expect(comparablePolicyRule({ verbs: ["get"], resources: ["pods"] })).not.toEqual(desired);
  });
});
