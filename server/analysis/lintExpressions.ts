import type * as lp from 'luaparse';
import { spanOf } from './parse';
import type { AnalysisDiagnostic, Span } from './types';

/** The expression-level rules of lintWalk.ts: duplicate-index, newline-call, ambiguity-1. */

type Expr = lp.Expression;

const ARITH = new Set(['+', '-', '*', '/', '//', '%', '^', '..']);

/** `{ x = 1, x = 2 }`: each key given twice. */
export function duplicateIndex(
  text: string,
  out: AnalysisDiagnostic[],
  t: lp.TableConstructorExpression,
): void {
  const keys = new Map<string, Span[]>();
  let n = 0;
  for (const f of t.fields) {
    let k: string | undefined;
    let span: Span | undefined;
    if (f.type === 'TableValue') {
      // positional values take the keys 1, 2, ... (`{ 1, 2, [2] = 4 }` sets 2 twice)
      k = `n:${++n}`;
      span = spanOf(f.value);
    } else if (f.type === 'TableKeyString') {
      k = `s:${f.key.name}`;
      span = spanOf(f.key);
    } else if (f.type === 'TableKey') {
      span = spanOf(f.key);
      const raw = text.slice(span.start, span.end);
      if (f.key.type === 'StringLiteral') {
        const m = /^(['"])([^\\]*)\1$/.exec(raw);
        if (m) k = `s:${m[2]}`;
      } else if (f.key.type === 'NumericLiteral') k = `n:${f.key.value}`;
      else if (f.key.type === 'BooleanLiteral') k = `b:${raw}`;
    }
    if (k === undefined || !span) continue;
    const l = keys.get(k) ?? [];
    l.push(span);
    keys.set(k, l);
  }
  for (const spans of keys.values())
    if (spans.length > 1)
      for (const s of spans)
        out.push({
          code: 'duplicate-index',
          span: s,
          message: 'This key is set twice in the table.',
          severity: 'warning',
        });
}

/** `f()\n(g)` used further: Lua reads it as one call of f()'s result. */
export function newlineCall(text: string, out: AnalysisDiagnostic[], base: Expr): void {
  if (base.type !== 'CallExpression') return;
  const callee = spanOf(base.base);
  const all = spanOf(base);
  const between = text.slice(callee.end, all.end);
  const paren = between.indexOf('(');
  if (paren < 0 || !between.slice(0, paren).includes('\n')) return;
  out.push({
    code: 'newline-call',
    span: all,
    message: 'A call on a new line continues the expression of the line before.',
    severity: 'warning',
  });
}

function parenthesized(text: string, e: Expr): boolean {
  const s = spanOf(e);
  const t = text;
  let i = s.start - 1;
  while (i >= 0 && /\s/.test(t[i])) i--;
  let j = s.end;
  while (j < t.length && /\s/.test(t[j])) j++;
  return t[i] === '(' && t[j] === ')';
}

/** `x or 0 + 1`, `x + y or 0`: the precedence is likely not what was meant. */
export function ambiguity(text: string, out: AnalysisDiagnostic[], e: lp.LogicalExpression): void {
  if (e.operator !== 'or' && e.operator !== 'and') return;
  const arith = (x: Expr) =>
    x.type === 'BinaryExpression' && ARITH.has(x.operator) && x.operator !== '..' && !parenthesized(text, x);
  const num = (x: Expr) => x.type === 'NumericLiteral';
  const r = e.right;
  const l = e.left;
  if ((arith(r) && num((r as lp.BinaryExpression).left)) || (arith(l) && num(r)))
    out.push({
      code: 'ambiguity-1',
      span: spanOf(e),
      message: 'The precedence of this expression may not be what was meant; add parentheses.',
      severity: 'warning',
    });
}

/** `{ f\n 'x' }`: a call written across lines in a table, likely two items missing a comma. */
export function newfieldCall(
  text: string,
  out: AnalysisDiagnostic[],
  t: lp.TableConstructorExpression,
): void {
  for (const f of t.fields) {
    if (f.type !== 'TableValue') continue;
    const v = f.value;
    if (v.type !== 'StringCallExpression' && v.type !== 'TableCallExpression' && v.type !== 'CallExpression')
      continue;
    const callee = spanOf(v.base);
    const arg =
      v.type === 'StringCallExpression'
        ? v.argument
        : v.type === 'TableCallExpression'
          ? v.arguments
          : undefined;
    const argStart = arg ? spanOf(arg).start : text.indexOf('(', callee.end);
    if (argStart < 0 || !text.slice(callee.end, argStart).includes('\n')) continue;
    out.push({
      code: 'newfield-call',
      span: spanOf(v),
      message: 'A call across lines in a table: is a comma missing between two items?',
      severity: 'warning',
    });
  }
}
