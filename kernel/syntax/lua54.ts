/**
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

/** Lua 5.4's reserved words (the one list: runtime, Jupyter completion, the language server). */
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
