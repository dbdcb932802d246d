/**
 * A small seeded random number generator (SplitMix32 state, Mulberry32 output). Every fuzz
 * case gets its own generator derived from (seed, surface, case index), so one case can be
 * regenerated on its own from those three values.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A generator for one case: independent of how many numbers other cases drew. */
  static forCase(seed: number, surface: string, index: number): Rng {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (const ch of `${surface}#${String(index)}`) {
      h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    }
    return new Rng(Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0);
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + (this.next() % (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let roll = this.next() % total;
    for (const [w, value] of items) {
      if (roll < w) return value;
      roll -= w;
    }
    return (items[items.length - 1] as readonly [number, T])[1];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.next() & 0xff;
    return out;
  }

  /** A string of `length` code points drawn from `alphabet` (splitting it by code point is the point). */
  string(length: number, alphabet: string): string {
    const chars = Array.from(alphabet);
    let out = "";
    for (let i = 0; i < length; i++) out += this.pick(chars);
    return out;
  }

  /** A length that is usually small and now and then large: 0..max, skewed to 0. */
  size(max: number): number {
    const scale = this.pick([4, 16, 64, 256, 4096, max]);
    return this.int(0, Math.min(scale, max));
  }
}

/** A fresh random seed (printed by the runner so that a run can be repeated). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fff_ffff);
}

/** The seed from an environment variable (decimal or 0x hex), or undefined. */
export function seedFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`FUZZ_SEED must be a non-negative integer, got ${value}`);
  return n >>> 0;
}
