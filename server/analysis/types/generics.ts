import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { fileIndex } from './astIndex';
import type { TypeEngine } from './engine';
import { typeText } from './convert';
import { keyValue } from './iterators';
import { nonNil, union, UNKNOWN, type FnSig, type Ty } from './ty';

/**
 * Generics: binding `---@generic` parameters (and a class's type parameters) from argument types,
 * and substituting the bindings into result types. A function type keeps the generics nobody bound
 * (`fun(a: <V>):integer, <V>`), so calling it later binds them from that call's arguments.
 */

/**
 * Does `t`, or a type inside it (elements, keys and values, union members, record fields, type
 * arguments, a function's parameters and returns), satisfy `leaf`? Bounded for recursive types.
 */
function typeSome(t: Ty | undefined, leaf: (t: Ty) => boolean, depth: number): boolean {
  if (!t || depth > 8) return false;
  if (leaf(t)) return true;
  const inner = (x: Ty | undefined): boolean => typeSome(x, leaf, depth + 1);
  switch (t.k) {
    case 'array':
      return inner(t.elem);
    case 'map':
      return inner(t.key) || inner(t.value);
    case 'union':
      return t.items.some(inner);
    case 'record':
      return t.fields.some((f) => inner(f.ty));
    case 'named':
      return !!t.args?.some(inner);
    case 'function':
      return !!t.fn && [...t.fn.params, ...t.fn.returns].some((p) => inner(p.ty));
    default:
      return false;
  }
}

/** Does the type mention a generic parameter (or a function with generics of its own)? */
export function hasGeneric(t: Ty | undefined, depth = 0): boolean {
  return typeSome(
    t,
    (x) => x.k === 'generic' || (x.k === 'function' && !!x.fn && (!!x.fn.generics?.length || !!x.fn.selfTy)),
    depth,
  );
}

export function sigHasGeneric(fn: FnSig, depth = 0): boolean {
  return (
    !!fn.generics?.length ||
    !!fn.selfTy ||
    fn.params.some((p) => hasGeneric(p.ty, depth)) ||
    fn.returns.some((r) => hasGeneric(r.ty, depth))
  );
}

/** Bind the generics of parameter type `p` from argument type `a`. */
export function bindGeneric(
  en: TypeEngine,
  p: Ty,
  a: Ty | undefined,
  bind: Map<string, Ty>,
  optional = false,
): void {
  if (!a || a.k === 'unknown' || a.k === 'nil') return;
  switch (p.k) {
    case 'generic':
      if (!bind.has(p.name)) bind.set(p.name, optional ? nonNil(a) : a);
      return;
    case 'union': {
      const g = p.items.find((x) => x.k === 'generic');
      if (g && p.items.every((x) => x.k === 'generic' || x.k === 'nil'))
        bindGeneric(en, g, a, bind, optional || p.items.some((x) => x.k === 'nil') || !!p.opt);
      return;
    }
    case 'array': {
      const elem = elemOf(en, a);
      if (elem) bindGeneric(en, p.elem, elem, bind);
      return;
    }
    case 'map': {
      const kv = a.k === 'map' ? [a.key, a.value] : keyValue(en, a, false);
      if (kv.length) {
        bindGeneric(en, p.key, kv[0], bind);
        bindGeneric(en, p.value, kv[1], bind);
      }
      return;
    }
    case 'function':
      if (a.k === 'function' && a.fn && p.fn) bindFunction(en, p.fn, a.fn, bind);
      return;
    case 'literal': {
      // ``---@param class `T` ``: the string argument names the type
      const m = /^`([A-Za-z_][\w.]*)`$/.exec(p.text);
      if (m && a.k === 'string' && a.lit !== undefined && !bind.has(m[1]))
        bind.set(m[1], typeText(a.lit, undefined, en.alias));
      return;
    }
    case 'named':
      if (a.k === 'named' && a.name === p.name && p.args && a.args)
        p.args.forEach((x, i) => bindGeneric(en, x, a.args?.[i], bind));
      return;
    case 'record':
      // `{ [1]?: T1, x: T2 }`: each field from the argument's field of that key
      for (const f of p.fields) bindGeneric(en, f.ty, en.member(a, f.key)?.ty, bind, f.optional);
      return;
    default:
      return;
  }
}

/** A callback argument binds `fun(x: T)` from its parameters and `fun(): T` from its returns. */
function bindFunction(en: TypeEngine, p: FnSig, a: FnSig, bind: Map<string, Ty>): void {
  p.params.forEach((x, i) => {
    const at = a.params[i]?.ty;
    if (at && at.k !== 'any') bindGeneric(en, x.ty, at, bind);
  });
  const rets = en.returnsOf(a);
  p.returns.forEach((r, i) => bindGeneric(en, r.ty, rets[i], bind));
}

function elemOf(en: TypeEngine, a: Ty): Ty | undefined {
  if (a.k === 'array') return a.elem;
  if (a.k === 'map') return a.value;
  if (a.k === 'table' && a.ref?.elem) return a.ref.elem;
  if (a.k === 'named' || a.k === 'table') {
    const m = en.member(a, '[integer]');
    if (m) return m.ty;
    if (a.k === 'table') return keyValue(en, a, true)[1];
  }
  return undefined;
}

/**
 * Replace bound generics. An unbound generic becomes `unknown` at the top level and stays a
 * generic inside function types. Class type parameters (plain names) are replaced too.
 */
export function substitute(t: Ty, bind: Map<string, Ty>, inFn = false, depth = 0): Ty {
  if (depth > 10) return t;
  const s = (x: Ty) => substitute(x, bind, inFn, depth + 1);
  switch (t.k) {
    case 'generic':
      return bind.get(t.name) ?? (inFn ? t : UNKNOWN);
    case 'named':
      if (!t.args?.length) return bind.get(t.name) ?? t;
      return { ...t, args: t.args.map(s) };
    case 'array':
      return { k: 'array', elem: s(t.elem) };
    case 'map':
      return { k: 'map', key: s(t.key), value: s(t.value) };
    case 'union':
      return union(t.items.map(s), t.opt);
    case 'record':
      return { ...t, fields: t.fields.map((f) => ({ ...f, ty: s(f.ty) })) };
    case 'function': {
      if (!t.fn || !bind.size) return t;
      const f = (x: Ty) => substitute(x, bind, true, depth + 1);
      const fn: FnSig = {
        ...t.fn,
        params: t.fn.params.map((p) => ({ ...p, ty: f(p.ty) })),
        returns: t.fn.returns.map((r) => ({ ...r, ty: f(r.ty) })),
        vararg: t.fn.vararg && f(t.fn.vararg),
        returnsVararg: t.fn.returnsVararg && f(t.fn.returnsVararg),
      };
      return { k: 'function', fn };
    }
    default:
      return t;
  }
}

/** The bindings of a class's type parameters for `Name<args>` (and of its parents' parameters). */
export function classBindings(en: TypeEngine, name: string, args: Ty[] | undefined): Map<string, Ty> {
  const bind = new Map<string, Ty>();
  const c = en.project.classes().get(name);
  c?.typeParams?.forEach((p, i) => {
    const a = args?.[i];
    if (a) bind.set(p, a);
  });
  return bind;
}

/** Does the type mention `self` (`---@return self`, `---@field x self`)? */
export function hasSelf(t: Ty | undefined): boolean {
  return typeSome(t, (x) => x.k === 'named' && x.name === 'self' && !x.args?.length, 0);
}

/** `self` as a type is the class (or value) the member is read from or the method called on. */
export function withSelf(t: Ty, self: Ty | undefined): Ty {
  if (!self || self.k === 'unknown' || !hasSelf(t)) return t;
  return substitute(t, new Map([['self', self]]), true);
}

/**
 * A generic return resolved to a class whose parents are table types (`---@class list<T>:
 * {[integer]: T}`) is that class or its table parent, as LuaLS resolves it:
 * `list<string>|{ [integer]: string }`.
 */
export function withTableParents(en: TypeEngine, t: Ty): Ty {
  if (t.k !== 'named' || !t.args?.length) return t;
  const c = en.project.classes().get(t.name);
  const tables = c?.parents.filter((p) => p.startsWith('{')) ?? [];
  if (!tables.length) return t;
  const bind = classBindings(en, t.name, t.args);
  return union([t, ...tables.map((p) => substitute(typeText(p, undefined, en.alias), bind))]);
}

export { union };

/**
 * `self` written in a doc comment (`---@field x self`, `---@return self`): the class the comment
 * declares, else the value the documented method is defined on.
 */
export function docSelf(en: TypeEngine, fa: FileAnalysis, offset: number): Ty | undefined {
  const doc = [...(fa.docs?.values() ?? [])].find((d) => d.span.start <= offset && offset <= d.span.end);
  if (!doc) return undefined;
  if (doc.className) return { k: 'named', name: doc.className };
  const fn = fileIndex(fa).functions.find((f) => en.docAbove(fa, spanOf(f).start) === doc);
  const id = fn?.identifier;
  if (id?.type !== 'MemberExpression') return undefined;
  const t = nonNil(en.exprType(fa, id.base));
  return t.k === 'unknown' ? undefined : t;
}
