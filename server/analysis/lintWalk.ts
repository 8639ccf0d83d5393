import type * as lp from 'luaparse';
import { ambiguity, duplicateIndex, newfieldCall, newlineCall } from './lintExpressions';
import { ends, unreachable, unusedLabel, usesVararg } from './lintFlow';
import { spanOf } from './parse';
import { SyntaxWalker } from './syntaxWalker';
import type { AnalysisDiagnostic, Span } from './types';

/**
 * The syntax-tree walk of lint.ts, one top-level statement at a time: the diagnostics decided
 * inside the statement, and the facts the file-wide rules need (declarations, assignments, field
 * writes, functions stored in names, `function t.f()` sets, top-level labels), by offset so
 * lint.ts can resolve them against the scope analysis and keep them for the next version.
 */

type Expr = lp.Expression;
type Stmt = lp.Statement;

/** What one top-level statement contributes; offsets are relative to its start once recorded. */
export interface Facts {
  /** the statement's length when recorded (a reused node has the same text) */
  len: number;
  diags: AnalysisDiagnostic[];
  /** identifiers declaring or assigning a name (a local's use record is created for them) */
  decls: number[];
  /** `t` in `t.a = v`, `t[k] = v`, `function t.a()` */
  writeBases: Span[];
  /** a function value stored in the name at `at` */
  fns: { at: number; span: Span }[];
  /** `function t.f()` / `t.f = function` at unconditional places */
  setFields: { at: number; name: string; span: Span }[];
  /** top-level labels and gotos (function-level ones are decided inside) */
  labels: { name: string; span: Span }[];
  gotos: string[];
  /** call statements (the result is dropped): the callee's name and the call */
  calls: { at: number; span: Span }[];
  /** the values each function returns (per `return`), with the name the function is declared under */
  returns: ReturnFact[];
  /** named functions: can the body run to its end, and where a missing `return` would go */
  functions: { name: Span; completes: boolean; at: Span }[];
}

/** One `return` of a named function: its values, its keyword, whether the last value may be several. */
export interface ReturnFact {
  name?: Span;
  values: Span[];
  keyword: Span;
  multi: boolean;
}

/** Record a top-level statement. */
export function recordStatement(text: string, s: Stmt): Facts {
  const w = new FactWalker(text);
  w.statement(s, true);
  w.done();
  const f = w.f;
  const at = spanOf(s).start;
  f.len = spanOf(s).end - at;
  return relative(f, -at);
}

/** `f` with every offset moved by `d` (new objects; `f` is kept). */
export function relative(f: Facts, d: number): Facts {
  const sp = (s: Span): Span => ({ start: s.start + d, end: s.end + d });
  return {
    len: f.len,
    diags: f.diags.map((x) => ({ ...x, span: sp(x.span) })),
    decls: f.decls.map((x) => x + d),
    writeBases: f.writeBases.map(sp),
    fns: f.fns.map((x) => ({ at: x.at + d, span: sp(x.span) })),
    setFields: f.setFields.map((x) => ({ ...x, at: x.at + d, span: sp(x.span) })),
    labels: f.labels.map((x) => ({ name: x.name, span: sp(x.span) })),
    returns: f.returns.map((r) => ({
      name: r.name && sp(r.name),
      values: r.values.map(sp),
      keyword: sp(r.keyword),
      multi: r.multi,
    })),
    functions: f.functions.map((x) => ({ name: sp(x.name), completes: x.completes, at: sp(x.at) })),
    calls: f.calls.map((c) => ({ at: c.at + d, span: sp(c.span) })),
    gotos: f.gotos,
  };
}

class FactWalker extends SyntaxWalker {
  readonly f: Facts = {
    len: 0,
    diags: [],
    decls: [],
    writeBases: [],
    fns: [],
    setFields: [],
    labels: [],
    gotos: [],
    returns: [],
    functions: [],
    calls: [],
  };
  /** the `return` values of the functions being walked (innermost last) */
  private readonly fnReturns: Omit<ReturnFact, 'name'>[][] = [];
  /** labels and gotos per function (by the function's start; -1 for the top level) */
  private readonly labels = new Map<number, { labels: lp.LabelStatement[]; gotos: Set<string> }>();
  private fnStart = -1;

  constructor(readonly text: string) {
    super();
  }

  done(): void {
    this.finishLabels();
  }

  private diag(
    code: string,
    span: Span,
    message: string,
    severity: AnalysisDiagnostic['severity'],
    extra: Partial<AnalysisDiagnostic> = {},
  ): void {
    this.f.diags.push({ code, span, message, severity, ...extra });
  }

  /** Walk a block; returns whether it always ends (return, error, ...). */
  private block(body: Stmt[], fnBody: lp.FunctionDeclaration | undefined, unconditional: boolean): boolean {
    let ended: Stmt | undefined;
    for (const s of body) {
      // a label after a `goto` can be jumped to
      if (ended?.type === 'GotoStatement' && s.type === 'LabelStatement') ended = undefined;
      if (ended) {
        unreachable(this.f.diags, ended, s, body[body.length - 1]);
        for (const r of body.slice(body.indexOf(s))) this.statement(r, unconditional);
        break;
      }
      this.statement(s, unconditional);
      if (ends(s)) ended = s;
    }
    if (fnBody) {
      const last = body[body.length - 1];
      if (last?.type === 'ReturnStatement' && last.arguments.length === 0)
        this.diag('redundant-return', spanOf(last), 'Redundant `return`.', 'hint', { unnecessary: true });
    }
    return !!ended;
  }

  statement(s: Stmt, unconditional: boolean): void {
    switch (s.type) {
      case 'LocalStatement':
        this.localStatement(s);
        return;
      case 'AssignmentStatement':
        s.init.forEach((e) => this.expr(e));
        this.balance(s.variables, s.init);
        s.variables.forEach((v, i) => this.target(v, s.init[i], unconditional));
        return;
      case 'CallStatement': {
        const b = s.expression.base;
        const name = b.type === 'Identifier' ? b : b.type === 'MemberExpression' ? b.identifier : undefined;
        if (name) this.f.calls.push({ at: spanOf(name).start, span: spanOf(s.expression) });
        this.expr(s.expression);
        return;
      }
      case 'FunctionDeclaration':
        this.functionStatement(s, unconditional);
        return;
      case 'ReturnStatement':
        this.returnStatement(s);
        return;
      case 'LabelStatement':
        this.fnLabels().labels.push(s);
        return;
      case 'GotoStatement':
        this.fnLabels().gotos.add(s.label.name);
        return;
      default:
        this.compound(s, unconditional);
    }
  }

  /** Statements holding blocks. */
  private compound(s: Stmt, unconditional: boolean): void {
    switch (s.type) {
      case 'IfStatement': {
        for (const c of s.clauses) if (c.type !== 'ElseClause') this.expr(c.condition);
        if (s.clauses.every((c) => !c.body.length) && !this.hasComment(spanOf(s)))
          this.diag('empty-block', spanOf(s), 'Empty block.', 'hint', { unnecessary: true });
        for (const c of s.clauses) this.block(c.body, undefined, false);
        return;
      }
      case 'WhileStatement':
        this.expr(s.condition);
        this.block(s.body, undefined, false);
        return;
      case 'RepeatStatement':
        this.block(s.body, undefined, false);
        this.expr(s.condition);
        return;
      case 'DoStatement':
        this.block(s.body, undefined, unconditional);
        return;
      case 'ForNumericStatement':
        this.expr(s.start);
        this.expr(s.end);
        if (s.step) this.expr(s.step);
        this.countDown(s);
        this.loopBody(s);
        return;
      case 'ForGenericStatement':
        s.iterators.forEach((e) => this.expr(e));
        this.loopBody(s);
        return;
      default:
        return;
    }
  }

  private localStatement(s: lp.LocalStatement): void {
    s.init.forEach((e) => this.expr(e));
    this.balance(s.variables, s.init);
    s.variables.forEach((v, i) => {
      const init = s.init[i];
      const at = spanOf(v).start;
      this.f.decls.push(at);
      if (init?.type === 'FunctionDeclaration') this.f.fns.push({ at, span: spanOf(init) });
    });
  }

  private functionStatement(s: lp.FunctionDeclaration, unconditional: boolean): void {
    const id = s.identifier;
    if (id?.type === 'MemberExpression') {
      this.writeBase(id.base);
      if (unconditional) this.setField(id);
    } else if (id?.type === 'Identifier' && !s.isLocal) {
      this.f.fns.push({ at: spanOf(id).start, span: spanOf(s) });
    }
    if (s.isLocal && id?.type === 'Identifier') this.f.decls.push(spanOf(id).start);
    this.functionBody(s);
  }

  private returnStatement(s: lp.ReturnStatement): void {
    const last = s.arguments[s.arguments.length - 1];
    const at = spanOf(s).start;
    this.fnReturns[this.fnReturns.length - 1]?.push({
      values: s.arguments.map((e) => spanOf(e)),
      keyword: { start: at, end: at + 'return'.length },
      multi:
        !!last &&
        (last.type === 'CallExpression' ||
          last.type === 'StringCallExpression' ||
          last.type === 'TableCallExpression' ||
          last.type === 'VarargLiteral'),
    });
    s.arguments.forEach((e) => this.expr(e));
  }

  private loopBody(s: lp.ForNumericStatement | lp.ForGenericStatement): void {
    if (!s.body.length && !this.hasComment(spanOf(s)))
      this.diag('empty-block', spanOf(s), 'Empty block.', 'hint', { unnecessary: true });
    this.block(s.body, undefined, false);
  }

  private hasComment(span: Span): boolean {
    const t = this.text.slice(span.start, span.end);
    return t.includes('--');
  }

  private countDown(s: lp.ForNumericStatement): void {
    const num = (e: Expr | null): number | undefined => {
      if (!e) return undefined;
      if (e.type === 'NumericLiteral') return e.value;
      if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'NumericLiteral')
        return -e.argument.value;
      return undefined;
    };
    const a = num(s.start);
    const b = num(s.end);
    const step = s.step ? num(s.step) : 1;
    if (a === undefined || b === undefined || step === undefined || !(a > b) || step <= 0) return;
    const span = { start: spanOf(s.start).start, end: spanOf(s.step ?? s.end).end };
    this.diag(
      'count-down-loop',
      span,
      `This loop runs zero times: ${a} > ${b} with step ${step}. Did you mean \`${a}, ${b}, -1\`?`,
      'warning',
    );
  }

  /** An assignment target. */
  private target(v: Expr, value: Expr | undefined, unconditional: boolean): void {
    if (v.type === 'Identifier') {
      const at = spanOf(v).start;
      if (value?.type === 'FunctionDeclaration') this.f.fns.push({ at, span: spanOf(value) });
      else this.f.decls.push(at);
      return;
    }
    if (v.type === 'MemberExpression') {
      this.writeBase(v.base);
      if (unconditional && value?.type === 'FunctionDeclaration') this.setField(v);
      return;
    }
    if (v.type === 'IndexExpression') {
      this.writeBase(v.base);
      this.expr(v.index);
      return;
    }
    this.expr(v);
  }

  private writeBase(base: Expr): void {
    if (base.type === 'Identifier') {
      this.f.writeBases.push(spanOf(base));
      return;
    }
    this.expr(base);
  }

  private setField(m: lp.MemberExpression): void {
    if (m.base.type !== 'Identifier') return;
    this.f.setFields.push({
      at: spanOf(m.base).start,
      name: `${m.base.name}.${m.identifier.name}`,
      span: spanOf(m),
    });
  }

  private functionBody(fn: lp.FunctionDeclaration): void {
    const vararg = fn.parameters.find((p) => p.type === 'VarargLiteral');
    if (vararg && !usesVararg(fn.body))
      this.diag('unused-vararg', spanOf(vararg), 'Unused vararg `...`.', 'hint', { unnecessary: true });
    const saved = this.fnStart;
    this.fnStart = spanOf(fn).start;
    this.fnReturns.push([]);
    this.block(fn.body, fn, false);
    const returns = this.fnReturns.pop() ?? [];
    const id = fn.identifier;
    const name =
      id?.type === 'Identifier'
        ? spanOf(id)
        : id?.type === 'MemberExpression'
          ? spanOf(id.identifier)
          : undefined;
    if (name) {
      for (const r of returns) this.f.returns.push({ name, ...r });
      const last = fn.body[fn.body.length - 1];
      const end = spanOf(fn).end;
      const at = last ? spanOf(last).end : Math.max(spanOf(fn).start, end - 'end'.length);
      this.f.functions.push({ name, completes: !fn.body.some(ends), at: { start: at, end: at } });
    }
    this.fnStart = saved;
  }

  private fnLabels(): { labels: lp.LabelStatement[]; gotos: Set<string> } {
    let l = this.labels.get(this.fnStart);
    if (!l) this.labels.set(this.fnStart, (l = { labels: [], gotos: new Set() }));
    return l;
  }

  /** Labels of the functions inside the statement are decided here; top-level ones by the file. */
  private finishLabels(): void {
    for (const [fn, { labels, gotos }] of this.labels) {
      if (fn < 0) {
        for (const l of labels) this.f.labels.push({ name: l.label.name, span: spanOf(l.label) });
        this.f.gotos.push(...gotos);
        continue;
      }
      for (const l of labels)
        if (!gotos.has(l.label.name)) unusedLabel(this.f.diags, l.label.name, spanOf(l.label));
    }
  }

  /** `local x, y = 1` (y is nil) and `x = 1, 2` (2 is dropped), one diagnostic per name/value. */
  private balance(vars: Expr[], init: Expr[]): void {
    if (!init.length) return;
    if (init.length > vars.length) {
      for (const v of init.slice(vars.length))
        this.diag('redundant-value', spanOf(v), 'This value is assigned to nothing.', 'warning', {
          unnecessary: true,
        });
      return;
    }
    const last = init[init.length - 1];
    if (
      last.type === 'CallExpression' ||
      last.type === 'StringCallExpression' ||
      last.type === 'TableCallExpression' ||
      last.type === 'VarargLiteral'
    )
      return;
    for (const v of vars.slice(init.length))
      this.diag(
        'unbalanced-assignments',
        spanOf(v),
        'No value is assigned to this name: it is nil.',
        'warning',
      );
  }

  // the expression walk is SyntaxWalker's; these hooks add the expression rules
  protected override memberExpr(e: lp.MemberExpression): void {
    newlineCall(this.text, this.f.diags, e.base);
    super.memberExpr(e);
  }

  protected override indexExpr(e: lp.IndexExpression): void {
    newlineCall(this.text, this.f.diags, e.base);
    super.indexExpr(e);
  }

  protected override callExpr(e: lp.CallExpression): void {
    newlineCall(this.text, this.f.diags, e.base);
    super.callExpr(e);
  }

  protected override functionExpr(e: lp.FunctionDeclaration): void {
    this.functionBody(e);
  }

  protected override tableExpr(e: lp.TableConstructorExpression): void {
    duplicateIndex(this.text, this.f.diags, e);
    newfieldCall(this.text, this.f.diags, e);
    super.tableExpr(e);
  }

  protected override logicalExpr(e: lp.LogicalExpression): void {
    ambiguity(this.text, this.f.diags, e);
    super.logicalExpr(e);
  }
}
