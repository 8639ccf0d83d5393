import type { FileAnalysis } from '../fileAnalysis';
import type * as lp from 'luaparse';
import type { ApiMember, Definition, DocBlock, Location } from '../types';
import { spanOf } from '../parse';
import { stdlib } from '../stdlib';
import { fileIndex, type Expr, type Site } from './astIndex';
import { occurrenceAt } from '../resolve';
import { memberTy, typeText } from './convert';
import { classBindings, hasSelf, substitute, withSelf } from './generics';
import type { TypeEngine } from './engine';
import { stringValue } from './exprs';
import { members, union, UNKNOWN, type TableRef, type Ty } from './ty';

/**
 * Members of a type: fields of tables seen in code (constructor keys, assignments after
 * construction, `self.x` in methods), metatable `__index` chains, classes with their parents
 * (`---@class`, `---@field`, host API, std lib), arrays/maps/records and string methods.
 */

export interface MemberInfo {
  name: string;
  ty: Ty;
  location?: Location;
  /** the documented member (std lib, host API, `---@field`) */
  api?: ApiMember;
  /** a method (`function t:m()` or `---@field m fun(self: T)`) */
  method?: boolean;
  visibility?: ApiMember['visibility'];
  /** description from the doc comment */
  doc?: string;
}

const LIB_CLASS: Record<string, string> = { 'file*': 'file', stringlib: 'string' };

/** `iolib` -> the std lib class `io`; other names unchanged. */
function libClass(name: string): string {
  if (LIB_CLASS[name]) return LIB_CLASS[name];
  if (name.endsWith('lib') && stdlib().classes.has(name.slice(0, -3))) return name.slice(0, -3);
  return name;
}

export function memberOf(en: TypeEngine, t: Ty, name: string): MemberInfo | undefined {
  const found: MemberInfo[] = [];
  for (const x of members(t)) {
    const m = oneMember(en, x, name);
    // `---@field x self`: the type the member is read from
    if (m) found.push(hasSelf(m.ty) ? { ...m, ty: withSelf(m.ty, x) } : m);
  }
  if (found.length <= 1) return found[0];
  return { ...found[0], ty: union(found.map((f) => f.ty)) };
}

function oneMember(en: TypeEngine, t: Ty, name: string): MemberInfo | undefined {
  switch (t.k) {
    case 'string':
      return classMember(en, 'stringlib', name, new Set()) ?? classMember(en, 'string', name, new Set());
    case 'named':
      return (
        (t.name !== libClass(t.name) ? classMember(en, t.name, name, new Set()) : undefined) ??
        classMember(en, libClass(t.name), name, new Set(), t.args)
      );
    case 'table':
      return tableMember(en, t, name);
    case 'array':
      return name === '[integer]' || /^\[\d+\]$/.test(name) ? { name, ty: t.elem } : undefined;
    case 'map':
      return name.startsWith('[')
        ? { name, ty: t.value }
        : t.key.k === 'string' || t.key.k === 'any'
          ? { name, ty: t.value }
          : undefined;
    case 'record': {
      const keys = new Map(t.fields.map((x) => [x.key, x]));
      const f = keys.get(name) ?? indexField(keys, name);
      return f ? { name, ty: f.optional ? union([f.ty], true) : f.ty } : undefined;
    }
    default:
      return undefined;
  }
}

/** Definitions annotated `---@class name` (their table fields are members), across files. */
function classDefs(en: TypeEngine, cls: string): { fa: FileAnalysis; def: Definition }[] {
  const out: { fa: FileAnalysis; def: Definition }[] = [];
  for (const fa of [...en.project.hostFiles, ...en.project.files.values()]) {
    if (!fa.classes.has(cls)) continue;
    const full = en.full(fa);
    for (const def of full.defs) if (def.doc?.className === cls) out.push({ fa: full, def });
  }
  return out;
}

function classMember(
  en: TypeEngine,
  cls: string,
  name: string,
  seen: Set<string>,
  args?: Ty[],
): MemberInfo | undefined {
  if (seen.has(cls) || seen.size > 8) return undefined;
  seen.add(cls);
  const bind = args?.length ? classBindings(en, cls, args) : undefined;
  const bound = (m: MemberInfo | undefined) => (m && bind?.size ? { ...m, ty: substitute(m.ty, bind) } : m);
  const c = en.project.classes().get(cls);
  const api = c?.fields.get(name);
  if (api && isDeclared(api)) return bound(apiMember(en, api));
  // a field code assigns only from itself (`t.x = t.x`) says less than a parent's declared one
  let weak: MemberInfo | undefined;
  for (const { fa, def } of classDefs(en, cls)) {
    const m = ctorField(en, fa, def, name) ?? defField(en, fa, def, name);
    if (m && m.ty.k === 'unknown') weak ??= m;
    else if (m) return bound(m);
  }
  if (api && !weak) return bound(apiMember(en, api));
  if (!c && en.alias(cls) !== undefined) return bound(weak);
  const indexed = c && !weak ? indexField(c.fields, name) : undefined;
  if (indexed) return bound({ ...apiMember(en, indexed), name });
  for (const p of c?.parents ?? []) {
    if (p.startsWith('{')) {
      const t = typeText(p, undefined, en.alias);
      const m = memberOf(en, bind?.size ? substitute(t, bind) : t, name);
      if (m) return m;
      continue;
    }
    const pargs = c?.parentArgs?.[p]?.map((x) => {
      const t = typeText(x, undefined, en.alias);
      return bind?.size ? substitute(t, bind) : t;
    });
    const m = classMember(en, p, name, seen, pargs);
    if (m) return m;
  }
  return bound(weak ?? (api && apiMember(en, api)));
}

/** The index field (`[string]`, `[integer]`, `[any]`) that a key `name` (`x`, `[1]`) reads. */
function indexField<T>(fields: Map<string, T>, name: string): T | undefined {
  if (/^\[-?\d+\]$/.test(name))
    return fields.get('[integer]') ?? fields.get('[number]') ?? fields.get('[any]');
  if (name.startsWith('[')) return fields.get('[any]');
  return fields.get('[string]') ?? fields.get('[any]');
}

function apiMember(en: TypeEngine, api: ApiMember): MemberInfo {
  return {
    name: api.name,
    ty: memberTy(api, en.alias),
    location: api.location,
    api,
    method: api.kind === 'method',
    visibility: api.visibility,
  };
}

/** Written in a `---@field` line (or the std lib), not collected from code. */
function isDeclared(api: ApiMember): boolean {
  return !!api.nameSpan || api.origin === 'stdlib';
}

/** A class table's constructor key (`local M = { x = 1 }`) wins over later assignments. */
function ctorField(en: TypeEngine, fa: FileAnalysis, def: Definition, name: string): MemberInfo | undefined {
  const site = fileIndex(fa).sites.get(def.span.start);
  const init = site?.values[site.index];
  if (init?.type !== 'TableConstructorExpression') return undefined;
  return tableMember(en, { k: 'table', ref: { ctor: init, fa } }, name);
}

/** A field of a table definition: the union of what is assigned to it. */
function defField(en: TypeEngine, fa: FileAnalysis, def: Definition, name: string): MemberInfo | undefined {
  const f = def.fields.get(name) ?? selfField(fa, def, name);
  if (!f) return undefined;
  const idx = fileIndex(fa);
  const sites = f.refs.flatMap((r): Site[] => {
    const site = idx.sites.get(r.start);
    return site ? [site] : [];
  });
  const first = idx.sites.get(f.span.start);
  if (!sites.length && first) sites.push(first);
  const declared = f.doc?.type
    ? (en.declared(fa, { ...def, doc: f.doc, kind: 'local' }) ?? UNKNOWN)
    : undefined;
  const { ty, method } = fieldSitesType(
    en,
    fa,
    sites,
    (doc) => en.declared(fa, { ...def, doc, kind: 'local' }),
    declared,
  );
  return {
    name,
    ty,
    location: { uri: fa.uri, span: f.span },
    method,
    visibility: f.doc?.visibility,
    doc: f.doc?.description || undefined,
  };
}

/**
 * What the sites setting a field give it: the `---@type` of an annotated assignment if any, else
 * the union of the values. `t.x = nil` removes the field rather than giving it a value, and a
 * call whose result is unknown keeps `unknown` in the union (`integer|unknown`), as LuaLS shows.
 */
function fieldSitesType(
  en: TypeEngine,
  fa: FileAnalysis,
  sites: Site[],
  docType: (doc: DocBlock) => Ty | undefined,
  declared?: Ty,
): { ty: Ty; method: boolean } {
  const tys: Ty[] = [];
  const typed: Ty[] = [];
  let method = false;
  let unknownCall = false;
  for (const site of sites) {
    if (site.kind === 'method') method = true;
    const doc = site.stmt ? en.docAbove(fa, spanOf(site.stmt).start) : undefined;
    // an assignment with its own `---@type` says what the field is; the others only add values
    if (doc?.type && (site.kind === 'assign' || site.kind === 'field')) {
      typed.push(docType(doc) ?? UNKNOWN);
      continue;
    }
    const value = site.values[site.index];
    if (site.kind === 'field' && value?.type === 'NilLiteral' && !declared) continue;
    const t = declared ?? (site.kind === 'field' ? en.assignedType(fa, site) : en.siteType(fa, site));
    if (t.k === 'unknown' && value && /Call/.test(value.type)) unknownCall = true;
    tys.push(t);
  }
  if (typed.length) return { ty: union(typed), method };
  const ty = union(tys);
  return {
    ty: unknownCall && ty.k !== 'unknown' ? { k: 'union', items: [...members(ty), UNKNOWN] } : ty,
    method,
  };
}

/** `a.b.c = v` / `function a.b.c()` where `a.b` is the table of constructor `ctor`. */
function deepField(
  en: TypeEngine,
  fa: FileAnalysis,
  ctor: lp.TableConstructorExpression,
  name: string,
): MemberInfo | undefined {
  const list = fileIndex(fa).deepFields.get(name);
  if (!list) return undefined;
  const hits = list.filter(({ base }) => reaches(en, fa, base, ctor));
  if (!hits.length) return undefined;
  const { ty, method } = fieldSitesType(
    en,
    fa,
    hits.map((h) => h.site),
    (doc) => (doc.type ? typeText(doc.type, doc.generics, en.alias) : undefined),
  );
  const at = hits[0].site.offset;
  return { name, ty, method, location: { uri: fa.uri, span: { start: at, end: at + name.length } } };
}

const baseMemo = new WeakMap<TypeEngine, Map<Expr, Ty>>();

/** Does the base of `a.b.c = v` evaluate to the table of constructor `ctor`? (memoised per request) */
function reaches(en: TypeEngine, fa: FileAnalysis, base: Expr, ctor: lp.TableConstructorExpression): boolean {
  let memo = baseMemo.get(en);
  if (!memo) baseMemo.set(en, (memo = new Map()));
  let t = memo.get(base);
  if (!t) {
    t = en.exprType(fa, base);
    // an `unknown` may come from a cycle being guarded: ask again next time
    if (t.k !== 'unknown') memo.set(base, t);
  }
  return members(t).some((x) => x.k === 'table' && x.ref?.ctor === ctor);
}

/** Names of the fields set on the constructor's table through longer chains (`a.b.c = v`). */
function deepNames(en: TypeEngine, fa: FileAnalysis, ctor: lp.TableConstructorExpression): string[] {
  const out: string[] = [];
  for (const [name, list] of fileIndex(fa).deepFields)
    if (list.some(({ base }) => reaches(en, fa, base, ctor))) out.push(name);
  return out;
}

/** `self.x = v` in a method of `def`. */
function selfField(fa: FileAnalysis, def: Definition, name: string) {
  for (const d of selfDefs(fa, def)) {
    const f = d.fields.get(name);
    if (f) return f;
  }
  return undefined;
}

function selfDefs(fa: FileAnalysis, def: Definition): Definition[] {
  return fa.defs.filter(
    (d) =>
      d.kind === 'self' &&
      d.init?.kind === 'chain' &&
      d.init.chain[0]?.name === def.name &&
      d.span.start > def.span.start,
  );
}

function tableMember(en: TypeEngine, t: Extract<Ty, { k: 'table' }>, name: string): MemberInfo | undefined {
  const ref = t.ref;
  if (!ref) return undefined;
  const fa = ref.fa;
  // a `---@field` of the table's class says what the field is, whatever code assigns
  const cls = ref.def?.doc?.className;
  const declared = cls ? en.project.classes().get(cls)?.fields.get(name) : undefined;
  if (declared && isDeclared(declared)) return apiMember(en, declared);
  if (ref.ctor && fa) {
    let pos = 0;
    for (const f of ref.ctor.fields) {
      if (f.type === 'TableValue') pos++;
      const key =
        f.type === 'TableKeyString'
          ? f.key.name
          : f.type === 'TableKey'
            ? f.key.type === 'StringLiteral'
              ? stringValue(f.key.raw)
              : f.key.type === 'NumericLiteral'
                ? `[${f.key.raw}]`
                : undefined
            : `[${pos}]`;
      if (key === name) {
        const ty = en.exprType(fa, f.value);
        const span = f.type === 'TableValue' ? undefined : spanOf(f.key);
        return { name, ty, location: span ? { uri: fa.uri, span } : undefined };
      }
    }
  }
  if (ref.expected) {
    const m = memberOf(en, ref.expected, name);
    if (m) return m;
  }
  if (ref.def && fa) {
    const m = defField(en, fa, ref.def, name);
    if (m && (m.ty.k !== 'unknown' || !cls)) return m;
    const c = cls ? classMember(en, cls, name, new Set()) : undefined;
    if (c || m) return c ?? m;
  }
  if (ref.global && fa) {
    const sites = globalSites(fa, ref.global).filter((s) => s.field === name);
    if (!sites.length && ENV_NAMES.has(ref.global)) {
      const g = en.globalType(name, fa);
      return g.k === 'unknown' ? undefined : { name, ty: g };
    }
    const nested = sites.length ? undefined : pathTable(fa, `${ref.global}.${name}`);
    if (nested) return { name, ty: nested };
    if (sites.length) {
      const method = sites.some((s) => s.kind === 'method');
      const ty = union(sites.map((s) => en.assignedType(fa, s)));
      return {
        name,
        ty,
        method,
        location: { uri: fa.uri, span: { start: sites[0].offset, end: sites[0].offset + name.length } },
      };
    }
  }
  if (ref.ctor && fa) {
    const deep = deepField(en, fa, ref.ctor, name);
    if (deep) return deep;
  }
  for (const meta of metatables(en, ref)) {
    const index = memberOf(en, meta, '__index');
    const m =
      index && index.ty.k !== 'function' ? en.guard(index, () => memberOf(en, index.ty, name)) : undefined;
    if (m) return m;
  }
  return undefined;
}

/** The table's metatables: from `setmetatable(t, mt)` as its value, or as a statement on its name. */
function metatables(en: TypeEngine, ref: TableRef): Ty[] {
  const out = ref.meta ? [ref.meta] : [];
  const fa = ref.fa;
  if (!ref.def || !fa) return out;
  for (const call of fileIndex(fa).metaCalls) {
    const occ = occurrenceAt(fa, spanOf(call.arguments[0]).start);
    if (occ?.defId === ref.def.id && !occ.member) out.push(en.exprType(fa, call.arguments[1]));
  }
  return out;
}

export { pathTable };

/** The tables globals live in: `_G.x = v` and `rawset(_G, 'x', v)` set the global `x`. */
export const ENV_NAMES = new Set(['_G', '_ENV']);

/** A global set only through the environment table, in this file or in the workspace. */
export function envGlobalType(en: TypeEngine, name: string, fa?: FileAnalysis): Ty | undefined {
  const files = fa ? [fa] : [];
  for (const g of en.project.envGlobalIndex().get(name) ?? []) {
    const f = en.project.files.get(g.uri);
    if (f && f.uri !== fa?.uri) files.push(en.full(f));
  }
  for (const f of files) {
    const sites = [...ENV_NAMES].flatMap((env) => globalSites(f, env).filter((s) => s.field === name));
    if (sites.length) return union(sites.map((s) => en.assignedType(f, s)));
  }
  return undefined;
}

/** Field sites of a global that no statement assigns (its base resolves to no local). */
function globalSites(fa: FileAnalysis, name: string): Site[] {
  const idx = fileIndex(fa);
  const isGlobal = (root: lp.Identifier | undefined) => {
    const occ = root ? occurrenceAt(fa, spanOf(root).start) : undefined;
    return !(occ?.defId !== undefined && fa.defs[occ.defId].visible);
  };
  // `a.b` (a global nobody assigns, `a.b.c = 1`): the sites on that chain
  if (name.includes('.'))
    return (idx.pathFields.get(name) ?? []).filter((p) => isGlobal(p.root)).map((p) => p.site);
  return (idx.nameFields.get(name) ?? []).filter((s) => isGlobal(s.base));
}

/** `a.b` where only `a.b.c = v` is written: a table of those fields. */
function pathTable(fa: FileAnalysis, path: string): Ty | undefined {
  return fileIndex(fa).pathPrefixes.has(path) && globalSitesUnder(fa, path)
    ? { k: 'table', ref: { fa, global: path } }
    : undefined;
}

function globalSitesUnder(fa: FileAnalysis, path: string): boolean {
  for (const [p, list] of fileIndex(fa).pathFields)
    if ((p === path || p.startsWith(`${path}.`)) && globalSites(fa, p).length) return list.length > 0;
  return false;
}

/** All members of a type, in a stable order (for completion and table hovers). */
export function membersOf(en: TypeEngine, t: Ty): Map<string, MemberInfo> {
  const out = new Map<string, MemberInfo>();
  const add = (name: string) => {
    if (out.has(name)) return;
    const m = memberOf(en, t, name);
    if (m) out.set(name, m);
  };
  for (const n of memberNames(en, t, new Set())) add(n);
  return out;
}

function memberNames(en: TypeEngine, t: Ty, seen: Set<unknown>): string[] {
  if (seen.has(t) || seen.size > 12) return [];
  seen.add(t);
  const names: string[] = [];
  for (const x of members(t)) {
    if (x.k === 'string')
      names.push(...classNames(en, 'stringlib', new Set()), ...classNames(en, 'string', new Set()));
    else if (x.k === 'named') {
      if (x.name !== libClass(x.name)) names.push(...classNames(en, x.name, new Set()));
      names.push(...classNames(en, libClass(x.name), new Set()));
    } else if (x.k === 'record') names.push(...x.fields.map((f) => f.key));
    else if (x.k === 'table' && x.ref) {
      const ref = x.ref;
      let pos = 0;
      for (const f of ref.ctor?.fields ?? []) {
        if (f.type === 'TableKeyString') names.push(f.key.name);
        else if (f.type === 'TableKey' && f.key.type === 'StringLiteral') names.push(stringValue(f.key.raw));
        else if (f.type === 'TableKey' && f.key.type === 'NumericLiteral') names.push(`[${f.key.raw}]`);
        else if (f.type === 'TableValue') names.push(`[${++pos}]`);
      }
      if (ref.ctor && ref.fa) names.push(...deepNames(en, ref.fa, ref.ctor));
      if (ref.def && ref.fa) {
        names.push(...ref.def.fields.keys());
        for (const d of selfDefs(ref.fa, ref.def)) names.push(...d.fields.keys());
        if (ref.def.doc?.className) names.push(...classNames(en, ref.def.doc.className, new Set()));
      }
      for (const meta of metatables(en, ref)) {
        const index = memberOf(en, meta, '__index');
        if (index && index.ty.k !== 'function') names.push(...memberNames(en, index.ty, seen));
      }
      if (ref.global && ref.fa) {
        for (const s of globalSites(ref.fa, ref.global)) if (s.field) names.push(s.field);
        for (const p of fileIndex(ref.fa).pathPrefixes) {
          const rest = p.startsWith(`${ref.global}.`) ? p.slice(ref.global.length + 1) : '';
          if (rest && !rest.includes('.') && pathTable(ref.fa, p)) names.push(rest);
        }
      }
    }
  }
  return names;
}

function classNames(en: TypeEngine, cls: string, seen: Set<string>): string[] {
  if (seen.has(cls) || seen.size > 8) return [];
  seen.add(cls);
  const names: string[] = [];
  const c = en.project.classes().get(cls) ?? stdlib().classes.get(cls);
  for (const { def, fa } of classDefs(en, cls)) {
    names.push(...def.fields.keys());
    for (const d of selfDefs(fa, def)) names.push(...d.fields.keys());
  }
  if (c) names.push(...c.fields.keys());
  for (const p of c?.parents ?? []) names.push(...classNames(en, p, seen));
  return names;
}
