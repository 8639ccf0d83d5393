import type * as lp from 'luaparse';
import type { FileAnalysis } from './fileAnalysis';
import {
  checkBalance,
  countDownCheck,
  lowercaseGlobal,
  terminates,
  unreachable,
  unusedDiagnostics,
} from './lintRules';
import { finishClasses, localSymbol } from './outline';
import { spanOf, type Attribute } from './parse';
import { mk, paramsOf, requireModule, SPAN_NODE_TYPES, sp, type Expr, type Stmt } from './syntaxFacts';
import { ExprWalker } from './walkExpressions';
import { Scope } from './walkerBase';
import { walkTopStatement } from './walkRecord';
import type { DocBlock, Occurrence, Span, SyntaxErrorInfo } from './types';

const byStart = (a: Occurrence, b: Occurrence) => a.span.start - b.span.start;

/**
 * The statement half of the scope walk and its entry points: `run` walks a chunk (top-level
 * statements through the walk cache), `result` assembles the FileAnalysis.
 */
export class Walker extends ExprWalker {
  run(chunk: lp.Chunk): void {
    // the top-level block, as `block` does, one statement at a time for the walk cache
    const body = chunk.body;
    const saved = this.scope;
    this.scope = this.topScope = new Scope(saved, this.text.length);
    let terminated: string | undefined;
    let reported = false;
    const walk = (s: Stmt) => this.statement(s);
    for (const s of body) {
      if (terminated && !reported) {
        reported = true;
        const span = { start: spanOf(s).start, end: spanOf(body[body.length - 1]).end };
        unreachable(this.diags, span, terminated);
      }
      walkTopStatement(this, s, walk);
      if (!terminated) terminated = terminates(s);
    }
    this.scope = saved;
    // attach member uses to fields seen anywhere in the file
    for (const u of this.memberUses) {
      const f = this.defs[u.defId].fields.get(u.name);
      if (f && !f.refs.some((r) => r.start === u.span.start)) f.refs.push(u.span);
    }
  }

  result(errors: SyntaxErrorInfo[], attributes: Attribute[]): FileAnalysis {
    // with the walk cache, each statement's occurrences are sorted (and statements are in order)
    if (!this.segments) this.occurrences.sort(byStart);
    unusedDiagnostics(this.diags, this.defs);
    finishClasses(this.classes, this.defs, this.uri, this.isMeta);
    return {
      uri: this.uri,
      text: this.text,
      lines: this.lines,
      isMeta: this.isMeta,
      syntaxErrors: errors,
      defs: this.defs,
      occurrences: this.occurrences,
      globals: this.globals,
      localDiagnostics: this.diags,
      directives: this.directives,
      symbols: this.symbolStack[0],
      folds: this.folds,
      calls: this.calls,
      functions: this.functions,
      requires: this.requires,
      moduleReturn: this.moduleReturn,
      classes: this.classes,
      aliases: this.aliases,
      attributes,
      nodeSpans: this.nodeSpans,
      docs: this.docByEndLine,
    };
  }

  block(body: Stmt[], end: number): void {
    const saved = this.scope;
    this.scope = new Scope(saved, end);
    let terminated: string | undefined;
    for (const s of body) {
      if (terminated) {
        const span = sp(s);
        const last = spanOf(body[body.length - 1]);
        unreachable(this.diags, mk(span.start, last.end), terminated);
        // still analyse it
        for (const r of body.slice(body.indexOf(s))) this.statement(r);
        break;
      }
      this.statement(s);
      terminated = terminates(s);
    }
    this.scope = saved;
  }

  statement(s: Stmt): void {
    const span = sp(s);
    if (this.nodeSpans && SPAN_NODE_TYPES.has(s.type)) this.nodeSpans.push(span);
    switch (s.type) {
      case 'LocalStatement':
        return this.localStatement(s, span);
      case 'AssignmentStatement':
        return this.assignment(s, span);
      case 'FunctionDeclaration':
        this.functionExpr(s, span, true);
        return;
      case 'CallStatement':
        this.expr(s.expression);
        return;
      case 'ReturnStatement':
        return this.returnStatement(s, span);
      case 'IfStatement':
        this.fold(span);
        for (const c of s.clauses) {
          if (this.nodeSpans) this.nodeSpans.push(sp(c));
          if (c.type !== 'ElseClause') this.expr(c.condition);
          this.fold(spanOf(c));
          this.block(c.body, spanOf(c).end);
        }
        return;
      case 'WhileStatement':
        this.fold(span);
        this.expr(s.condition);
        this.block(s.body, span.end);
        return;
      case 'DoStatement':
        this.fold(span);
        this.block(s.body, span.end);
        return;
      case 'RepeatStatement':
      case 'ForNumericStatement':
      case 'ForGenericStatement':
        return this.loop(s, span);
      default:
        return;
    }
  }

  private loop(s: lp.RepeatStatement | lp.ForNumericStatement | lp.ForGenericStatement, span: Span): void {
    this.fold(span);
    if (s.type === 'ForNumericStatement') {
      this.expr(s.start);
      this.expr(s.end);
      if (s.step) this.expr(s.step);
      countDownCheck(this.diags, s);
    } else if (s.type === 'ForGenericStatement') for (const it of s.iterators) this.expr(it);
    const saved = this.scope;
    this.scope = new Scope(saved, span.end);
    if (s.type === 'RepeatStatement') {
      // the condition sees the body's locals
      for (const b of s.body) this.statement(b);
      this.expr(s.condition);
    } else {
      const vars = s.type === 'ForNumericStatement' ? [s.variable] : s.variables;
      for (const v of vars) this.declareLocal(v, 'forVariable', span, spanOf(v).end);
      this.block(s.body, span.end);
    }
    this.scope = saved;
  }

  private returnStatement(s: lp.ReturnStatement, span: Span): void {
    for (const a of s.arguments) this.expr(a);
    if (this.fnStack.length !== 1 || s.arguments.length !== 1) return;
    const a = s.arguments[0];
    if (a.type === 'Identifier') {
      const d = this.local(a.name) ?? this.global(a.name);
      this.moduleReturn = { defId: d?.id, init: d?.init };
    } else this.moduleReturn = { init: this.initOf(a) };
    if (a.type === 'TableConstructorExpression') {
      const d = this.newDef('(module)', 'local', sp(a), sp(a), mk(span.end, span.end));
      d.reads = 1;
      this.occurrences.pop();
      this.tableFields(d, a);
      this.moduleReturn = { defId: d.id, init: { kind: 'table' } };
    }
  }

  localStatement(s: lp.LocalStatement, span: Span): void {
    for (const e of s.init) this.expr(e);
    checkBalance(this.diags, s.variables.length, s.init, span);
    const doc = this.docFor(s);
    s.variables.forEach((v, i) => {
      const d = this.declareLocal(v, 'local', span, span.end);
      const init = s.init[i];
      d.init = this.initOf(init);
      if (i === 0) d.doc = doc;
      if (init?.type === 'FunctionDeclaration') {
        const p = paramsOf(init, doc);
        d.params = p.params;
        d.isVararg = p.vararg;
      }
      if (init?.type === 'TableConstructorExpression') this.tableFields(d, init);
      const req = requireModule(init);
      if (req) {
        const r = this.requires.find((x) => x.span.start === req.span.start);
        if (r) r.defId = d.id;
      }
      this.symbol(localSymbol(d, init, span));
    });
  }

  assignment(s: lp.AssignmentStatement, span: Span): void {
    for (const e of s.init) this.expr(e);
    checkBalance(this.diags, s.variables.length, s.init, span);
    const doc = this.docFor(s);
    s.variables.forEach((v, i) => {
      const init = s.init[i];
      if (v.type === 'Identifier') {
        this.assignName(v, init, doc, span);
      } else if (v.type === 'MemberExpression') {
        this.expr(v.base);
        this.memberTarget(v, init, doc);
      } else {
        this.expr(v.base);
        this.expr(v.index);
      }
    });
  }

  /** `name = v`: assigns a local, or defines/assigns a global. */
  private assignName(v: lp.Identifier, init: Expr | undefined, doc: DocBlock | undefined, span: Span): void {
    const vspan = sp(v);
    const local = this.local(v.name);
    if (local) {
      local.refs.push(vspan);
      if (this.isOuter(local)) this.effect({ k: 'ref', def: local, span: vspan, read: false });
      this.occurrences.push({ span: vspan, defId: local.id, isDeclaration: false, isCall: false });
      if (init?.type === 'TableConstructorExpression') this.tableFields(local, init);
      return;
    }
    const isNew = !this.global(v.name);
    const d = this.defineGlobal(v.name, vspan, span, init?.type === 'FunctionDeclaration');
    if (isNew) {
      d.init = this.initOf(init);
      d.doc = doc;
      if (init?.type === 'FunctionDeclaration') {
        const p = paramsOf(init, doc);
        d.params = p.params;
        d.isVararg = p.vararg;
      }
      if (!this.isMeta && /^[a-z]/.test(v.name) && this.fnStack.length >= 1)
        lowercaseGlobal(this.diags, v.name, vspan);
      this.symbol({
        name: v.name,
        kind: init?.type === 'FunctionDeclaration' ? 'function' : 'variable',
        detail: 'global',
        span,
        selectionSpan: vspan,
        children: [],
      });
    }
    if (init?.type === 'TableConstructorExpression') this.tableFields(d, init);
  }
}
