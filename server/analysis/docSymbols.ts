import type * as lp from 'luaparse';
import { parseLua, spanOf } from './parse';
import type { Span } from './types';

/**
 * The document outline as LuaLS shows it: locals, globals and fields with the kind of their value
 * (number, string, boolean, table as object or array, function, method), function parameters and
 * locals nested in their function, table fields nested in their table at every level, the
 * function or table passed to a call (`table.sort(t, function ... end)`), `return function ...
 * end`, and control blocks (`if`/`elseif`/`else`, `for`, `while`, `repeat`) as packages. Pure.
 */
export type OutlineKind =
  | 'function'
  | 'method'
  | 'variable'
  | 'constant'
  | 'number'
  | 'string'
  | 'boolean'
  | 'object'
  | 'array'
  | 'package';

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: OutlineKind;
  span: Span;
  selectionSpan: Span;
  children: OutlineSymbol[];
}

type Expr = lp.Expression;
type Stmt = lp.Statement;

const MAX_DETAIL_KEYS = 5;

/** The outline of `text`; pass the document's syntax tree when it has one (saves a parse). */
export function outline(text: string, chunk?: lp.Chunk): OutlineSymbol[] {
  return new Outliner(text).block((chunk ?? parseLua(text).chunk).body, true);
}

class Outliner {
  constructor(readonly text: string) {}

  private src(n: { type: string }): string {
    const s = spanOf(n);
    return this.text.slice(s.start, s.end);
  }

  block(body: Stmt[], top = false): OutlineSymbol[] {
    const out: OutlineSymbol[] = [];
    for (const s of body) this.statement(s, out, top);
    return out;
  }

  private statement(s: Stmt, out: OutlineSymbol[], top: boolean): void {
    switch (s.type) {
      case 'LocalStatement':
        s.variables.forEach((v, i) => out.push(this.binding(v.name, spanOf(v), s.init[i])));
        return;
      case 'AssignmentStatement':
        s.variables.forEach((v, i) => {
          const sym = this.assignTarget(v, s.init[i]);
          if (sym) out.push(sym);
        });
        return;
      case 'FunctionDeclaration':
        out.push(this.functionStatement(s));
        return;
      case 'CallStatement':
        out.push(...this.callArgs(s.expression));
        return;
      case 'ReturnStatement':
        for (const a of s.arguments) {
          if (top && a.type === 'FunctionDeclaration') {
            const span = spanOf(a);
            out.push({
              name: 'return',
              detail: this.fnDetail(a),
              kind: 'function',
              span,
              selectionSpan: { start: span.start, end: span.start + 'function'.length },
              children: this.functionChildren(a),
            });
          } else out.push(...this.valueChildren(a));
        }
        return;
      case 'IfStatement':
        this.ifClauses(s, out);
        return;
      case 'WhileStatement':
        out.push(this.control('while', `while ${this.src(s.condition)} do`, s, this.block(s.body)));
        return;
      case 'RepeatStatement':
        out.push(this.control('repeat', `until ${this.src(s.condition)}`, s, this.block(s.body)));
        return;
      case 'ForNumericStatement': {
        const head = `for ${s.variable.name} = ${this.src(s.start)}, ${this.src(s.end)}${s.step ? `, ${this.src(s.step)}` : ''} do`;
        const vars = [this.plain(s.variable)];
        out.push(this.control('for', head, s, [...vars, ...this.block(s.body)]));
        return;
      }
      case 'ForGenericStatement': {
        const head = `for ${s.variables.map((v) => v.name).join(', ')} in ${s.iterators.map((e) => this.src(e)).join(', ')} do`;
        const vars = s.variables.map((v) => this.plain(v));
        out.push(this.control('for', head, s, [...vars, ...this.block(s.body)]));
        return;
      }
      case 'DoStatement':
        out.push(...this.block(s.body));
        return;
      default:
        return;
    }
  }

  private plain(id: lp.Identifier): OutlineSymbol {
    const span = spanOf(id);
    return { name: id.name, detail: '', kind: 'variable', span, selectionSpan: span, children: [] };
  }

  private control(name: string, detail: string, s: Stmt, children: OutlineSymbol[]): OutlineSymbol {
    const span = spanOf(s);
    return {
      name,
      detail,
      kind: 'package',
      span,
      selectionSpan: { start: span.start, end: span.start + name.length },
      children,
    };
  }

  private ifClauses(s: lp.IfStatement, out: OutlineSymbol[]): void {
    const stmt = spanOf(s);
    const endKw = this.text.lastIndexOf('end', stmt.end);
    s.clauses.forEach((c, i) => {
      const start = spanOf(c).start;
      const next = s.clauses[i + 1];
      const end = next ? spanOf(next).start : endKw >= start ? endKw : stmt.end;
      const name = c.type === 'IfClause' ? 'if' : c.type === 'ElseifClause' ? 'elseif' : 'else';
      const detail = c.type === 'ElseClause' ? 'else' : `${name} ${this.src(c.condition)} then`;
      out.push({
        name,
        detail,
        kind: 'package',
        span: { start, end },
        selectionSpan: { start, end: start + name.length },
        children: this.block(c.body),
      });
    });
  }

  /** `name = value` (local or global): the symbol takes the value's kind. */
  private binding(name: string, nameSpan: Span, value: Expr | undefined): OutlineSymbol {
    if (!value)
      return { name, detail: '', kind: 'variable', span: nameSpan, selectionSpan: nameSpan, children: [] };
    const v = spanOf(value);
    const span = { start: nameSpan.start, end: v.end };
    const base = { name, span, selectionSpan: nameSpan };
    switch (value.type) {
      case 'FunctionDeclaration':
        return {
          ...base,
          kind: 'function',
          detail: this.fnDetail(value),
          children: this.functionChildren(value),
        };
      case 'TableConstructorExpression':
        return { ...base, ...this.tableInfo(value) };
      case 'NumericLiteral':
        return { ...base, kind: 'number', detail: this.src(value), children: [] };
      case 'StringLiteral':
        return {
          ...base,
          kind: 'string',
          detail: JSON.stringify(stringValue(this.src(value))),
          children: [],
        };
      case 'BooleanLiteral':
        return { ...base, kind: 'boolean', detail: this.src(value), children: [] };
      default:
        return { ...base, kind: 'variable', detail: '', children: this.valueChildren(value) };
    }
  }

  private assignTarget(v: Expr, value: Expr | undefined): OutlineSymbol | undefined {
    if (v.type === 'Identifier') return this.binding(v.name, spanOf(v), value);
    if (v.type === 'MemberExpression') {
      const target = this.src(v);
      const id = spanOf(v.identifier);
      const name = target.includes('\n')
        ? `... ${v.indexer}${v.identifier.name}`
        : target.replace(/\s+/g, '');
      return this.binding(name, target.includes('\n') ? id : spanOf(v), value);
    }
    return undefined;
  }

  private functionStatement(fn: lp.FunctionDeclaration): OutlineSymbol {
    const span = spanOf(fn);
    const id = fn.identifier;
    let start = span.start;
    if (fn.isLocal) {
      const at = this.text.indexOf('function', span.start);
      if (at >= 0 && at < span.end) start = at;
    }
    const name = id ? this.src(id).replace(/\s+/g, '') : '';
    const sel = id ? spanOf(id) : { start, end: Math.min(span.end, start + 8) };
    const isMethod = id?.type === 'MemberExpression' && id.indexer === ':';
    return {
      name,
      detail: this.fnDetail(fn),
      kind: isMethod ? 'method' : 'function',
      span: { start, end: span.end },
      selectionSpan: sel,
      children: this.functionChildren(fn),
    };
  }

  private fnDetail(fn: lp.FunctionDeclaration): string {
    return `function (${fn.parameters.map((p) => (p.type === 'Identifier' ? p.name : '...')).join(', ')})`;
  }

  private functionChildren(fn: lp.FunctionDeclaration): OutlineSymbol[] {
    const params: OutlineSymbol[] = [];
    for (const p of fn.parameters) {
      if (p.type !== 'Identifier' || p.name === 'self') continue;
      const span = spanOf(p);
      params.push({ name: p.name, detail: '', kind: 'constant', span, selectionSpan: span, children: [] });
    }
    return [...params, ...this.block(fn.body)];
  }

  /** A table's kind, detail (`{a, b}`, `[1, 2]`) and fields. */
  private tableInfo(t: lp.TableConstructorExpression): Pick<OutlineSymbol, 'kind' | 'detail' | 'children'> {
    if (!t.fields.length) return { kind: 'object', detail: '', children: [] };
    const isArray = t.fields.every((f) => f.type === 'TableValue');
    const names: string[] = [];
    const children: OutlineSymbol[] = [];
    let n = 0;
    for (const f of t.fields) {
      if (f.type === 'TableValue') {
        n++;
        names.push(isArray ? this.src(f.value) : `[${n}]`);
        children.push(...this.valueChildren(f.value));
      } else if (f.type === 'TableKeyString') {
        names.push(f.key.name);
        children.push(this.binding(f.key.name, spanOf(f.key), f.value));
      } else {
        const k = f.key.type === 'StringLiteral' ? stringValue(this.src(f.key)) : undefined;
        names.push(k !== undefined ? k : `[${this.src(f.key)}]`);
        if (k !== undefined) children.push(this.binding(k, spanOf(f.key), f.value));
        else children.push(...this.valueChildren(f.value));
      }
    }
    const shown = names.slice(0, MAX_DETAIL_KEYS).join(', ');
    const more = names.length > MAX_DETAIL_KEYS ? `, ...(+${names.length - MAX_DETAIL_KEYS})` : '';
    return {
      kind: isArray ? 'array' : 'object',
      detail: isArray ? `[${shown}${more}]` : `{${shown}${more}}`,
      children,
    };
  }

  /** Symbols inside a value that is not bound to a name: call arguments, anonymous functions. */
  private valueChildren(e: Expr): OutlineSymbol[] {
    switch (e.type) {
      case 'CallExpression':
      case 'StringCallExpression':
      case 'TableCallExpression':
        return this.callArgs(e);
      case 'FunctionDeclaration':
        return this.functionChildren(e);
      case 'TableConstructorExpression':
        return this.tableInfo(e).children;
      case 'BinaryExpression':
      case 'LogicalExpression':
        return [...this.valueChildren(e.left), ...this.valueChildren(e.right)];
      default:
        return [];
    }
  }

  /** `f({...})`, `f(function ... end)`: the table or function passed, named after the callee. */
  private callArgs(e: Expr): OutlineSymbol[] {
    if (e.type !== 'CallExpression' && e.type !== 'StringCallExpression' && e.type !== 'TableCallExpression')
      return [];
    const callee = this.src(e.base).replace(/\s+/g, '');
    const args: Expr[] =
      e.type === 'CallExpression' ? e.arguments : e.type === 'TableCallExpression' ? [e.arguments] : [];
    const out: OutlineSymbol[] = [...this.valueChildren(e.base)];
    for (const a of args) {
      const span = spanOf(a);
      if (a.type === 'TableConstructorExpression') {
        const t = this.tableInfo(a);
        out.push({
          name: callee,
          detail: `-> ${t.detail}`,
          kind: 'object',
          span,
          selectionSpan: span,
          children: t.children,
        });
      } else if (a.type === 'FunctionDeclaration') {
        out.push({
          name: callee,
          detail: `-> ${this.fnDetail(a)}`,
          kind: 'function',
          span,
          selectionSpan: { start: span.start, end: span.start + Math.min(8, span.end - span.start) },
          children: this.functionChildren(a),
        });
      } else out.push(...this.valueChildren(a));
    }
    return out;
  }
}

/** The value of a plain string literal (quotes or long brackets), escapes left as written. */
function stringValue(raw: string): string {
  const q = /^(['"])([\s\S]*)\1$/.exec(raw);
  if (q) return q[2];
  const l = /^\[(=*)\[\n?([\s\S]*)\]\1\]$/.exec(raw);
  return l ? l[2] : raw;
}
