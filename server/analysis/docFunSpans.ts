import type { Span } from './types';

/**
 * LuaLS lists a function type written in an annotation as a definition of what it types:
 * `---@type fun()` above a local, `---@param f fun()` for a parameter, `---@vararg fun()` /
 * `---@param ... fun()` for `...`, `---@overload fun(x)` for the function under it.
 * These helpers find those `fun(...)` spans in the doc block above a line.
 */

/** The end of the type starting at `start` (a `fun(...)` with its returns), before any description. */
function typeEnd(line: string, start: number): number {
  let depth = 0;
  let i = start;
  for (; i < line.length; i++) {
    const c = line[i];
    if ('(<{['.includes(c)) depth++;
    else if (')>}]'.includes(c)) depth--;
    else if (c === '#' && depth === 0) break;
    else if (/\s/.test(c) && depth === 0) {
      const prev = line.slice(0, i).trimEnd().slice(-1);
      const next = line.slice(i).trimStart()[0];
      if (prev !== ':' && prev !== ',' && prev !== '|' && next !== ':' && next !== ',' && next !== '|') break;
    }
  }
  return start + line.slice(start, i).trimEnd().length;
}

/** The doc lines right above the line holding `offset` (nearest last), with their offsets. */
function docLinesAbove(text: string, offset: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  while (lineStart > 0 && out.length < 64) {
    const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    const line = text.slice(prevStart, lineStart - 1);
    if (!/^\s*---/.test(line)) break;
    out.push({ text: line, start: prevStart });
    lineStart = prevStart;
  }
  return out;
}

/**
 * The `fun(...)` types of the doc tags above `offset` that `pick` accepts: `pick(tag, rest)` gets
 * the tag (`type`, `param`, ...) and the text after it, and returns the index in `rest` where the
 * type starts (or -1).
 */
export function docFunctionSpans(
  text: string,
  offset: number,
  pick: (tag: string, rest: string) => number,
): Span[] {
  const out: Span[] = [];
  for (const l of docLinesAbove(text, offset)) {
    const m = /^(\s*---\s*@)(\w+)(\s+)/.exec(l.text);
    if (!m) continue;
    const restAt = m[0].length;
    const rest = l.text.slice(restAt);
    const at = pick(m[2], rest);
    if (at < 0 || !/^fun\s*\(/.test(rest.slice(at))) continue;
    const s = restAt + at;
    out.push({ start: l.start + s, end: l.start + typeEnd(l.text, s) });
  }
  return out.reverse();
}

/** `---@param name T` / `---@param name? T`: where `T` starts for `name`, or -1. */
export function paramTypeAt(rest: string, name: string): number {
  const m = /^([\w.]+)\??(\s+)/.exec(rest);
  return m && m[1] === name ? m[0].length : -1;
}
