// The test environment's waits (test/env/wait.ts) wait on the condition itself, and when
// they give up they say what they waited for and what they saw last.
import { describe, expect, it } from "vitest";
import { waitUntil } from "../env/wait.js";

describe("waitUntil", () => {
  it("returns as soon as the condition holds, however many polls that takes", async () => {
    let polls = 0;
    await waitUntil("the fifth poll", () => Promise.resolve(++polls === 5 || `poll ${String(polls)}`), {
      intervalMs: 0,
    });
    expect(polls).toBe(5);
  });

  it("gives up after the deadline, naming what it waited for and the last thing seen", async () => {
    let polls = 0;
    const error = await waitUntil(
      "a condition that never holds",
      () => Promise.resolve(`poll ${String(++polls)}`),
      {
        deadlineMs: 0,
        intervalMs: 1,
        since: 0,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `gave up after 0 s waiting for a condition that never holds; last seen: poll ${String(polls)}`,
    );
  });

  it("counts a probe that throws as not yet, and reports its message", async () => {
    let polls = 0;
    await waitUntil(
      "a server that refuses connections twice",
      () => (++polls < 3 ? Promise.reject(new Error("ECONNREFUSED")) : Promise.resolve(true)),
      { intervalMs: 0 },
    );
    expect(polls).toBe(3);
    const error = await waitUntil("a server that is down", () => Promise.reject(new Error("ECONNREFUSED")), {
      deadlineMs: 0,
      since: 0,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("last seen: ECONNREFUSED");
  });

  it("stops at once when told to, without waiting for the deadline", async () => {
    let polls = 0;
    const error = await waitUntil("readiness", () => Promise.resolve(`poll ${String(++polls)}`), {
      intervalMs: 0,
      abort: () => (polls >= 2 ? "kube-apiserver exited (code 1)" : undefined),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "kube-apiserver exited (code 1) while waiting for readiness; last seen: poll 2",
    );
    expect(polls).toBe(2);
  });
});
