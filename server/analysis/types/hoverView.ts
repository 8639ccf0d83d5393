import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import { chainBefore, inCommentOrString } from '../context';
import { visibleLocals } from '../resolve';
import { LUA_KEYWORDS } from '../stdlib';
import type { Definition, Occurrence, Span } from '../types';
import { chainType } from './chain';
import { docSelf } from './generics';
import { typeText } from './convert';
import { tableKeyType } from './exprs';
import { fileIndex, functionsAround, nameNodeAt, type Expr, type FileIndex } from './astIndex';
import { argCount, chooseSignatures, signaturesOf } from './overloads';
import type { TypeEngine } from './engine';
import { isStdLib, valueView, type ViewScope } from './tableView';
import {
  members,
  numberText,
  UNKNOWN,
  view,
  viewFun,
  viewInferred,
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

/** Returns read from a function's body; none when nothing about them is known (`return y()`). */
function inferredReturns(en: TypeEngine, fn: FnSig): { ty: Ty; name?: string }[] {
  const rets = en.returnsOf(fn);
  return rets.every((t) => t.k === 'unknown') ? [] : rets.map((ty) => ({ ty }));
}

/** The function label: `function name(params)` and its returns. */
export function functionLabel(en: TypeEngine, name: string, sig: FnSig, prefix = 'function '): string {
  // `local function f(...)` with `---@overload`s shows as its first overload (LuaLS does)
  const first = signaturesOf(sig)[0];
  const fn = first === sig ? sig : { ...first, async: sig.async || first.async };
  const ps =
    prefix === '(method) ' && first !== sig && fn.params[0]?.name === 'self' ? fn.params.slice(1) : fn.params;
  const params = ps.map(viewParam);
  if (fn.vararg) params.push(`...${view(fn.vararg)}`);
  let s = `${fn.async ? '(async) ' : ''}${prefix}${name}(${params.join(', ')})`;
  const rets = fn.returns.length || !fn.node ? fn.returns : inferredReturns(en, fn);
  const lines = rets.map((r) => (r.name ? `${r.name}: ${viewInferred(r.ty)}` : viewInferred(r.ty)));
  if (fn.returnsVararg) lines.push(`...${view(fn.returnsVararg)}`);
  lines.forEach((l, i) => (s += i === 0 ? `\n  -> ${l}` : `\n  ${i + 1}. ${l}`));
  return s;
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
    return { label: functionLabel(en, fnName(fa, t.fn, def.name), t.fn), doc, ty: t };
  }
  let prefix = 'local ';
  if (def.kind === 'parameter') prefix = '(parameter) ';
  else if (def.kind === 'self') prefix = '(self) ';
  else if (at !== undefined && isUpvalue(fa, def, at)) prefix = '(upvalue) ';
  const attr = def.attribute ? ` <${def.attribute}>` : '';
  const scope = def.doc?.className ?? (def.kind === 'self' ? selfClass(t) : false);
  const view = valueView(en, t, scope, fieldReads(en, fa, def));
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

/**
 * The fields code reads or writes directly on a local (`u.x`, `t['a b']`, `t[1]`): LuaLS lists
 * them too. Names, or keys as written (`['a b']`, `[1]`).
 */
function fieldReads(en: TypeEngine, fa: FileAnalysis, def: Definition): string[] {
  const id = fa.defs.indexOf(def);
  const names = new Set<string>();
  for (const o of fa.occurrences)
    if (o.baseDefId === id && o.member?.chain.length === 1 && o.member.sep === '.') names.add(o.member.name);
  if (def.kind !== 'local' && def.kind !== 'localFunction') return [...names];
  for (const node of nameIndexes(fileIndex(fa))) {
    const occ = occurrenceAt(fa, spanOf(node.base).start);
    const k = occ?.defId === id ? en.exprType(fa, node.index) : undefined;
    if (k?.k === 'string' && k.lit !== undefined) names.add(`[${viewString(k.lit, k.quote)}]`);
    else if ((k?.k === 'integer' || k?.k === 'number') && k.lit !== undefined)
      names.add(`[${numberText(k.lit, k.k === 'integer')}]`);
  }
  return [...names];
}

/** The `name[...]` index expressions of a syntax tree, found once per tree (hovers reuse them). */
const indexCache = new WeakMap<FileIndex, lp.IndexExpression[]>();
function nameIndexes(idx: FileIndex): lp.IndexExpression[] {
  let list = indexCache.get(idx);
  if (list) return list;
  const found: lp.IndexExpression[] = [];
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as lp.Node;
    if (node.type === 'IndexExpression' && node.base.type === 'Identifier') found.push(node);
    for (const key in node)
      if (key !== 'range' && key !== 'loc') visit((node as unknown as Record<string, unknown>)[key]);
  };
  visit(idx.chunk.body);
  list = found;
  indexCache.set(idx, list);
  return list;
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
    return { label: functionLabel(en, fnName(fa, t.fn, name), t.fn), doc, ty: t };
  if (t.k === 'function' && t.fn?.declared) return { label: `(global) ${name}: ${view(t)}`, doc, ty: t };
  return {
    label: `(global) ${name}: ${valueView(en, t, def?.doc?.className ?? !def?.doc?.type)}`,
    doc,
    ty: t,
  };
}

/**
 * The name a function value shows under (LuaLS names it where it is defined): `local function f`
 * and `function M.f` keep theirs wherever they are held (`local x = require 'a'` shows `f`), an
 * unnamed function takes the name it is held by in its own file, and none from another file.
 */
function fnName(fa: FileAnalysis, fn: FnSig, holder: string): string {
  const id = fn.node?.identifier;
  const home = fn.fa ?? fa;
  if (id?.type === 'Identifier') return id.name;
  if (id?.type === 'MemberExpression')
    return `${sourceText(home, id.base)}${id.indexer}${id.identifier.name}`;
  return fn.node && fn.fa && fn.fa.uri !== fa.uri ? '' : holder;
}

function sourceText(fa: FileAnalysis, e: lp.Expression): string {
  const s = spanOf(e);
  return fa.text.slice(s.start, s.end);
}

function memberLabel(en: TypeEngine, fa: FileAnalysis, occ: Occurrence): HoverLabel | undefined {
  const node = nameNodeAt(fileIndex(fa), occ.span.start);
  if (!node) return undefined;
  if (node.type === 'TableKeyString') {
    // `---@class C` / `---@type T` above a field of a table constructor types that field
    const doc = en.docAbove(fa, spanOf(node.key).start);
    const declared = doc?.className ?? doc?.type;
    const t = declared ? typeText(declared, doc?.generics, en.alias) : en.exprType(fa, node.value);
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
  const cls = m.api?.nameSpan ? classOf(baseTy) : undefined;
  return { label: `${cls ? '(field)' : kind} ${cls ?? owner}.${name}: ${valueView(en, t)}`, doc, ty: t };
}

/** The class a value is an instance of, if any. */
function classOf(t: Ty): string | undefined {
  for (const x of members(t)) {
    if (x.k === 'named') return x.name;
    if (x.k === 'table' && x.ref?.def?.doc?.className) return x.ref.def.doc.className;
  }
  return undefined;
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
  const sep = chain[chain.length - 1].sep;
  if (isFunctionValue(t)) {
    const method = sep === ':' || !!t.fn.method;
    const label = functionLabel(
      en,
      `${owner}${method ? ':' : '.'}${name}`,
      t.fn,
      method ? '(method) ' : 'function ',
    );
    return { label, ty: t, span };
  }
  return { label: `(field) ${owner}.${name}: ${valueView(en, t)}`, ty: t, span };
}
