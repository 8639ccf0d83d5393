import * as luaparse from 'luaparse';
import { lowerLua54 } from '../syntax/lua54';

/** Syntax helpers for is_complete, complete and inspect (luaparse based, no runtime needed). */

export type Completeness =
  { status: 'complete' } | { status: 'invalid' } | { status: 'incomplete'; indent: string };

/** luaparse knows Lua 5.3: the project's one Lua 5.4 lowering (kernel/syntax/lua54.ts), same offsets. */
export function blankAttributes(code: string): string {
  return lowerLua54(code).text;
}

function parseError(code: string): Error | undefined {
  try {
    luaparse.parse(code, { luaVersion: '5.3', comments: false });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function isEofError(err: Error): boolean {
  const msg = err.message;
  if (/unfinished long (string|comment)/.test(msg)) return true;
  if (/unfinished string/.test(msg)) return false;
  return /near '<eof>'/.test(msg) && !/unexpected/.test(msg);
}

/** luaparse token type codes (luaparse.tokenTypes; not in @types/luaparse). */
const TOKEN = { EOF: 1, Keyword: 4, Punctuator: 32 } as const;

/** Nesting depth at the end of `code` (block openers minus closers), for the continuation indent. */
export function nestingDepth(code: string): number {
  let depth = 0;
  try {
    const parser = luaparse.parse(code, { wait: true, luaVersion: '5.3' });
    for (;;) {
      const tok = parser.lex() as { type: number; value: unknown };
      if (tok.type === TOKEN.EOF) break;
      const v = tok.value;
      if (tok.type === TOKEN.Keyword) {
        if (v === 'function' || v === 'do' || v === 'if' || v === 'repeat') depth++;
        else if (v === 'end' || v === 'until') depth--;
      } else if (tok.type === TOKEN.Punctuator) {
        if (v === '{' || v === '(' || v === '[') depth++;
        else if (v === '}' || v === ')' || v === ']') depth--;
      }
    }
  } catch {
    // unfinished strings/comments: keep the depth counted so far
  }
  return Math.max(depth, 0);
}

/** Is this cell complete (runnable), incomplete (needs more lines) or invalid? */
export function checkComplete(code: string, indentUnit = '  '): Completeness {
  const src = blankAttributes(code.replace(/^%%lua[^\n]*\n?/, ''));
  if (src.trim() === '') return { status: 'complete' };
  const asChunk = parseError(src);
  if (!asChunk) return { status: 'complete' };
  const asExpr = parseError(`return ${src}`);
  if (!asExpr) return { status: 'complete' };
  if (isEofError(asChunk) || isEofError(asExpr)) {
    return { status: 'incomplete', indent: indentUnit.repeat(Math.max(1, nestingDepth(src))) };
  }
  return { status: 'invalid' };
}

export interface TokenAtCursor {
  /** Object path before the last `.`/`:` including it, e.g. `string.` or `obj:`; '' for a bare word. */
  base: string;
  /** The partial name being completed (may be empty after `.`). */
  word: string;
  /** UTF-16 index where `word` starts. */
  start: number;
  /** UTF-16 index where `word` ends (for inspect, extended to the end of the identifier). */
  end: number;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const PREFIX_RE = new RegExp(`((?:${NAME}\\s*[.:]\\s*)*)(${NAME})?$`);

/** The dotted name ending at `index` (for completion). */
export function completionToken(code: string, index: number): TokenAtCursor {
  const before = code.slice(0, index);
  const m = PREFIX_RE.exec(before);
  const base = (m?.[1] ?? '').replace(/\s+/g, '');
  const word = m?.[2] ?? '';
  if (base !== '' && /^[0-9]/.test(base)) return { base: '', word: '', start: index, end: index };
  return { base, word, start: index - word.length, end: index };
}

/** The dotted name under the cursor (for inspect): extends to the end of the identifier. */
export function inspectToken(code: string, index: number): string {
  const rest = /^[A-Za-z0-9_]*/.exec(code.slice(index))?.[0] ?? '';
  const tok = completionToken(code, index + rest.length);
  let expr = tok.base + tok.word;
  if (expr === '' && index > 0) {
    // cursor right after `name(`: inspect the called function, as IPython does
    const call = new RegExp(`((?:${NAME}\\s*[.:]\\s*)*${NAME})\\s*\\(\\s*$`).exec(code.slice(0, index));
    if (call) expr = call[1].replace(/\s+/g, '');
  }
  return expr.replace(/[.:]$/, '');
}

export { LUA_KEYWORDS } from '../syntax/lua54';

/** Names declared in `code` (locals, function names, parameters, for variables), for completion. */
export function declaredNames(code: string): string[] {
  const names = new Set<string>();
  const add = (list: string) => {
    for (const n of list.split(',')) {
      const name = n.trim().replace(/<.*$/, '').trim();
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) names.add(name);
    }
  };
  for (const m of code.matchAll(/\blocal\s+function\s+([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  for (const m of code.matchAll(/\blocal\s+((?:[A-Za-z_][A-Za-z0-9_]*\s*(?:<\s*\w+\s*>)?\s*,?\s*)+)/g))
    add(m[1]);
  for (const m of code.matchAll(/\bfunction\s*(?:[A-Za-z_][\w.:]*)?\s*\(([^)]*)\)/g)) add(m[1]);
  for (const m of code.matchAll(/\bfor\s+([A-Za-z_][\w\s,]*?)\s*(?:=|\bin\b)/g)) add(m[1]);
  for (const m of code.matchAll(/^\s*function\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/gm)) names.add(m[1]);
  names.delete('function');
  return [...names];
}
