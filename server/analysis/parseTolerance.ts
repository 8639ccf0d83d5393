import * as luaparse from 'luaparse';

/**
 * What LuaLS's parser tolerates and luaparse does not, kept as structure for the type engine
 * (the syntax errors are still reported by parse.ts):
 * - `goto name` without a visible label: the jump still ends the block's flow;
 * - statements after a `return` in the same block (`return 1` then `return nil`, usual while
 *   debugging): they stay in the block, so a function's returns are all seen.
 * Every rewrite keeps the text's length and newlines, so offsets and lines stay.
 */

/** Replace [start, end) with spaces, keeping newlines. */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ') + text.slice(end);
}

/**
 * luaparse's "no visible label 'L' for <goto>" at `at`: the same text with that `goto L` turned
 * into an `error()` call of the same length (a statement that also ends the flow), or undefined.
 */
export function gotoWithoutLabel(work: string, message: string, at: number): string | undefined {
  const label = /^no visible label '([^']+)' for <goto>/.exec(message)?.[1];
  if (!label) return undefined;
  const m = /^goto(\s+)([A-Za-z_]\w*)/.exec(work.slice(at));
  if (!m || m[2] !== label || m[0].length < 'error()'.length) return undefined;
  return work.slice(0, at) + 'error()'.padEnd(m[0].length, ' ') + work.slice(at + m[0].length);
}

function parses(text: string): boolean {
  try {
    luaparse.parse(text, { luaVersion: '5.3', encodingMode: 'none' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Does the code just before `idx` (where luaparse expected the block's end) end a `return`
 * statement? The nearest `return` before it must start a statement running up to `idx`.
 */
export function followsReturn(work: string, idx: number, message: string): boolean {
  if (!/^'(end|<eof>|until|elseif|else)' expected near/.test(message)) return false;
  const head = work.slice(0, idx);
  const re = /\breturn\b/g;
  let r = -1;
  for (let m = re.exec(head); m; m = re.exec(head)) r = m.index;
  if (r < 0 || idx - r > 2000) return false;
  return parses(work.slice(r, idx));
}

/** A chunk's statement lists (blocks) with their ranges, innermost last. */
interface Block {
  body: luaparse.Statement[];
  start: number;
  end: number;
}

function blocksHolding(chunk: luaparse.Chunk, at: number, textEnd: number): Block[] {
  const out: Block[] = [{ body: chunk.body, start: 0, end: textEnd }];
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const node = n as { type?: string; range?: [number, number]; body?: unknown };
    if (node.range && (at < node.range[0] || at > node.range[1])) return;
    if (node.range && Array.isArray(node.body) && node.type !== 'Chunk')
      out.push({ body: node.body as luaparse.Statement[], start: node.range[0], end: node.range[1] });
    for (const k in node) {
      if (k === 'range' || k === 'loc') continue;
      const v = (node as Record<string, unknown>)[k];
      if (v && typeof v === 'object') visit(v);
    }
  };
  visit(chunk.body);
  return out;
}

/**
 * Put the statements of the blanked ranges (code after a `return`) back into the innermost block
 * holding them, after its statements. `text` is the text before blanking; `ranges` in text order.
 */
export function spliceAfterReturn(
  chunk: luaparse.Chunk,
  text: string,
  ranges: { start: number; end: number }[],
): void {
  if (!ranges.length) return;
  // only the ranges' text, at their offsets
  let only = text;
  let cursor = 0;
  for (const r of ranges) {
    only = blank(only, cursor, r.start);
    cursor = r.end;
  }
  only = blank(only, cursor, only.length);
  let sub: luaparse.Chunk;
  try {
    sub = luaparse.parse(only, { ranges: true, luaVersion: '5.3', encodingMode: 'none' });
  } catch {
    return;
  }
  const blocks = blocksHolding(chunk, ranges[0].start, text.length);
  const block = blocks[blocks.length - 1];
  block.body.push(...sub.body);
}
