import pc from "picocolors";
import type { Terminal } from "../../src/cli/terminal.js";

/** A terminal that records what the CLI writes. No colour, not a TTY. */
export function recordingTerminal(): Terminal & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    isTTY: false,
    columns: 0,
    color: false,
    paint: pc.createColors(false),
    stdout: () => out,
    stderr: () => err,
  };
}
