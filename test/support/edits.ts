/**
 * Edit series for the language server's incremental caches: each test replays the texts one by one
 * and compares the incremental result with a fresh analysis after every step.
 */

/** A small deterministic PRNG (mulberry32) so a failure reproduces. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `base` and the text after each `[find, replace]` edit in turn (each `find` must be present). */
export function editSeries(base: string, edits: ReadonlyArray<readonly [string, string]>): string[] {
  const texts = [base];
  let text = base;
  for (const [find, replace] of edits) {
    if (!text.includes(find)) throw new Error(`edit series: "${find}" is not in the text`);
    text = text.replace(find, replace);
    texts.push(text);
  }
  return texts;
}

/**
 * `base` and `steps` random line edits of it, as typing makes them: insert a line from `pool`,
 * delete a line, copy a line elsewhere, or append a space or a comment. A step that leaves a syntax
 * error is usually undone at once (`hasSyntaxError` tells), so errors stay short-lived.
 */
export function randomLineEdits(
  base: string,
  pool: readonly string[],
  seed: number,
  steps: number,
  hasSyntaxError: (text: string) => boolean,
): string[] {
  const rand = rng(seed);
  const texts = [base];
  let lines = base.split('\n');
  for (let step = 0; step < steps; step++) {
    const at = Math.floor(rand() * lines.length);
    const r = rand();
    if (r < 0.4) lines.splice(at, 0, pool[Math.floor(rand() * pool.length)]);
    else if (r < 0.6 && lines.length > 5) lines.splice(at, 1);
    else if (r < 0.8) lines.splice(at, 0, lines[Math.floor(rand() * lines.length)] ?? '');
    else lines[at] = (lines[at] ?? '') + (rand() < 0.5 ? ' ' : ' -- x');
    texts.push(lines.join('\n'));
    if (hasSyntaxError(texts[texts.length - 1]) && rand() < 0.7) {
      lines = texts[texts.length - 2].split('\n');
      texts.push(lines.join('\n'));
    }
  }
  return texts;
}
