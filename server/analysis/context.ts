import type { ChainItem } from './types';

const IDENT_CHAR = /[\w]/;

/**
 * Read an expression chain backwards from `end` (exclusive) in `text`: `a.b:c("x").` gives
 * [a, .b, :c()] for the part before the final separator. Text based, so it works while the line
 * is a syntax error. Returns undefined when the chain is not a plain name chain.
 */
export function chainBefore(text: string, end: number, withIndexes = false): ChainItem[] | undefined {
  const items: ChainItem[] = [];
  let i = end;
  let called = false;
  let indexes: string[] = [];
  for (let guard = 0; guard < 64; guard++) {
    while (i > 0 && /[ \t]/.test(text[i - 1])) i--;
    // `[1]`, `['k']`, `[i]` (only where the caller can follow them)
    if (withIndexes && !called && i > 0 && text[i - 1] === ']') {
      const open = text.lastIndexOf('[', i - 1);
      const inner = open >= 0 ? text.slice(open + 1, i - 1).trim() : '';
      if (open < 0 || /[[\]]/.test(inner) || i - open > 200) return undefined;
      const str = /^(["'])(.*)\1$/.exec(inner);
      indexes.unshift(/^\d+$/.test(inner) ? `[${inner}]` : str ? str[2] : '[]');
      i = open;
      continue;
    }
    // call arguments: skip a balanced (...) / {...} / "..."
    if (i > 0 && (text[i - 1] === ')' || text[i - 1] === '}' || text[i - 1] === '"' || text[i - 1] === "'")) {
      const open = matchBackward(text, i - 1);
      if (open < 0) return undefined;
      i = open;
      called = true;
      continue;
    }
    let s = i;
    while (s > 0 && IDENT_CHAR.test(text[s - 1])) s--;
    if (s === i || /\d/.test(text[s])) return undefined;
    const name = text.slice(s, i);
    i = s;
    while (i > 0 && /[ \t]/.test(text[i - 1])) i--;
    const c = text[i - 1];
    const item = (sep: ChainItem['sep']): ChainItem =>
      indexes.length ? { name, sep, called, indexes } : { name, sep, called };
    if ((c === '.' && text[i - 2] !== '.') || c === ':') {
      items.unshift(item(c));
      called = false;
      indexes = [];
      i--;
      continue;
    }
    items.unshift(item(''));
    return items;
  }
  return undefined;
}

function matchBackward(text: string, closeIdx: number): number {
  const close = text[closeIdx];
  if (close === '"' || close === "'") {
    const j = text.lastIndexOf(close, closeIdx - 1);
    return j;
  }
  const open = close === ')' ? '(' : '{';
  let depth = 0;
  for (let j = closeIdx; j >= 0 && closeIdx - j < 20000; j--) {
    const ch = text[j];
    if (ch === close) depth++;
    else if (ch === open) {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

export type CompletionContext =
  | { kind: 'member'; chain: ChainItem[]; sep: '.' | ':'; prefix: string; prefixStart: number }
  | { kind: 'require'; prefix: string; prefixStart: number }
  | { kind: 'name'; prefix: string; prefixStart: number }
  | { kind: 'annotation'; prefix: string; prefixStart: number }
  | { kind: 'none' };

/** What is being completed at `offset`. */
export function completionContext(text: string, offset: number): CompletionContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  const ann = /---\s*@(\w*)$/.exec(line);
  if (ann) return { kind: 'annotation', prefix: ann[1], prefixStart: offset - ann[1].length };
  if (inCommentOrString(line)) {
    const req = /require\s*\(?\s*(['"])([\w./-]*)$/.exec(line);
    if (req) return { kind: 'require', prefix: req[2], prefixStart: offset - req[2].length };
    return { kind: 'none' };
  }
  let s = offset;
  while (s > 0 && IDENT_CHAR.test(text[s - 1])) s--;
  const prefix = text.slice(s, offset);
  if (/^\d/.test(prefix)) return { kind: 'none' };
  let i = s;
  while (i > 0 && /[ \t]/.test(text[i - 1])) i--;
  const c = text[i - 1];
  if ((c === '.' && text[i - 2] !== '.') || c === ':') {
    const chain = chainBefore(text, i - 1, true);
    if (!chain) return { kind: 'none' };
    return { kind: 'member', chain, sep: c, prefix, prefixStart: s };
  }
  return { kind: 'name', prefix, prefixStart: s };
}

/** Is the end of this line (text before the cursor) inside a comment or string? */
export function inCommentOrString(line: string): boolean {
  let q: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '\\') i++;
      else if (ch === q) q = undefined;
    } else if (ch === '"' || ch === "'") q = ch;
    else if (ch === '-' && line[i + 1] === '-') return true;
  }
  return q !== undefined;
}

export interface CallSiteContext {
  /** offset of the call's `(` */
  open: number;
  /** index of the argument holding the cursor */
  active: number;
  /** arguments typed so far (the current one counts when not blank) */
  typed: number;
}

/**
 * The innermost call whose argument list holds `offset` (text based, works on broken lines). A
 * function body between the cursor and the `(` ends the search: inside `pcall(function () ‸ end)`
 * the cursor is in a body, not in pcall's arguments.
 */
export function callAt(text: string, offset: number): CallSiteContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  if (inCommentOrString(line)) {
    const q = stringStart(line);
    if (q === undefined) return undefined;
    return callAt(text, lineStart + q);
  }
  let depth = 0;
  let commas = 0;
  let blocks = 0;
  const limit = Math.max(0, offset - 4000);
  let q: string | undefined;
  for (let i = offset - 1; i >= limit; i--) {
    const ch = text[i];
    if (q) {
      if (ch === q && text[i - 1] !== '\\') q = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") q = ch;
    else if (ch === ')' || ch === '}' || ch === ']') depth++;
    else if (ch === '(' || ch === '{' || ch === '[') {
      if (depth === 0 && blocks === 0) {
        if (ch !== '(') return undefined;
        const current =
          (text
            .slice(i + 1, offset)
            .split(',')
            .pop() ?? '') + argRest(text, offset);
        // after a comma the argument under the cursor counts even while it is still blank
        const typed = commas + (current.trim() || commas ? 1 : 0);
        return { open: i, active: commas, typed };
      }
      if (depth > 0) depth--;
    } else if (ch === ',' && depth === 0 && blocks === 0) commas++;
    else if (depth === 0 && /[a-z]/.test(ch) && !/\w/.test(text[i + 1] ?? '')) {
      let s = i;
      while (s > 0 && /\w/.test(text[s - 1])) s--;
      const word = text.slice(s, i + 1);
      // a whole `function ... end` argument is skipped; reaching an open block means the cursor
      // is in a body, not in the argument list
      if (word === 'end') blocks++;
      else if (word === 'function' || word === 'if' || word === 'do') {
        if (blocks === 0) return undefined;
        blocks--;
      } else if (blocks === 0 && /^(then|local|return|else|elseif|repeat|until)$/.test(word))
        return undefined;
      i = s;
    }
  }
  return undefined;
}

/** The text of the argument after `offset` up to its `,` or `)` on the same line. */
function argRest(text: string, offset: number): string {
  const m = /^[^,()\n]*/.exec(text.slice(offset, offset + 200));
  return m ? m[0] : '';
}

/** Where the string literal open at the end of `line` starts. */
function stringStart(line: string): number | undefined {
  let q: string | undefined;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '\\') i++;
      else if (ch === q) q = undefined;
    } else if (ch === '"' || ch === "'") {
      q = ch;
      start = i;
    } else if (ch === '-' && line[i + 1] === '-') return undefined;
  }
  return q ? start : undefined;
}

/**
 * The word at `offset` and the dotted chain that ends with it (`a.b.c` around `c`), read from the
 * text (for lines that do not parse yet); undefined inside a comment or string.
 */
export function wordChainAt(
  text: string,
  offset: number,
): { start: number; end: number; chain: ChainItem[] } | undefined {
  let start = offset;
  let end = offset;
  while (start > 0 && /\w/.test(text[start - 1])) start--;
  while (end < text.length && /\w/.test(text[end])) end++;
  if (inCommentOrString(text.slice(text.lastIndexOf('\n', start - 1) + 1, start))) return undefined;
  const chain = chainBefore(text, end);
  return chain ? { start, end, chain } : undefined;
}
