// `npm test`: builds dist/, then runs each vitest project of vitest.config.ts (unit,
// integration, and any tier added there) one after the other, and prints how long each
// tier took. Every tier runs even when an earlier one fails; the exit code is 1 if any
// failed. With arguments (`npm test -- test/unit/x.test.ts`), runs vitest once with them.
import config from "../vitest.config.js";
import { recordTiers, runTier, tierSummary, VITEST, type TierResult } from "./tiers.js";

const args = process.argv.slice(2);
const results: TierResult[] = [await runTier("build", "npm", ["run", "build", "--silent"])];

if (results.every((r) => r.code === 0)) {
  if (args.length > 0) {
    results.push(await runTier("tests", VITEST, ["run", ...args]));
  } else {
    const projects = (config.test?.projects ?? []).flatMap((p) =>
      typeof p === "object" && "test" in p && typeof p.test.name === "string" ? [p.test.name] : [],
    );
    if (projects.length === 0) throw new Error("vitest.config.ts names no test projects");
    for (const name of projects)
      results.push(await runTier(`${name} tier`, VITEST, ["run", "--project", name]));
  }
}

process.stdout.write(`== test tiers\n${tierSummary(results)}\n`);
recordTiers("npm test: ", results);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
