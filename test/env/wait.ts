// Waiting on a real condition: poll it until it holds. The deadline only turns a hang into
// a failure that says what was awaited and what was seen last; it is far above what the
// wait takes on a loaded machine (test/support/time-limits.ts).
import { SETTLE_DEADLINE_MS } from "../support/time-limits.js";

/**
 * What a probe saw: true when the condition holds, otherwise a description of what it saw
 * (for the failure message). A probe that throws counts as not yet, with its message.
 */
export type ProbeResult = true | string;

export class WaitTimeout extends Error {
  override readonly name = "WaitTimeout";
}

export async function waitUntil(
  what: string,
  probe: () => Promise<ProbeResult>,
  options: {
    readonly deadlineMs?: number;
    readonly intervalMs?: number;
    /** When the wait began (default: now), for a deadline shared by several waits. */
    readonly since?: number;
    /** Checked before each probe: a reason to give up at once (a process that exited). */
    readonly abort?: () => string | undefined;
  } = {},
): Promise<void> {
  const deadlineMs = options.deadlineMs ?? SETTLE_DEADLINE_MS;
  const started = options.since ?? Date.now();
  let last = "nothing yet";
  for (;;) {
    const reason = options.abort?.();
    if (reason !== undefined) throw new Error(`${reason} while waiting for ${what}; last seen: ${last}`);
    let seen: ProbeResult;
    try {
      seen = await probe();
    } catch (error) {
      seen = error instanceof Error ? error.message : String(error);
    }
    if (seen === true) return;
    last = seen;
    if (Date.now() - started > deadlineMs)
      throw new WaitTimeout(
        `gave up after ${String(deadlineMs / 1000)} s waiting for ${what}; last seen: ${last}`,
      );
    await new Promise((done) => setTimeout(done, options.intervalMs ?? 100));
  }
}
