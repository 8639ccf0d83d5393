/**
 * The project's one Lua 5.4 syntax module (the runtime, kernel/jupyter's is_complete and the
 * language server all use it): the 5.4 lexical lowering for luaparse (lowerLua54, at the end),
 * syntax errors with line and column, the lines that hold statements (where breakpoints can be),
 * and probe insertion that never changes line numbers. Light: luaparse only (the LSP loads it).
 */
import type * as Luaparse from 'luaparse';

// Loaded on the first parse: a VM that runs chunks without breakpoints never parses (start-up).
let parser: typeof Luaparse | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const luaparse = (): typeof Luaparse => (parser ??= require('luaparse') as typeof Luaparse);

export interface LuaSyntaxError {
  message: string;
  line: number;
  column: number;
}

export interface ParsedChunk {
  /** Lines on which a statement starts, ascending. */
  statementLines: number[];
  /** For each statement line, the offset (UTF-16) of the first statement starting on it. */
  statementOffsets: Map<number, number>;
  /** Named functions: name -> line of the first statement of the body (or the header line when empty). */
  functions: Map<string, number>;
  /** Every function in the chunk (named, local, anonymous), in source order. */
  spans: FunctionSpan[];
}

/** Where a function is in the source: what re-instrumenting a live function of it needs. */
export interface FunctionSpan {
  /** Offset of the parameter list's '(' and the offset just after the closing `end`. */
  paren: number;
  end: number;
  /** Lua's `linedefined` for it: the `function` keyword's line for `function a.b()` statements, else the '(' line. */
  lineDefined: number;
  /** The line of the '(' (where the re-instrumented copy starts) and of the closing `end`. */
  parenLine: number;
  lastLine: number;
  /** `function a:b()`: `self` is an implicit first parameter. */
  method: boolean;
  hasParams: boolean;
}

/**
 * luaparse knows Lua 5.3: lower the 5.4-only lexical forms (attributes, a '#' first line, large
 * `\u{...}` escapes, hex floats like `0x.8p1`) to same-length 5.3 text (lowerLua54 below).
 */
export function blankLua54(source: string): string {
  return lowerLua54(source).text;
}

interface AnyNode {
  type: string;
  loc?: { start: { line: number; column: number } };
  range?: [number, number];
  [key: string]: unknown;
}

const BLOCK_KEYS = ['body'];

function visitStatements(
  body: AnyNode[],
  onStatement: (stmt: AnyNode) => void,
  onFunction: (fn: AnyNode, name: string | undefined) => void,
): void {
  for (const stmt of body) {
    onStatement(stmt);
    visitNode(stmt, onStatement, onFunction);
  }
}

function functionName(node: AnyNode): string | undefined {
  const id = node.identifier as AnyNode | null | undefined;
  if (!id) return undefined;
  if (id.type === 'Identifier') return id.name as string;
  if (id.type === 'MemberExpression') {
    const base = id.base as AnyNode;
    const ident = id.identifier as AnyNode;
    const baseName =
      base.type === 'Identifier' ? (base.name as string) : functionName({ type: 'x', identifier: base });
    return baseName ? `${baseName}${id.indexer as string}${ident.name as string}` : undefined;
  }
  return undefined;
}

function visitNode(
  node: unknown,
  onStatement: (stmt: AnyNode) => void,
  onFunction: (fn: AnyNode, name: string | undefined) => void,
): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) visitNode(n, onStatement, onFunction);
    return;
  }
  const n = node as AnyNode;
  if (n.type === 'FunctionDeclaration') {
    onFunction(n, functionName(n));
  }
  if (n.type === 'IfStatement') {
    for (const clause of n.clauses as AnyNode[]) {
      visitNode(clause.condition, onStatement, onFunction);
      visitStatements(clause.body as AnyNode[], onStatement, onFunction);
    }
    return;
  }
  for (const key of Object.keys(n)) {
    if (key === 'loc' || key === 'range') continue;
    const child = n[key];
    if (BLOCK_KEYS.includes(key) && Array.isArray(child) && n.type !== 'Chunk') {
      visitStatements(child as AnyNode[], onStatement, onFunction);
    } else if (child && typeof child === 'object') {
      visitNode(child, onStatement, onFunction);
    }
  }
}

/** Parse a chunk. Throws LuaSyntaxErrorException on a syntax error. */
export function parseChunk(source: string): ParsedChunk {
  let ast: AnyNode;
  try {
    ast = luaparse().parse(blankLua54(source), {
      luaVersion: '5.3',
      locations: true,
      ranges: true,
      comments: false,
      scope: false,
    }) as unknown as AnyNode;
  } catch (err) {
    const e = err as { message?: string; line?: number; column?: number };
    if (typeof e.line === 'number') {
      throw new LuaSyntaxErrorException({
        message: (e.message ?? 'syntax error').replace(/^\[\d+:\d+\]\s*/, ''),
        line: e.line,
        column: (e.column ?? 0) + 1,
      });
    }
    throw err;
  }
  const statementOffsets = new Map<number, number>();
  const functions = new Map<string, number>();
  const spans: FunctionSpan[] = [];
  const lineStarts = lineStartOffsets(source);
  const onStatement = (stmt: AnyNode): void => {
    if (!stmt.loc || !stmt.range) return;
    const line = stmt.loc.start.line;
    const prev = statementOffsets.get(line);
    if (prev === undefined || stmt.range[0] < prev) statementOffsets.set(line, stmt.range[0]);
  };
  const onFunction = (fn: AnyNode, name: string | undefined): void => {
    const span = functionSpan(source, fn, lineStarts);
    if (span) spans.push(span);
    if (!name || !fn.loc) return;
    const body = fn.body as AnyNode[];
    const first = body.find((s) => s.loc);
    functions.set(name, first?.loc ? first.loc.start.line : fn.loc.start.line);
  };
  visitStatements(ast.body as AnyNode[], onStatement, onFunction);
  const statementLines = [...statementOffsets.keys()].sort((a, b) => a - b);
  spans.sort((a, b) => a.paren - b.paren);
  return { statementLines, statementOffsets, functions, spans };
}

function lineStartOffsets(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset. */
function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function functionSpan(source: string, fn: AnyNode, starts: number[]): FunctionSpan | undefined {
  const range = fn.range;
  const loc = fn.loc as { start: { line: number }; end?: { line: number } } | undefined;
  if (!range || !loc?.end) return undefined;
  const id = fn.identifier as AnyNode | null | undefined;
  const from = id?.range ? id.range[1] : range[0] + (fn.isLocal ? 0 : 'function'.length);
  const paren = source.indexOf('(', from);
  if (paren < 0 || paren > range[1]) return undefined;
  const parenLine = lineAt(starts, paren);
  const named = !!id && !fn.isLocal;
  return {
    paren,
    end: range[1],
    lineDefined: named ? loc.start.line : parenLine,
    parenLine,
    lastLine: loc.end.line,
    method: id?.type === 'MemberExpression' && id.indexer === ':',
    hasParams: (fn.parameters as unknown[] | undefined)?.length ? true : false,
  };
}

export class LuaSyntaxErrorException extends Error {
  constructor(readonly info: LuaSyntaxError) {
    super(`${info.line}:${info.column}: ${info.message}`);
  }
}

/**
 * The probe is reached through the string metatable (`(""):__llmspell(line, chunkname)`), so it is
 * neither a global nor an upvalue of user functions: upvalue numbering, `nups`, `_ENV` and a
 * `string.dump`/`load` round trip stay as they are without the debugger.
 */
export const PROBE_METHOD = '__llmspell';

/** A Lua string literal for any text (decimal escapes for quotes, backslashes and control bytes). */
export function luaString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += ch === '"' || ch === '\\' || code < 32 ? `\\${String(code).padStart(3, '0')}` : ch;
  }
  return out + '"';
}

function probe(line: number, chunkname: string): string {
  return `;(""):${PROBE_METHOD}(${line},${luaString(chunkname)});`;
}

/**
 * Insert a breakpoint probe before the first statement of each given line, on that same line, so
 * every line Lua reports stays the user's line. Lines without a statement are ignored (callers
 * resolve breakpoints to statement lines first).
 */
export function instrument(
  source: string,
  chunk: ParsedChunk,
  lines: Iterable<number>,
  chunkname: string,
): string {
  const inserts: Array<[number, string]> = [];
  for (const line of lines) {
    const off = chunk.statementOffsets.get(line);
    if (off !== undefined) inserts.push([off, probe(line, chunkname)]);
  }
  let text = source;
  if (text.startsWith('#')) text = '--' + text.slice(1);
  const shift = source.startsWith('#') ? 1 : 0;
  if (inserts.length === 0) return text;
  inserts.sort((a, b) => b[0] - a[0]);
  for (const [off, probe] of inserts) {
    const at = off + shift;
    text = text.slice(0, at) + probe + text.slice(at);
  }
  return text;
}

/**
 * The text of one function re-instrumented with probes on `lines`: its parameter list and body
 * (from '(' to `end`), `self` made explicit for methods. The agent compiles it as
 * `<newlines>local <upvalue names>;return function<text>` so every line stays the user's.
 */
export function instrumentFunction(
  source: string,
  chunk: ParsedChunk,
  span: FunctionSpan,
  lines: Iterable<number>,
  chunkname: string,
): string {
  const inserts: Array<[number, string]> = [];
  for (const line of lines) {
    const off = chunk.statementOffsets.get(line);
    if (off !== undefined && off > span.paren && off < span.end) inserts.push([off, probe(line, chunkname)]);
  }
  inserts.sort((a, b) => b[0] - a[0]);
  let text = source.slice(span.paren, span.end);
  for (const [off, p] of inserts) text = text.slice(0, off - span.paren) + p + text.slice(off - span.paren);
  if (span.method) text = `(self${span.hasParams ? ', ' : ''}${text.slice(1)}`;
  return text;
}

/** The statement line a breakpoint on `line` resolves to: the line itself or the next one with a statement. */
export function resolveBreakpointLine(chunk: ParsedChunk, line: number): number | undefined {
  for (const l of chunk.statementLines) if (l >= line) return l;
  return undefined;
}

/** Lua 5.4's reserved words. */
export const LUA_KEYWORDS: readonly string[] = [
  'and',
  'break',
  'do',
  'else',
  'elseif',
  'end',
  'false',
  'for',
  'function',
  'goto',
  'if',
  'in',
  'local',
  'nil',
  'not',
  'or',
  'repeat',
  'return',
  'then',
  'true',
  'until',
  'while',
];

/*
 * ---- Lua 5.4 lexical lowering -------------------------------------------------------------------
 *
 * The one Lua 5.4 lexical layer of the project (runtime, Jupyter handlers, language server).
 * luaparse parses Lua 5.3; `lowerLua54` rewrites the 5.4-only lexical forms to 5.3 forms of the
 * SAME LENGTH, so every offset, line and column luaparse reports is the user's:
 * - `<const>` / `<close>` attributes in a `local` name list (only there: a scanner that knows
 *   strings and comments, so `a<const>b` in an expression or a string is left alone);
 * - a first line starting with `#` (what `lua FILE`, `dofile`, `loadfile` and `require` skip);
 * - `\u{...}` escapes above 10FFFF (Lua 5.4 accepts up to 7FFFFFFF);
 * - hexadecimal floats without integer digits (`0x.8p1`).
 * Anything Lua 5.4 rejects is left as it is, so luaparse still reports it.
 */

export interface Lua54Attribute {
  name: 'const' | 'close';
  /** [start, end) of `<const>` / `<close>` in the text (UTF-16 offsets). */
  start: number;
  end: number;
}

export interface Lowered {
  text: string;
  attributes: Lua54Attribute[];
}

const isSpace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isId = (c: string): boolean => isIdStart(c) || isDigit(c);
const isHex = (c: string): boolean => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

/** True when the text has nothing lowerLua54 would change (the common case: no copy, no scan). */
function nothingToLower(s: string): boolean {
  return s[0] !== '#' && s.indexOf('<') < 0 && s.indexOf('\\u{') < 0 && !/0[xX]\./.test(s);
}

/** Offset just after a long bracket `[==[ ... ]==]` opening at `i` (level `eq`), or the text end. */
function skipLong(s: string, i: number, eq: number): number {
  const close = ']' + '='.repeat(eq) + ']';
  const end = s.indexOf(close, i);
  return end < 0 ? s.length : end + close.length;
}

/** `[`, `[=`, `[==[`: the level of a long bracket opening at i, or -1. */
function longLevel(s: string, i: number): number {
  if (s[i] !== '[') return -1;
  let j = i + 1;
  while (s[j] === '=') j++;
  return s[j] === '[' ? j - i - 1 : -1;
}

/** Rewrite 5.4-only forms to same-length 5.3 forms; also returns the attributes it blanked. */
export function lowerLua54(source: string): Lowered {
  if (nothingToLower(source)) return { text: source, attributes: [] };
  const out = source.split('');
  const attributes: Lua54Attribute[] = [];
  const blank = (a: number, b: number): void => {
    for (let k = a; k < b; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  const s = source;
  let i = 0;
  if (s.startsWith('#')) {
    const nl = s.indexOf('\n');
    i = nl < 0 ? s.length : nl;
    blank(0, i);
  }
  // `local` name-list state: 0 none, 1 expect a name, 2 after a name (attribute or ',' may follow).
  let local = 0;
  while (i < s.length) {
    const c = s[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '-' && s[i + 1] === '-') {
      const lvl = longLevel(s, i + 2);
      if (lvl >= 0) i = skipLong(s, i + 2, lvl);
      else {
        const nl = s.indexOf('\n', i);
        i = nl < 0 ? s.length : nl;
      }
      continue;
    }
    if (c === '[' && longLevel(s, i) >= 0) {
      i = skipLong(s, i, longLevel(s, i));
      local = 0;
      continue;
    }
    if (c === '"' || c === "'") {
      i = scanString(s, i, out);
      local = 0;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(s[i + 1]))) {
      i = scanNumber(s, i, out);
      local = 0;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < s.length && isId(s[j])) j++;
      const word = s.slice(i, j);
      if (local === 1 && word !== 'function') local = 2;
      else local = word === 'local' ? 1 : 0;
      i = j;
      continue;
    }
    if (c === '<' && local === 2) {
      const m = /^<\s*([A-Za-z_][A-Za-z0-9_]*)\s*>/.exec(s.slice(i, i + 64));
      // `<const>=` lexes as `<`, `const`, `>=` in Lua: an error, so it is left for the parser.
      if (m && (m[1] === 'const' || m[1] === 'close') && s[i + m[0].length] !== '=') {
        attributes.push({ name: m[1], start: i, end: i + m[0].length });
        blank(i, i + m[0].length);
        i += m[0].length;
        continue;
      }
    }
    if (c === ',' && local === 2) local = 1;
    else local = 0;
    i++;
  }
  return { text: out.join(''), attributes };
}

/** Skip a short string starting at i; rewrite `\u{...}` escapes above 10FFFF (up to 7FFFFFFF). */
function scanString(s: string, i: number, out: string[]): number {
  const q = s[i];
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === q) return j + 1;
    if (c === '\n') return j;
    if (c === '\\') {
      if (s[j + 1] === 'u' && s[j + 2] === '{') {
        let k = j + 3;
        while (k < s.length && isHex(s[k])) k++;
        const digits = s.slice(j + 3, k);
        if (s[k] === '}' && digits.length > 0) {
          const v = parseInt(digits, 16);
          if (v > 0x10ffff && v <= 0x7fffffff) for (let d = j + 3; d < k; d++) out[d] = '0';
        }
        j = k;
        continue;
      }
      j += 2;
      continue;
    }
    j++;
  }
  return j;
}

/** Skip a numeral at i; a hex float with no integer digits (`0x.8p1`) becomes zeros. */
function scanNumber(s: string, i: number, out: string[]): number {
  const hex = s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X');
  let j = hex ? i + 2 : i;
  const expo = hex ? /[pP]/ : /[eE]/;
  for (;;) {
    const c = s[j] ?? '';
    if (expo.test(c) && /[+-]/.test(s[j + 1] ?? '')) j += 2;
    else if (/[0-9A-Za-z_.]/.test(c) && c !== '') j++;
    else break;
  }
  if (hex && s[i + 2] === '.') for (let k = i + 2; k < j; k++) out[k] = '0';
  return j;
}
