import * as luaparse from 'luaparse';
import { blankAttributes } from './lua-syntax';

/** Statement starts tried, from the end of the cell. */
const MAX_TRIES = 64;

function parses(code: string): boolean {
  try {
    luaparse.parse(blankAttributes(code), { luaVersion: '5.3', comments: false });
    return true;
  } catch {
    return false;
  }
}

/** Where a statement may begin: the first non-blank of each line and after each `;`. */
function statementStarts(code: string): number[] {
  const out: number[] = [];
  const re = /(^|\n|;)[ \t]*/g;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) {
    out.push(m.index + m[0].length);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/**
 * A cell of statements ending in a bare expression (`x = 1\nx`) is not valid Lua; notebook users
 * expect the expression's value, as in every other kernel. Returns the cell with `return ` put in
 * front of that last expression (on its own line, so line numbers do not change), or undefined
 * when the cell does not have that shape. Only called for cells that failed to compile, so valid
 * cells are never parsed here.
 */
export function returnLastExpression(code: string): string | undefined {
  const starts = statementStarts(code);
  // the last expression starts near the end: a bounded number of tries keeps a long broken cell cheap
  for (let i = starts.length - 1; i >= Math.max(0, starts.length - MAX_TRIES); i--) {
    const p = starts[i];
    const tail = code.slice(p);
    if (tail.trim() === '' || /^(?:--|return\b)/.test(tail)) continue;
    const withReturn = code.slice(0, p) + 'return ' + tail;
    if (parses('return ' + tail) && parses(withReturn)) return withReturn;
  }
  return undefined;
}
