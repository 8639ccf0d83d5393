import { HostError } from './types';

/**
 * The calculator tool's arithmetic: a recursive-descent parser (no eval). Numbers, + - * / % ^,
 * parentheses, unary minus, constants pi and e, and functions of Math.
 */

const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  log: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  exp: Math.exp,
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

export function evaluateExpression(text: string): number {
  let pos = 0;
  const fail = (what: string): never => {
    throw new HostError(`calculator: ${what} at position ${pos + 1} in '${text}'`);
  };
  const ws = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const peek = () => {
    ws();
    return text[pos];
  };
  const primary = (): number => {
    const c = peek();
    if (c === '(') {
      pos++;
      const v = expr();
      if (peek() !== ')') fail("expected ')'");
      pos++;
      return v;
    }
    if (c === '-') {
      pos++;
      return -power();
    }
    if (c === '+') {
      pos++;
      return power();
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (num) {
      pos += num[0].length;
      return Number(num[0]);
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (id) {
      pos += id[0].length;
      const name = id[0].toLowerCase();
      if (peek() === '(') {
        const f = FUNCTIONS[name];
        if (!f) fail(`unknown function '${id[0]}'`);
        pos++;
        const args: number[] = [];
        if (peek() !== ')') {
          args.push(expr());
          while (peek() === ',') {
            pos++;
            args.push(expr());
          }
        }
        if (peek() !== ')') fail("expected ')'");
        pos++;
        return f(...args);
      }
      if (name in CONSTANTS) return CONSTANTS[name];
      fail(`unknown name '${id[0]}'`);
    }
    return fail(c === undefined ? 'unexpected end' : `unexpected '${c}'`);
  };
  const power = (): number => {
    const base = primary();
    if (peek() === '^') {
      pos++;
      return Math.pow(base, unary());
    }
    return base;
  };
  const unary = (): number => power();
  const term = (): number => {
    let v = unary();
    for (;;) {
      const c = peek();
      if (c === '*' || c === '/' || c === '%') {
        pos++;
        const r = unary();
        v = c === '*' ? v * r : c === '/' ? v / r : v % r;
      } else return v;
    }
  };
  const expr = (): number => {
    let v = term();
    for (;;) {
      const c = peek();
      if (c === '+' || c === '-') {
        pos++;
        const r = term();
        v = c === '+' ? v + r : v - r;
      } else return v;
    }
  };
  const v = expr();
  if (peek() !== undefined) fail(`unexpected '${text[pos]}'`);
  if (!Number.isFinite(v)) throw new HostError(`calculator: '${text}' has no finite value`);
  return v;
}
