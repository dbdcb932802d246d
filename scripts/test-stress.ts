// `npm run test:stress`: runs the unit tier beside a CPU hog (two `yes > /dev/null`), the
// way a shared CI machine runs it, and fails if any test depends on having the machine to
// itself. The hogs are killed when the run ends, however it ends (failure, Ctrl-C, an error
// here). Vitest arguments pass through (`npm run test:stress -- test/unit/x.test.ts`);
// after `--`, any other command runs beside the hogs instead
// (`npx tsx scripts/test-stress.ts -- npm test`).
import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import { runTier, tierSummary, VITEST } from "./tiers.js";

const HOGS = 2;

const argv = process.argv.slice(2);
const [command, ...args] =
  argv[0] === "--" && argv.length > 1 ? argv.slice(1) : [VITEST, "run", "--project", "unit", ...argv];

const hogs: ChildProcess[] = Array.from({ length: HOGS }, () =>
  spawn("yes", [], { stdio: ["ignore", "ignore", "inherit"] }),
);
const killHogs = (): void => {
  for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill("SIGKILL");
};
process.on("exit", killHogs);

let tests: ChildProcess | undefined;
const run = { interrupted: false, code: 0 };
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    run.interrupted = true;
    run.code = 128 + constants.signals[signal];
    killHogs();
    tests?.kill(signal);
  });
}

const pids = hogs.map((h) => h.pid).join(", ");
process.stdout.write(`== CPU hog: ${String(HOGS)} x \`yes > /dev/null\` (pids ${pids})\n`);
const name = `${command === VITEST ? "unit tier" : [command, ...args].join(" ")} under load`;
const result = await runTier(name, command ?? "", args, (child) => (tests = child));
// A hog that died early means the run was not under load: say so rather than pass.
const died = hogs.filter((h) => h.exitCode !== null || h.signalCode !== null);
killHogs();
process.stdout.write(`${tierSummary([result])}\n`);
if (died.length > 0 && !run.interrupted)
  process.stderr.write(
    `${String(died.length)} CPU hog(s) stopped before the tests ended: not a run under load\n`,
  );
process.exitCode = run.interrupted ? run.code : result.code !== 0 || died.length > 0 ? 1 : 0;
