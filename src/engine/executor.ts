/**
 * Runs the steps of a dependency graph with a bounded number in flight, the way apply runs
 * a plan:
 *
 * - a step starts only when every step it depends on is done (ids not in the list are
 *   treated as done: they belong to another plan or scope);
 * - among the steps that may start, the one earliest in the list starts first, and never
 *   more than `parallelism` run at once (1: one after another, in list order);
 * - after the first failure nothing new starts; the steps in flight finish;
 * - results come back in list order, whatever order the steps finished in; a step that
 *   never started has no result.
 *
 * Independent of what a step is: the engine's apply and its tests use it alike.
 */

export const DEFAULT_PARALLELISM = 10;

export interface GraphNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

export interface GraphRunOptions<N, R> {
  /** At most this many steps in flight (at least 1). */
  readonly parallelism: number;
  /** Runs one step. A rejection counts as a failure and is rethrown once in-flight steps finish. */
  readonly run: (node: N, index: number) => Promise<R>;
  /** Whether a result is a failure (stops new steps from starting). */
  readonly failed: (result: R) => boolean;
}

export interface GraphRunResult<R> {
  /** By index of the input; undefined: never started. */
  readonly results: readonly (R | undefined)[];
  /** Whether a failure stopped the run. */
  readonly stopped: boolean;
}

/** A small binary min-heap of indexes, so that the earliest ready step starts first. */
class IndexHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as number;
      if (p <= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as number) < (items[left] as number) ? right : left;
      const c = items[child] as number;
      if (c >= last) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export function runGraph<N extends GraphNode, R>(
  nodes: readonly N[],
  options: GraphRunOptions<N, R>,
): Promise<GraphRunResult<R>> {
  const limit = Math.max(1, Math.floor(options.parallelism));
  const indexOf = new Map(nodes.map((n, i) => [n.id, i]));
  const waitingOn = new Array<number>(nodes.length).fill(0);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => {
    for (const dep of new Set(node.dependsOn)) {
      const d = indexOf.get(dep);
      if (d === undefined || d === i) continue;
      waitingOn[i] = (waitingOn[i] ?? 0) + 1;
      dependents[d]?.push(i);
    }
  });
  const ready = new IndexHeap();
  waitingOn.forEach((n, i) => {
    if (n === 0) ready.push(i);
  });
  const results = new Array<R | undefined>(nodes.length).fill(undefined);

  return new Promise((resolve, reject) => {
    let inFlight = 0;
    let stopped = false;
    let thrown: { readonly error: unknown } | undefined;

    const finish = (): void => {
      if (thrown !== undefined)
        reject(thrown.error instanceof Error ? thrown.error : new Error(String(thrown.error)));
      else resolve({ results, stopped });
    };

    const settle = (index: number, result: R): void => {
      results[index] = result;
      if (options.failed(result)) {
        stopped = true;
        return;
      }
      for (const next of dependents[index] ?? []) {
        const left = (waitingOn[next] ?? 0) - 1;
        waitingOn[next] = left;
        if (left === 0) ready.push(next);
      }
    };

    const pump = (): void => {
      while (!stopped && inFlight < limit && ready.size > 0) {
        const index = ready.pop() as number;
        const node = nodes[index] as N;
        inFlight += 1;
        void Promise.resolve()
          .then(() => options.run(node, index))
          .then(
            (result) => {
              settle(index, result);
            },
            (error: unknown) => {
              stopped = true;
              thrown ??= { error };
            },
          )
          .then(() => {
            inFlight -= 1;
            pump();
          });
      }
      // Done when nothing runs and nothing more may start (stopped, finished, or the rest
      // waits on steps that never finish, which a plan's order rules out).
      if (inFlight === 0) finish();
    };
    pump();
  });
}

/**
 * A gate that lets at most `limit` calls run at once, shared by reads of different kinds
 * (wrap the calls to the ports, not the tasks that wait on other wrapped calls).
 */
export function createLimiter(limit: number): <T>(call: () => Promise<T>) => Promise<T> {
  const max = Math.max(1, Math.floor(limit));
  let active = 0;
  // A queue with a moving head: shift() on a long array is linear.
  const queue: ((() => void) | undefined)[] = [];
  let head = 0;
  const release = (): void => {
    active -= 1;
    const next = queue[head];
    if (next === undefined) return;
    queue[head] = undefined;
    head += 1;
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    next();
  };
  return <T>(call: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active += 1;
        Promise.resolve().then(call).then(resolve, reject).finally(release);
      };
      if (active < max) start();
      else queue.push(start);
    });
}
