import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import { chainBefore, inCommentOrString } from '../context';
import { visibleLocals } from '../resolve';
import { LUA_KEYWORDS, stdlib } from '../stdlib';
import type { Definition, Occurrence, Span } from '../types';
import { chainType } from './chain';
import { docSelf } from './generics';
import { typeText } from './convert';
import { tableKeyType } from './exprs';
import { fileIndex, functionsAround, nameNodeAt, type Expr } from './astIndex';
import { argCount, chooseSignatures, signaturesOf } from './overloads';
import type { TypeEngine } from './engine';
import { memberOf, membersOf, type MemberInfo } from './members';
import {
  literalText,
  members,
  numberText,
  union,
  UNKNOWN,
  view,
  viewInferred,
  viewFun,
  viewParam,
  viewString,
  type FnSig,
  type Ty,
} from './ty';

/**
 * Hover labels as LuaLS writes them: `local x: integer = 1`, `(parameter) t: Class`,
 * `(global) g: string`, `(field) t.x: integer = 1`, `(method) mt:init(a: any)`,
 * `function f(a: any)\n  -> integer`, tables as `{\n    a: integer = 1,\n}`.
 */

export interface HoverLabel {
  label: string;
  /** documentation text (markdown) of the hovered thing */
  doc?: string;
  ty: Ty;
}

const INDENT = '    ';

/** The function label: `function name(params)` and its returns. */
export function functionLabel(en: TypeEngine, name: string, fn: FnSig, prefix = 'function '): string {
  const params = fn.params.map(viewParam);
  if (fn.vararg) params.push(`...${view(fn.vararg)}`);
  let s = `${fn.async ? '(async) ' : ''}${prefix}${name}(${params.join(', ')})`;
  const rets =
    fn.returns.length || !fn.node ? fn.returns : en.returnsOf(fn).map((ty) => ({ ty, name: undefined }));
  const lines = rets.map((r) => (r.name ? `${r.name}: ${viewInferred(r.ty)}` : viewInferred(r.ty)));
  if (fn.returnsVararg) lines.push(`...${view(fn.returnsVararg)}`);
  lines.forEach((l, i) => (s += i === 0 ? `\n  -> ${l}` : `\n  ${i + 1}. ${l}`));
  return s;
}

function keyText(name: string): string {
  if (name.startsWith('[')) return name;
  return /^[A-Za-z_]\w*$/.test(name) ? name : `[${viewString(name)}]`;
}

/** A field's type in a table view: functions are `function`, tables `table`. */
function fieldView(m: MemberInfo): string {
  const t = m.ty;
  if (t.k === 'function' && !t.fn?.declared) return 'function';
  if (t.k === 'table') return t.ref?.elem ? view(t) : 'table';
  const lit = literalText(t);
  return `${viewInferred(t)}${lit ? ` = ${lit}` : ''}`;
}

/**
 * Where a value is shown from: `true` shows every field (a global's own table), a class name is the
 * class being declared there (its own private fields, and protected ones it inherits, are visible).
 */
export type ViewScope = boolean | string;

function visibleIn(en: TypeEngine, m: MemberInfo, scope: ViewScope): boolean {
  if (scope === true || !m.visibility || m.visibility === 'public' || m.visibility === 'package') return true;
  if (scope === false) return false;
  if (m.visibility === 'protected') return true;
  const cls = en.project.classes().get(scope);
  if (cls?.fields.has(m.name)) return true;
  return !(cls?.parents ?? []).some((p) => memberOf(en, { k: 'named', name: p }, m.name));
}

/** One line of a table view: the key as LuaLS shows it (`x`, `['x']`, `[1]`, `[true]`) and the member. */
interface ViewField {
  key: string;
  m: MemberInfo;
}

/**
 * LuaLS's order of a table view: when every field holds a number literal, by value; otherwise
 * names, then `[key]`s, then `_names`, each group sorted by its text.
 */
function orderFields(fields: ViewField[]): ViewField[] {
  const nums = fields.map((f) => {
    const lit = literalText(f.m.ty);
    return lit !== undefined && /^-?\d/.test(lit) && !lit.includes('|') ? Number(lit) : NaN;
  });
  if (nums.every((n) => !Number.isNaN(n)))
    return fields
      .map((f, i) => ({ f, n: nums[i] }))
      .sort((a, b) => a.n - b.n)
      .map((e) => e.f);
  const score = (k: string) => (k.startsWith('_') ? 10 : 0) + (k.startsWith('[') ? 1 : 0);
  return [...fields].sort(
    (a, b) => score(a.key) - score(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** The key of a table constructor entry as LuaLS shows it, or undefined for keys it leaves out. */
function ctorKey(
  en: TypeEngine,
  fa: FileAnalysis,
  f: lp.TableKey,
): { key: string; raw?: string } | undefined {
  const k = en.exprType(fa, f.key);
  if (k.k === 'string' && k.lit !== undefined) return { key: `[${viewString(k.lit, k.quote)}]`, raw: k.lit };
  if ((k.k === 'integer' || k.k === 'number') && k.lit !== undefined)
    return { key: `[${numberText(k.lit, k.k === 'integer')}]` };
  if (k.k === 'boolean' && k.lit !== undefined) return { key: `[${k.lit}]` };
  return undefined;
}

/**
 * The fields of table constructors behind `t`, keyed as written: `['x'] = 1` stays `['x']`,
 * computed keys (`[-1]`, `[enum.a]`, `[true]`) show their value, and a key given twice (`'c'` at
 * position 3 and `[3] = 'h'`) shows both values.
 */
function ctorFields(en: TypeEngine, t: Ty): { fields: Map<string, Ty>; renamed: Map<string, string> } {
  const fields = new Map<string, Ty>();
  const renamed = new Map<string, string>();
  const add = (key: string, ty: Ty) => fields.set(key, fields.has(key) ? union([fields.get(key)!, ty]) : ty);
  for (const x of members(t)) {
    const ctor = x.k === 'table' ? x.ref?.ctor : undefined;
    const fa = x.k === 'table' ? x.ref?.fa : undefined;
    if (!ctor || !fa) continue;
    let pos = 0;
    for (const f of ctor.fields) {
      if (f.type === 'TableValue') add(`[${++pos}]`, en.exprType(fa, f.value));
      else if (f.type === 'TableKey') {
        const k = ctorKey(en, fa, f);
        if (!k) continue;
        if (k.raw !== undefined) renamed.set(k.raw, k.key);
        else add(k.key, en.exprType(fa, f.value));
      }
    }
  }
  return { fields, renamed };
}

/** `{ ... }` body of a table or class view, or '' when it has no members. */
function tableBody(en: TypeEngine, t: Ty, scope: ViewScope, reads: string[] = []): string {
  const ms = [...membersOf(en, t).values()].filter((m) => visibleIn(en, m, scope));
  const ctor = ctorFields(en, t);
  const byKey = new Map<string, ViewField>();
  for (const m of ms) {
    const key = ctor.renamed.get(m.name) ?? keyText(m.name);
    const ty = ctor.fields.get(key) ?? m.ty;
    byKey.set(key, { key, m: { ...m, ty } });
  }
  for (const [key, ty] of ctor.fields) if (!byKey.has(key)) byKey.set(key, { key, m: { name: key, ty } });
  for (const name of reads) {
    const key = keyText(name);
    if (!byKey.has(key) && !ctor.renamed.has(name)) byKey.set(key, { key, m: { name, ty: UNKNOWN } });
  }
  if (!byKey.size) return '';
  const lines = orderFields([...byKey.values()])
    .slice(0, 50)
    .map(({ key, m }) => {
      const opt = m.ty.k === 'union' && m.ty.opt;
      const shown =
        opt && m.ty.k === 'union' ? { ...m, ty: union(m.ty.items.filter((x) => x.k !== 'nil')) } : m;
      return `${INDENT}${key}${opt ? '?' : ''}: ${fieldView(shown)},`;
    });
  return `{\n${lines.join('\n')}\n}`;
}

/** The type part of a value label (after `name: `), with the literal value when there is one. */
export function valueView(en: TypeEngine, t: Ty, scope: ViewScope = false, reads: string[] = []): string {
  if (t.k === 'table') {
    const body = tableBody(en, t, scope, reads);
    const cls = t.ref?.def?.doc?.className;
    if (cls) return body ? `${cls} ${body}` : cls;
    return body || view(t);
  }
  const lit = literalText(t);
  const head = `${viewInferred(t)}${lit ? ` = ${lit}` : ''}`;
  if (members(t).some((x) => x.k === 'string')) return head;
  const body = tableBody(en, t, scope, reads);
  return body ? `${head} ${body}` : head;
}

/** `iolib`, `stringlib`, ...: the type of a standard library table. */
function isStdLib(name: string): boolean {
  return name.endsWith('lib') && stdlib().classes.has(name.slice(0, -3));
}

function isFunctionValue(t: Ty): t is Extract<Ty, { k: 'function' }> & { fn: FnSig } {
  return t.k === 'function' && !!t.fn && !t.fn.declared;
}

/** The label of a name occurrence (local, parameter, global, field). */
export function hoverLabel(en: TypeEngine, fa: FileAnalysis, occ: Occurrence): HoverLabel | undefined {
  const l = nameLabel(en, fa, occ);
  // `x--[[@as T]]`: the name is read as T there
  const cast = /^\s*--\[=*\[\s*@as\s+([^\]]+)\]/.exec(fa.text.slice(occ.span.end, occ.span.end + 120));
  if (!l || !cast) return l;
  const ty = typeText(cast[1].trim(), undefined, en.alias);
  const at = l.label.indexOf(': ');
  return { ...l, ty, label: at > 0 ? `${l.label.slice(0, at)}: ${view(ty)}` : l.label };
}

function nameLabel(en: TypeEngine, fa: FileAnalysis, occ: Occurrence): HoverLabel | undefined {
  if (occ.member || nameNodeAt(fileIndex(fa), occ.span.start)) return memberLabel(en, fa, occ);
  if (occ.defId !== undefined) {
    const def = fa.defs[occ.defId];
    return def.visible ? localLabel(en, fa, def, occ) : globalLabel(en, fa, def.name, occ.span.start, def);
  }
  if (occ.global) return globalLabel(en, fa, occ.global, occ.span.start);
  return undefined;
}

function localLabel(en: TypeEngine, fa: FileAnalysis, def: Definition, occ: Occurrence): HoverLabel {
  const at = occ.span.start === def.span.start ? undefined : occ.span.start;
  const t = en.defType(fa, def, at);
  const doc = def.doc?.description || undefined;
  if (isFunctionValue(t) && def.kind !== 'parameter') {
    const chosen =
      at !== undefined && t.fn.overloads?.length ? overloadAt(en, fa, occ.span, t.fn) : undefined;
    if (chosen)
      return { label: `local ${def.name}: ${viewFun(chosen)}`, doc, ty: { k: 'function', fn: chosen } };
    return { label: functionLabel(en, def.name, t.fn), doc, ty: t };
  }
  let prefix = 'local ';
  if (def.kind === 'parameter') prefix = '(parameter) ';
  else if (def.kind === 'self') prefix = '(self) ';
  else if (at !== undefined && isUpvalue(fa, def, at)) prefix = '(upvalue) ';
  const attr = def.attribute ? ` <${def.attribute}>` : '';
  const scope = def.doc?.className ?? (def.kind === 'self' ? selfClass(t) : false);
  const view = valueView(en, t, scope, fieldReads(fa, def));
  return { label: `${prefix}${def.name}${attr}: ${view}`, doc, ty: t };
}

/** The call whose callee is the name at `span` (`f(0)` for the `f`). */
function callWithCallee(fa: FileAnalysis, span: Span): CallNode | undefined {
  let found: CallNode | undefined;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as { type?: string; range?: [number, number]; base?: lp.Expression };
    if (node.range && (span.start < node.range[0] || span.end > node.range[1])) return;
    if (/^(Call|StringCall|TableCall)Expression$/.test(node.type ?? '') && node.base) {
      const b = spanOf(node.base);
      if (b.start === span.start && b.end === span.end) return void (found = node as CallNode);
    }
    for (const k in node) if (k !== 'range' && k !== 'loc') visit((node as Record<string, unknown>)[k]);
  };
  visit(fileIndex(fa).chunk.body);
  return found;
}

type CallNode = lp.CallExpression | lp.StringCallExpression | lp.TableCallExpression;

/**
 * The `---@overload` a call of the name at `span` chooses (LuaLS shows it as the name's type
 * there); undefined when the call takes the function's own signature or several still fit.
 */
function overloadAt(en: TypeEngine, fa: FileAnalysis, span: Span, fn: FnSig): FnSig | undefined {
  const call = callWithCallee(fa, span);
  if (!call) return undefined;
  const args: Expr[] =
    call.type === 'CallExpression'
      ? call.arguments
      : call.type === 'StringCallExpression'
        ? [call.argument]
        : [call.arguments];
  const types = args.map((a) => en.exprType(fa, a));
  const chosen = chooseSignatures(en, signaturesOf(fn), types, argCount(en, fa, args), false);
  return chosen.length === 1 && chosen[0] !== fn ? chosen[0] : undefined;
}

/** Names of the fields code reads or writes directly on a local (`u.x`): LuaLS lists them too. */
function fieldReads(fa: FileAnalysis, def: Definition): string[] {
  const id = fa.defs.indexOf(def);
  const names = new Set<string>();
  for (const o of fa.occurrences)
    if (o.baseDefId === id && o.member?.chain.length === 1 && o.member.sep === '.') names.add(o.member.name);
  return [...names];
}

/** The class `self` is an instance of (its private fields are visible in its methods). */
function selfClass(t: Ty): ViewScope {
  for (const x of members(t)) {
    if (x.k === 'named') return x.name;
    if (x.k === 'table' && x.ref?.def?.doc?.className) return x.ref.def.doc.className;
  }
  return true;
}

function isUpvalue(fa: FileAnalysis, def: Definition, at: number): boolean {
  const idx = fileIndex(fa);
  const inner = functionsAround(idx, at)[0];
  if (!inner) return false;
  const s = spanOf(inner);
  return def.span.start < s.start;
}

function globalLabel(
  en: TypeEngine,
  fa: FileAnalysis,
  name: string,
  at: number,
  def?: Definition,
): HoverLabel {
  const t = def ? en.defType(fa, def, at === def.span.start ? undefined : at) : en.globalType(name, fa);
  const doc = def?.doc?.description || undefined;
  if (t.k === 'function' && t.fn && !t.fn.declared)
    return { label: functionLabel(en, name, t.fn), doc, ty: t };
  if (t.k === 'function' && t.fn?.declared) return { label: `(global) ${name}: ${view(t)}`, doc, ty: t };
  return {
    label: `(global) ${name}: ${valueView(en, t, def?.doc?.className ?? !def?.doc?.type)}`,
    doc,
    ty: t,
  };
}

function sourceText(fa: FileAnalysis, e: lp.Expression): string {
  const s = spanOf(e);
  return fa.text.slice(s.start, s.end);
}

function memberLabel(en: TypeEngine, fa: FileAnalysis, occ: Occurrence): HoverLabel | undefined {
  const node = nameNodeAt(fileIndex(fa), occ.span.start);
  if (!node) return undefined;
  if (node.type === 'TableKeyString') {
    const t = en.exprType(fa, node.value);
    if (isFunctionValue(t)) return { label: functionLabel(en, node.key.name, t.fn), ty: t };
    return { label: `(field) ${node.key.name}: ${valueView(en, t)}`, ty: t };
  }
  const baseTy = en.exprType(fa, node.base);
  const name = node.identifier.name;
  const m = en.member(baseTy, name);
  const owner = sourceText(fa, node.base);
  const baseGlobal = isGlobalName(fa, node.base);
  const kind = baseGlobal ? '(global)' : '(field)';
  if (!m) {
    const site = fileIndex(fa).sites.get(occ.span.start);
    if (site?.fnNode && (site.kind === 'function' || site.kind === 'method')) {
      const fn = en.sigOf(fa, site.fnNode);
      const sep = site.kind === 'method' ? ':' : '.';
      return {
        label: functionLabel(
          en,
          `${owner}${sep}${name}`,
          fn,
          site.kind === 'method' ? '(method) ' : 'function ',
        ),
        ty: { k: 'function', fn },
      };
    }
    return { label: `${kind} ${owner}.${name}: unknown`, ty: { k: 'unknown' } };
  }
  const t = m.ty;
  const doc = m.api?.doc;
  if (t.k === 'function' && t.fn && !t.fn.declared) {
    const fn = t.fn;
    const def = fn.node?.identifier;
    if (def?.type === 'MemberExpression' && fn.method) {
      return {
        label: functionLabel(en, `${sourceText(fn.fa ?? fa, def.base)}:${name}`, fn, '(method) '),
        doc,
        ty: t,
      };
    }
    const libOwner = m.api?.origin === 'stdlib' ? stdOwner(baseTy, owner) : undefined;
    const baseDef = node.base.type === 'Identifier' ? en.defAt(fa, spanOf(node.base).start) : undefined;
    const cls = baseDef?.visible ? baseDef.doc?.className : undefined;
    const fnOwner = cls ?? (def?.type === 'MemberExpression' ? sourceText(fn.fa ?? fa, def.base) : owner);
    return { label: functionLabel(en, `${libOwner ?? fnOwner}.${name}`, fn), doc, ty: t };
  }
  if (t.k === 'function' && t.fn?.declared) {
    const cls = members(baseTy).find((x) => x.k === 'named');
    return { label: `(field) ${cls?.k === 'named' ? cls.name : owner}.${name}: ${view(t)}`, doc, ty: t };
  }
  return { label: `${kind} ${owner}.${name}: ${valueView(en, t)}`, doc, ty: t };
}

function stdOwner(baseTy: Ty, owner: string): string {
  if (baseTy.k === 'string') return 'string';
  if (baseTy.k === 'named') {
    if (baseTy.name === 'file' || baseTy.name === 'file*') return 'file';
    return isStdLib(baseTy.name) ? baseTy.name.slice(0, -3) : baseTy.name;
  }
  return owner;
}

function isGlobalName(fa: FileAnalysis, e: lp.Expression): boolean {
  if (e.type !== 'Identifier') return false;
  const occ = occurrenceAt(fa, spanOf(e).start);
  return !(occ?.defId !== undefined && fa.defs[occ.defId].visible);
}

/** The `function` keyword of a function without a name (`f(function () end)`): `function ()`. */
export function anonymousFunctionLabel(
  en: TypeEngine,
  fa: FileAnalysis,
  offset: number,
): (HoverLabel & { span: Span }) | undefined {
  const fn = functionsAround(fileIndex(fa), offset)[0];
  if (!fn || fn.identifier) return undefined;
  const start = spanOf(fn).start;
  if (offset > start + 'function'.length || !fa.text.startsWith('function', start)) return undefined;
  const sig = en.sigOf(fa, fn);
  return {
    label: functionLabel(en, '', sig),
    ty: { k: 'function', fn: sig },
    span: { start, end: start + 8 },
  };
}

/**
 * The label of a name on a line that does not parse (`t.x` alone, a bare `x` while typing): the
 * name and the chain before it are read from the text, their types from the analysed scope.
 */
export function textLabel(
  en: TypeEngine,
  fa: FileAnalysis,
  offset: number,
): (HoverLabel & { span: Span }) | undefined {
  const text = fa.text;
  let s = offset;
  let e = offset;
  while (s > 0 && /\w/.test(text[s - 1])) s--;
  while (e < text.length && /\w/.test(text[e])) e++;
  const name = text.slice(s, e);
  if (!/^[A-Za-z_]\w*$/.test(name) || LUA_KEYWORDS.includes(name)) return undefined;
  if (inCommentOrString(text.slice(text.lastIndexOf('\n', s - 1) + 1, s))) {
    const self = name === 'self' ? docSelf(en, fa, s) : undefined;
    return self && { label: view(self), ty: self, span: { start: s, end: e } };
  }
  const key = tableKeyType(en, fa, s, name);
  if (key) return { label: `(field) ${name}: ${valueView(en, key)}`, ty: key, span: { start: s, end: e } };
  const chain = chainBefore(text, e);
  if (!chain?.length || chain[chain.length - 1].name !== name) return undefined;
  const span = { start: s, end: e };
  if (chain.length === 1) {
    const def = visibleLocals(fa, s).find((d) => d.name === name);
    const occ: Occurrence = def
      ? { span, defId: fa.defs.indexOf(def), isDeclaration: false, isCall: false }
      : { span, global: name, isDeclaration: false, isCall: false };
    const l = hoverLabel(en, fa, occ);
    return l && { ...l, span };
  }
  const base = chainType(en, fa, chain.slice(0, -1), s);
  const t = en.member(base, name)?.ty ?? UNKNOWN;
  const owner = chain
    .slice(0, -1)
    .map((c, i) => (i ? c.sep : '') + c.name + (c.called ? '()' : ''))
    .join('');
  return { label: `(field) ${owner}.${name}: ${valueView(en, t)}`, ty: t, span };
}
