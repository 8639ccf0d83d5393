import * as luaparse from 'luaparse';
import { lowerLua54 } from '../../kernel/syntax/lua54';
import type { Span, SyntaxErrorInfo } from './types';
import { followsReturn, gotoWithoutLabel, spliceAfterReturn } from './parseTolerance';
import type { WalkCache } from './walkCache';

export type Chunk = luaparse.Chunk;
export type Node = luaparse.Node;

/** The `[start, end)` range luaparse stores on every node with `ranges: true`. */
export function spanOf(node: { type: string }): Span {
  const r = (node as { range?: [number, number] }).range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

export interface Attribute {
  name: 'const' | 'close';
  span: Span;
}

/**
 * luaparse only knows Lua 5.3: the project's one Lua 5.4 lowering (kernel/syntax/lua54.ts) blanks
 * attributes in `local` name lists (and lowers a '#' first line, large `\u{...}` escapes and hex
 * floats) with text of the same length, so every offset stays valid.
 */
export function blankAttributes(text: string): { text: string; attributes: Attribute[] } {
  const lowered = lowerLua54(text);
  return {
    text: lowered.text,
    attributes: lowered.attributes.map((a) => ({ name: a.name, span: { start: a.start, end: a.end } })),
  };
}

export interface ParseResult {
  chunk: Chunk;
  /** the syntax errors, in text order (the chunk is then a recovered best effort) */
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

/** luaparse's message without its `[line:column] ` prefix. */
function plainMessage(e: LuaparseError): string {
  return e.message.replace(/^\[\d+:\d+\]\s*/, '');
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

/** Offset of the start of the line holding offset `i`. */
function lineStartOf(text: string, i: number): number {
  return i <= 0 ? 0 : text.lastIndexOf('\n', i - 1) + 1;
}

/** Offset of the start of 1-based line `line` (the end of the text when there is no such line). */
function offsetOfLine(text: string, line: number): number {
  let o = 0;
  for (let l = 1; l < line; l++) {
    const n = text.indexOf('\n', o);
    if (n < 0) return text.length;
    o = n + 1;
  }
  return o;
}

/** The reported error: luaparse's message at the offending token (the last one before <eof>). */
function errorInfo(e: LuaparseError, work: string): SyntaxErrorInfo {
  const idx = Math.max(0, Math.min(e.index, work.length));
  const message = e.message.replace(/^\[\d+:\d+\]\s*/, '');
  const long = /^unfinished long (?:string|comment) \(starting at line (\d+)\)/.exec(message);
  if (long) {
    // the opener `[[`/`--[[` to the end of its line (luaparse reports the end of the file)
    const ls = offsetOfLine(work, Number(long[1]));
    let le = work.indexOf('\n', ls);
    if (le < 0) le = work.length;
    const m = /(?:--)?\[=*\[/.exec(work.slice(ls, le));
    if (m) return { message, span: { start: ls + m.index, end: le } };
  }
  if (/<eof>/.test(e.message)) {
    // point at the last token instead of the end of the file
    let j = Math.min(idx, work.length) - 1;
    while (j > 0 && /\s/.test(work[j])) j--;
    const tokEnd = j + 1;
    while (j > 0 && /[\w.:]/.test(work[j - 1])) j--;
    return { message, span: { start: Math.max(0, j), end: Math.max(tokEnd, j) } };
  }
  const str = /^unfinished string near '(.*)'$/s.exec(message);
  if (str && str[1] && !work.startsWith(str[1], idx)) {
    // luaparse's index is past the end of the line: point at the string itself
    const at = work.lastIndexOf(str[1], idx);
    if (at >= 0 && at + str[1].length + 2 >= idx)
      return { message, span: { start: at, end: at + str[1].length } };
  }
  let end = idx;
  while (end < work.length && /[\w]/.test(work[end])) end++;
  if (end === idx && idx < work.length && work[idx] !== '\n' && work[idx] !== '\r') end = idx + 1;
  return { message, span: { start: idx, end: Math.max(end, idx) } };
}

/** At most this many syntax errors are reported per file. */
const MAX_ERRORS = 10;
const MAX_RECOVERIES = 6;
const RECOVERY_LIMIT_BYTES = 1_000_000;
/** Blanked statements at most this long are parsed again alone to keep their structure. */
const SLICE_RECOVERY_LIMIT = 20_000;
const STATEMENT_START = /^(?!(?:end|else|elseif|until|then|and|or|not|in)\b)(?:[A-Za-z_]|::)/;

/**
 * Does the line starting at `ls` start a top-level statement? A statement-starting word at column
 * 0 (`end`, `else`, `until`, closing brackets, comments and indented lines do not).
 */
function isStatementLine(text: string, ls: number): boolean {
  const c = text.charCodeAt(ls);
  // A-Z, a-z, _ or :
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58)) return false;
  return STATEMENT_START.test(text.slice(ls, ls + 8));
}

/**
 * The top-level statement holding an error, by layout: from the last line at or before `anchor`
 * that starts a statement at column 0, to the next such line after the line of `idx` (or the end).
 */
function statementAround(text: string, anchor: number, idx: number): Span {
  let start = lineStartOf(text, anchor);
  while (start > 0 && !isStatementLine(text, start)) start = lineStartOf(text, start - 1);
  let nl = text.indexOf('\n', Math.max(anchor, idx));
  while (nl >= 0) {
    const next = nl + 1;
    if (next < text.length && isStatementLine(text, next)) return { start, end: next };
    nl = text.indexOf('\n', next);
  }
  return { start, end: text.length };
}

/** Where the culprit of an error is: the previous token when the error is a line's first token. */
function anchorOf(text: string, at: number): number {
  const ls = lineStartOf(text, at);
  if (ls === 0 || text.slice(ls, at).trim() !== '') return at;
  let j = ls - 1;
  while (j > 0 && /\s/.test(text[j])) j--;
  return j;
}

interface Recovered<T> {
  /** the successful parse of `work`, undefined when none was found within the bounds */
  value?: T;
  errors: SyntaxErrorInfo[];
  /** the statements blanked (in text order, disjoint) */
  blanked: Span[];
  /** the text that parsed (`text` when there was no error) */
  work: string;
  /** a non-syntax failure (deep nesting): structure is given up */
  fatal?: boolean;
}

/**
 * Parse with statement-level recovery. After an error the top-level statement holding it is
 * blanked (spaces, newlines kept, so offsets and lines stay) and the text parsed again: the next
 * error, when it lies after that statement, is another real error (not a consequence of the first)
 * and is reported too. A block left open at the end of the file (`'end' expected near <eof>`) is
 * closed instead, and reported once. At most `maxPasses` parses and MAX_ERRORS errors; the last
 * pass blanks from the erroneous statement to the end, so the text before it keeps its structure.
 */
function recover<T>(text: string, parse: (t: string) => T, maxPasses: number): Recovered<T> {
  const errors: SyntaxErrorInfo[] = [];
  const blanked: Span[] = [];
  let work = text;
  let frontier = 0;
  let closed = false;
  for (let pass = 0; pass < maxPasses; pass++) {
    try {
      return { value: parse(work), errors, blanked, work };
    } catch (e) {
      if (!isLuaparseError(e)) {
        // RangeError (deep nesting) or anything unexpected: report and give up on structure.
        const msg = e instanceof Error ? e.message : String(e);
        errors.push({ message: `cannot parse: ${msg}`, span: { start: 0, end: Math.min(1, text.length) } });
        return { errors, blanked, work, fatal: true };
      }
      const info = errorInfo(e, work);
      const idx = Math.max(0, Math.min(e.index, work.length));
      const prev = errors[errors.length - 1];
      const reportable =
        !closed &&
        info.span.start >= frontier &&
        errors.length < MAX_ERRORS &&
        !(prev && prev.span.start === info.span.start);
      if (
        /'(end|\)|\})' expected/.test(e.message) &&
        /<eof>/.test(e.message) &&
        idx >= work.trimEnd().length
      ) {
        // an unfinished block at the end of the file: close it (offsets of the text are unchanged);
        // reported once, since further blocks left open are usually the same mistake
        if (reportable) errors.push(info);
        closed = true;
        work =
          work + (/'\)' expected/.test(e.message) ? ')' : /'}' expected/.test(e.message) ? '}' : '\nend');
        continue;
      }
      if (reportable) errors.push(info);
      const jump = gotoWithoutLabel(work, plainMessage(e), idx);
      if (jump) {
        work = jump;
        continue;
      }
      // an error at <eof> already points at the culprit (the last token)
      const anchor = /<eof>/.test(e.message) ? info.span.start : anchorOf(work, info.span.start);
      let region = statementAround(work, anchor, Math.max(idx, info.span.end));
      const errLine = lineStartOf(work, info.span.start);
      if (anchor < errLine && errLine > region.start && isStatementLine(work, errLine)) {
        // the error is a statement's first token: the unfinished statement is the one before
        region.end = errLine;
      }
      const last = blanked[blanked.length - 1];
      if (last && region.start < last.end) {
        // the previous blanking did not isolate that statement: widen it (not a new error)
        region = { start: Math.min(region.start, last.start), end: Math.max(region.end, last.end) };
        blanked.pop();
      }
      if (pass >= maxPasses - 2 || errors.length >= MAX_ERRORS) region.end = work.length;
      let next = blank(work, region.start, region.end);
      if (next === work) {
        region.end = work.length;
        next = blank(work, region.start, region.end);
        if (next === work) return { errors, blanked, work };
      }
      blanked.push(region);
      frontier = region.end;
      work = next;
    }
  }
  return { errors, blanked, work };
}

/**
 * Syntax errors only, about twice as fast as parseLua on a cold start (no ranges, no comments,
 * no structure kept): what the server publishes first for a big file while the full analysis
 * runs. Reports the same errors as parseLua, fewer when the file is too big for several passes
 * (about 300 KB parsed in all).
 */
export function syntaxErrors(source: string): SyntaxErrorInfo[] {
  const { text } = blankAttributes(source);
  const passes = Math.max(1, Math.min(MAX_ERRORS + 1, Math.floor(300_000 / Math.max(1, text.length))));
  return recover(text, (t) => luaparse.parse(t, { luaVersion: '5.3', encodingMode: 'none' }), passes).errors;
}

/**
 * Line-blanking recovery for a statement blanked by `recover`, parsed alone: the offending line
 * is blanked and the parse retried (bounded), so the statement's locals and calls stay known while
 * a line is being typed (`Agent.`).
 */
function lineRecover(text: string): Chunk | undefined {
  let work = text;
  let tailTried = -1;
  const afterReturn: Span[] = [];
  for (let attempt = 0; attempt <= MAX_RECOVERIES + 4; attempt++) {
    try {
      const chunk = tryParse(work);
      spliceAfterReturn(chunk, text, afterReturn);
      return chunk;
    } catch (e) {
      if (!isLuaparseError(e)) return undefined;
      const idx = Math.max(0, Math.min(e.index, work.length));
      const jump = gotoWithoutLabel(work, plainMessage(e), idx);
      if (jump) {
        work = jump;
        continue;
      }
      if (followsReturn(work, idx, plainMessage(e))) {
        // a statement after `return` (LuaLS keeps it): blank its line from the statement on
        let le = work.indexOf('\n', idx);
        if (le < 0) le = work.length;
        if (le > idx) {
          afterReturn.push({ start: idx, end: le });
          work = blank(work, idx, le);
          continue;
        }
      }
      if (
        /'(end|\)|\})' expected/.test(e.message) &&
        /<eof>/.test(e.message) &&
        idx >= work.trimEnd().length
      ) {
        work =
          work + (/'\)' expected/.test(e.message) ? ')' : /'}' expected/.test(e.message) ? '}' : '\nend');
        continue;
      }
      // blank the line of the error (and, when at a line start, the previous line: the culprit
      // of "unexpected symbol near <eof>"-style errors is usually the unfinished line before)
      let ls = lineStartOf(work, idx);
      let le = work.indexOf('\n', idx);
      if (le < 0) le = work.length;
      if (idx < le && work.slice(ls, idx).trim() !== '' && tailTried !== ls) {
        // first only the rest of the line from the offending token (`local x = f(1))` keeps
        // `local x = f(1)`), as LuaLS's parser skips the unexpected token
        tailTried = ls;
        work = blank(work, idx, le);
        continue;
      }
      if (work.slice(ls, idx).trim() === '' && ls > 0) ls = work.lastIndexOf('\n', ls - 2) + 1;
      if (ls === le) le = Math.min(work.length, le + 1);
      const next = blank(work, ls, le);
      if (next === work) return undefined;
      work = next;
    }
  }
  return undefined;
}

const EMPTY = (): Chunk => ({ type: 'Chunk', body: [], comments: [] });

/**
 * Parse with recovery (see `recover`): every independent syntax error is reported, and the
 * statements blanked to find them are parsed again alone with line blanking (`lineRecover`) and
 * spliced back, giving scopes and symbols for the whole file while a line is being typed.
 */
export function parseLua(source: string): ParseResult {
  const { text, attributes } = blankAttributes(source);
  const maxPasses = source.length > RECOVERY_LIMIT_BYTES ? 1 : text.length <= 100_000 ? MAX_ERRORS + 2 : 7;
  const r = recover(text, tryParse, maxPasses);
  if (r.fatal) return { chunk: EMPTY(), errors: r.errors, attributes, comments: [] };
  const chunk = r.value ?? EMPTY();
  let comments = chunk.comments ?? [];
  if (!r.errors.length && r.work === text) {
    return { chunk, errors: r.errors, attributes, comments, state: { work: text, chunk, comments } };
  }
  if (!r.value) return { chunk, errors: r.errors, attributes, comments };
  let added = false;
  for (const region of r.blanked) {
    const end = Math.min(region.end, text.length);
    if (end - region.start > SLICE_RECOVERY_LIMIT || end <= region.start) continue;
    const body = chunk.body;
    // a block closed at the end of the file may hold the region: its statements are not top-level
    if (body.some((st) => rangeOf(st)[0] < region.start && rangeOf(st)[1] > region.start)) continue;
    const sub = lineRecover(text.slice(region.start, end));
    if (!sub || (!sub.body.length && !sub.comments?.length)) continue;
    shiftRanges(sub.body, region.start);
    shiftRanges(sub.comments, region.start);
    let i = 0;
    while (i < body.length && rangeOf(body[i])[0] < region.start) i++;
    const stmts = i < body.length ? sub.body.filter((st) => st.type !== 'ReturnStatement') : sub.body;
    body.splice(i, 0, ...stmts);
    comments = comments.concat(sub.comments ?? []);
    added = true;
  }
  if (added) {
    comments.sort((a, b) => rangeOf(a)[0] - rangeOf(b)[0]);
    chunk.comments = comments;
  }
  return { chunk, errors: r.errors, attributes, comments };
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
