import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import type { Definition } from '../types';
import { fileIndex, functionsAround, type Expr, type FnNode, type Site, type Stmt } from './astIndex';
import { typeText } from './convert';
import type { TypeEngine } from './engine';
import { stringValue } from './exprs';
import { falsy, members, nonNil, NIL, truthy, union, UNKNOWN, view, type Ty } from './ty';

/**
 * Flow: which assignment of a local reaches a position, and what the conditions around the
 * position say about it (`if x then`, `if not x then return end`, `assert(x)`, `type(x) == 's'`,
 * `x ~= nil`, `---@cast x T`).
 */

/** The site (declaration or assignment) whose value a read of `def` at `at` sees. */
export function reachingSite(
  en: TypeEngine,
  fa: FileAnalysis,
  def: Definition,
  at?: number,
): Site | undefined {
  const idx = fileIndex(fa);
  const decl = idx.sites.get(def.span.start);
  const writes: Site[] = [];
  for (const r of def.refs) {
    if (r.start === def.span.start) continue;
    const s = idx.sites.get(r.start);
    if (s && (s.kind === 'assign' || s.kind === 'function')) writes.push(s);
  }
  writes.sort((a, b) => a.offset - b.offset);
  const declFn = decl?.fn;
  const hasValue = (s: Site | undefined) => !!s && (s.values.length > 0 || s.kind !== 'local');
  if (at === undefined || at === def.span.start) {
    if (hasValue(decl) || !decl) return decl;
    return writes.find((w) => w.fn === declFn) ?? decl;
  }
  const own = writes.find((w) => w.offset === at);
  if (own) return own;
  const chain: (FnNode | undefined)[] = functionsAround(idx, at);
  chain.push(undefined);
  let cutoff = at;
  for (const f of chain) {
    let best: Site | undefined;
    for (const w of writes) {
      // an assignment reaches what follows its statement (`x = x` reads the previous value)
      const end = w.stmt ? spanOf(w.stmt).end : w.offset;
      if (w.fn === f && end <= cutoff && (!best || w.offset > best.offset)) best = w;
    }
    if (best) return best;
    if (f === declFn) break;
    if (f) cutoff = spanOf(f).start;
  }
  if (hasValue(decl)) return decl;
  const innermost = chain[0];
  if (innermost !== declFn) return writes.find((w) => w.fn === declFn) ?? decl;
  return decl;
}

/**
 * The sites whose values may reach `at` when the reaching site is an assignment in a branch of an
 * `if` that does not hold `at`: the last assignment of every branch, plus what reached the `if`
 * when a branch (or the missing `else`) assigns nothing.
 */
export function branchSites(
  en: TypeEngine,
  fa: FileAnalysis,
  def: Definition,
  site: Site,
  at: number,
  depth = 0,
): Site[] {
  const idx = fileIndex(fa);
  const ifs = site.block ? idx.clauseOf.get(site.block) : undefined;
  if (!ifs || depth > 4) return [site];
  const sp = spanOf(ifs);
  if (sp.start <= at && at <= sp.end) return [site];
  const writes = def.refs
    .map((r) => idx.sites.get(r.start))
    .filter((s): s is Site => !!s && s.kind === 'assign');
  const out: Site[] = [];
  let gap = !ifs.clauses.some((c) => c.type === 'ElseClause');
  for (const c of ifs.clauses) {
    const inClause = writes.filter((w) => w.block === c.body);
    const last = inClause[inClause.length - 1];
    if (last) out.push(last);
    else gap = true;
  }
  if (gap) {
    const before = reachingSite(en, fa, def, sp.start);
    if (before && before.offset !== sp.start)
      out.unshift(...branchSites(en, fa, def, before, sp.start, depth + 1));
  }
  return out.length ? out : [site];
}

/** Narrow `t` (the type of `def`) for a read at `at` by the conditions that hold there. */
export function narrowAt(
  en: TypeEngine,
  fa: FileAnalysis,
  def: Definition,
  t: Ty,
  at: number,
  after?: number,
): Ty {
  const n = new Narrower(fa, def, at, after ?? def.span.start);
  let out = n.block(fileIndex(fa).chunk.body, t);
  out = applyCasts(en, fa, def, out, after ?? def.span.start, at);
  return out;
}

class Narrower {
  constructor(
    readonly fa: FileAnalysis,
    readonly def: Definition,
    readonly at: number,
    readonly after: number,
  ) {}

  isX(e: Expr): boolean {
    if (e.type !== 'Identifier') return false;
    const occ = occurrenceAt(this.fa, spanOf(e).start);
    return occ?.defId === this.def.id;
  }

  /** `t` refined by `cond` being `truth`. */
  cond(t: Ty, c: Expr, truth: boolean): Ty {
    if (this.isX(c)) return truth ? truthy(t) : falsy(t);
    if (c.type === 'UnaryExpression' && c.operator === 'not') return this.cond(t, c.argument, !truth);
    if (c.type === 'LogicalExpression') {
      if (c.operator === 'and' && truth) return this.cond(this.cond(t, c.left, true), c.right, true);
      if (c.operator === 'or' && !truth) return this.cond(this.cond(t, c.left, false), c.right, false);
      // `a or b` holds: a holds, or a fails and b holds (and `a and b` fails likewise)
      const r = union([this.cond(t, c.left, truth), this.cond(this.cond(t, c.left, !truth), c.right, truth)]);
      return sameMembers(r, t) ? t : r;
    }
    if (c.type === 'BinaryExpression' && (c.operator === '==' || c.operator === '~=')) {
      const eq = (c.operator === '==') === truth;
      const [x, other] = this.isX(c.left) ? [c.left, c.right] : this.isX(c.right) ? [c.right, c.left] : [];
      if (x && other?.type === 'NilLiteral') return eq ? NIL : nonNil(t);
      if (x && eq && other?.type === 'NumericLiteral') return t.k === 'unknown' ? { k: 'integer' } : t;
      const ty = typeCheck(c);
      if (ty && this.isX(ty.arg)) return eq ? byTypeName(t, ty.name) : withoutTypeName(t, ty.name);
    }
    return t;
  }

  terminates(body: Stmt[]): boolean {
    const last = body[body.length - 1];
    if (!last) return false;
    if (last.type === 'ReturnStatement' || last.type === 'BreakStatement' || last.type === 'GotoStatement')
      return true;
    if (last.type !== 'CallStatement' || last.expression.type !== 'CallExpression') return false;
    const b = last.expression.base;
    if (b.type === 'Identifier') return b.name === 'error';
    return (
      b.type === 'MemberExpression' &&
      b.base.type === 'Identifier' &&
      b.base.name === 'os' &&
      b.identifier.name === 'exit'
    );
  }

  /** Effects of a statement that ends before the position. */
  before(s: Stmt, t: Ty): Ty {
    if (spanOf(s).start < this.after) return t;
    if (s.type === 'IfStatement') {
      const [first, ...rest] = s.clauses;
      if (first.type === 'IfClause' && this.terminates(first.body)) {
        if (rest.length === 0) return this.cond(t, first.condition, false);
        if (rest.length === 1 && rest[0].type === 'ElseClause' && !this.terminates(rest[0].body))
          return this.cond(t, first.condition, false);
      }
      return t;
    }
    if (s.type === 'DoStatement') {
      for (const inner of s.body) t = this.before(inner, t);
      return t;
    }
    if (s.type === 'CallStatement' && s.expression.type === 'CallExpression') {
      const c = s.expression;
      if (c.base.type === 'Identifier' && c.base.name === 'assert' && c.arguments[0])
        return this.cond(t, c.arguments[0], true);
    }
    return t;
  }

  block(body: Stmt[], t: Ty): Ty {
    for (const s of body) {
      const sp = spanOf(s);
      if (sp.end <= this.at) {
        t = this.before(s, t);
        continue;
      }
      if (sp.start > this.at) break;
      return this.inside(s, t);
    }
    return t;
  }

  within(n: { type: string }): boolean {
    const s = spanOf(n);
    return s.start <= this.at && this.at <= s.end;
  }

  inside(s: Stmt, t: Ty): Ty {
    switch (s.type) {
      case 'IfStatement':
        for (const c of s.clauses) {
          if (c.type !== 'ElseClause' && this.within(c.condition)) return this.expr(c.condition, t);
          if (this.within(c)) {
            const inner = c.type === 'ElseClause' ? t : this.cond(t, c.condition, true);
            return this.block(c.body, inner);
          }
          if (c.type !== 'ElseClause') t = this.cond(t, c.condition, false);
        }
        return t;
      case 'WhileStatement':
        if (this.within(s.condition)) return t;
        return this.block(s.body, this.cond(t, s.condition, true));
      case 'DoStatement':
      case 'RepeatStatement':
      case 'ForNumericStatement':
      case 'ForGenericStatement':
        return this.block(s.body, t);
      case 'FunctionDeclaration':
        return this.block(s.body, t);
      default:
        return this.nested(s, t);
    }
  }

  /** Expression statements: `and`/`or` operands and function bodies containing the position. */
  nested(s: Stmt, t: Ty): Ty {
    const fns = functionsAround(fileIndex(this.fa), this.at).filter(
      (f) => spanOf(f).start >= spanOf(s).start,
    );
    const outer = fns[fns.length - 1];
    if (outer) return this.block(outer.body, t);
    const exprs: Expr[] =
      s.type === 'LocalStatement' || s.type === 'AssignmentStatement'
        ? s.init
        : s.type === 'CallStatement'
          ? [s.expression]
          : s.type === 'ReturnStatement'
            ? s.arguments
            : [];
    for (const e of exprs) if (this.within(e)) return this.expr(e, t);
    return t;
  }

  expr(e: Expr, t: Ty): Ty {
    if (e.type === 'LogicalExpression' && this.within(e.right) && spanOf(e.right).start <= this.at)
      return this.expr(e.right, this.cond(t, e.left, e.operator === 'and'));
    if (e.type === 'LogicalExpression' && this.within(e.left)) return this.expr(e.left, t);
    if (e.type === 'CallExpression') for (const a of e.arguments) if (this.within(a)) return this.expr(a, t);
    return t;
  }
}

function sameMembers(a: Ty, b: Ty): boolean {
  const key = (t: Ty) =>
    members(t)
      .map((x) => view(x))
      .sort()
      .join('|');
  return key(a) === key(b);
}

function typeCheck(c: lp.BinaryExpression): { arg: Expr; name: string } | undefined {
  const pick = (a: Expr, b: Expr) =>
    a.type === 'CallExpression' &&
    a.base.type === 'Identifier' &&
    a.base.name === 'type' &&
    a.arguments.length === 1 &&
    b.type === 'StringLiteral'
      ? { arg: a.arguments[0], name: stringValue(b.raw) }
      : undefined;
  return pick(c.left, c.right) ?? pick(c.right, c.left);
}

function typeName(t: Ty, name?: string): string | undefined {
  switch (t.k) {
    case 'integer':
      return name === 'integer' ? 'integer' : 'number';
    case 'number':
      return 'number';
    case 'literal':
      return t.text === 'true' || t.text === 'false'
        ? 'boolean'
        : /^["'`]/.test(t.text)
          ? 'string'
          : 'number';
    case 'string':
    case 'boolean':
    case 'nil':
    case 'table':
    case 'function':
      return t.k;
    case 'array':
    case 'map':
    case 'record':
      return 'table';
    case 'named':
      return t.name === 'thread' || t.name === 'userdata' ? t.name : 'table';
    default:
      return undefined;
  }
}

function byTypeName(t: Ty, name: string): Ty {
  const keep = members(t).filter((x) => typeName(x, name) === name);
  if (keep.length) return union(keep);
  if (
    name === 'integer' ||
    name === 'number' ||
    name === 'string' ||
    name === 'boolean' ||
    name === 'table' ||
    name === 'function' ||
    name === 'nil'
  )
    return { k: name } as Ty;
  return t;
}

function withoutTypeName(t: Ty, name: string): Ty {
  const keep = members(t).filter((x) => typeName(x, name) !== name);
  return keep.length ? union(keep) : t;
}

/** `---@cast x T`, `+T`, `-T`, `+?`, `-?` between the reaching assignment and the position. */
function applyCasts(en: TypeEngine, fa: FileAnalysis, def: Definition, t: Ty, from: number, at: number): Ty {
  const text = fa.text;
  const re = /---\s*@cast\s+([\w.]+)\s+([^\n]*)/g;
  re.lastIndex = from;
  let out = t;
  for (let m = re.exec(text); m && m.index < at; m = re.exec(text)) {
    if (m[1] !== def.name) continue;
    if (def.visible && (m.index < def.visible.start || m.index > def.visible.end)) continue;
    for (const part of m[2].split(',')) {
      const p = part.trim();
      if (p === '+?') out = union([out], true);
      else if (p === '-?') out = nonNil(out);
      else if (p.startsWith('+')) out = union([out, typeText(p.slice(1), undefined, en.alias)]);
      else if (p.startsWith('-')) {
        const rm = typeText(p.slice(1), undefined, en.alias);
        const keep = members(out).filter(
          (x) => x.k !== rm.k || (rm.k === 'named' && x.k === 'named' && x.name !== rm.name),
        );
        out = keep.length ? union(keep) : UNKNOWN;
      } else if (p) out = typeText(p, undefined, en.alias);
    }
  }
  return out;
}
