import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import type { Definition } from '../types';
import { fileIndex, functionsAround, type Expr, type FnNode, type Site, type Stmt } from './astIndex';
import type { TypeEngine } from './engine';
import { applyCast, castsOf, Conditions, type Cast } from './narrow';
import { members, union, UNKNOWN, type Ty } from './ty';

/**
 * Flow: the type of a local at a position, found as LuaLS's tracer finds it. The statements from
 * the declaration to the position are walked in order, carrying the local's type: assignments
 * replace it, conditions narrow it inside branches (narrow.ts), the branches of an `if` that do
 * not end in `return`/`break`/`goto`/`error()` are merged after it, `---@cast` comments apply
 * where they stand, and closures start from the type at their definition (or from their own
 * assignments).
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
  const writes = writesOf(fa, def);
  const declFn = decl?.fn;
  const hasValue = (s: Site | undefined) => !!s && (s.values.length > 0 || s.kind !== 'local');
  if (at === undefined || at === def.span.start) {
    if (hasValue(decl) || !decl) return decl;
    return firstWrite(writes, declFn) ?? decl;
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
  if (innermost !== declFn) return firstWrite(writes, declFn) ?? decl;
  return decl;
}

const writeCache = new WeakMap<Definition, { idx: object; writes: Site[]; stmts: Set<Stmt> }>();

/** Assignments (`x = v`, `function x() end`) of a local, in text order, and their statements. */
function writeInfo(fa: FileAnalysis, def: Definition): { writes: Site[]; stmts: Set<Stmt> } {
  const idx = fileIndex(fa);
  const hit = writeCache.get(def);
  if (hit?.idx === idx) return hit;
  const writes = writesOf(fa, def);
  const stmts = new Set<Stmt>();
  for (const w of writes) {
    const st = w.kind === 'function' ? w.fnNode : w.stmt;
    if (st) stmts.add(st);
  }
  const info = { idx, writes, stmts };
  writeCache.set(def, info);
  return info;
}

/** The assignment of `def` whose name is at `at`, if `at` is one. */
export function writeAt(fa: FileAnalysis, def: Definition, at: number): Site | undefined {
  const s = fileIndex(fa).sites.get(at);
  return s && (s.kind === 'assign' || s.kind === 'function') && s.offset !== def.span.start ? s : undefined;
}

function writesOf(fa: FileAnalysis, def: Definition): Site[] {
  const hit = writeCache.get(def);
  if (hit?.idx === fileIndex(fa)) return hit.writes;
  const idx = fileIndex(fa);
  const writes: Site[] = [];
  for (const r of def.refs) {
    if (r.start === def.span.start) continue;
    const s = idx.sites.get(r.start);
    if (s && (s.kind === 'assign' || s.kind === 'function')) writes.push(s);
  }
  return writes.sort((a, b) => a.offset - b.offset);
}

/**
 * What a closure sees of a local declared without a value and not assigned before the closure:
 * the first assignment, when that is in the declaring function (an assignment in another closure
 * first makes it unknown, as LuaLS does).
 */
function firstWrite(writes: Site[], declFn: FnNode | undefined): Site | undefined {
  const first = writes[0];
  return first && first.fn === declFn ? first : undefined;
}

/** How the walk types an assignment site (the engine's `---@type`-aware site type). */
export type SiteTyper = (s: Site) => Ty;

/**
 * The type of `def` at `at` (a read): `initial` is its type where it is declared. Walks the
 * function holding the declaration, or the innermost closure that assigns the local before `at`.
 */
export function traceAt(
  en: TypeEngine,
  fa: FileAnalysis,
  def: Definition,
  initial: Ty,
  at: number,
  siteTy: SiteTyper,
): Ty {
  const idx = fileIndex(fa);
  const decl = idx.sites.get(def.span.start);
  const declFn = decl?.kind === 'param' ? decl.fnNode : decl?.fn;
  const writes = writeInfo(fa, def).writes;
  const w = new Walker(en, fa, def, at, siteTy, declFn);
  w.unassigned =
    decl?.kind === 'local' && decl.values.length === 0 && !en.declared(fa, def)
      ? () => {
          const first = firstWrite(writes, declFn);
          return first ? siteTy(first) : initial;
        }
      : undefined;
  // the innermost closure (inside the declaring function) that assigns the local before `at`
  for (const f of functionsAround(idx, at)) {
    if (f === declFn) break;
    if (writes.some((s) => s.fn === f && s.offset < at)) {
      const entry = en.defType(fa, def, spanOf(f).start);
      w.unassigned = undefined;
      return w.run(f.body, entry, spanOf(f).start);
    }
  }
  const body = declFn ? declFn.body : idx.chunk.body;
  return w.run(body, initial, declFn ? spanOf(declFn).start : 0);
}

const memos = new WeakMap<TypeEngine, Map<string, Map<Stmt, { t: Ty; dead: boolean }>>>();

/** Walks of one local share what they found (one engine serves one request). */
function memoOf(en: TypeEngine, fa: FileAnalysis, def: Definition): Map<Stmt, { t: Ty; dead: boolean }> {
  let byDef = memos.get(en);
  if (!byDef) memos.set(en, (byDef = new Map()));
  const key = `${fa.uri}#${def.id}`;
  let m = byDef.get(key);
  if (!m) byDef.set(key, (m = new Map()));
  return m;
}

class Walker {
  result: Ty | undefined;
  private readonly casts: Cast[];
  /** the statements assigning the local */
  private readonly writeStmts: Set<Stmt>;
  private readonly c: Conditions;
  private readonly start: number;
  /** set while the walk has seen no value for a local declared without one */
  unassigned?: () => Ty;
  /** the local's type after statements already walked (by this or an earlier walk) */
  private readonly memo: Map<Stmt, { t: Ty; dead: boolean }>;
  private readonly writes: Site[];
  /** the start of the outermost expression of the statement holding the position */
  private stmtStart = 0;

  constructor(
    readonly en: TypeEngine,
    readonly fa: FileAnalysis,
    readonly def: Definition,
    readonly at: number,
    readonly siteTy: SiteTyper,
    readonly declFn: FnNode | undefined,
  ) {
    this.casts = castsOf(fa, def);
    this.memo = memoOf(en, fa, def);
    const info = writeInfo(fa, def);
    this.writes = info.writes;
    this.writeStmts = info.stmts;
    this.c = new Conditions(en, fa, def);
    this.start = def.span.start;
  }

  run(body: Stmt[], t: Ty, lo: number): Ty {
    const out = this.block(body, t, lo, this.at);
    return this.result ?? out ?? t;
  }

  private within(n: { type: string }): boolean {
    const s = spanOf(n);
    return s.start <= this.at && this.at <= s.end;
  }

  /** Casts standing in [lo, hi) before the position. */
  private castRange(t: Ty, lo: number, hi: number): Ty {
    for (const c of this.casts)
      if (c.offset >= lo && c.offset < hi && c.offset < this.at) t = applyCast(this.en, t, c);
    return t;
  }

  /** Walk a block: the type after it (undefined when it always leaves: return, break, ...). */
  private block(body: Stmt[], t: Ty, lo: number, hi: number): Ty | undefined {
    let cursor = lo;
    let dead = false;
    // an assignment in this block replaces the type: the walk starts from the last one, or after
    // the last statement an earlier walk went past
    let first = 0;
    for (let i = body.length - 1; i >= 0; i--) {
      const sp = spanOf(body[i]);
      if (sp.end > this.at) continue;
      const m = this.memo.get(body[i]);
      if (m) {
        [first, t, dead, cursor] = [i + 1, m.t, m.dead, sp.end];
        break;
      }
      if (i > 0 && this.writeStmts.has(body[i])) {
        [first, cursor] = [i, sp.start];
        break;
      }
    }
    for (let i = first; i < body.length; i++) {
      const s = body[i];
      const sp = spanOf(s);
      if (sp.start > this.at) break;
      if (sp.end <= this.start) {
        cursor = sp.end;
        continue;
      }
      t = this.castRange(t, cursor, sp.start);
      cursor = sp.end;
      if (sp.end > this.at || this.within(s)) {
        this.inside(s, t);
        this.result ??= t;
        return t;
      }
      const next = this.stmt(s, t);
      if (next === undefined) dead = true;
      else t = next;
      this.memo.set(s, { t, dead });
    }
    t = this.castRange(t, cursor, hi);
    return dead ? undefined : t;
  }

  // ---- statements that end before the position --------------------------------------------------

  private stmt(s: Stmt, t: Ty): Ty | undefined {
    switch (s.type) {
      case 'LocalStatement':
      case 'AssignmentStatement':
        return this.assign(s, t);
      case 'FunctionDeclaration':
        return this.fnWrite(s, t);
      case 'CallStatement':
        return this.call(s, t);
      case 'ReturnStatement':
      case 'BreakStatement':
      case 'GotoStatement':
        return undefined;
      case 'IfStatement':
        return this.ifStmt(s, t);
      case 'WhileStatement': {
        const inLoop = this.block(s.body, this.c.cond(t, s.condition, true), spanOf(s).start, spanOf(s).end);
        const merged = inLoop ? union([this.c.cond(t, s.condition, false), inLoop]) : t;
        return this.c.cond(merged, s.condition, false);
      }
      case 'DoStatement':
      case 'RepeatStatement':
      case 'ForNumericStatement':
      case 'ForGenericStatement': {
        // as LuaLS: after a loop the local has the type it has at the end of the body
        const out = this.block(s.body, t, spanOf(s).start, spanOf(s).end);
        return out ?? (s.type === 'DoStatement' ? undefined : t);
      }
      default:
        return t;
    }
  }

  private assign(s: lp.LocalStatement | lp.AssignmentStatement, t: Ty): Ty {
    const idx = fileIndex(this.fa);
    for (const v of s.variables) {
      if (v.type !== 'Identifier') continue;
      const vs = spanOf(v).start;
      if (vs !== this.start && !(s.type === 'AssignmentStatement' && this.c.isX(v))) continue;
      const site = idx.sites.get(vs);
      if (site && vs !== this.start) {
        t = this.siteTy(site);
      }
    }
    return t;
  }

  private fnWrite(s: lp.FunctionDeclaration, t: Ty): Ty {
    const id = s.identifier;
    if (id?.type !== 'Identifier' || spanOf(id).start === this.start || !this.c.isX(id)) return t;
    const site = fileIndex(this.fa).sites.get(spanOf(id).start);
    if (!site) return t;
    return this.siteTy(site);
  }

  private call(s: lp.CallStatement, t: Ty): Ty | undefined {
    const e = s.expression;
    if (e.type !== 'CallExpression') return t;
    const b = e.base;
    const name = b.type === 'Identifier' ? b.name : b.type === 'MemberExpression' ? b.identifier.name : '';
    if (name === 'assert' && e.arguments[0]) return this.c.cond(t, e.arguments[0], true);
    if (b.type === 'Identifier' && name === 'error') return undefined;
    if (
      b.type === 'MemberExpression' &&
      b.base.type === 'Identifier' &&
      b.base.name === 'os' &&
      name === 'exit'
    )
      return undefined;
    return t;
  }

  /** The branches' types merged: those that fall through, and the conditions' failure. */
  private ifStmt(s: lp.IfStatement, t: Ty): Ty | undefined {
    let main: Ty | undefined = t;
    const outs: Ty[] = [];
    s.clauses.forEach((c, i) => {
      const [lo, hi] = clauseBounds(s, i);
      let inBranch: Ty;
      if (c.type === 'ElseClause') {
        inBranch = main ?? t;
        main = undefined;
      } else {
        const cur: Ty = main ?? t;
        inBranch = this.c.cond(cur, c.condition, true);
        main = this.c.cond(cur, c.condition, false);
      }
      const out = this.block(c.body, inBranch, lo, hi);
      if (out) outs.push(out);
    });
    if (main) outs.unshift(main);
    if (!outs.length) return undefined;
    const merged = union(outs);
    // without an `else`, a local of no known type stays `unknown` beside what a branch gave it
    // (LuaLS: `local x; if c then x = 1 end` is `integer|unknown` after the `if`)
    if (
      main &&
      t.k === 'unknown' &&
      merged.k !== 'unknown' &&
      !members(merged).some((m) => m.k === 'unknown')
    )
      return { k: 'union', items: [...members(merged), UNKNOWN] };
    return merged;
  }

  // ---- the statement holding the position ------------------------------------------------------

  private inside(s: Stmt, t: Ty): void {
    const sp = spanOf(s);
    switch (s.type) {
      case 'IfStatement': {
        let cur = t;
        for (let i = 0; i < s.clauses.length; i++) {
          const c = s.clauses[i];
          const [lo, hi] = clauseBounds(s, i);
          if (c.type !== 'ElseClause' && this.within(c.condition)) return this.top(c.condition, cur);
          if (this.at < hi || i === s.clauses.length - 1) {
            const inBranch = c.type === 'ElseClause' ? cur : this.c.cond(cur, c.condition, true);
            this.block(c.body, inBranch, lo, hi);
            return;
          }
          if (c.type !== 'ElseClause') cur = this.c.cond(cur, c.condition, false);
        }
        return;
      }
      case 'WhileStatement':
        if (this.within(s.condition)) return this.top(s.condition, t);
        this.block(s.body, this.c.cond(t, s.condition, true), sp.start, sp.end);
        return;
      case 'RepeatStatement': {
        const end = this.block(s.body, t, sp.start, sp.end);
        if (this.result === undefined && this.within(s.condition)) this.top(s.condition, end ?? t);
        return;
      }
      case 'ForNumericStatement':
        for (const e of [s.start, s.end, s.step]) if (e && this.within(e)) return this.top(e, t);
        this.block(s.body, t, sp.start, sp.end);
        return;
      case 'ForGenericStatement':
        for (const e of s.iterators) if (this.within(e)) return this.top(e, t);
        this.block(s.body, t, sp.start, sp.end);
        return;
      case 'DoStatement':
        this.block(s.body, t, sp.start, sp.end);
        return;
      case 'FunctionDeclaration':
        return this.fn(s, t);
      case 'LocalStatement':
      case 'AssignmentStatement':
        for (const e of [...s.init, ...s.variables]) if (this.within(e)) return this.top(e, t);
        return;
      case 'CallStatement':
        return this.top(s.expression, t);
      case 'ReturnStatement':
        for (const e of s.arguments) if (this.within(e)) return this.top(e, t);
        return;
      default:
        return;
    }
  }

  /** Into a function holding the position: the local's type where the function is defined. */
  private fn(f: FnNode, t: Ty): void {
    const fs = spanOf(f).start;
    const assigned = this.writes.some((w) => w.fn === this.declFn && w.offset < fs);
    const entry = this.unassigned && !assigned ? this.unassigned() : t;
    this.block(f.body, entry, spanOf(f).start, spanOf(f).end);
  }

  /** A statement's expression holding the position. */
  private top(e: Expr, t: Ty): void {
    this.stmtStart = spanOf(e).start;
    this.expr(e, t);
  }

  /** An expression holding the position: `and`/`or` narrow their right operand. */
  private expr(e: Expr, t: Ty): void {
    switch (e.type) {
      case 'LogicalExpression':
        if (this.within(e.left)) return this.expr(e.left, t);
        if (this.within(e.right)) return this.expr(e.right, this.c.cond(t, e.left, e.operator === 'and'));
        break;
      case 'FunctionDeclaration':
        return this.fn(e, t);
      default: {
        const child = childAt(e, this.at);
        if (child) return this.expr(child, t);
      }
    }
    // casts inside the statement, before the position (`if x\n---@cast x T\nand x.y then`)
    this.result ??= this.castRange(t, this.stmtStart, this.at);
  }
}

/** The sub-expression of `e` that holds `at`. */
function childAt(e: Expr, at: number): Expr | undefined {
  const kids: (Expr | null | undefined)[] = [];
  switch (e.type) {
    case 'BinaryExpression':
      kids.push(e.left, e.right);
      break;
    case 'UnaryExpression':
      kids.push(e.argument);
      break;
    case 'CallExpression':
      kids.push(e.base, ...e.arguments);
      break;
    case 'StringCallExpression':
      kids.push(e.base, e.argument);
      break;
    case 'TableCallExpression':
      kids.push(e.base, e.arguments);
      break;
    case 'MemberExpression':
      kids.push(e.base);
      break;
    case 'IndexExpression':
      kids.push(e.base, e.index);
      break;
    case 'TableConstructorExpression':
      for (const f of e.fields) {
        if (f.type === 'TableKey') kids.push(f.key);
        kids.push(f.value);
      }
      break;
    default:
      break;
  }
  return kids.find((k): k is Expr => {
    if (!k) return false;
    const s = spanOf(k);
    return s.start <= at && at <= s.end;
  });
}

/** Where a clause's body lies: after its condition, up to the next clause (or the `end`). */
function clauseBounds(s: lp.IfStatement, i: number): [number, number] {
  const c = s.clauses[i];
  const lo = c.type === 'ElseClause' ? spanOf(c).start : spanOf(c.condition).end;
  const next = s.clauses[i + 1];
  return [lo, next ? spanOf(next).start : spanOf(s).end];
}
