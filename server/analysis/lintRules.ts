import type * as lp from 'luaparse';
import { spanOf } from './parse';
import { exprChain, isCall, mk, type Expr, type Stmt } from './syntaxFacts';
import type { AnalysisDiagnostic, Definition, Span } from './types';

/**
 * The lint rules decided during the scope walk (the rest live in diagnostics.ts). Each pushes onto
 * the walk's diagnostics; spans come from `mk`/the caller so the walk cache can move them.
 */

/** Why control never reaches the statement after `s` (for unreachable-code), if it does not. */
export function terminates(s: Stmt): string | undefined {
  if (s.type === 'BreakStatement') return '`break`';
  if (s.type === 'GotoStatement') return '`goto`';
  if (s.type === 'ReturnStatement') return '`return`';
  if (s.type === 'CallStatement') {
    const c = exprChain(s.expression);
    const name = c?.map((x) => x.name).join('.');
    if (name === 'error' || name === 'os.exit') return `\`${name}\``;
  }
  if (s.type === 'WhileStatement' && s.condition.type === 'BooleanLiteral' && s.condition.value === true) {
    const hasBreak = (b: Stmt[]): boolean =>
      b.some(
        (x) =>
          x.type === 'BreakStatement' ||
          x.type === 'ReturnStatement' ||
          (x.type === 'IfStatement' && x.clauses.some((c) => hasBreak(c.body))) ||
          (x.type === 'DoStatement' && hasBreak(x.body)),
      );
    if (!hasBreak(s.body)) return 'an infinite loop';
  }
  return undefined;
}

export function unreachable(diags: AnalysisDiagnostic[], span: Span, after: string): void {
  diags.push({
    code: 'unreachable-code',
    message: `Unreachable code (after ${after}).`,
    span,
    severity: 'hint',
    unnecessary: true,
  });
}

/** `for i = 10, 1 do`: runs zero times. */
export function countDownCheck(diags: AnalysisDiagnostic[], s: lp.ForNumericStatement): void {
  const num = (e: Expr): number | undefined => {
    if (e.type === 'NumericLiteral') return e.value;
    if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'NumericLiteral')
      return -e.argument.value;
    return undefined;
  };
  const a = num(s.start);
  const b = num(s.end);
  if (a !== undefined && b !== undefined && a > b && !s.step) {
    diags.push({
      code: 'count-down-loop',
      message: `This loop runs zero times: ${a} > ${b} with the default step 1. Did you mean \`${a}, ${b}, -1\`?`,
      span: mk(spanOf(s.start).start, spanOf(s.end).end),
      severity: 'warning',
    });
  }
}

/** `local a, b = 1` and `local a = 1, 2`. */
export function checkBalance(diags: AnalysisDiagnostic[], vars: number, init: Expr[], span: Span): void {
  if (init.length === 0 || vars <= init.length) {
    if (init.length > vars && vars > 0) {
      const extra = init[vars];
      diags.push({
        code: 'unbalanced-assignments',
        message: `Only ${vars} variable(s) but ${init.length} values: the extra values are discarded.`,
        span: mk(spanOf(extra).start, spanOf(init[init.length - 1]).end),
        severity: 'warning',
      });
    }
    return;
  }
  const last = init[init.length - 1];
  if (isCall(last) || last.type === 'VarargLiteral') return;
  diags.push({
    code: 'unbalanced-assignments',
    message: `${vars} variables but only ${init.length} value(s): the rest are nil.`,
    span,
    severity: 'warning',
  });
}

export function lowercaseGlobal(diags: AnalysisDiagnostic[], name: string, span: Span): void {
  diags.push({
    code: 'lowercase-global',
    message: `Global \`${name}\` starts with a lowercase letter: did you forget \`local\`?`,
    span,
    severity: 'information',
    data: { name },
  });
}

export function redefinedLocal(diags: AnalysisDiagnostic[], name: string, span: Span): void {
  diags.push({
    code: 'redefined-local',
    message: `Redefined local \`${name}\`.`,
    span,
    severity: 'hint',
    data: { name },
  });
}

/** unused-local / unused-function / unused-parameter, once the whole file is walked. */
export function unusedDiagnostics(diags: AnalysisDiagnostic[], defs: Definition[]): void {
  for (const d of defs) {
    if (
      d.kind !== 'local' &&
      d.kind !== 'localFunction' &&
      d.kind !== 'parameter' &&
      d.kind !== 'forVariable'
    )
      continue;
    if (d.reads > 0 || d.name.startsWith('_') || d.name === '...' || d.attribute === 'close') continue;
    if (d.kind === 'local' && d.fields.size > 0 && d.refs.length > 1) continue;
    const code =
      d.kind === 'localFunction'
        ? 'unused-function'
        : d.kind === 'parameter'
          ? 'unused-parameter'
          : 'unused-local';
    const what = d.kind === 'localFunction' ? 'function' : d.kind === 'parameter' ? 'parameter' : 'local';
    diags.push({
      code,
      message: `Unused ${what} \`${d.name}\`.`,
      span: d.span,
      severity: 'hint',
      unnecessary: true,
      data: {
        name: d.name,
        removeSpan: d.kind === 'parameter' || d.kind === 'forVariable' ? undefined : d.fullSpan,
      },
    });
  }
}
