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

/** A recursive-descent parser that evaluates as it reads: expr > term > power > primary. */
class Calculator {
  private pos = 0;

  constructor(private readonly text: string) {}

  private fail(what: string): never {
    throw new HostError(`calculator: ${what} at position ${this.pos + 1} in '${this.text}'`);
  }

  private peek(): string | undefined {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
    return this.text[this.pos];
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }

  evaluate(): number {
    const v = this.expr();
    if (this.peek() !== undefined) this.fail(`unexpected '${this.text[this.pos]}'`);
    if (!Number.isFinite(v)) throw new HostError(`calculator: '${this.text}' has no finite value`);
    return v;
  }

  private expr(): number {
    let v = this.term();
    for (let c = this.peek(); c === '+' || c === '-'; c = this.peek()) {
      this.pos++;
      const r = this.term();
      v = c === '+' ? v + r : v - r;
    }
    return v;
  }

  private term(): number {
    let v = this.power();
    for (let c = this.peek(); c === '*' || c === '/' || c === '%'; c = this.peek()) {
      this.pos++;
      const r = this.power();
      v = c === '*' ? v * r : c === '/' ? v / r : v % r;
    }
    return v;
  }

  private power(): number {
    const base = this.primary();
    if (this.peek() !== '^') return base;
    this.pos++;
    return Math.pow(base, this.power());
  }

  private primary(): number {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      const v = this.expr();
      this.expect(')');
      return v;
    }
    if (c === '-' || c === '+') {
      this.pos++;
      return c === '-' ? -this.power() : this.power();
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (id) {
      this.pos += id[0].length;
      return this.peek() === '(' ? this.call(id[0]) : this.constant(id[0]);
    }
    return this.fail(c === undefined ? 'unexpected end' : `unexpected '${c}'`);
  }

  private call(name: string): number {
    const key = name.toLowerCase();
    if (!Object.hasOwn(FUNCTIONS, key)) this.fail(`unknown function '${name}'`);
    const f = FUNCTIONS[key];
    this.pos++;
    const args: number[] = [];
    if (this.peek() !== ')') {
      args.push(this.expr());
      while (this.peek() === ',') {
        this.pos++;
        args.push(this.expr());
      }
    }
    this.expect(')');
    return f(...args);
  }

  private constant(name: string): number {
    const key = name.toLowerCase();
    return Object.hasOwn(CONSTANTS, key) ? CONSTANTS[key] : this.fail(`unknown name '${name}'`);
  }
}

export function evaluateExpression(text: string): number {
  return new Calculator(text).evaluate();
}
