import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { parseLua, spanOf } from '../parse';

/**
 * Where values come from in one file's syntax tree, for the type engine: which expression each
 * declaration and assignment gives a name, field or table key, the statements of each block and
 * the returns of each function. Built once per syntax tree (cached) and only when a request
 * needs types, so typing never slows down the edit path.
 */

export type Expr = lp.Expression;
export type Stmt = lp.Statement;
export type FnNode = lp.FunctionDeclaration;

/** A place that gives a value: `values[index]` of `stmt` (multiple results of a call spread). */
export interface Site {
  kind: 'local' | 'assign' | 'param' | 'for' | 'forNum' | 'function' | 'field' | 'key' | 'method';
  stmt?: Stmt;
  values: Expr[];
  index: number;
  /** the innermost function around the site (undefined: the chunk) */
  fn?: FnNode;
  /** for parameters and function declarations: the function */
  fnNode?: FnNode;
  forIn?: lp.ForGenericStatement;
  offset: number;
  /** the block (statement list) holding the site's statement */
  block?: Stmt[];
  /** `name.field = v` / `function a.b.field()`: the field, and the base when it is a name */
  field?: string;
  base?: lp.Identifier;
}

export interface FileIndex {
  chunk: lp.Chunk;
  /** by the start offset of the declared/assigned name (identifier, field name or table key) */
  sites: Map<number, Site>;
  /** every function node, by start offset */
  functions: FnNode[];
  /** the return statements of each function (not of nested ones); `undefined` key: the chunk */
  returns: Map<FnNode | undefined, lp.ReturnStatement[]>;
  /** field sites on a plain identifier base (`g.x = 1` for a global `g` nobody assigns) */
  nameFields: Map<string, Site[]>;
  /** field sites on any other base (`a.b.c = 1`, `function a.b.f()`), by field name, with the base */
  deepFields: Map<string, { site: Site; base: Expr }[]>;
  /** `a.b.c = v` on a name chain: the sites by the chain of their base (`a.b`), with its root name */
  pathFields: Map<string, { site: Site; root: lp.Identifier }[]>;
  /** every name chain that such a base starts with (`a`, `a.b`): tables made by their fields */
  pathPrefixes: Set<string>;
  /** `setmetatable(name, mt)` statements (the result unused: the table itself gets the metatable) */
  metaCalls: lp.CallExpression[];
  /** a table constructor written as a call argument (`f({...})`, `f {...}`): the call and position */
  argOf: Map<Expr, { call: lp.CallExpression | lp.TableCallExpression; index: number }>;
  /** a table constructor written as a field value of another (`{ d = {...} }`): that one and the key */
  keyOf: Map<Expr, { ctor: lp.TableConstructorExpression; key: string }>;
  /** the if statement whose clause body is this block */
  clauseOf: Map<Stmt[], lp.IfStatement>;
  text: string;
}

const cache = new WeakMap<FileAnalysis, FileIndex>();

function chunkOf(fa: FileAnalysis): lp.Chunk {
  const st = fa.parseState;
  if (st && !st.consumed) return st.chunk;
  return parseLua(fa.text).chunk;
}

export function fileIndex(fa: FileAnalysis): FileIndex {
  let idx = cache.get(fa);
  if (idx && idx.text === fa.text) return idx;
  const chunk = chunkOf(fa);
  idx = {
    chunk,
    sites: new Map(),
    functions: [],
    returns: new Map(),
    nameFields: new Map(),
    deepFields: new Map(),
    pathFields: new Map(),
    pathPrefixes: new Set(),
    metaCalls: [],
    argOf: new Map(),
    keyOf: new Map(),
    clauseOf: new Map(),
    text: fa.text,
  };
  new Indexer(idx).block(chunk.body, undefined);
  cache.set(fa, idx);
  return idx;
}

class Indexer {
  constructor(readonly idx: FileIndex) {}

  site(node: { type: string }, s: Omit<Site, 'offset'>, member?: lp.MemberExpression): void {
    const offset = spanOf(node).start;
    if (this.idx.sites.has(offset)) return;
    const site: Site = { ...s, offset };
    this.idx.sites.set(offset, site);
    if (member?.base.type === 'Identifier') {
      site.field = member.identifier.name;
      site.base = member.base;
      let list = this.idx.nameFields.get(member.base.name);
      if (!list) this.idx.nameFields.set(member.base.name, (list = []));
      list.push(site);
    } else if (member) {
      site.field = member.identifier.name;
      let list = this.idx.deepFields.get(member.identifier.name);
      if (!list) this.idx.deepFields.set(member.identifier.name, (list = []));
      list.push({ site, base: member.base });
      const path = chainPath(member.base);
      if (path) {
        let at = this.idx.pathFields.get(path.text);
        if (!at) this.idx.pathFields.set(path.text, (at = []));
        at.push({ site, root: path.root });
        const parts = path.text.split('.');
        for (let i = 1; i <= parts.length; i++) this.idx.pathPrefixes.add(parts.slice(0, i).join('.'));
      }
    }
  }

  block(body: Stmt[], fn: FnNode | undefined): void {
    for (const s of body) this.stmt(s, fn, body);
  }

  stmt(s: Stmt, fn: FnNode | undefined, block: Stmt[]): void {
    switch (s.type) {
      case 'LocalStatement':
      case 'AssignmentStatement':
        for (const e of s.init) this.expr(e, fn);
        s.variables.forEach((v, index) => {
          const kind = s.type === 'LocalStatement' ? 'local' : 'assign';
          if (v.type === 'Identifier') this.site(v, { kind, stmt: s, values: s.init, index, fn, block });
          else if (v.type === 'MemberExpression') {
            this.expr(v.base, fn);
            this.site(v.identifier, { kind: 'field', stmt: s, values: s.init, index, fn, block }, v);
          } else if (v.type === 'IndexExpression') {
            this.expr(v.base, fn);
            this.expr(v.index, fn);
          }
        });
        return;
      case 'FunctionDeclaration':
        this.func(s, fn, block);
        return;
      case 'CallStatement':
        this.expr(s.expression, fn);
        this.rawset(s, fn, block);
        return;
      case 'ReturnStatement': {
        let list = this.idx.returns.get(fn);
        if (!list) this.idx.returns.set(fn, (list = []));
        list.push(s);
        for (const a of s.arguments) this.expr(a, fn);
        return;
      }
      case 'IfStatement':
        for (const c of s.clauses) {
          if (c.type !== 'ElseClause') this.expr(c.condition, fn);
          this.idx.clauseOf.set(c.body, s);
          this.block(c.body, fn);
        }
        return;
      case 'WhileStatement':
      case 'RepeatStatement':
        this.expr(s.condition, fn);
        this.block(s.body, fn);
        return;
      case 'DoStatement':
        this.block(s.body, fn);
        return;
      case 'ForNumericStatement':
        this.expr(s.start, fn);
        this.expr(s.end, fn);
        if (s.step) this.expr(s.step, fn);
        this.site(s.variable, { kind: 'forNum', stmt: s, values: [s.start], index: 0, fn, block });
        this.block(s.body, fn);
        return;
      case 'ForGenericStatement':
        for (const e of s.iterators) this.expr(e, fn);
        s.variables.forEach((v, index) =>
          this.site(v, { kind: 'for', stmt: s, values: s.iterators, index, fn, forIn: s, block }),
        );
        this.block(s.body, fn);
        return;
      default:
        return;
    }
  }

  /** `rawset(_G, 'name', v)`: a field site of `_G` (how a global is set through the table); `setmetatable(t, mt)`. */
  rawset(s: lp.CallStatement, fn: FnNode | undefined, block: Stmt[]): void {
    const c = s.expression;
    if (c.type !== 'CallExpression' || c.base.type !== 'Identifier') return;
    if (c.base.name === 'setmetatable' && c.arguments[0]?.type === 'Identifier' && c.arguments[1])
      this.idx.metaCalls.push(c);
    if (c.base.name !== 'rawset') return;
    const [env, key, value] = c.arguments;
    if (env?.type !== 'Identifier' || key?.type !== 'StringLiteral' || !value) return;
    const name = /^["'](\w+)["']$/.exec(key.raw)?.[1];
    if (!name) return;
    const offset = spanOf(key).start;
    const site: Site = {
      kind: 'field',
      stmt: s,
      values: [value],
      index: 0,
      fn,
      block,
      offset,
      field: name,
      base: env,
    };
    this.idx.sites.set(offset, site);
    let list = this.idx.nameFields.get(env.name);
    if (!list) this.idx.nameFields.set(env.name, (list = []));
    list.push(site);
  }

  func(f: FnNode, fn: FnNode | undefined, block: Stmt[] | undefined): void {
    this.idx.functions.push(f);
    const id = f.identifier;
    if (id?.type === 'Identifier')
      this.site(id, { kind: 'function', values: [f], index: 0, fn, fnNode: f, block });
    else if (id?.type === 'MemberExpression') {
      this.expr(id.base, fn);
      const kind = id.indexer === ':' ? 'method' : 'function';
      this.site(id.identifier, { kind, values: [f], index: 0, fn, fnNode: f, block }, id);
    }
    f.parameters.forEach((p, index) => {
      if (p.type === 'Identifier') this.site(p, { kind: 'param', values: [], index, fn: f, fnNode: f });
    });
    this.block(f.body, f);
  }

  expr(e: Expr | null | undefined, fn: FnNode | undefined): void {
    if (!e) return;
    switch (e.type) {
      case 'FunctionDeclaration':
        this.func(e, fn, undefined);
        return;
      case 'TableConstructorExpression':
        for (const f of e.fields) {
          if (f.type === 'TableKeyString') this.site(f.key, { kind: 'key', values: [f.value], index: 0, fn });
          if (f.type === 'TableKeyString' && f.value.type === 'TableConstructorExpression')
            this.idx.keyOf.set(f.value, { ctor: e, key: f.key.name });
          if (f.type === 'TableKey') this.expr(f.key, fn);
          this.expr(f.value, fn);
        }
        return;
      case 'MemberExpression':
        this.expr(e.base, fn);
        return;
      case 'IndexExpression':
        this.expr(e.base, fn);
        this.expr(e.index, fn);
        return;
      case 'CallExpression':
        this.expr(e.base, fn);
        e.arguments.forEach((a, index) => {
          if (a.type === 'TableConstructorExpression') this.idx.argOf.set(a, { call: e, index });
          this.expr(a, fn);
        });
        return;
      case 'StringCallExpression':
        this.expr(e.base, fn);
        return;
      case 'TableCallExpression':
        this.expr(e.base, fn);
        this.idx.argOf.set(e.arguments, { call: e, index: 0 });
        this.expr(e.arguments, fn);
        return;
      case 'BinaryExpression':
      case 'LogicalExpression':
        this.expr(e.left, fn);
        this.expr(e.right, fn);
        return;
      case 'UnaryExpression':
        this.expr(e.argument, fn);
        return;
      default:
        return;
    }
  }
}

/** `a.b.c` as text with its root name (undefined for anything but names joined by `.`). */
export function chainPath(e: Expr): { text: string; root: lp.Identifier } | undefined {
  if (e.type === 'Identifier') return { text: e.name, root: e };
  if (e.type !== 'MemberExpression' || e.indexer !== '.') return undefined;
  const base = chainPath(e.base);
  return base && { text: `${base.text}.${e.identifier.name}`, root: base.root };
}

/** The innermost function node whose span holds `offset` (undefined: the chunk). */
export function functionAt(idx: FileIndex, offset: number): FnNode | undefined {
  let best: FnNode | undefined;
  for (const f of idx.functions) {
    const s = spanOf(f);
    if (s.start <= offset && offset < s.end && (!best || spanOf(best).start <= s.start)) best = f;
  }
  return best;
}

/** Enclosing functions of `offset`, innermost first. */
export function functionsAround(idx: FileIndex, offset: number): FnNode[] {
  const out = idx.functions.filter((f) => {
    const s = spanOf(f);
    return s.start <= offset && offset < s.end;
  });
  return out.sort((a, b) => spanOf(b).start - spanOf(a).start);
}

/** The innermost expression node at `offset` (for literal hovers and `---@as`). */
export function exprAt(idx: FileIndex, offset: number): Expr | undefined {
  let best: Expr | undefined;
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const node = n as { type?: string; range?: [number, number] };
    if (node.range && (offset < node.range[0] || offset > node.range[1])) return;
    if (node.type && node.range && /Expression|Literal|Identifier/.test(node.type)) best = node as Expr;
    // the `function` keyword of a function expression stands for the function
    const fn = node as FnNode;
    if (fn.type === 'FunctionDeclaration' && !fn.identifier && node.range && offset < node.range[0] + 8)
      best = fn;
    for (const k in node) {
      if (k === 'range' || k === 'loc') continue;
      const v = (node as Record<string, unknown>)[k];
      if (v && typeof v === 'object') visit(v);
    }
  };
  visit(idx.chunk.body);
  return best;
}

/**
 * The first syntax node (in source order) around `offset` for which `match` gives a value: only
 * nodes whose range holds `offset` are entered, so a lookup costs the depth of the tree there.
 */
export function findAround<T>(
  root: unknown,
  offset: number,
  match: (node: { type?: string; range?: [number, number] }) => T | undefined,
): T | undefined {
  let found: T | undefined;
  const visit = (n: unknown): void => {
    if (found !== undefined || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const node = n as { type?: string; range?: [number, number] };
    if (node.range && (offset < node.range[0] || offset > node.range[1])) return;
    found = match(node);
    if (found !== undefined) return;
    for (const k in node) {
      if (k === 'range' || k === 'loc') continue;
      const v = (node as Record<string, unknown>)[k];
      if (v && typeof v === 'object') visit(v);
    }
  };
  visit(root);
  return found;
}

/** The member expression or table key whose name starts at `start`. */
export function nameNodeAt(
  idx: FileIndex,
  start: number,
): lp.MemberExpression | lp.TableKeyString | undefined {
  return findAround(idx.chunk.body, start, (node) => {
    if (node.type === 'MemberExpression' && spanOf((node as lp.MemberExpression).identifier).start === start)
      return node as lp.MemberExpression;
    if (node.type === 'TableKeyString' && spanOf((node as lp.TableKeyString).key).start === start)
      return node as lp.TableKeyString;
    return undefined;
  });
}
