/** What a fuzzed input surface provides, and the context its checks run in. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FuzzCase } from "./cases.js";
import type { CliOutcome, Violation } from "./properties.js";
import type { Rng } from "./rng.js";

export type Mode = "in-process" | "cli";

export interface RunContext {
  readonly mode: Mode;
  /** Runs the case's argv (or `argv` when given) the way this mode runs eksgate. */
  run(
    c: FuzzCase,
    dir: string,
    options?: { readonly argv?: readonly string[]; readonly closeStdout?: boolean },
  ): Promise<CliOutcome>;
}

export interface Surface {
  readonly name: string;
  /** One case from its own generator: a pure function of the generator's state. */
  generate(rng: Rng, index: number, mode: Mode): FuzzCase;
  /** Runs the case laid out in `dir` and returns what went wrong (nothing: it passed). */
  check(c: FuzzCase, dir: string, ctx: RunContext): Promise<Violation[]>;
}

export const REPO = join(import.meta.dirname, "../..");

export function repoFile(path: string): string {
  return readFileSync(join(REPO, path), "utf8");
}

/** Every file under a repository directory, as [path relative to it, text]. */
export function repoTree(dir: string): [string, string][] {
  const root = join(REPO, dir);
  return readdirSync(root, { recursive: true, encoding: "utf8", withFileTypes: false })
    .filter((p) => /\.(json|ya?ml)$/.test(p))
    .sort()
    .map((p) => [p.split("\\").join("/"), readFileSync(join(root, p), "utf8")]);
}

export function violation(kind: string, message: string): Violation {
  return { kind, message };
}
