/** Reading a saved plan (`eksgate plan --out plan.json`) back, with clear errors. */
import type { DiagnosticCode, Result } from "../diagnostics.js";
import { PLAN_FORMAT_VERSION, type Plan } from "./plan.js";
import { addDependencies } from "./steps.js";

export function parseSavedPlan(file: string, text: string): Result<Plan> {
  const fail = (code: DiagnosticCode, summary: string, detail: string): Result<Plan> => ({
    ok: false,
    diagnostics: [{ code, severity: "error", summary, detail, source: { file, line: 1, column: 1 } }],
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(
      "EG312",
      `${file} is not JSON: ${(error as Error).message}`,
      "Pass a file written by eksgate plan --out.",
    );
  }
  if (typeof data !== "object" || data === null || (data as { kind?: unknown }).kind !== "EksgatePlan") {
    return fail("EG312", `${file} is not an eksgate plan`, "Pass a file written by eksgate plan --out.");
  }
  const version = (data as { formatVersion?: unknown }).formatVersion;
  if (version !== PLAN_FORMAT_VERSION) {
    return fail(
      "EG310",
      `plan format ${JSON.stringify(version)} is not supported (this eksgate reads format ${PLAN_FORMAT_VERSION})`,
      "Make the plan again with this version of eksgate.",
    );
  }
  const plan = data as Plan;
  if (
    !Array.isArray(plan.steps) ||
    typeof plan.configFile !== "string" ||
    typeof plan.configDigest !== "string" ||
    typeof plan.scope !== "object"
  ) {
    return fail(
      "EG312",
      `${file} is damaged: steps, configFile, configDigest or scope are missing`,
      "Make the plan again.",
    );
  }
  // Plans saved before steps carried their dependencies get them from the same rules.
  const complete = plan.steps.every((s) => Array.isArray((s as { dependsOn?: unknown }).dependsOn));
  return {
    ok: true,
    value: complete ? plan : { ...plan, steps: addDependencies(plan.steps) },
    diagnostics: [],
  };
}
