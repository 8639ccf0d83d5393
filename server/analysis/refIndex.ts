import type * as lp from 'luaparse';
import { parseLua, spanOf } from './parse';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { BUILTIN_TYPES } from './builtinTypes';
import { docEntries } from './refDocs';
import { SyntaxWalker } from './syntaxWalker';
import type { Span } from './types';

/**
 * A name index for references, rename and highlight that follows Lua's tables: every name in a
 * file gets a key saying what it denotes, so equal keys are the same thing.
 *
 * - `L#id`: a local (its definition id in this file); `G:name`: a global (also `_G.name`,
 *   `_ENV.name`); `M:uri`: what a module returns (the returned local of the module file and every
 *   `local m = require(...)` of it); `B:fn:name`: a label in a function; `C:name`: an annotation
 *   class or alias name.
 * - a field appends `\u0000name` to its table's key: `t.a`, `t['a']`, `t["a"]`, `{ a = 1 }`,
 *   `{ ['a'] = 1 }`, `function t.a()`, `function t:a()` and `self.a` inside `function t:m()`
 *   share a key, for tables of any kind (local, global, undeclared, nested `a.b.c`).
 *
 * Pure: built from the file's text and its analysis (scopes), cached per analysis.
 */
export interface RefEntry {
  key: string;
  /** the name (for a string key: the literal with its quotes) */
  span: Span;
  write: boolean;
  kind: 'name' | 'field' | 'string' | 'label' | 'doc';
  /** for `field`: from the `.`/`:` to the end of the name (rename to a non-identifier) */
  sepSpan?: Span;
  /** for `string`: the characters inside the quotes */
  content?: Span;
  /** a key in a table constructor (`{ a = 1 }`) */
  tableKey?: boolean;
  /** a field of a value declared `---@type Class` (not of the class's own table) */
  instance?: boolean;
  /**
   * the name of `function a()` / `function t.a()` / `function t:a()`: from `function` to just
   * after `(`, and the text of `t` (rename to a non-identifier rewrites it as an assignment)
   */
  fnHeader?: { span: Span; base?: string; method: boolean; hasParams: boolean };
}

export interface RefIndex {
  /** sorted by span.start */
  entries: RefEntry[];
  /** keys that hold the same value (`local t = f`, `t.a = f`, `{ a = f }`), for references */
  links: [string, string][];
}

/** Resolves `require(module)` from this file to the key of what the module returns. */
export type ModuleResolver = (module: string) => string | undefined;

/** The key of what a module file returns: its class when the returned table has one. */
export function moduleKey(mod: FileAnalysis): string {
  const ret = mod.moduleReturn?.defId;
  return (ret !== undefined && classKey(mod.defs[ret]?.doc)) || `M:${mod.uri}`;
}

export const SEP = '\u0000';

/** The last name of a key (what the user sees). */
export function keyName(key: string): string {
  const i = key.lastIndexOf(SEP);
  if (i >= 0) return key.slice(i + 1);
  return key.replace(/^(G:|C:|V:|B:\d+:)/, '');
}

const cache = new WeakMap<FileAnalysis, RefIndex>();

export function refIndex(fa: FileAnalysis, resolve: ModuleResolver): RefIndex {
  let idx = cache.get(fa);
  if (!idx) {
    idx = new Indexer(fa, resolve).run();
    cache.set(fa, idx);
  }
  return idx;
}

/** The entry whose span holds `offset` (end inclusive, for a cursor after a name). */
export function entryAt(idx: RefIndex, offset: number): RefEntry | undefined {
  let best: RefEntry | undefined;
  for (const e of idx.entries) {
    if (e.span.start > offset) break;
    if (offset <= e.span.end && (!best || e.span.start >= best.span.start)) best = e;
  }
  return best;
}

type Expr = lp.Expression;
type Stmt = lp.Statement;

/** The characters of a string literal key, when it is a plain literal (no escapes). */
function stringContent(raw: string, start: number): { value: string; content: Span } | undefined {
  const q = /^(['"])([^\\\n]*)\1$/.exec(raw);
  if (q) return { value: q[2], content: { start: start + 1, end: start + 1 + q[2].length } };
  const l = /^\[(=*)\[([\s\S]*)\]\1\]$/.exec(raw);
  if (l) {
    const open = l[1].length + 2;
    return { value: l[2], content: { start: start + open, end: start + open + l[2].length } };
  }
  return undefined;
}

class Indexer extends SyntaxWalker {
  readonly entries: RefEntry[] = [];
  readonly links: [string, string][] = [];
  /** definition id -> key, for locals that stand for something else (self, modules) */
  private readonly alias = new Map<number, string>();
  /** `self` definitions by the start of their method */
  private readonly selfDefs = new Map<number, number>();
  /** parameter keys of functions by the line their statement starts on (for `---@param`) */
  private readonly paramsByLine = new Map<number, Map<string, string>>();
  private readonly typedLinked = new Set<number>();
  private fnStart = 0;
  private comments: lp.Comment[] = [];

  constructor(
    readonly fa: FileAnalysis,
    readonly resolve: ModuleResolver,
  ) {
    super();
  }

  run(): RefIndex {
    const fa = this.fa;
    for (const d of fa.defs) if (d.kind === 'self') this.selfDefs.set(d.fullSpan.start, d.id);
    const ret = fa.moduleReturn?.defId;
    if (ret !== undefined) this.alias.set(ret, moduleKey(fa));
    for (const r of fa.requires) {
      if (r.defId === undefined) continue;
      const key = this.resolve(r.module);
      if (key) this.alias.set(r.defId, key);
    }
    // an open document keeps its syntax tree (until the next version's re-parse consumes it)
    const st = fa.parseState;
    const parsed = st && !st.consumed ? { chunk: st.chunk, comments: st.comments } : parseLua(fa.text);
    this.comments = parsed.comments;
    this.block(parsed.chunk.body, 0);
    for (const e of docEntries(this.fa, this.comments, this.paramsByLine)) this.add(e);
    this.entries.sort((a, b) => a.span.start - b.span.start);
    return { entries: this.entries, links: this.links };
  }

  private add(e: RefEntry): void {
    this.entries.push(e);
  }

  // ---- keys --------------------------------------------------------------------------------

  /** The key of an identifier occurrence (scope analysis decides local or global). */
  private identKey(id: lp.Identifier, asBase = false): string {
    const span = spanOf(id);
    const occ = occurrenceAt(this.fa, span.start);
    if (occ && occ.span.start === span.start && occ.defId !== undefined && !occ.member) {
      const def = this.fa.defs[occ.defId];
      if (def && def.visible) {
        const a = this.alias.get(def.id);
        // a value typed `---@type A` is its own name; only its fields are the class's fields
        const ck = classKey(def.doc);
        if (a === undefined && !asBase && !def.doc?.className) {
          // references still follow it to the class's other values (as LuaLS lists them)
          if (ck && !this.typedLinked.has(def.id)) {
            this.typedLinked.add(def.id);
            this.links.push([`L#${def.id}`, ck]);
          }
          return `L#${def.id}`;
        }
        return a ?? classKey(def.doc) ?? `L#${def.id}`;
      }
    }
    if (id.name === '_G' || id.name === '_ENV') return 'G';
    return `G:${id.name}`;
  }

  /** The key of an expression that names a table, when it has one. */
  private keyOf(e: Expr): string | undefined {
    switch (e.type) {
      case 'Identifier':
        return this.identKey(e, true);
      case 'MemberExpression': {
        const b = this.keyOf(e.base);
        return b === undefined ? undefined : fieldKey(b, e.identifier.name);
      }
      case 'IndexExpression': {
        const b = this.keyOf(e.base);
        if (b === undefined || e.index.type !== 'StringLiteral') return undefined;
        const s = stringContent((e.index as { raw: string }).raw, spanOf(e.index).start);
        return s ? fieldKey(b, s.value) : undefined;
      }
      default:
        return undefined;
    }
  }

  // ---- statements --------------------------------------------------------------------------

  private block(body: Stmt[], fnStart: number): void {
    const saved = this.fnStart;
    this.fnStart = fnStart;
    for (const s of body) this.statement(s);
    this.fnStart = saved;
  }

  private statement(s: Stmt): void {
    switch (s.type) {
      case 'LocalStatement':
        this.localStatement(s);
        return;
      case 'AssignmentStatement':
        this.assignment(s);
        return;
      case 'CallStatement':
        this.expr(s.expression);
        return;
      case 'FunctionDeclaration':
        this.functionDecl(s, spanOf(s).start);
        return;
      case 'ReturnStatement':
        s.arguments.forEach((a) => {
          if (this.fnStart === 0 && s.arguments.length === 1 && a.type === 'TableConstructorExpression')
            this.table(a, moduleKey(this.fa));
          else this.expr(a);
        });
        return;
      case 'LabelStatement':
      case 'GotoStatement':
        this.add({
          key: `B:${this.fnStart}:${s.label.name}`,
          span: spanOf(s.label),
          write: s.type === 'LabelStatement',
          kind: 'label',
        });
        return;
      default:
        this.compound(s);
    }
  }

  /** Statements holding blocks: conditions and loop variables, then the bodies. */
  private compound(s: Stmt): void {
    switch (s.type) {
      case 'IfStatement':
        for (const c of s.clauses) {
          if (c.type !== 'ElseClause') this.expr(c.condition);
          this.block(c.body, this.fnStart);
        }
        return;
      case 'WhileStatement':
        this.expr(s.condition);
        this.block(s.body, this.fnStart);
        return;
      case 'RepeatStatement':
        this.block(s.body, this.fnStart);
        this.expr(s.condition);
        return;
      case 'DoStatement':
        this.block(s.body, this.fnStart);
        return;
      case 'ForNumericStatement':
        this.add({ key: this.identKey(s.variable), span: spanOf(s.variable), write: true, kind: 'name' });
        this.expr(s.start);
        this.expr(s.end);
        if (s.step) this.expr(s.step);
        this.block(s.body, this.fnStart);
        return;
      case 'ForGenericStatement':
        for (const v of s.variables)
          this.add({ key: this.identKey(v), span: spanOf(v), write: true, kind: 'name' });
        s.iterators.forEach((e) => this.expr(e));
        this.block(s.body, this.fnStart);
        return;
      default:
        return;
    }
  }

  private localStatement(s: lp.LocalStatement): void {
    const keys = s.variables.map((v) => this.identKey(v));
    this.values(s.init, keys);
    s.variables.forEach((v, i) => {
      this.add({ key: keys[i], span: spanOf(v), write: true, kind: 'name' });
      this.valueKeyed(s.init[i], keys[i], spanOf(s).start);
    });
  }

  private assignment(s: lp.AssignmentStatement): void {
    const keys = s.variables.map((v) => this.keyOf(v));
    this.values(s.init, keys);
    s.variables.forEach((v, i) => {
      this.target(v);
      const key = keys[i];
      if (key) this.valueKeyed(s.init[i], key, spanOf(s).start);
    });
  }

  /**
   * The values of an assignment: a table or function stored under a key is walked with that key
   * (by `valueKeyed`), the rest here; a value that names something links the two keys.
   */
  private values(init: Expr[], keys: (string | undefined)[]): void {
    init.forEach((e, i) => {
      const key = keys[i];
      if (key && (e.type === 'TableConstructorExpression' || e.type === 'FunctionDeclaration')) return;
      this.expr(e);
      const v = key && this.keyOf(e);
      if (key && v && v !== key) this.links.push([key, v]);
    });
  }

  /** An assignment target: a name, `t.a`, `t['a']`. */
  private target(v: Expr): void {
    if (v.type === 'Identifier') {
      this.add({ key: this.identKey(v), span: spanOf(v), write: true, kind: 'name' });
    } else if (v.type === 'MemberExpression') {
      this.member(v, true);
    } else if (v.type === 'IndexExpression') {
      this.index(v, true);
    } else this.expr(v);
  }

  /** A value stored under `key`: a table constructor's fields continue the key. */
  private valueKeyed(e: Expr | undefined, key: string, stmtStart: number): void {
    if (!e) return;
    if (e.type === 'TableConstructorExpression') this.table(e, key);
    else if (e.type === 'FunctionDeclaration') this.functionBody(e, stmtStart);
  }

  // ---- functions ---------------------------------------------------------------------------

  private functionDecl(fn: lp.FunctionDeclaration, stmtStart: number): void {
    const id = fn.identifier;
    const start = spanOf(fn).start;
    const paren = id ? this.fa.text.indexOf('(', spanOf(id).end) : -1;
    const header = (base?: string) =>
      paren >= 0
        ? {
            span: { start, end: paren + 1 },
            base,
            method: id?.type === 'MemberExpression' && id.indexer === ':',
            hasParams: fn.parameters.length > 0,
          }
        : undefined;
    if (id?.type === 'Identifier') {
      this.add({
        key: this.identKey(id),
        span: spanOf(id),
        write: true,
        kind: 'name',
        fnHeader: fn.isLocal ? undefined : header(),
      });
    } else if (id?.type === 'MemberExpression') {
      this.member(id, true);
      const last = this.entries[this.entries.length - 1];
      if (last?.span.start === spanOf(id.identifier).start) {
        const b = spanOf(id.base);
        last.fnHeader = header(this.fa.text.slice(b.start, b.end));
      }
      if (id.indexer === ':') {
        const selfId = this.selfDefs.get(spanOf(fn).start);
        const base = this.keyOf(id.base);
        if (selfId !== undefined && base) this.alias.set(selfId, base);
      }
    }
    this.functionBody(fn, stmtStart);
  }

  private functionBody(fn: lp.FunctionDeclaration, stmtStart: number): void {
    const params = new Map<string, string>();
    for (const p of fn.parameters) {
      if (p.type !== 'Identifier') continue;
      const key = this.identKey(p);
      params.set(p.name, key);
      this.add({ key, span: spanOf(p), write: true, kind: 'name' });
    }
    const line = this.fa.lines.lineOf(stmtStart);
    if (!this.paramsByLine.has(line)) this.paramsByLine.set(line, params);
    this.block(fn.body, spanOf(fn).start);
  }

  // ---- expressions -------------------------------------------------------------------------

  private member(e: lp.MemberExpression, write: boolean): void {
    this.expr(e.base);
    const base = this.keyOf(e.base);
    if (base === undefined) return;
    const span = spanOf(e.identifier);
    let sep = span.start - 1;
    while (sep > 0 && /\s/.test(this.fa.text[sep])) sep--;
    this.add({
      key: fieldKey(base, e.identifier.name),
      span,
      write,
      kind: 'field',
      sepSpan: { start: sep, end: span.end },
      instance: e.base.type === 'Identifier' && this.isInstance(e.base) ? true : undefined,
    });
  }

  /** A local declared `---@type Class` (a value of the class, not the class table itself). */
  private isInstance(id: lp.Identifier): boolean {
    const occ = occurrenceAt(this.fa, spanOf(id).start);
    const def = occ?.defId !== undefined && !occ.member ? this.fa.defs[occ.defId] : undefined;
    return !!def?.doc?.type && !def.doc.className && classKey(def.doc) !== undefined;
  }

  private index(e: lp.IndexExpression, write: boolean): void {
    this.expr(e.base);
    const base = this.keyOf(e.base);
    if (base !== undefined && e.index.type === 'StringLiteral') {
      const span = spanOf(e.index);
      const s = stringContent((e.index as { raw: string }).raw, span.start);
      if (s) {
        this.add({ key: fieldKey(base, s.value), span, write, kind: 'string', content: s.content });
        return;
      }
    }
    this.expr(e.index);
  }

  private table(t: lp.TableConstructorExpression, key: string | undefined): void {
    for (const f of t.fields) {
      if (f.type === 'TableKeyString') {
        const k = key === undefined ? undefined : fieldKey(key, f.key.name);
        if (k) this.add({ key: k, span: spanOf(f.key), write: true, kind: 'field', tableKey: true });
        if (k) this.valueKeyed(f.value, k, spanOf(f).start);
        if (!k || (f.value.type !== 'TableConstructorExpression' && f.value.type !== 'FunctionDeclaration')) {
          this.expr(f.value);
          const v = k && this.keyOf(f.value);
          if (k && v) this.links.push([k, v]);
        }
      } else if (f.type === 'TableKey' && f.key.type === 'StringLiteral' && key !== undefined) {
        const span = spanOf(f.key);
        const s = stringContent((f.key as { raw: string }).raw, span.start);
        if (s) {
          const k = fieldKey(key, s.value);
          this.add({ key: k, span, write: true, kind: 'string', content: s.content, tableKey: true });
          if (f.value.type === 'TableConstructorExpression' || f.value.type === 'FunctionDeclaration')
            this.valueKeyed(f.value, k, spanOf(f).start);
          else this.expr(f.value);
        } else this.expr(f.value);
      } else {
        if (f.type === 'TableKey') this.expr(f.key);
        this.expr(f.value);
      }
    }
  }

  // the expression walk is SyntaxWalker's; these hooks record names, fields, tables and functions
  protected override identifier(e: lp.Identifier): void {
    this.add({ key: this.identKey(e), span: spanOf(e), write: false, kind: 'name' });
  }

  protected override memberExpr(e: lp.MemberExpression): void {
    this.member(e, false);
  }

  protected override indexExpr(e: lp.IndexExpression): void {
    this.index(e, false);
  }

  protected override functionExpr(e: lp.FunctionDeclaration): void {
    this.functionBody(e, spanOf(e).start);
  }

  protected override tableExpr(e: lp.TableConstructorExpression): void {
    this.table(e, undefined);
  }
}

/**
 * A local declared as a class (`---@class A` on it) or typed with one (`---@type A`) stands for
 * the class's values: its fields are the class's fields in every file.
 */
function classKey(doc: { className?: string; type?: string } | undefined): string | undefined {
  const name = doc?.className ?? doc?.type?.trim();
  if (!name || !/^[A-Za-z_][\w.]*$/.test(name) || BUILTIN_TYPES.has(name)) return undefined;
  return `V:${name}`;
}

export function fieldKey(base: string, name: string): string {
  // `_G.x` and `_ENV.x` are the global x
  return base === 'G' ? `G:${name}` : `${base}${SEP}${name}`;
}
