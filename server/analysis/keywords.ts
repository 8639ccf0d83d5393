import { LUA_KEYWORDS } from './stdlib';
import type { Span } from './types';

/**
 * Keyword pairs for document highlight: the keywords of one construct, found from tokens (so it
 * works on code luaparse would reject too): `if/then/elseif/else/end`, `function/return/end`
 * (the returns of that function, not of nested ones), `for/in/do/end`, `while/do/end`,
 * `repeat/until`, `do/end`. Pure.
 */

export interface Token {
  kind: 'name' | 'keyword' | 'string' | 'number' | 'symbol' | 'comment';
  text: string;
  span: Span;
}

const KEYWORDS = new Set(LUA_KEYWORDS);

/**
 * Lua tokens (comments only with `withComments`). Never throws; an unterminated string or comment
 * runs to the end.
 */
export function tokenize(text: string, withComments = false): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  const longBracket = (at: number): number => {
    // `[==[` at `at`: returns the level, or -1
    let j = at + 1;
    while (text[j] === '=') j++;
    return text[j] === '[' ? j - at - 1 : -1;
  };
  const skipLong = (at: number, level: number): number => {
    const close = ']' + '='.repeat(level) + ']';
    const e = text.indexOf(close, at + level + 2);
    return e < 0 ? n : e + close.length;
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      const lv = text[i + 2] === '[' ? longBracket(i + 2) : -1;
      const from = i;
      if (lv >= 0) i = skipLong(i + 2, lv);
      else {
        const e = text.indexOf('\n', i);
        i = e < 0 ? n : e;
      }
      if (withComments)
        out.push({ kind: 'comment', text: text.slice(from, i), span: { start: from, end: i } });
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w]/.test(text[j])) j++;
      const w = text.slice(i, j);
      out.push({ kind: KEYWORDS.has(w) ? 'keyword' : 'name', text: w, span: { start: i, end: j } });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && (/[\w.]/.test(text[j]) || (/[eEpP]/.test(text[j - 1]) && /[+-]/.test(text[j])))) j++;
      out.push({ kind: 'number', text: text.slice(i, j), span: { start: i, end: j } });
      i = j;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      j = Math.min(n, j + 1);
      out.push({ kind: 'string', text: text.slice(i, j), span: { start: i, end: j } });
      i = j;
    } else if (c === '[' && longBracket(i) >= 0) {
      const j = skipLong(i, longBracket(i));
      out.push({ kind: 'string', text: text.slice(i, j), span: { start: i, end: j } });
      i = j;
    } else {
      const three = text.slice(i, i + 3);
      const two = text.slice(i, i + 2);
      const len =
        three === '...' ? 3 : ['==', '~=', '<=', '>=', '//', '::', '<<', '>>', '..'].includes(two) ? 2 : 1;
      out.push({ kind: 'symbol', text: text.slice(i, i + len), span: { start: i, end: i + len } });
      i += len;
    }
  }
  return out;
}

interface Group {
  kind: string;
  spans: Span[];
  /** a `for`/`while` waiting for its `do` */
  wantsDo: boolean;
}

/** Every keyword group of the text (each keyword is in at most one group). */
export function keywordGroups(tokens: Token[]): Span[][] {
  const out: Span[][] = [];
  const stack: Group[] = [];
  const top = () => stack[stack.length - 1];
  const fn = () => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i].kind === 'function') return stack[i];
    return undefined;
  };
  const close = () => {
    const g = stack.pop();
    if (g) out.push(g.spans);
  };
  for (const t of tokens) {
    if (t.kind !== 'keyword') continue;
    const s = t.span;
    switch (t.text) {
      case 'function':
      case 'if':
      case 'repeat':
        stack.push({ kind: t.text, spans: [s], wantsDo: false });
        break;
      case 'for':
      case 'while':
        stack.push({ kind: t.text, spans: [s], wantsDo: true });
        break;
      case 'in':
        if (top()?.kind === 'for') top().spans.push(s);
        break;
      case 'do':
        if (top()?.wantsDo) {
          top().spans.push(s);
          top().wantsDo = false;
        } else stack.push({ kind: 'do', spans: [s], wantsDo: false });
        break;
      case 'then':
      case 'elseif':
      case 'else':
        if (top()?.kind === 'if') top().spans.push(s);
        break;
      case 'return':
        fn()?.spans.push(s);
        break;
      case 'end':
        if (top() && top().kind !== 'repeat') {
          top().spans.push(s);
          close();
        }
        break;
      case 'until':
        if (top()?.kind === 'repeat') {
          top().spans.push(s);
          close();
        }
        break;
      default:
        break;
    }
  }
  while (stack.length) close();
  return out;
}

/**
 * Highlights for a keyword or literal at `offset`: the keywords of its construct, or the literal
 * itself. Undefined when the cursor is on something else.
 */
export function keywordHighlights(text: string, offset: number): Span[] | undefined {
  const tokens = tokenize(text);
  const tok = tokens.find((t) => t.span.start <= offset && offset < t.span.end);
  if (!tok) return undefined;
  if (tok.kind === 'string' || tok.kind === 'number') return [tok.span];
  if (tok.kind !== 'keyword') return undefined;
  if (tok.text === 'true' || tok.text === 'false' || tok.text === 'nil') return [tok.span];
  for (const g of keywordGroups(tokens)) if (g.some((s) => s.start === tok.span.start)) return g;
  return undefined;
}
