import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import type { Project } from '../project';
import { occurrenceAt } from '../resolve';
import { stdlib } from '../stdlib';
import { expand } from '../summary';
import type { Definition, DocBlock } from '../types';
import { fileIndex, functionAt, type Expr, type FnNode, type Site } from './astIndex';
import { builtinCall, chooseAtCall } from './calls';
import { docSig, memberTy, typeText, type AliasLookup } from './convert';
import { declaredType } from './declared';
import { contextParam, contextSig } from './expected';
import { asCast, exprTypeOf } from './exprs';
import { reachingSite, traceAt, writeAt } from './flow';
import { iterTypes } from './iterators';
import { ENV_NAMES, envGlobalType, memberOf, pathTable } from './members';
import { unaryOperator } from './operators';
import {
  bindGeneric,
  classBindings,
  hasGeneric,
  sigHasGeneric,
  substitute,
  withSelf,
  withTableParents,
} from './generics';
import { ANY, members, NIL, nonNil, UNKNOWN, union, type FnSig, type Ty } from './ty';

/**
 * The type engine: the type of any expression, definition or member, computed on demand from the
 * syntax tree (astIndex.ts), the scope analysis (resolve.ts) and the annotations, with results
 * memoised per request. One engine serves one request: the project may change between requests.
 */
export class TypeEngine {
  private readonly defMemo = new Map<string, Ty>();
  private readonly active = new Set<unknown>();
  private readonly fullFiles = new Map<string, FileAnalysis>();
  readonly alias: AliasLookup;
  depth = 0;

  constructor(readonly project: Project) {
    // every file's `---@alias` names, gathered on the first lookup of this request (the first
    // declaration wins: host files, then the workspace)
    let all: Map<string, string> | undefined;
    this.alias = (name) => {
      if (!all) {
        all = new Map();
        for (const fa of [...this.project.hostFiles, ...this.project.files.values()])
          for (const [n, t] of fa.aliases) if (!all.has(n)) all.set(n, t);
      }
      return all.get(name);
    };
  }

  /** The full analysis (occurrences, all definitions) of a file that may be stored as a summary. */
  full(fa: FileAnalysis): FileAnalysis {
    if (!fa.summary) return fa;
    let f = this.fullFiles.get(fa.uri);
    if (!f) this.fullFiles.set(fa.uri, (f = expand(fa)));
    return f;
  }

  /** Guard against cycles (`a = b; b = a`, recursive functions): undefined when re-entered. */
  guard<T>(key: unknown, f: () => T): T | undefined {
    if (this.active.has(key) || this.depth > 40) return undefined;
    this.active.add(key);
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
      this.active.delete(key);
    }
  }

  docAbove(fa: FileAnalysis, offset: number): DocBlock | undefined {
    return fa.docs?.get(fa.lines.lineOf(offset) - 1);
  }

  // ---- definitions ---------------------------------------------------------------------------

  /** The definition an identifier at `offset` resolves to. */
  defAt(fa: FileAnalysis, offset: number): Definition | undefined {
    const occ = occurrenceAt(fa, offset);
    return occ?.defId !== undefined && !occ.member ? fa.defs[occ.defId] : undefined;
  }

  /** Declared type of a definition (`---@type`, `---@class`, `---@param`), if any. */
  declared(fa: FileAnalysis, def: Definition): Ty | undefined {
    return declaredType(this, fa, def);
  }

  /** The type of a definition as seen at `at` (the declaration when undefined). */
  defType(fa: FileAnalysis, def: Definition, at?: number): Ty {
    const key = `${fa.uri}#${def.id}@${at ?? -1}`;
    const memo = this.defMemo.get(key);
    if (memo) return memo;
    const t = this.guard(key, () => this.computeDefType(fa, def, at)) ?? UNKNOWN;
    this.defMemo.set(key, t);
    return t;
  }

  private computeDefType(fa: FileAnalysis, def: Definition, at?: number): Ty {
    const declared = this.declared(fa, def);
    if (def.kind === 'self') return this.selfType(fa, def);
    const idx = fileIndex(fa);
    const read = at !== undefined && at !== def.span.start;
    if (declared && (def.kind === 'parameter' || !read))
      return read ? this.traceRead(fa, def, declared, at) : declared;
    if (def.kind === 'parameter') {
      const site = idx.sites.get(def.span.start);
      const inferred = site ? contextParam(this, fa, site) : undefined;
      const t = inferred ?? (def.name === 'self' ? UNKNOWN : ANY);
      // a read flows too: `if type(x) == 'string' then` narrows an untyped parameter
      return read && !writeAt(fa, def, at) ? this.traceRead(fa, def, t, at) : t;
    }
    if (read && !writeAt(fa, def, at)) {
      const decl = idx.sites.get(def.span.start);
      const initial = declared ?? (decl ? this.valueOfSite(fa, def, decl) : UNKNOWN);
      const t = this.traceRead(fa, def, initial, at);
      return t.k === 'unknown' && def.fields.size && !declared
        ? { k: 'table', ref: { def, fa, bare: true } }
        : t;
    }
    const site = reachingSite(this, fa, def, at);
    let t = site ? this.valueOfSite(fa, def, site) : UNKNOWN;
    if (t.k === 'unknown' && def.fields.size && !declared) t = { k: 'table', ref: { def, fa, bare: true } };
    if (declared && site && site.offset === def.span.start && site.kind !== 'assign') t = declared;
    else if (declared && !site) t = declared;
    return site ? withTableDef(t, def, fa) : t;
  }

  /** A read of a local: its type flowing from the declaration to `at` (flow.ts). */
  private traceRead(fa: FileAnalysis, def: Definition, initial: Ty, at: number): Ty {
    return traceAt(this, fa, def, initial, at, (s) => this.valueOfSite(fa, def, s));
  }

  private valueOfSite(fa: FileAnalysis, def: Definition, site: Site): Ty {
    const t = this.assignedType(fa, site);
    // a table constructor assigned to a local with a declared type takes that type (as LuaLS)
    const v = site.kind === 'assign' ? site.values[site.index] : undefined;
    if (v?.type === 'TableConstructorExpression' && t.k === 'table' && t.ref?.ctor === v)
      return this.declared(fa, def) ?? withTableDef(t, def, fa);
    return withTableDef(t, def, fa);
  }

  /** `self` in `function m:f()`: the type of `m`. */
  private selfType(fa: FileAnalysis, def: Definition): Ty {
    // `---@param self list<T>` on the method
    const fn = functionAt(fileIndex(fa), def.span.start);
    const doc = fn ? this.docAbove(fa, spanOf(fn).start) : undefined;
    const own = doc?.params.find((p) => p.name === 'self')?.type;
    if (own) return typeText(own, doc?.generics, this.alias);
    const base = occurrenceAt(fa, def.span.start - 2);
    if (base?.defId !== undefined) return this.defType(fa, fa.defs[base.defId]);
    if (base?.global) return this.globalType(base.global, fa);
    return UNKNOWN;
  }

  /** An assignment's type: its `---@type` (or `---@class`) annotation when it has one, else its value's. */
  assignedType(fa: FileAnalysis, site: Site): Ty {
    if ((site.kind === 'assign' || site.kind === 'field') && site.stmt) {
      const doc = this.docAbove(fa, spanOf(site.stmt).start);
      if (doc?.type) return typeText(doc.type, doc.generics, this.alias);
      if (doc?.className && site.values[site.index]?.type !== 'FunctionDeclaration')
        return { k: 'named', name: doc.className };
    }
    return this.siteType(fa, site);
  }

  /** A value-giving site's type. */
  siteType(fa: FileAnalysis, site: Site): Ty {
    switch (site.kind) {
      case 'function':
      case 'method':
        return this.functionType(fa, site.fnNode as FnNode);
      case 'key':
        return this.exprType(fa, site.values[0]);
      case 'forNum': {
        const s = site.values[0];
        return s?.type === 'NumericLiteral' && /[.eE]/.test(s.raw) && !/^0[xX]/.test(s.raw)
          ? { k: 'number' }
          : { k: 'integer' };
      }
      case 'for':
        return this.forVarType(fa, site);
      case 'param':
        return ANY;
      default:
        return this.valueAt(fa, site.values, site.index, site.kind === 'local' ? NIL : UNKNOWN);
    }
  }

  /** The `index`th value of an expression list (a last call or `...` spreads). */
  valueAt(fa: FileAnalysis, values: Expr[], index: number, missing: Ty): Ty {
    if (values.length === 0) return UNKNOWN;
    if (index < values.length - 1) return this.exprType(fa, values[index]);
    const last = values[values.length - 1];
    const k = index - (values.length - 1);
    if (isMulti(last)) return this.multiType(fa, last)[k] ?? (k === 0 ? UNKNOWN : missing);
    return k === 0 ? this.exprType(fa, last) : missing;
  }

  /** All values of a call or `...`. */
  multiType(fa: FileAnalysis, e: Expr): Ty[] {
    if (e.type === 'VarargLiteral') {
      const v = this.varargType(fa, spanOf(e).start);
      return [v, v, v, v, v, v, v, v];
    }
    if (
      e.type === 'CallExpression' ||
      e.type === 'StringCallExpression' ||
      e.type === 'TableCallExpression'
    ) {
      const cast = asCast(this, fa, e);
      return cast ? [cast] : this.callTypes(fa, e);
    }
    return [this.exprType(fa, e)];
  }

  /** The type of `...` inside the function around `offset` (`---@vararg T`, `---@param ... T`). */
  varargType(fa: FileAnalysis, offset: number): Ty {
    const fn = functionAt(fileIndex(fa), offset);
    if (!fn) return UNKNOWN;
    const doc = this.docAbove(fa, spanOf(fn).start);
    const t = doc?.params.find((p) => p.name === '...')?.type ?? doc?.vararg;
    return t ? typeText(t, doc?.generics, this.alias) : UNKNOWN;
  }

  // ---- functions -----------------------------------------------------------------------------

  /** The signature of a function in code: its doc comment, else parameters named `any`. */
  sigOf(fa: FileAnalysis, fn: FnNode): FnSig {
    const doc = this.docAbove(fa, spanOf(fn).start);
    const names = fn.parameters.map((p) => (p.type === 'Identifier' ? p.name : '...'));
    const sig = docSig(names, doc, this.alias);
    sig.node = fn;
    sig.fa = fa;
    if (doc?.description) sig.doc = doc.description;
    for (const p of doc?.params ?? []) if (p.doc) (sig.paramDocs ??= {})[p.name] = p.doc;
    if (fn.identifier?.type === 'MemberExpression' && fn.identifier.indexer === ':') {
      sig.method = true;
      const self = doc?.params.find((p) => p.name === 'self');
      if (self?.type) sig.selfTy = typeText(self.type, doc?.generics, this.alias);
    }
    return sig;
  }

  functionType(fa: FileAnalysis, fn: FnNode): Ty {
    const sig = this.sigOf(fa, fn);
    // a function expression written where a `fun(...)` is expected has that function type
    const typed = fn.identifier
      ? undefined
      : this.guard(`ctx:${spanOf(fn).start}`, () => contextSig(this, fa, sig));
    return { k: 'function', fn: typed ?? sig };
  }

  /** Returns of a function: annotated, else inferred from its `return` statements. */
  returnsOf(sig: FnSig): Ty[] {
    if (sig.returns.length || !sig.node || !sig.fa) {
      const out = sig.returns.map((r) => r.ty);
      if (sig.returnsVararg) out.push(sig.returnsVararg);
      return out;
    }
    const node = sig.node;
    const fa = sig.fa;
    return (
      this.guard(node, () => {
        const rets = fileIndex(fa).returns.get(node) ?? [];
        const cols: Ty[][] = [];
        // `return f()` with an unknown `f`: every value from the call on is unknown
        const unknownFrom = new Map<lp.ReturnStatement, number>();
        for (const r of rets) {
          const n = r.arguments.length;
          const last = r.arguments[n - 1];
          const tail = last && isMulti(last) ? this.multiType(fa, last).slice(0, 3) : [];
          if (last && isMulti(last) && !tail.length) unknownFrom.set(r, n - 1);
          const vals: Ty[] =
            last && isMulti(last)
              ? [
                  ...r.arguments.slice(0, -1).map((a) => this.exprType(fa, a)),
                  ...(tail.length ? tail : [UNKNOWN]),
                ]
              : r.arguments.map((a) => this.exprType(fa, a));
          // `---@type A` above `return {}`
          const doc = vals.length ? this.docAbove(fa, spanOf(r).start) : undefined;
          if (doc?.type) vals[0] = typeText(doc.type, doc.generics, this.alias);
          vals.forEach((v, i) => (cols[i] ??= []).push(v));
        }
        for (const from of unknownFrom.values())
          for (let i = from + 1; i < cols.length; i++) cols[i].push(UNKNOWN);
        // a `return` giving fewer values than another one gives nil for the missing ones
        for (const r of rets)
          if (!r.arguments.some(isMulti))
            for (let i = r.arguments.length; i < cols.length; i++) cols[i].push(NIL);
        return cols.map((c) => union(c));
      }) ?? [UNKNOWN] // a function whose returns come back to itself (`a` returns `b()`, `b` returns `a()`)
    );
  }

  // ---- expressions ---------------------------------------------------------------------------

  exprType(fa: FileAnalysis, e: Expr | null | undefined): Ty {
    if (!e) return UNKNOWN;
    return this.guard(e, () => exprTypeOf(this, fa, e)) ?? UNKNOWN;
  }

  /** Types of all values a call returns. */
  callTypes(fa: FileAnalysis, call: CallNode): Ty[] {
    const b = builtinCall(this, fa, call);
    if (b) return b;
    const callee = this.exprType(fa, call.base);
    const out: Ty[][] = [];
    for (const t of callee.k === 'union' ? callee.items : [callee]) {
      const op = t.k === 'named' || t.k === 'table' ? unaryOperator(this, 'call', t) : undefined;
      if (op) {
        (out[0] ??= []).push(op);
        continue;
      }
      const sig = t.k === 'function' ? t.fn : t.k === 'named' ? this.classCall(fa, call, t.name) : undefined;
      const owner = t.k === 'named' ? t : undefined;
      for (const s of sig ? chooseAtCall(this, fa, call, sig) : [])
        this.returnsWithGenerics(fa, call, s, owner).forEach((r, i) => (out[i] ??= []).push(r));
    }
    return out.map((c) => union(c));
  }

  /** Calling a class value: its `---@overload fun(...)` on the `---@class` (a constructor). */
  private classCall(fa: FileAnalysis, call: CallNode, cls: string): FnSig | undefined {
    const base = call.base.type === 'Identifier' ? this.defAt(fa, spanOf(call.base).start) : undefined;
    const doc =
      base?.doc ?? (call.base.type === 'Identifier' ? fa.globals.get(call.base.name)?.doc : undefined);
    if (doc?.className !== cls || !doc.overloads?.length) return undefined;
    // every `---@overload` is a constructor signature; the call chooses among them
    const sigs = doc.overloads.flatMap((o) => {
      const t = typeText(o, doc.generics, this.alias);
      return t.k === 'function' && t.fn ? [t.fn] : [];
    });
    return sigs.length ? { ...sigs[0], overloads: sigs.slice(1) } : undefined;
  }

  private returnsWithGenerics(fa: FileAnalysis, call: CallNode, sig: FnSig, owner?: Ty): Ty[] {
    const recv = call.base.type === 'MemberExpression' ? members(this.exprType(fa, call.base.base)) : [];
    const self = owner ?? nonNil(union(recv));
    return this.boundReturns(fa, call, sig, recv).map((r) => withSelf(r, self));
  }

  private boundReturns(fa: FileAnalysis, call: CallNode, sig: FnSig, recv: Ty[]): Ty[] {
    let rets = this.returnsOf(sig);
    // a body without `return` gives nil; `---@return T ...` gives as many T as asked for
    if (!rets.length && sig.node && !sig.returns.length && !sig.returnsVararg && !sig.fa?.syntaxErrors.length)
      return [NIL];
    if (sig.returnsVararg) rets = [...rets, ...Array<Ty>(8).fill(sig.returnsVararg)];
    const classArgs = recv.find((t) => t.k === 'named' && t.args?.length);
    if (!sigHasGeneric(sig) && !classArgs) return rets;
    const bind =
      classArgs?.k === 'named' ? classBindings(this, classArgs.name, classArgs.args) : new Map<string, Ty>();
    const args = callArgs(call).map((a) => this.exprType(fa, a));
    if (call.base.type === 'MemberExpression' && call.base.indexer === ':')
      args.unshift(this.exprType(fa, call.base.base));
    const self: Ty = sig.selfTy ?? { k: 'generic', name: '' };
    const params = sig.method ? [{ name: 'self', ty: self }, ...sig.params] : sig.params;
    params.forEach((p, i) => bindGeneric(this, p.ty, args[i], bind, p.optional));
    if (sig.vararg && hasGeneric(sig.vararg))
      for (const a of args.slice(params.length)) bindGeneric(this, sig.vararg, a, bind);
    // `---@return list<T>` (not a bare `T`): a class with table parents resolves to both
    return rets.map((r) =>
      r.k === 'named' && hasGeneric(r) ? withTableParents(this, substitute(r, bind)) : substitute(r, bind),
    );
  }

  // ---- globals and members -------------------------------------------------------------------

  /** A global by name: this file, the workspace, the host API, the standard library. */
  globalType(name: string, fa?: FileAnalysis): Ty {
    const own = fa?.globals.get(name);
    if (own && fa) return this.defType(fa, own);
    const ws = this.project.globals().get(name);
    if (ws?.length) {
      const pick = ws.find((g) => !this.project.isHostUri(g.fa.uri)) ?? ws[0];
      const full = this.full(pick.fa);
      const def = full.globals.get(name);
      if (def) return this.defType(full, def);
    }
    const env = envGlobalType(this, name, fa);
    if (env) return env;
    const std = stdlib().globals.get(name);
    if (std)
      return fa && ENV_NAMES.has(name)
        ? { k: 'table', ref: { fa, global: name } }
        : memberTy(std, this.alias);
    if (fa && fileIndex(fa).nameFields.has(name)) return { k: 'table', ref: { fa, global: name } };
    if (fa) return pathTable(fa, name) ?? UNKNOWN;
    return UNKNOWN;
  }

  member(t: Ty, name: string): ReturnType<typeof memberOf> {
    return memberOf(this, t, name);
  }

  /** For `for k, v in pairs(t)`: the loop variable's type. */
  private forVarType(fa: FileAnalysis, site: Site): Ty {
    return iterTypes(this, fa, site.values)[site.index] ?? UNKNOWN;
  }
}

/** A table value bound to a local knows that local (for its fields). */
function withTableDef(t: Ty, def: Definition, fa: FileAnalysis): Ty {
  if (t.k === 'table' && t.ref && !t.ref.def)
    return { k: 'table', ref: { ...t.ref, def, fa: t.ref.fa ?? fa } };
  if (t.k === 'table' && !t.ref) return { k: 'table', ref: { def, fa } };
  return t;
}

export type CallNode = lp.CallExpression | lp.StringCallExpression | lp.TableCallExpression;

export function callArgs(e: CallNode): Expr[] {
  if (e.type === 'CallExpression') return e.arguments;
  if (e.type === 'StringCallExpression') return [e.argument];
  return [e.arguments];
}

export function isMulti(e: Expr): boolean {
  return (
    e.type === 'VarargLiteral' ||
    ((e.type === 'CallExpression' || e.type === 'StringCallExpression' || e.type === 'TableCallExpression') &&
      !(e as { inParens?: boolean }).inParens)
  );
}
