import * as luaparse from 'luaparse';
import type { Span, SyntaxErrorInfo } from './types';
import type { WalkCache } from './walkCache';

export type Chunk = luaparse.Chunk;
export type Node = luaparse.Node;

/** The `[start, end)` range luaparse stores on every node with `ranges: true`. */
export function spanOf(node: { type: string }): Span {
  const r = (node as { range?: [number, number] }).range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

const ATTRIB_RE = /<\s*(const|close)\s*>/g;

export interface Attribute {
  name: 'const' | 'close';
  span: Span;
}

/**
 * luaparse only knows Lua 5.3: blank Lua 5.4 attributes (`<const>`, `<close>`) with spaces of the
 * same length so every offset stays valid. Only attributes after a `local NAME` are blanked.
 */
export function blankAttributes(text: string): { text: string; attributes: Attribute[] } {
  if (text.indexOf('<') < 0) return { text, attributes: [] };
  const attributes: Attribute[] = [];
  const out = text.replace(ATTRIB_RE, (m: string, name: string, offset: number) => {
    const before = text.slice(Math.max(0, offset - 200), offset);
    if (
      !/\blocal\s+[A-Za-z_][\w]*(\s*<\s*(const|close)\s*>)?(\s*,\s*[A-Za-z_][\w]*(\s*<\s*(const|close)\s*>)?)*\s*$/.test(
        before,
      )
    ) {
      return m;
    }
    attributes.push({ name: name as 'const' | 'close', span: { start: offset, end: offset + m.length } });
    return ' '.repeat(m.length);
  });
  return { text: out, attributes };
}

export interface ParseResult {
  chunk: Chunk;
  /** the first syntax error, if any (the chunk is then a recovered best effort) */
  errors: SyntaxErrorInfo[];
  attributes: Attribute[];
  comments: luaparse.Comment[];
  /** set when the whole text parsed without errors: what `reparse` needs next time */
  state?: ParseState;
}

interface LuaparseError {
  message: string;
  index: number;
  line: number;
  column: number;
}

function isLuaparseError(e: unknown): e is LuaparseError {
  return typeof e === 'object' && e !== null && typeof (e as LuaparseError).index === 'number';
}

function tryParse(text: string): Chunk {
  return luaparse.parse(text, { ranges: true, comments: true, luaVersion: '5.3', encodingMode: 'none' });
}

/** Replace [start, end) with spaces, keeping newlines (so offsets and lines stay). */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ') + text.slice(end);
}

/** The reported error: luaparse's message at the offending token (the last one before <eof>). */
function errorInfo(e: LuaparseError, work: string): SyntaxErrorInfo {
  const idx = Math.max(0, Math.min(e.index, work.length));
  const message = e.message.replace(/^\[\d+:\d+\]\s*/, '');
  if (/<eof>/.test(e.message)) {
    // point at the last token instead of the end of the file
    let j = Math.min(idx, work.length) - 1;
    while (j > 0 && /\s/.test(work[j])) j--;
    const tokEnd = j + 1;
    while (j > 0 && /[\w.:]/.test(work[j - 1])) j--;
    return { message, span: { start: Math.max(0, j), end: Math.max(tokEnd, j) } };
  }
  let end = idx;
  while (end < work.length && /[\w]/.test(work[end])) end++;
  if (end === idx && idx < work.length && work[idx] !== '\n' && work[idx] !== '\r') end = idx + 1;
  return { message, span: { start: idx, end: Math.max(end, idx) } };
}

/**
 * Syntax errors only, about twice as fast as parseLua on a cold start (no ranges, no comments,
 * no recovery): what the server publishes first for a big file while the full analysis runs.
 * Reports the same first error as parseLua.
 */
export function syntaxErrors(source: string): SyntaxErrorInfo[] {
  const { text } = blankAttributes(source);
  try {
    luaparse.parse(text, { luaVersion: '5.3', encodingMode: 'none' });
    return [];
  } catch (e) {
    if (isLuaparseError(e)) return [errorInfo(e, text)];
    const msg = e instanceof Error ? e.message : String(e);
    return [{ message: `cannot parse: ${msg}`, span: { start: 0, end: Math.min(1, source.length) } }];
  }
}

const MAX_RECOVERIES = 6;
const RECOVERY_LIMIT_BYTES = 1_000_000;

/**
 * Parse with recovery: luaparse stops at the first error, so the offending line is blanked and the
 * parse retried (bounded), giving scopes and symbols for the rest of the file while a line is being
 * typed (`Agent.`). Only the first error is reported (later ones are often consequences).
 */
export function parseLua(source: string): ParseResult {
  const { text, attributes } = blankAttributes(source);
  const errors: SyntaxErrorInfo[] = [];
  let work = text;
  let comments: luaparse.Comment[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      const chunk = tryParse(work);
      comments = chunk.comments ?? [];
      const state = attempt === 0 ? { work, chunk, comments } : undefined;
      return { chunk, errors, attributes, comments, state };
    } catch (e) {
      if (!isLuaparseError(e)) {
        // RangeError (deep nesting) or anything unexpected: report and give up on structure.
        const msg = e instanceof Error ? e.message : String(e);
        errors.push({ message: `cannot parse: ${msg}`, span: { start: 0, end: Math.min(1, source.length) } });
        return { chunk: { type: 'Chunk', body: [], comments: [] }, errors, attributes, comments };
      }
      const idx = Math.max(0, Math.min(e.index, work.length));
      if (attempt === 0) errors.push(errorInfo(e, work));
      if (attempt >= MAX_RECOVERIES || source.length > RECOVERY_LIMIT_BYTES) {
        return { chunk: { type: 'Chunk', body: [], comments: [] }, errors, attributes, comments };
      }
      if (
        /'(end|\)|\})' expected/.test(e.message) &&
        /<eof>/.test(e.message) &&
        idx >= work.trimEnd().length
      ) {
        // an unfinished block at the end of the file: close it (offsets of the text are unchanged)
        work =
          work + (/'\)' expected/.test(e.message) ? ')' : /'}' expected/.test(e.message) ? '}' : '\nend');
        continue;
      }
      // blank the line of the error (and, when at a line start, the previous line: the culprit
      // of "unexpected symbol near <eof>"-style errors is usually the unfinished line before)
      let ls = work.lastIndexOf('\n', idx - 1) + 1;
      let le = work.indexOf('\n', idx);
      if (le < 0) le = work.length;
      if (work.slice(ls, idx).trim() === '' && ls > 0) ls = work.lastIndexOf('\n', ls - 2) + 1;
      if (ls === le) le = Math.min(work.length, le + 1);
      const next = blank(work, ls, le);
      if (next === work) {
        return { chunk: { type: 'Chunk', body: [], comments: [] }, errors, attributes, comments };
      }
      work = next;
    }
  }
}

/** What an incremental re-parse needs from the previous parse of the same document. */
export interface ParseState {
  /** the text that was parsed (attributes blanked) */
  work: string;
  chunk: Chunk;
  comments: luaparse.Comment[];
  /** a state is used once: reparse moves its nodes */
  consumed?: boolean;
  /** the scope walk per top-level statement (resolve.ts), for the next version */
  walk?: WalkCache;
}

type Ranged = { range?: [number, number] };

/**
 * Move every node range (and comment range) in `node` by `delta` (in place). luaparse never shares
 * a node between two parents (checked on every Lua file of this repository), so each range is
 * moved once.
 */
function shiftRanges(node: unknown, delta: number): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) shiftRanges(x, delta);
    return;
  }
  const r = (node as Ranged).range;
  if (r) {
    r[0] += delta;
    r[1] += delta;
  }
  for (const k in node) {
    if (k === 'range' || k === 'loc') continue;
    const v = (node as Record<string, unknown>)[k];
    if (v && typeof v === 'object') shiftRanges(v, delta);
  }
}

function rangeOf(n: { type: string }): [number, number] {
  return (n as Ranged).range ?? [0, 0];
}

/**
 * Re-parse only the top-level statements an edit touches: the text between the unchanged
 * top-level statements before and after the change is parsed alone and spliced in (the later
 * statements' ranges move by the length difference). Returns undefined when that is not safe
 * (the previous parse had errors, the slice does not parse on its own, a `return` would no longer
 * be last, or the slice could merge with a neighbour); the caller then parses the whole text.
 * `prev` is consumed: its nodes are reused and moved.
 */
export function reparse(source: string, prev: ParseState): ParseResult | undefined {
  if (prev.consumed) return undefined;
  const { text, attributes } = blankAttributes(source);
  const old = prev.work;
  const min = Math.min(old.length, text.length);
  let p = 0;
  while (p < min && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  if (p === old.length && p === text.length) {
    return { chunk: prev.chunk, errors: [], attributes, comments: prev.comments, state: prev };
  }
  let s = 0;
  while (s < min - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const oldEnd = old.length - s;
  const delta = text.length - old.length;
  const body = prev.chunk.body;
  // statements touching [p, oldEnd] are re-parsed, with the gaps around them
  let i0 = 0;
  while (i0 < body.length && rangeOf(body[i0])[1] < p) i0++;
  let i1 = i0;
  while (i1 < body.length && rangeOf(body[i1])[0] <= oldEnd) i1++;
  const regionStart = i0 > 0 ? rangeOf(body[i0 - 1])[1] : 0;
  const regionEndOld = i1 < body.length ? rangeOf(body[i1])[0] : old.length;
  if (regionEndOld < oldEnd || regionStart > p) return undefined;
  const regionEndNew = regionEndOld + delta;
  const slice = text.slice(regionStart, regionEndNew);
  if (/^\s*\(/.test(slice) || (i1 < body.length && old[regionEndOld] === '(')) return undefined;
  let mid: Chunk;
  try {
    mid = tryParse(slice);
  } catch {
    return undefined;
  }
  // `return` must stay the last statement of the chunk
  if (i1 < body.length && mid.body.some((st) => st.type === 'ReturnStatement')) return undefined;
  if (i0 > 0 && body[i0 - 1].type === 'ReturnStatement' && (mid.body.length || i1 < body.length))
    return undefined;
  prev.consumed = true;
  if (regionStart) {
    shiftRanges(mid.body, regionStart);
    shiftRanges(mid.comments, regionStart);
  }
  const after = body.slice(i1);
  const commentsBefore = prev.comments.filter((c) => rangeOf(c)[1] <= regionStart);
  const commentsAfter = prev.comments.filter((c) => rangeOf(c)[0] >= regionEndOld);
  if (delta) {
    shiftRanges(after, delta);
    shiftRanges(commentsAfter, delta);
  }
  const comments = [...commentsBefore, ...(mid.comments ?? []), ...commentsAfter];
  const chunk: Chunk = { type: 'Chunk', body: [...body.slice(0, i0), ...mid.body, ...after], comments };
  (chunk as Ranged).range = [0, text.length];
  return { chunk, errors: [], attributes, comments, state: { work: text, chunk, comments } };
}
