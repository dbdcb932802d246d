/** Where the CLI writes. Colour only on a TTY, and never when NO_COLOR is set. */
import pc from "picocolors";

export interface Terminal {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
  /** The terminal's width; 0 when unknown (not a terminal, or one that reports no size). */
  readonly columns: number;
  readonly color: boolean;
  readonly paint: ReturnType<typeof pc.createColors>;
}

/**
 * A reader that goes away (`eksgate ... | head`) makes the next write fail with EPIPE; that
 * is not an error of eksgate's, and nothing more can be said to anyone: stop quietly.
 */
function stopQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok);
  });
}

export function processTerminal(): Terminal {
  stopQuietlyOnClosedPipe(process.stdout);
  stopQuietlyOnClosedPipe(process.stderr);
  // isTTY is undefined (not false) on a pipe, whatever its type says; createColors(undefined)
  // would guess from the environment (CI=true turns colour on), so it must be a boolean.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- typed boolean, undefined at run time on a pipe
  const isTTY = Boolean(process.stdout.isTTY);
  const color = isTTY && process.env["NO_COLOR"] === undefined && process.env["TERM"] !== "dumb";
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY,
    columns: isTTY ? process.stdout.columns : 0,
    color,
    paint: pc.createColors(color),
  };
}

/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** Bad input, lint errors, failed operations. */
  error: 1,
  /** `plan --detailed-exitcode`: there are changes. */
  changes: 2,
  /** A bug in eksgate: please report it. */
  internal: 3,
} as const;
