/**
 * The `eksgate` executable. `eksgate token` is dispatched before anything else is
 * loaded: kubectl runs it on every call, so it must not pay for the CLI framework.
 */
import { processTerminal, ExitCode } from "./terminal.js";

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === "token") {
    const { runToken, fdIo } = await import("../token/main.js");
    return runToken(argv.slice(1), process.env, fdIo);
  }
  const { runCli } = await import("./program.js");
  return runCli(argv, processTerminal());
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const debug = process.env["EKSGATE_DEBUG"] !== undefined;
    const message =
      error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
    process.stderr.write(
      `eksgate: internal error: ${message}\n` +
        (debug
          ? ""
          : "This is a bug in eksgate. Run again with EKSGATE_DEBUG=1 for details and report it.\n"),
    );
    process.exitCode = ExitCode.internal;
  },
);
