// The clock the in-memory port fakes share (docs/specs/port-fakes.md): every timestamp it
// hands out is one second after the previous one, starting from a given instant, so tests
// never depend on the wall clock and "created later" always compares as later.
import type { Clock } from "../../../src/ports/system.js";

export class FakeClock implements Clock {
  private current: number;

  /** `start`: ISO 8601; the first timestamp handed out is one second after it. */
  constructor(start = "2024-06-01T00:00:00.000Z") {
    this.current = Date.parse(start);
  }

  /** A clock that starts after every given timestamp. */
  static after(stamps: readonly string[], floor = "2024-06-01T00:00:00.000Z"): FakeClock {
    const latest = Math.max(...[floor, ...stamps].map((s) => Date.parse(s)).filter((n) => !Number.isNaN(n)));
    return new FakeClock(new Date(latest).toISOString());
  }

  /** The next instant, as a Date (what the EKS double's state wants). */
  tick(): Date {
    this.current += 1000;
    return new Date(this.current);
  }

  now(): string {
    return this.tick().toISOString();
  }

  /** Waiting moves the clock on; it never waits. */
  sleep(ms: number): Promise<void> {
    this.current += ms;
    return Promise.resolve();
  }
}
