import type { ApiMember, DocBlock, ParamInfo, ReturnInfo } from '../types';
import { ANY, UNKNOWN, union, type FnSig, type Ty, type TyParam } from './ty';
import { parseType } from './typeParse';

/**
 * Annotation text -> types: `---@param`/`---@return` lists, API members (std lib, host API,
 * `---@field`), with `---@generic` names turned into generic parameters and aliases expanded.
 */

export type AliasLookup = (name: string) => string | undefined;

/**
 * Where a recursive alias reference sits: LuaLS shows such a reference once more expanded as an
 * array element or function part (`xxx[][]`, `fun(x: fun(x: xxx))`), by name as a type argument
 * (`table<xxx, true>`) and not at all as a member of the alias's own union.
 */
type AliasPlace = 'top' | 'inner' | 'arg';

/** Replace named types that are generic parameters by `<T>`, and expand aliases. */
export function resolveNames(
  t: Ty,
  generics: string[] | undefined,
  alias: AliasLookup,
  open: string[] = [],
  place: AliasPlace = 'inner',
): Ty {
  if (open.length > 6) return t;
  const r = (x: Ty, p: AliasPlace = 'inner') => resolveNames(x, generics, alias, open, p);
  switch (t.k) {
    case 'named': {
      if (generics?.includes(t.name)) return { k: 'generic', name: t.name };
      const a = !t.args?.length ? alias(t.name) : undefined;
      if (a !== undefined) {
        const parsed = parseType(a);
        if (parsed.k === 'named' && parsed.name === t.name) return t;
        const seen = open.filter((n) => n === t.name).length;
        if (seen && place === 'top') return UNKNOWN;
        if (seen && (place === 'arg' || seen > 1)) return t;
        return resolveNames(parsed, generics, alias, [...open, t.name], 'top');
      }
      return t.args?.length ? { ...t, args: t.args.map((x) => r(x, 'arg')) } : t;
    }
    case 'array':
      return { k: 'array', elem: r(t.elem) };
    case 'map':
      return { k: 'map', key: r(t.key, 'arg'), value: r(t.value, 'arg') };
    case 'record':
      return { ...t, fields: t.fields.map((f) => ({ ...f, ty: r(f.ty) })) };
    case 'union':
      return union(
        t.items.map((x) => r(x, place)),
        t.opt,
      );
    case 'function':
      return t.fn ? { k: 'function', fn: resolveSig(t.fn, generics, alias, open) } : t;
    default:
      return t;
  }
}

function resolveSig(fn: FnSig, outer: string[] | undefined, alias: AliasLookup, open: string[]): FnSig {
  const generics = fn.generics?.length ? [...(outer ?? []), ...fn.generics] : outer;
  const r = (x: Ty) => resolveNames(x, generics, alias, open);
  return {
    ...fn,
    params: fn.params.map((p) => ({ ...p, ty: r(p.ty) })),
    vararg: fn.vararg && r(fn.vararg),
    returns: fn.returns.map((x) => ({ ...x, ty: r(x.ty) })),
    returnsVararg: fn.returnsVararg && r(fn.returnsVararg),
  };
}

export function typeText(text: string | undefined, generics: string[] | undefined, alias: AliasLookup): Ty {
  if (!text) return ANY;
  return resolveNames(parseType(text), generics, alias);
}

function paramTy(p: ParamInfo, generics: string[] | undefined, alias: AliasLookup): TyParam {
  const ty = p.type ? typeText(p.type, generics, alias) : ANY;
  return { name: p.name, ty, optional: p.optional && p.name !== '...' ? true : undefined };
}

/** A signature from parameter/return lists (code function parameters or an API member). */
export function sigFrom(
  params: ParamInfo[],
  returns: ReturnInfo[] | undefined,
  generics: string[] | undefined,
  alias: AliasLookup,
): FnSig {
  const fn: FnSig = { params: [], returns: [] };
  for (const p of params) {
    const tp = paramTy(p, generics, alias);
    if (p.name === '...') fn.vararg = p.type && p.type !== 'any' ? tp.ty : ANY;
    else fn.params.push(tp);
  }
  for (const r of returns ?? []) {
    if (r.name === '...' || r.type === '...') {
      fn.returnsVararg = r.type === '...' ? UNKNOWN : typeText(r.type, generics, alias);
      continue;
    }
    fn.returns.push(
      r.name
        ? { ty: typeText(r.type, generics, alias), name: r.name }
        : { ty: typeText(r.type, generics, alias) },
    );
  }
  if (generics?.length) fn.generics = generics;
  return fn;
}

/** The type of an API member (`---@field`, std lib, host API). */
export function memberTy(m: ApiMember, alias: AliasLookup): Ty {
  if (m.kind === 'function' || m.kind === 'method') {
    if (m.type?.startsWith('fun(')) {
      const t = typeText(m.type, undefined, alias);
      if (t.k === 'function' && t.fn && m.overloads?.length)
        t.fn.overloads = m.overloads
          .map((o) => typeText(o, undefined, alias))
          .flatMap((o) => (o.k === 'function' && o.fn ? [o.fn] : []));
      return t;
    }
    const fn = sigFrom(m.params ?? [], m.returns, m.generics, alias);
    if (m.isVararg && !fn.vararg) fn.vararg = ANY;
    fn.method = m.kind === 'method';
    if (m.doc) fn.doc = m.doc;
    for (const p of m.params ?? []) if (p.doc) (fn.paramDocs ??= {})[p.name] = p.doc;
    return { k: 'function', fn };
  }
  if (m.kind === 'table') {
    if (!m.type) return { k: 'table' };
    // the standard library's tables are typed as LuaLS types them: `stringlib`, `iolib`, ...
    return { k: 'named', name: m.origin === 'stdlib' && m.type === m.name ? `${m.type}lib` : m.type };
  }
  return typeText(m.type, undefined, alias);
}

/** The signature a doc block gives a function (its parameters named by the code). */
export function docSig(names: string[], doc: DocBlock | undefined, alias: AliasLookup): FnSig {
  const params: ParamInfo[] = names.map((name) => {
    const d = doc?.params.find((x) => x.name === name);
    if (name === '...' && !d && doc?.vararg) return { name, type: doc.vararg, optional: true };
    return { name, type: d?.type, optional: d?.optional };
  });
  const fn = sigFrom(params, doc?.returns.length ? doc.returns : undefined, doc?.generics, alias);
  if (doc?.async) fn.async = true;
  if (doc?.overloads?.length)
    fn.overloads = doc.overloads
      .map((o) => typeText(o, doc.generics, alias))
      .flatMap((t) => (t.k === 'function' && t.fn ? [t.fn] : []));
  return fn;
}
