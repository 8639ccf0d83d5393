/**
 * The project's one Lua 5.4 syntax module (the runtime, kernel/jupyter's is_complete and the
 * language server all use it; its lexical layer is kernel/syntax/lua54.ts): the 5.4 lowering for luaparse,
 * syntax errors with line and column, the lines that hold statements (where breakpoints can be),
 * and probe insertion that never changes line numbers. Light: luaparse only (the LSP loads it).
 */
import type * as Luaparse from 'luaparse';

// Loaded on the first parse: a VM that runs chunks without breakpoints never parses (start-up).
let parser: typeof Luaparse | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const luaparse = (): typeof Luaparse => (parser ??= require('luaparse') as typeof Luaparse);
import { lowerLua54 } from '../syntax/lua54';

export { lowerLua54, LUA_KEYWORDS } from '../syntax/lua54';
export type { Lowered, Lua54Attribute } from '../syntax/lua54';

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
 * `\u{...}` escapes, hex floats like `0x.8p1`) to same-length 5.3 text (kernel/syntax/lua54.ts).
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

/** A Lua string literal for any text (decimal escapes for quotes, backslashes, control and non-ASCII bytes). */
export function luaString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\' || code < 32 || code > 126) {
      // non-ASCII as its UTF-8 bytes: the instrumented text is loaded as bytes (one char per byte)
      for (const b of Buffer.from(ch, 'utf8')) out += `\\${String(b).padStart(3, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

/** The probe call placed before a breakpoint line's first statement: which method, which locals. */
export interface ProbeCall {
  method: string;
  args: readonly string[];
}

/** The general probe: the agent looks the breakpoint up and checks it (kernel/runtime/probe-guard.ts has the other kind). */
export const GENERIC_PROBE: ProbeCall = { method: PROBE_METHOD, args: [] };

/** Which probe each line gets: a map from line to call, or the general probe on every line. */
export type ProbeCalls = ReadonlyMap<number, ProbeCall> | undefined;

function probe(line: number, chunkname: string, calls: ProbeCalls): string {
  const call = calls?.get(line) ?? GENERIC_PROBE;
  const args = call.args.length ? ',' + call.args.join(',') : '';
  return `;(""):${call.method}(${line},${luaString(chunkname)}${args});`;
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
  calls?: ProbeCalls,
): string {
  const inserts: Array<[number, string]> = [];
  for (const line of lines) {
    const off = chunk.statementOffsets.get(line);
    if (off !== undefined) inserts.push([off, probe(line, chunkname, calls)]);
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
  calls?: ProbeCalls,
): string {
  const inserts: Array<[number, string]> = [];
  for (const line of lines) {
    const off = chunk.statementOffsets.get(line);
    if (off !== undefined && off > span.paren && off < span.end)
      inserts.push([off, probe(line, chunkname, calls)]);
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
