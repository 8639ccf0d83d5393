import { readFileSync } from 'node:fs';

/**
 * Shared pieces of the hostile-input suites: a seeded PRNG (mulberry32), case counts (short in
 * `npm test`, long with LLMSPELL_FUZZ_LONG=1) and RSS readings of another process.
 */

export const LONG = process.env.LLMSPELL_FUZZ_LONG === '1';
/** The seed: LLMSPELL_FUZZ_SEED or a fixed default, printed in every failure message. */
export const SEED = Number(process.env.LLMSPELL_FUZZ_SEED ?? 18_2026);

/** How many cases: `short` in npm test, `long` with LLMSPELL_FUZZ_LONG=1. */
export function count(short: number, long: number): number {
  return LONG ? long : short;
}

export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }
  /** A random JSON-ish value of bounded depth. */
  value(depth = 2): unknown {
    const k = this.int(0, depth > 0 ? 7 : 4);
    switch (k) {
      case 0:
        return null;
      case 1:
        return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 65536]);
      case 2:
        return this.pick(['', 'x', '\u0000', '😀', 'file:///etc/passwd', '../../..', 'a'.repeat(300)]);
      case 3:
        return this.next() < 0.5;
      case 4:
        return this.int(0, 100);
      case 5:
        return Array.from({ length: this.int(0, 3) }, () => this.value(depth - 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(0, 4); i > 0; i--)
          o[this.pick(['uri', 'line', 'character', 'textDocument', 'position', 'id', 'x'])] = this.value(
            depth - 1,
          );
        return o;
      }
    }
  }
}

/** Resident set size of a process in bytes (Linux /proc), or undefined when not readable. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const MB = 1024 * 1024;

/** Run `fn` with a safety-net timeout (not a timing assertion). */
export async function within<T>(ms: number, what: string, fn: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (seed ${SEED})`)), ms);
  });
  try {
    return await Promise.race([fn, t]);
  } finally {
    clearTimeout(timer);
  }
}
