import type * as lp from 'luaparse';
import { spanOf } from './parse';
import type { ChainItem, DocBlock, InitInfo, ParamInfo, Span } from './types';

/** Syntax-tree facts shared by the scope walk: name chains, calls, `require`, initial values. */

export type Expr = lp.Expression;
export type Stmt = lp.Statement;

/** Spans created while a top-level statement is recorded (see walkCache.ts). */
let spanSink: Span[] | undefined;

/** Start (or, with undefined, stop) registering new spans with the statement being recorded. */
export function setSpanSink(sink: Span[] | undefined): void {
  spanSink = sink;
}

/** `spanOf`, registering the new span with the statement being recorded. */
export function sp(node: { type: string }): Span {
  const s = spanOf(node);
  if (spanSink) spanSink.push(s);
  return s;
}

/** A new span, registered like `sp`. */
export function mk(start: number, end: number): Span {
  const s = { start, end };
  if (spanSink) spanSink.push(s);
  return s;
}

export function exprChain(e: Expr | null | undefined): ChainItem[] | undefined {
  if (!e) return undefined;
  switch (e.type) {
    case 'Identifier':
      return [{ name: e.name, sep: '', called: false }];
    case 'MemberExpression': {
      const base = exprChain(e.base);
      return base ? [...base, { name: e.identifier.name, sep: e.indexer, called: false }] : undefined;
    }
    case 'CallExpression':
    case 'StringCallExpression':
    case 'TableCallExpression': {
      const base = exprChain(e.base);
      if (!base) return undefined;
      const last = base[base.length - 1];
      if (last.called) return undefined;
      return [...base.slice(0, -1), { ...last, called: true }];
    }
    default:
      return undefined;
  }
}

export function callArgs(e: lp.CallExpression | lp.StringCallExpression | lp.TableCallExpression): Expr[] {
  if (e.type === 'CallExpression') return e.arguments;
  if (e.type === 'StringCallExpression') return [e.argument];
  return [e.arguments];
}

export function isCall(e: Expr | undefined): boolean {
  return (
    !!e &&
    (e.type === 'CallExpression' || e.type === 'StringCallExpression' || e.type === 'TableCallExpression')
  );
}

export function requireModule(e: Expr | undefined): { module: string; span: Span } | undefined {
  if (!e || !isCall(e)) return undefined;
  const c = e as lp.CallExpression | lp.StringCallExpression | lp.TableCallExpression;
  if (c.base.type !== 'Identifier' || c.base.name !== 'require') return undefined;
  const a = callArgs(c)[0];
  if (a?.type !== 'StringLiteral') return undefined;
  const raw = (a as { raw: string }).raw;
  const m = /^(['"])(.*)\1$/s.exec(raw) ?? /^\[=*\[(.*)\]=*\]$/s.exec(raw);
  const module = m ? m[m.length - 1] : raw;
  return { module, span: sp(a) };
}

export function initOf(e: Expr | undefined): InitInfo | undefined {
  if (!e) return undefined;
  switch (e.type) {
    case 'TableConstructorExpression':
      return { kind: 'table' };
    case 'FunctionDeclaration':
      return { kind: 'function' };
    case 'StringLiteral':
      return { kind: 'string' };
    case 'NumericLiteral':
      return { kind: 'number' };
    case 'BooleanLiteral':
      return { kind: 'boolean' };
    case 'BinaryExpression':
      return e.operator === '..' ? { kind: 'string' } : { kind: 'number' };
    default: {
      const req = requireModule(e);
      if (req) return { kind: 'require', module: req.module };
      const chain = exprChain(e);
      return chain ? { kind: 'chain', chain, at: spanOf(e).start } : { kind: 'other' };
    }
  }
}

export function paramsOf(
  fn: lp.FunctionDeclaration,
  doc: DocBlock | undefined,
): { params: ParamInfo[]; vararg: boolean } {
  const params: ParamInfo[] = [];
  let vararg = false;
  for (const p of fn.parameters) {
    const name = p.type === 'Identifier' ? p.name : '...';
    if (name === '...') vararg = true;
    const d = doc?.params.find((x) => x.name === name);
    params.push({ name, type: d?.type, optional: d?.optional || name === '...', doc: d?.doc });
  }
  return { params, vararg };
}

export const SPAN_NODE_TYPES = new Set([
  'FunctionDeclaration',
  'IfStatement',
  'IfClause',
  'ElseifClause',
  'ElseClause',
  'WhileStatement',
  'DoStatement',
  'RepeatStatement',
  'ForNumericStatement',
  'ForGenericStatement',
  'LocalStatement',
  'AssignmentStatement',
  'CallStatement',
  'ReturnStatement',
  'TableConstructorExpression',
  'CallExpression',
  'StringCallExpression',
  'TableCallExpression',
  'MemberExpression',
  'IndexExpression',
  'BinaryExpression',
  'LogicalExpression',
  'StringLiteral',
  'TableKeyString',
  'TableKey',
]);
