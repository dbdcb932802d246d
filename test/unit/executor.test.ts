// The bounded graph executor (src/engine/executor.ts) with steps whose completion the test
// controls: each step's promise resolves only when the test says so, in any order it likes.
// No timers and no wall time: the test lets the executor run by draining microtasks.
import { describe, expect, it } from "vitest";
import { createLimiter, runGraph } from "../../src/engine/executor.js";

interface Node {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/** Lets every pending promise callback run. */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Steps that finish when the test calls `finish(id, ok)`. */
function controlled(nodes: readonly Node[], parallelism: number) {
  const pending = new Map<string, (ok: boolean) => void>();
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run = runGraph(nodes, {
    parallelism,
    run: (node) =>
      new Promise<{ id: string; ok: boolean }>((resolve) => {
        started.push(node.id);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        pending.set(node.id, (ok) => {
          inFlight -= 1;
          pending.delete(node.id);
          resolve({ id: node.id, ok });
        });
      }),
    failed: (r) => !r.ok,
  });
  return {
    run,
    started,
    running: () => [...pending.keys()].sort(),
    maxInFlight: () => maxInFlight,
    async finish(id: string, ok = true) {
      const done = pending.get(id);
      if (done === undefined) throw new Error(`${id} is not running`);
      done(ok);
      await drain();
    },
  };
}

const chainAndFan: Node[] = [
  { id: "role-a", dependsOn: [] },
  { id: "role-b", dependsOn: [] },
  { id: "role-c", dependsOn: [] },
  { id: "policy-a", dependsOn: ["role-a"] },
  { id: "policy-b", dependsOn: ["role-b"] },
  { id: "policy-c", dependsOn: ["role-c"] },
  { id: "mapping", dependsOn: ["policy-a", "policy-b", "policy-c"] },
  { id: "binding-1", dependsOn: ["mapping"] },
  { id: "binding-2", dependsOn: ["mapping"] },
];

describe("runGraph: bounded, ordered, stop on first failure", () => {
  it("never has more than `parallelism` steps in flight, and starts the earliest ready step first", async () => {
    const nodes = Array.from({ length: 12 }, (_, i) => ({
      id: `s${String(i).padStart(2, "0")}`,
      dependsOn: [],
    }));
    const c = controlled(nodes, 3);
    await drain();
    expect(c.running()).toEqual(["s00", "s01", "s02"]);
    // Finish out of order: the freed slots go to the next steps in list order.
    await c.finish("s02");
    expect(c.running()).toEqual(["s00", "s01", "s03"]);
    await c.finish("s00");
    await c.finish("s03");
    expect(c.running()).toEqual(["s01", "s04", "s05"]);
    while (c.running().length > 0) await c.finish(c.running().at(-1) ?? "");
    const { results, stopped } = await c.run;
    expect(stopped).toBe(false);
    expect(c.maxInFlight()).toBe(3);
    expect(results.map((r) => r?.id)).toEqual(nodes.map((n) => n.id));
  });

  it("starts a step only when every step it depends on is done", async () => {
    const c = controlled(chainAndFan, 10);
    await drain();
    expect(c.running()).toEqual(["role-a", "role-b", "role-c"]);
    await c.finish("role-b");
    expect(c.running()).toEqual(["policy-b", "role-a", "role-c"]);
    await c.finish("policy-b");
    await c.finish("role-c");
    await c.finish("policy-c");
    expect(c.running()).toEqual(["role-a"]);
    await c.finish("role-a");
    await c.finish("policy-a");
    expect(c.running()).toEqual(["mapping"]);
    await c.finish("mapping");
    expect(c.running()).toEqual(["binding-1", "binding-2"]);
    await c.finish("binding-2");
    await c.finish("binding-1");
    const { results } = await c.run;
    // Results in list order although the steps finished in another.
    expect(results.map((r) => r?.id)).toEqual(chainAndFan.map((n) => n.id));
    const position = new Map(c.started.map((id, i) => [id, i]));
    for (const node of chainAndFan)
      for (const dep of node.dependsOn)
        expect(position.get(dep) ?? Infinity).toBeLessThan(position.get(node.id) ?? -1);
  });

  it("after a failure starts nothing new, lets the steps in flight finish, and leaves the rest without a result", async () => {
    const c = controlled(chainAndFan, 2);
    await drain();
    expect(c.running()).toEqual(["role-a", "role-b"]);
    await c.finish("role-a", false);
    // role-b is still running; nothing new started in role-a's slot.
    expect(c.running()).toEqual(["role-b"]);
    await c.finish("role-b");
    expect(c.running()).toEqual([]);
    const { results, stopped } = await c.run;
    expect(stopped).toBe(true);
    expect(results.map((r) => (r === undefined ? "not started" : r.ok ? "done" : "failed"))).toEqual([
      "failed",
      "done",
      ...Array<string>(7).fill("not started"),
    ]);
  });

  it("with parallelism 1 runs the steps one after another in list order", async () => {
    const c = controlled(chainAndFan, 1);
    await drain();
    while (c.running().length > 0) {
      expect(c.running()).toHaveLength(1);
      await c.finish(c.running()[0] ?? "");
    }
    await c.run;
    expect(c.started).toEqual(chainAndFan.map((n) => n.id));
  });

  it(
    "gives the same results whatever order the steps finish in (64 orders)",
    { timeout: 120_000 },
    async () => {
      let seed = 7;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const outputs = new Set<string>();
      for (let round = 0; round < 64; round++) {
        const c = controlled(chainAndFan, 1 + (round % 4));
        await drain();
        while (c.running().length > 0) {
          const running = c.running();
          await c.finish(running[random(running.length)] ?? "");
        }
        const { results } = await c.run;
        outputs.add(JSON.stringify(results));
      }
      expect([...outputs]).toEqual([JSON.stringify(chainAndFan.map((n) => ({ id: n.id, ok: true })))]);
    },
  );

  it("ignores dependencies on steps that are not in the list", async () => {
    const c = controlled([{ id: "x", dependsOn: ["elsewhere"] }], 4);
    await drain();
    expect(c.running()).toEqual(["x"]);
    await c.finish("x");
    expect((await c.run).results).toEqual([{ id: "x", ok: true }]);
  });

  it("rethrows a step that rejects, after the steps in flight finish", async () => {
    let release: (() => void) | undefined;
    const run = runGraph(
      [
        { id: "a", dependsOn: [] },
        { id: "b", dependsOn: [] },
        { id: "c", dependsOn: [] },
      ],
      {
        parallelism: 2,
        run: (node) =>
          node.id === "a"
            ? Promise.reject(new Error("bug"))
            : new Promise<string>((resolve) => {
                release = () => {
                  resolve(node.id);
                };
              }),
        failed: () => false,
      },
    );
    let settled = false;
    run.catch(() => undefined).finally(() => (settled = true));
    await drain();
    expect(settled).toBe(false);
    release?.();
    await expect(run).rejects.toThrow("bug");
  });
});

describe("createLimiter", () => {
  it("lets at most `limit` calls run at once and runs the rest in call order", async () => {
    const limit = createLimiter(2);
    const releases = new Map<number, () => void>();
    const order: number[] = [];
    let active = 0;
    let max = 0;
    const calls = Array.from({ length: 6 }, (_, i) =>
      limit(
        () =>
          new Promise<number>((resolve) => {
            order.push(i);
            active += 1;
            max = Math.max(max, active);
            releases.set(i, () => {
              active -= 1;
              resolve(i);
            });
          }),
      ),
    );
    await drain();
    expect([...releases.keys()]).toEqual([0, 1]);
    for (const i of [1, 0, 2, 3, 5, 4]) {
      await drain();
      releases.get(i)?.();
    }
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(max).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
