import type * as lp from 'luaparse';
import { spanOf } from './parse';
import type { AnalysisDiagnostic, Span } from './types';

/**
 * Control-flow facts of the syntax-tree rules (lint.ts, lintWalk.ts): does a statement end its
 * block, the unreachable tail after it, unused labels, whether a function body uses `...`.
 */

type Stmt = lp.Statement;

export function unusedLabel(out: AnalysisDiagnostic[], name: string, span: Span): void {
  out.push({
    code: 'unused-label',
    span,
    message: `Unused label \`${name}\`.`,
    severity: 'hint',
    unnecessary: true,
  });
}

/** Does control never continue after `s`? */
export function ends(s: Stmt): boolean {
  switch (s.type) {
    case 'ReturnStatement':
    case 'BreakStatement':
    case 'GotoStatement':
      return true;
    case 'CallStatement': {
      const b = s.expression.base;
      const name =
        b.type === 'Identifier'
          ? b.name
          : b.type === 'MemberExpression' && b.base.type === 'Identifier'
            ? `${b.base.name}.${b.identifier.name}`
            : '';
      return name === 'error' || name === 'os.exit';
    }
    case 'IfStatement':
      return s.clauses.some((c) => c.type === 'ElseClause') && s.clauses.every((c) => c.body.some(ends));
    case 'DoStatement':
      return s.body.some(ends);
    case 'WhileStatement':
      return s.condition.type === 'BooleanLiteral' && s.condition.value === true && !hasBreak(s.body);
    case 'RepeatStatement':
      return s.condition.type === 'BooleanLiteral' && s.condition.value === false && !hasBreak(s.body);
    default:
      return false;
  }
}

/** An unreachable tail of a block, from `first` to the block's last statement. */
export function unreachable(out: AnalysisDiagnostic[], after: Stmt, first: Stmt, last: Stmt): void {
  const afterBreak = after.type === 'BreakStatement';
  out.push({
    code: afterBreak ? 'code-after-break' : 'unreachable-code',
    span: { start: spanOf(first).start, end: spanOf(last).end },
    message: afterBreak ? 'Code after `break` never runs.' : 'Unreachable code.',
    severity: 'hint',
    unnecessary: true,
  });
}

function hasBreak(body: Stmt[]): boolean {
  return body.some(
    (x) =>
      x.type === 'BreakStatement' ||
      x.type === 'GotoStatement' ||
      (x.type === 'IfStatement' && x.clauses.some((c) => hasBreak(c.body))) ||
      (x.type === 'DoStatement' && hasBreak(x.body)),
  );
}

/** Does a function body use `...` (not counting nested functions, which have their own)? */
export function usesVararg(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(usesVararg);
  const n = node as { type?: string };
  if (n.type === 'VarargLiteral') return true;
  if (n.type === 'FunctionDeclaration') return false;
  for (const k in node) {
    if (k === 'range' || k === 'loc') continue;
    const v = (node as Record<string, unknown>)[k];
    if (v && typeof v === 'object' && usesVararg(v)) return true;
  }
  return false;
}
