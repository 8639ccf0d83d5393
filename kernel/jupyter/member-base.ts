/**
 * What to complete members of when the object before `.`/`:` is not a global the runtime can look
 * up: a parenthesized string literal (`('x'):re`) or a local of the cell whose initializer needs no
 * call to evaluate (`local s = 'abc'` then `s:up`; `local t = {a = 1}`; `local m = string`). The
 * result is an expression the runtime's completion evaluates in place of the object; initializers
 * that could run code (calls, operators with metamethods) are never used.
 */

const STRING = String.raw`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"`;
const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const PAREN_STRING_RE = new RegExp(String.raw`\(\s*(${STRING})\s*\)\s*([.:])\s*$`);
/** Initializers safe to evaluate: a string, a dotted name, or a table constructor without calls. */
const SAFE_INIT_RE = new RegExp(String.raw`^(?:${STRING}|${NAME}(?:\s*\.\s*${NAME})*|\{[^()]*\})$`);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A parenthesized string literal right before `start` followed by `.` or `:`. */
export function parenStringBase(before: string): string | undefined {
  const m = PAREN_STRING_RE.exec(before);
  return m ? `(${m[1]})${m[2]}` : undefined;
}

/** The initializer of the last `local NAME = EXPR` of `code` (one line, up to `;` or `--`). */
function localInitializer(code: string, name: string): string | undefined {
  const re = new RegExp(String.raw`\blocal\s+${escapeRe(name)}\s*=\s*([^\n;]*)`, 'g');
  let last: string | undefined;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) last = m[1];
  if (last === undefined) return undefined;
  const init = last.replace(/\s*--.*$/, '').trim();
  return SAFE_INIT_RE.test(init) ? init : undefined;
}

/**
 * `base` (`s:` or `t.inner.`) with its first name replaced by the initializer of the cell's local of
 * that name, or undefined when the first name is not such a local.
 */
export function localBase(codeBefore: string, base: string): string | undefined {
  const m = new RegExp(`^(${NAME})(.*)$`, 's').exec(base);
  if (!m) return undefined;
  const init = localInitializer(codeBefore, m[1]);
  return init === undefined ? undefined : `(${init})${m[2]}`;
}
