import type { ChainItem } from './types';

const IDENT_CHAR = /[\w]/;

/**
 * Read an expression chain backwards from `end` (exclusive) in `text`: `a.b:c("x").` gives
 * [a, .b, :c()] for the part before the final separator. Text based, so it works while the line
 * is a syntax error. Returns undefined when the chain is not a plain name chain.
 */
export function chainBefore(text: string, end: number): ChainItem[] | undefined {
  const items: ChainItem[] = [];
  let i = end;
  let called = false;
  for (let guard = 0; guard < 64; guard++) {
    while (i > 0 && /[ \t]/.test(text[i - 1])) i--;
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
    if ((c === '.' && text[i - 2] !== '.') || c === ':') {
      items.unshift({ name, sep: c, called });
      called = false;
      i--;
      continue;
    }
    items.unshift({ name, sep: '', called });
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
    const chain = chainBefore(text, i - 1);
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

export interface CallContext {
  chain: ChainItem[];
  activeParameter: number;
  openParen: number;
}

/** The call whose argument list contains `offset` (text based). */
export function callContext(text: string, offset: number): CallContext | undefined {
  let depth = 0;
  let commas = 0;
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
      if (depth === 0) {
        if (ch !== '(') return undefined;
        const chain = chainBefore(text, i);
        if (!chain) return undefined;
        const last = chain[chain.length - 1];
        if (last.called) return undefined;
        return { chain, activeParameter: commas, openParen: i };
      }
      depth--;
    } else if (ch === ',' && depth === 0) commas++;
    else if (
      ch === '\n' &&
      depth === 0 &&
      /\b(end|then|do|local)\s*$/.test(text.slice(Math.max(0, i - 8), i))
    )
      return undefined;
  }
  return undefined;
}
