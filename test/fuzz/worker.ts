/**
 * The in-process fuzz worker: a child process that runs cases one after the other against
 * the same entry points dist/cli.js uses, and reports each start and result to its parent
 * (test/fuzz/engine.ts), which enforces the per-case time limit.
 */
import { runOneInProcess, type WorkerMessage, type WorkerRequest } from "./engine.js";

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, {}, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

process.once("message", (request: WorkerRequest) => {
  void (async () => {
    for (const item of request.items) {
      await send({ type: "start", surface: item.surface, index: item.index });
      const violations = await runOneInProcess(
        request.seed,
        item.surface,
        item.index,
        request.env,
        request.work,
      );
      await send({ type: "result", surface: item.surface, index: item.index, violations });
    }
    await send({ type: "done" });
  })();
});
