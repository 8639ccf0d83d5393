import type * as lp from 'luaparse';
import { tokenize } from './keywords';
import { parseLua, spanOf } from './parse';
import { occurrenceAt, type FileAnalysis } from './resolve';
import type { AnalysisDiagnostic, Span } from './types';

/**
 * Diagnostics decided from one file's syntax tree, with LuaLS's semantics and spans:
 * unused-function (a local function used only inside itself, an unused local holding functions),
 * unused-local on tables that are only written, unreachable-code (after `return`, `break`,
 * `goto`, `error()`, an infinite loop, or an `if` whose every branch ends so), count-down-loop,
 * empty-block, redundant-return, unused-vararg, newline-call, ambiguity-1, duplicate-set-field,
 * trailing-space, unbalanced-assignments / redundant-value (per variable / value), duplicate-index,
 * unused-label, code-after-break, redefined-local (parameters included). Pure.
 */

/** Codes this module owns; the scope walk's own versions of them are replaced. */
export const LINT_CODES = [
  'unused-function',
  'unreachable-code',
  'count-down-loop',
  'unbalanced-assignments',
  'redefined-local',
];

type Expr = lp.Expression;
type Stmt = lp.Statement;

const ARITH = new Set(['+', '-', '*', '/', '//', '%', '^', '..']);

interface LocalUse {
  /** identifier reads that are not the base of a field write */
  reads: Span[];
  /** `t` in `t.a = v`, `t[k] = v`, `function t.a()` */
  writeBases: Span[];
  /** function values stored in it */
  fns: Span[];
}

const cache = new WeakMap<FileAnalysis, AnalysisDiagnostic[]>();

export function lint(fa: FileAnalysis): AnalysisDiagnostic[] {
  let d = cache.get(fa);
  if (!d) {
    const st = fa.parseState;
    const chunk = st && !st.consumed ? st.chunk : parseLua(fa.text).chunk;
    d = new Linter(fa).run(chunk.body);
    cache.set(fa, d);
  }
  return d;
}

class Linter {
  readonly out: AnalysisDiagnostic[] = [];
  private readonly uses = new Map<number, LocalUse>();
  /** `function t.f()` / `t.f = function` at unconditional places, by table key + field */
  private readonly setFields = new Map<string, Span[]>();

  constructor(readonly fa: FileAnalysis) {}

  /** labels and gotos per function (by the function's start) */
  private readonly labels = new Map<number, { labels: lp.LabelStatement[]; gotos: Set<string> }>();
  private fnStart = 0;

  run(body: Stmt[]): AnalysisDiagnostic[] {
    this.block(body, undefined, true);
    this.finishLabels();
    this.redefinedLocals();
    this.finishLocals();
    if (!this.fa.isMeta) this.finishSetFields();
    this.trailingSpaces();
    return this.out;
  }

  private diag(
    code: string,
    span: Span,
    message: string,
    severity: AnalysisDiagnostic['severity'],
    extra: Partial<AnalysisDiagnostic> = {},
  ): void {
    this.out.push({ code, span, message, severity, ...extra });
  }

  // ---- locals ------------------------------------------------------------------------------

  private defAt(id: lp.Identifier): number | undefined {
    const s = spanOf(id);
    const occ = occurrenceAt(this.fa, s.start);
    if (!occ || occ.span.start !== s.start || occ.member || occ.defId === undefined) return undefined;
    const d = this.fa.defs[occ.defId];
    return d?.visible ? d.id : undefined;
  }

  private use(id: number): LocalUse {
    let u = this.uses.get(id);
    if (!u) this.uses.set(id, (u = { reads: [], writeBases: [], fns: [] }));
    return u;
  }

  /**
   * Local functions nobody calls: every read lies inside the function itself or inside another
   * unused function (so `x` called only from an unused `y` is unused too), found by a fixpoint.
   */
  private deadFunctions(): Set<number> {
    const fns = [...this.uses.keys()].filter((id) => this.fa.defs[id]?.kind === 'localFunction');
    const dead = new Set<number>(fns);
    for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
      changed = false;
      for (const id of [...dead]) {
        const reads = this.uses.get(id)?.reads ?? [];
        const inside = (r: Span) =>
          [...dead].some((o) => {
            const b = this.fa.defs[o].fullSpan;
            return r.start >= b.start && r.start < b.end;
          });
        if (reads.some((r) => !inside(r))) {
          dead.delete(id);
          changed = true;
        }
      }
    }
    return dead;
  }

  private finishLocals(): void {
    const dead = this.deadFunctions();
    for (const [id, u] of this.uses) {
      const d = this.fa.defs[id];
      if (!d || d.name.startsWith('_') || d.attribute === 'close') continue;
      if (d.kind === 'localFunction') {
        const body = d.fullSpan;
        if (!dead.has(id)) continue;
        const at = this.fa.text.indexOf('function', body.start);
        const span = { start: at >= body.start && at < body.end ? at : body.start, end: body.end };
        this.diag('unused-function', span, `Unused local function \`${d.name}\`.`, 'hint', {
          unnecessary: true,
          data: { name: d.name, removeSpan: d.fullSpan },
        });
      } else if (d.kind === 'local') {
        const outside = u.reads.filter((r) => !u.fns.some((f) => r.start >= f.start && r.start < f.end));
        if (u.fns.length && !outside.length) {
          for (const f of u.fns)
            this.diag('unused-function', f, `Unused function (stored in \`${d.name}\`).`, 'hint', {
              unnecessary: true,
            });
        }
        if (!u.reads.length && u.writeBases.length) {
          for (const s of [d.span, ...u.writeBases])
            this.diag('unused-local', s, `\`${d.name}\` is only written, never read.`, 'hint', {
              unnecessary: true,
              data: { name: d.name },
            });
        }
      }
    }
  }

  // ---- statements --------------------------------------------------------------------------

  /** Walk a block; returns whether it always ends (return, error, ...). */
  private block(body: Stmt[], fnBody: lp.FunctionDeclaration | undefined, unconditional: boolean): boolean {
    let ended: Stmt | undefined;
    for (const s of body) {
      // a label after a `goto` can be jumped to
      if (ended?.type === 'GotoStatement' && s.type === 'LabelStatement') ended = undefined;
      if (ended) {
        const first = spanOf(s);
        const last = spanOf(body[body.length - 1]);
        const afterBreak = ended.type === 'BreakStatement';
        this.diag(
          afterBreak ? 'code-after-break' : 'unreachable-code',
          { start: first.start, end: last.end },
          afterBreak ? 'Code after `break` never runs.' : 'Unreachable code.',
          'hint',
          { unnecessary: true },
        );
        for (const r of body.slice(body.indexOf(s))) this.statement(r, unconditional);
        break;
      }
      this.statement(s, unconditional);
      if (this.ends(s)) ended = s;
    }
    if (fnBody) {
      const last = body[body.length - 1];
      if (last?.type === 'ReturnStatement' && last.arguments.length === 0)
        this.diag('redundant-return', spanOf(last), 'Redundant `return`.', 'hint', { unnecessary: true });
    }
    return !!ended;
  }

  /** Does control never continue after `s`? */
  private ends(s: Stmt): boolean {
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
        return (
          s.clauses.some((c) => c.type === 'ElseClause') && s.clauses.every((c) => this.bodyEnds(c.body))
        );
      case 'DoStatement':
        return this.bodyEnds(s.body);
      case 'WhileStatement':
        return s.condition.type === 'BooleanLiteral' && s.condition.value === true && !hasBreak(s.body);
      case 'RepeatStatement':
        return s.condition.type === 'BooleanLiteral' && s.condition.value === false && !hasBreak(s.body);
      default:
        return false;
    }
  }

  private bodyEnds(body: Stmt[]): boolean {
    return body.some((s) => this.ends(s));
  }

  private statement(s: Stmt, unconditional: boolean): void {
    switch (s.type) {
      case 'LocalStatement':
        s.init.forEach((e) => this.expr(e));
        this.balance(s.variables, s.init);
        s.variables.forEach((v, i) => {
          const init = s.init[i];
          const id = this.defAt(v);
          if (id === undefined) return;
          const u = this.use(id);
          if (init?.type === 'FunctionDeclaration') u.fns.push(spanOf(init));
        });
        return;
      case 'AssignmentStatement':
        s.init.forEach((e) => this.expr(e));
        this.balance(s.variables, s.init);
        s.variables.forEach((v, i) => this.target(v, s.init[i], unconditional));
        return;
      case 'CallStatement':
        this.expr(s.expression);
        return;
      case 'FunctionDeclaration': {
        const id = s.identifier;
        if (id?.type === 'MemberExpression') {
          this.writeBase(id.base);
          if (unconditional) this.setField(id);
        } else if (id?.type === 'Identifier' && !s.isLocal) {
          const d = this.defAt(id);
          if (d !== undefined) this.use(d).fns.push(spanOf(s));
        }
        if (s.isLocal && id?.type === 'Identifier') {
          const d = this.defAt(id);
          if (d !== undefined) this.use(d);
        }
        this.functionBody(s);
        return;
      }
      case 'ReturnStatement':
        s.arguments.forEach((e) => this.expr(e));
        return;
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
      case 'LabelStatement':
        this.fnLabels().labels.push(s);
        return;
      case 'GotoStatement':
        this.fnLabels().gotos.add(s.label.name);
        return;
      default:
        return;
    }
  }

  private loopBody(s: lp.ForNumericStatement | lp.ForGenericStatement): void {
    if (!s.body.length && !this.hasComment(spanOf(s)))
      this.diag('empty-block', spanOf(s), 'Empty block.', 'hint', { unnecessary: true });
    this.block(s.body, undefined, false);
  }

  private hasComment(span: Span): boolean {
    const t = this.fa.text.slice(span.start, span.end);
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
      const d = this.defAt(v);
      if (d !== undefined && value?.type === 'FunctionDeclaration') this.use(d).fns.push(spanOf(value));
      else if (d !== undefined) this.use(d);
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
      const d = this.defAt(base);
      if (d !== undefined) this.use(d).writeBases.push(spanOf(base));
      return;
    }
    this.expr(base);
  }

  private setField(m: lp.MemberExpression): void {
    let key: string | undefined;
    if (m.base.type === 'Identifier') {
      const d = this.defAt(m.base);
      key = d !== undefined ? `#${d}` : `@${m.base.name}`;
    }
    if (!key) return;
    key += `${m.indexer === ':' ? '.' : '.'}${m.identifier.name}`;
    let l = this.setFields.get(key);
    if (!l) this.setFields.set(key, (l = []));
    l.push(spanOf(m));
  }

  private finishSetFields(): void {
    for (const spans of this.setFields.values()) {
      if (spans.length < 2) continue;
      for (const s of spans)
        this.diag(
          'duplicate-set-field',
          s,
          `Duplicate field \`${this.fa.text.slice(s.start, s.end)}\`.`,
          'warning',
        );
    }
  }

  private functionBody(fn: lp.FunctionDeclaration): void {
    const vararg = fn.parameters.find((p) => p.type === 'VarargLiteral');
    if (vararg && !usesVararg(fn.body))
      this.diag('unused-vararg', spanOf(vararg), 'Unused vararg `...`.', 'hint', { unnecessary: true });
    const saved = this.fnStart;
    this.fnStart = spanOf(fn).start;
    this.block(fn.body, fn, false);
    this.fnStart = saved;
  }

  private fnLabels(): { labels: lp.LabelStatement[]; gotos: Set<string> } {
    let l = this.labels.get(this.fnStart);
    if (!l) this.labels.set(this.fnStart, (l = { labels: [], gotos: new Set() }));
    return l;
  }

  private finishLabels(): void {
    for (const { labels, gotos } of this.labels.values())
      for (const l of labels)
        if (!gotos.has(l.label.name))
          this.diag('unused-label', spanOf(l.label), `Unused label \`${l.label.name}\`.`, 'hint', {
            unnecessary: true,
          });
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

  /** A local declared again while an outer one of the same name is visible (parameters too). */
  private redefinedLocals(): void {
    const kinds = new Set(['local', 'localFunction', 'parameter', 'forVariable']);
    const byName = new Map<string, { start: number; end: number; decl: number }[]>();
    for (const d of this.fa.defs) {
      if (!kinds.has(d.kind) || !d.visible || d.name.startsWith('_') || d.name === '...' || d.name === 'self')
        continue;
      const list = byName.get(d.name) ?? [];
      for (const e of list) {
        if (e.decl < d.span.start && e.start <= d.span.start && d.span.start <= e.end) {
          this.diag('redefined-local', d.span, `Redefined local \`${d.name}\`.`, 'hint', {
            data: { name: d.name },
          });
          break;
        }
      }
      list.push({ start: d.visible.start, end: d.visible.end, decl: d.span.start });
      byName.set(d.name, list);
    }
  }

  // ---- expressions -------------------------------------------------------------------------

  private expr(e: Expr | null | undefined): void {
    if (!e) return;
    switch (e.type) {
      case 'Identifier': {
        const d = this.defAt(e);
        if (d !== undefined) this.use(d).reads.push(spanOf(e));
        return;
      }
      case 'MemberExpression':
        this.newlineCall(e.base);
        this.expr(e.base);
        return;
      case 'IndexExpression':
        this.newlineCall(e.base);
        this.expr(e.base);
        this.expr(e.index);
        return;
      case 'CallExpression':
        this.newlineCall(e.base);
        this.expr(e.base);
        e.arguments.forEach((a) => this.expr(a));
        return;
      case 'StringCallExpression':
      case 'TableCallExpression':
        this.expr(e.base);
        this.expr(e.type === 'StringCallExpression' ? e.argument : e.arguments);
        return;
      case 'FunctionDeclaration':
        this.functionBody(e);
        return;
      case 'TableConstructorExpression':
        this.duplicateIndex(e);
        for (const f of e.fields) {
          if (f.type === 'TableKey') this.expr(f.key);
          this.expr(f.value);
        }
        return;
      case 'LogicalExpression':
        this.ambiguity(e);
        this.expr(e.left);
        this.expr(e.right);
        return;
      case 'BinaryExpression':
        this.expr(e.left);
        this.expr(e.right);
        return;
      case 'UnaryExpression':
        this.expr(e.argument);
        return;
      default:
        return;
    }
  }

  /** `{ x = 1, x = 2 }`: each key given twice. */
  private duplicateIndex(t: lp.TableConstructorExpression): void {
    const keys = new Map<string, Span[]>();
    for (const f of t.fields) {
      let k: string | undefined;
      let span: Span | undefined;
      if (f.type === 'TableKeyString') {
        k = `s:${f.key.name}`;
        span = spanOf(f.key);
      } else if (f.type === 'TableKey') {
        span = spanOf(f.key);
        const raw = this.fa.text.slice(span.start, span.end);
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
          this.diag('duplicate-index', s, 'This key is set twice in the table.', 'warning');
  }

  /** `f()\n(g)` used further: Lua reads it as one call of f()'s result. */
  private newlineCall(base: Expr): void {
    if (base.type !== 'CallExpression') return;
    const callee = spanOf(base.base);
    const all = spanOf(base);
    const between = this.fa.text.slice(callee.end, all.end);
    const paren = between.indexOf('(');
    if (paren < 0 || !between.slice(0, paren).includes('\n')) return;
    this.diag(
      'newline-call',
      all,
      'A call on a new line continues the expression of the line before.',
      'warning',
    );
  }

  private parenthesized(e: Expr): boolean {
    const s = spanOf(e);
    const t = this.fa.text;
    let i = s.start - 1;
    while (i >= 0 && /\s/.test(t[i])) i--;
    let j = s.end;
    while (j < t.length && /\s/.test(t[j])) j++;
    return t[i] === '(' && t[j] === ')';
  }

  /** `x or 0 + 1`, `x + y or 0`: the precedence is likely not what was meant. */
  private ambiguity(e: lp.LogicalExpression): void {
    if (e.operator !== 'or' && e.operator !== 'and') return;
    const arith = (x: Expr) =>
      x.type === 'BinaryExpression' && ARITH.has(x.operator) && x.operator !== '..' && !this.parenthesized(x);
    const num = (x: Expr) => x.type === 'NumericLiteral';
    const r = e.right;
    const l = e.left;
    if ((arith(r) && num((r as lp.BinaryExpression).left)) || (arith(l) && num(r)))
      this.diag(
        'ambiguity-1',
        spanOf(e),
        'The precedence of this expression may not be what was meant; add parentheses.',
        'warning',
      );
  }

  // ---- text --------------------------------------------------------------------------------

  private trailingSpaces(): void {
    const text = this.fa.text;
    const re = /[ \t]+(?=\r?\n|$)/g;
    let m = re.exec(text);
    if (!m) return;
    // strings and comments may hold trailing spaces
    const masked: Span[] = tokenize(text, true)
      .filter((t) => t.kind === 'string' || t.kind === 'comment')
      .map((t) => t.span);
    let k = 0;
    for (; m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const start = m.index;
      while (k < masked.length && masked[k].end <= start) k++;
      if (k < masked.length && masked[k].start <= start) continue;
      this.diag('trailing-space', { start, end: start + m[0].length }, 'Trailing whitespace.', 'hint');
    }
  }
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
function usesVararg(node: unknown): boolean {
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
