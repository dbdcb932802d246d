// The plan as data: deterministic output, fingerprints of what was observed, the plan's
// header fields, and reading a saved plan back.
import { describe, expect, it } from "vitest";
import { canonicalJson, fingerprint, PLAN_FORMAT_VERSION } from "../../src/core/plan/plan.js";
import { parseSavedPlan } from "../../src/core/plan/plan-file.js";
import { savedPlanConfigHolds } from "../../src/engine/plan.js";
import {
  accessEntryObservation,
  awsAuthObservation,
  observationChange,
  observationParts,
  roleObservation,
} from "../../src/core/plan/step-observation.js";
import type { ObservedState } from "../../src/core/plan/observed.js";
import {
  ACCOUNT,
  CONFIG_DIGEST,
  CONFIG_FILE,
  configFrom,
  emptyObservedState,
  mapRole,
  PLANNED_AT,
  planOf,
  runPlanner,
  stepById,
  TWO_CLUSTERS_MODES,
  TWO_CLUSTERS_YAML,
} from "../support/observed-state.js";
import { applyWithEngine } from "../support/fake-cloud.js";

const config = configFrom(TWO_CLUSTERS_YAML);
const empty = emptyObservedState(config, { modes: TWO_CLUSTERS_MODES });
const converged = await applyWithEngine(config, empty, planOf(config, empty));
const WITHOUT_RND_YAML = TWO_CLUSTERS_YAML.replace(/  - name: rnd\n[\s\S]*?(?=  - name: payments)/, "");
const withoutRnd = configFrom(WITHOUT_RND_YAML);

/** The same state with every record's keys inserted in reverse order. */
function reversed(state: ObservedState): ObservedState {
  const flip = <T>(record: Readonly<Record<string, T>>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).reverse());
  return {
    roles: flip(state.roles),
    groups: flip(state.groups),
    clusters: Object.fromEntries(
      Object.entries(state.clusters)
        .reverse()
        .map(([name, c]) => [
          name,
          { ...c, accessEntries: [...c.accessEntries].reverse(), managedRbac: [...c.managedRbac].reverse() },
        ]),
    ),
  };
}

describe("the same input gives the same plan", () => {
  it("byte for byte, across separately parsed configs and cloned states", () => {
    for (const [yaml, state, scope] of [
      [TWO_CLUSTERS_YAML, empty, {}],
      [WITHOUT_RND_YAML, converged, {}],
      [TWO_CLUSTERS_YAML, converged, { destroy: true }],
      [TWO_CLUSTERS_YAML, converged, { destroy: true, team: "payments" }],
    ] as const) {
      const first = JSON.stringify(planOf(configFrom(yaml), state, scope));
      const again = JSON.stringify(planOf(configFrom(yaml), structuredClone(state), scope));
      expect(again).toBe(first);
    }
  });

  it("whatever order the observer listed things in", () => {
    expect(JSON.stringify(planOf(withoutRnd, reversed(converged)))).toBe(
      JSON.stringify(planOf(withoutRnd, converged)),
    );
    expect(JSON.stringify(planOf(config, reversed(converged), { destroy: true }))).toBe(
      JSON.stringify(planOf(config, converged, { destroy: true })),
    );
  });

  it("with unique step ids", () => {
    for (const plan of [
      planOf(config, empty),
      planOf(withoutRnd, converged),
      planOf(config, converged, { destroy: true }),
    ]) {
      const ids = plan.steps.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe("fingerprints", () => {
  it("are `absent` for nothing, ignore key order and undefined fields, and see every value", () => {
    expect(fingerprint(undefined)).toBe("absent");
    expect(fingerprint({ a: 1, b: [1, 2], c: undefined })).toBe(fingerprint({ b: [1, 2], a: 1 }));
    expect(fingerprint({ a: 1, b: [1, 2] })).not.toBe(fingerprint({ a: 1, b: [2, 1] }));
    expect(fingerprint({ a: "1" })).not.toBe(fingerprint({ a: 1 }));
    expect(fingerprint(null)).not.toBe("absent");
    expect(fingerprint({ a: 1 })).toMatch(/^[0-9a-z]+$/);
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[true,null]},"b":1}',
    );
  });

  it("record what each step saw: a different observation gives a different fingerprint", () => {
    const drift = (value: string) =>
      mapRole(converged, "eksgate-rnd", (r) => ({
        ...r,
        tags: r.tags.map((t) => (t.Key === "eksgate.dev/iam-group" ? { ...t, Value: value } : t)),
      }));
    const a = stepById(planOf(config, drift("old-a")), "iam-role/eksgate-rnd");
    const b = stepById(planOf(config, drift("old-b")), "iam-role/eksgate-rnd");
    const a2 = stepById(planOf(config, drift("old-a")), "iam-role/eksgate-rnd");
    expect(a.observed).not.toBe(b.observed);
    expect(a2.observed).toBe(a.observed);
    // Steps that create something saw nothing (aws-auth steps: no entries of their roles).
    expect(
      planOf(config, empty).steps.every(
        (s) => s.observed === (s.resource.kind === "aws-auth" ? fingerprint({}) : "absent"),
      ),
    ).toBe(true);
  });

  it("of an aws-auth step change with the entries of its roles, not with other keys or roles", () => {
    const rnd = (state: ObservedState) => stepById(planOf(withoutRnd, state), "aws-auth/dev").observed;
    const dev = converged.clusters["dev"];
    const awsAuth = dev?.awsAuth;
    if (dev === undefined || awsAuth === undefined) throw new Error("no aws-auth");
    const withData = (data: Record<string, string>): ObservedState => ({
      ...converged,
      clusters: { ...converged.clusters, dev: { ...dev, awsAuth: { ...awsAuth, data } } },
    });
    const mapRoles = awsAuth.data["mapRoles"] ?? "";
    const node = `- rolearn: arn:aws:iam::${ACCOUNT}:role/nodes\n  username: n\n  groups: [n]\n`;
    expect(rnd(withData({ ...awsAuth.data, mapUsers: "[]" }))).toBe(rnd(converged));
    expect(rnd(withData({ ...awsAuth.data, mapRoles: `${node}${mapRoles}` }))).toBe(rnd(converged));
    const renamed = mapRoles.replace(/(eksgate-rnd\n\s+username: )\S+/, "$1someone");
    expect(renamed).not.toBe(mapRoles);
    expect(rnd(withData({ ...awsAuth.data, mapRoles: renamed }))).not.toBe(rnd(converged));
  });
});

describe("plan header", () => {
  it("carries the format version, kind, time, config file, account, scope and cluster regions", () => {
    const plan = planOf(config, empty);
    expect(plan).toMatchObject({
      formatVersion: PLAN_FORMAT_VERSION,
      kind: "EksgatePlan",
      createdAt: PLANNED_AT,
      configFile: CONFIG_FILE,
      configDigest: CONFIG_DIGEST,
      accountId: ACCOUNT,
      scope: { destroy: false },
      clusters: { dev: { region: "us-east-2" }, prod: { region: "eu-west-1" } },
    });
    const scoped = planOf(config, empty, { cluster: "prod", team: "support" });
    expect(scoped.scope).toEqual({ destroy: false, cluster: "prod", team: "support" });
    expect(scoped.clusters).toEqual({ prod: { region: "eu-west-1" } });
  });

  it("warns (EG230) when the --team has no access to the --cluster, and plans nothing", () => {
    const outcome = runPlanner(config, empty, { team: "rnd", cluster: "prod" });
    if (!outcome.ok) throw new Error("planning failed");
    expect(outcome.plan.steps).toEqual([]);
    expect(outcome.plan.diagnostics).toEqual([
      expect.objectContaining({
        code: "EG230",
        severity: "warning",
        summary: "team rnd has no access to cluster prod",
      }),
    ]);
  });
});

describe("parseSavedPlan", () => {
  const plan = planOf(withoutRnd, converged);

  it("reads back a plan written as JSON, unchanged", () => {
    const text = JSON.stringify(plan, null, 2);
    const read = parseSavedPlan("plan.json", text);
    expect(read).toEqual({ ok: true, value: plan, diagnostics: [] });
    if (read.ok) expect(JSON.stringify(read.value)).toBe(JSON.stringify(plan));
  });

  const reject = (text: string): { code: string | undefined; summary: string | undefined } => {
    const read = parseSavedPlan("plan.json", text);
    expect(read.ok).toBe(false);
    expect(read.diagnostics).toHaveLength(1);
    expect(read.diagnostics[0]?.source).toEqual({ file: "plan.json", line: 1, column: 1 });
    expect(read.diagnostics[0]?.severity).toBe("error");
    return { code: read.diagnostics[0]?.code, summary: read.diagnostics[0]?.summary };
  };

  it("rejects a plan of another format version (EG310)", () => {
    // 1: plans made before steps observed only what they are about (access entries with
    // their policies, all of aws-auth): their fingerprints cannot be checked step by step.
    for (const version of [1, 3, 0, "2", null]) {
      const { code, summary } = reject(JSON.stringify({ ...plan, formatVersion: version }));
      expect(code).toBe("EG310");
      expect(summary).toContain(`plan format ${JSON.stringify(version)} is not supported`);
    }
    const noVersion: Record<string, unknown> = { ...plan };
    Reflect.deleteProperty(noVersion, "formatVersion");
    expect(reject(JSON.stringify(noVersion)).code).toBe("EG310");
  });

  it("rejects JSON that is not an eksgate plan (EG312)", () => {
    for (const text of [JSON.stringify({ ...plan, kind: "TerraformPlan" }), "[]", "null", "42", '"plan"']) {
      expect(reject(text)).toEqual({ code: "EG312", summary: "plan.json is not an eksgate plan" });
    }
  });

  it("rejects text that is not JSON (EG312)", () => {
    for (const text of ["", "formatVersion: 1\nkind: EksgatePlan\n", JSON.stringify(plan).slice(0, -1)]) {
      const { code, summary } = reject(text);
      expect(code).toBe("EG312");
      expect(summary).toMatch(/^plan\.json is not JSON: /);
    }
  });

  it("rejects a damaged plan without steps, config file, config digest or scope (EG312)", () => {
    for (const field of ["steps", "configFile", "configDigest", "scope"] as const) {
      const damaged: Record<string, unknown> = { ...plan };
      Reflect.deleteProperty(damaged, field);
      expect(reject(JSON.stringify(damaged))).toEqual({
        code: "EG312",
        summary: "plan.json is damaged: steps, configFile, configDigest or scope are missing",
      });
    }
    expect(reject(JSON.stringify({ ...plan, steps: {} })).code).toBe("EG312");
    expect(reject(JSON.stringify({ ...plan, configDigest: 42 })).code).toBe("EG312");
  });
});

describe("savedPlanConfigHolds", () => {
  const saved = planOf(withoutRnd, converged);

  it("holds for the config the plan was made from", () => {
    expect(savedPlanConfigHolds(saved, CONFIG_DIGEST)).toEqual([]);
  });

  it("refuses (EG311) when the config file changed, whatever the steps", () => {
    expect(savedPlanConfigHolds(saved, "f".repeat(64))).toEqual([
      expect.objectContaining({
        code: "EG311",
        summary: `the saved plan is out of date: ${CONFIG_FILE} changed since the plan was made`,
      }),
    ]);
  });
});

describe("what a step observed, and how the resource differs now", () => {
  const step = (observation: unknown) => {
    const parts = observationParts(observation);
    return { observed: fingerprint(observation), ...(parts !== undefined ? { observedParts: parts } : {}) };
  };
  const role = {
    trustPolicy: { Version: "2012-10-17" as const, Statement: [] },
    tags: [],
    roleId: "AROA1",
  };

  it("is unchanged for the same observation, whatever the order of keys and tags", () => {
    const tagged = {
      ...role,
      tags: [
        { Key: "b", Value: "2" },
        { Key: "a", Value: "1" },
      ],
    };
    const now = roleObservation({
      roleId: "AROA1",
      tags: [...tagged.tags].reverse(),
      trustPolicy: role.trustPolicy,
    });
    expect(observationChange(step(roleObservation(tagged)), now)).toBeUndefined();
  });

  it("names the parts that changed, appeared or went", () => {
    expect(
      observationChange(step(roleObservation(role)), roleObservation({ ...role, roleId: "AROA2" })),
    ).toBe("changed since the plan was made: roleId");
    expect(observationChange(step({ a: 1, b: 2 }), { b: 3, c: 1 })).toBe(
      "changed since the plan was made: a (removed), b, c (added)",
    );
    expect(observationChange(step(undefined), roleObservation(role))).toBe(
      "it did not exist when the plan was made, and exists now",
    );
    expect(observationChange(step(roleObservation(role)), undefined)).toBe(
      "it existed when the plan was made, and is gone now",
    );
  });

  it("observes an access entry without its access policies", () => {
    const entry = {
      principalArn: "arn:aws:iam::123456789012:role/eksgate-web",
      type: "STANDARD",
      kubernetesGroups: ["b", "a"],
      username: "web",
      tags: {},
      createdAt: "2024-05-01T12:00:00.000Z",
    };
    const withPolicy = {
      ...entry,
      policies: [{ policyArn: "p", accessScope: { type: "cluster" as const } }],
    };
    expect(fingerprint(accessEntryObservation(withPolicy))).toBe(fingerprint(accessEntryObservation(entry)));
    expect(fingerprint(accessEntryObservation({ ...entry, kubernetesGroups: ["a", "b"] }))).toBe(
      fingerprint(accessEntryObservation(entry)),
    );
  });

  it("observes aws-auth as the entries of the step's roles only: other roles and keys do not count", () => {
    const ours = `arn:aws:iam::${ACCOUNT}:role/eksgate-rnd`;
    const mapRoles = `- rolearn: ${ours}\n  username: rnd\n  groups: [rnd]\n`;
    const foreign = `- rolearn: arn:aws:iam::${ACCOUNT}:role/nodes\n  username: node\n  groups: [n]\n`;
    const planned = awsAuthObservation({ mapRoles }, [ours.toUpperCase()]);
    expect(planned).toEqual({ [ours.toLowerCase()]: [{ username: "rnd", groups: ["rnd"] }] });
    expect(awsAuthObservation({ mapRoles: `${foreign}${mapRoles}`, mapUsers: "[]" }, [ours])).toEqual(
      planned,
    );
    expect(awsAuthObservation(undefined, [ours])).toEqual({});
    expect(awsAuthObservation({ mapRoles: foreign }, [ours])).toEqual({});
    expect(
      awsAuthObservation({ mapRoles: mapRoles.replace("username: rnd", "username: x") }, [ours]),
    ).not.toEqual(planned);
  });
});
