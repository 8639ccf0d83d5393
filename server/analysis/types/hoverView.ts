import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import { chainBefore, inCommentOrString } from '../context';
import { visibleLocals } from '../resolve';
import { LUA_KEYWORDS, stdlib } from '../stdlib';
import type { Definition, Occurrence, Span } from '../types';
import { chainType } from './chain';
import { typeText } from './convert';
import { fileIndex, functionsAround, nameNodeAt } from './astIndex';
import type { TypeEngine } from './engine';
import { membersOf, type MemberInfo } from './members';
import { literalText, members, UNKNOWN, view, viewInferred, viewParam, type FnSig, type Ty } from './ty';

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
  return /^[A-Za-z_]\w*$/.test(name) ? name : `[${JSON.stringify(name)}]`;
}

function fieldOrder(a: string, b: string): number {
  const rank = (n: string) => (n.startsWith('[') ? 2 : n.startsWith('_') ? 1 : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 2) {
    const na = Number(a.slice(1, -1));
    const nb = Number(b.slice(1, -1));
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  }
  return 0;
}

/** A field's type in a table view: functions are `function`, tables `table`. */
function fieldView(m: MemberInfo): string {
  const t = m.ty;
  if (t.k === 'function' && !t.fn?.declared) return 'function';
  if (t.k === 'table') return t.ref?.elem ? view(t) : 'table';
  const lit = literalText(t);
  return `${viewInferred(t)}${lit ? ` = ${lit}` : ''}`;
}

/** `{ ... }` body of a table or class view, or '' when it has no members. */
function tableBody(en: TypeEngine, t: Ty, showPrivate: boolean): string {
  const ms = [...membersOf(en, t).values()].filter(
    (m) => showPrivate || (m.visibility !== 'private' && m.visibility !== 'protected'),
  );
  if (!ms.length) return '';
  // plain tables keep source order (names, then `_names`, then `[n]` keys); classes sort by name
  const isClass = t.k === 'named' || (t.k === 'table' && (!!t.ref?.def?.doc?.className || !!t.ref?.meta));
  const byName = (a: MemberInfo, b: MemberInfo) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const ordered = [...ms].sort((a, b) => fieldOrder(a.name, b.name) || (isClass ? byName(a, b) : 0));
  const lines = ordered
    .slice(0, 50)
    .map(
      (m) =>
        `${INDENT}${keyText(m.name)}${m.ty.k === 'union' && m.ty.opt ? '?' : ''}: ${fieldView(m.ty.k === 'union' && m.ty.opt ? { ...m, ty: { ...m.ty, opt: undefined, items: m.ty.items.filter((x) => x.k !== 'nil') } } : m)},`,
    );
  return `{\n${lines.join('\n')}\n}`;
}

/** The type part of a value label (after `name: `), with the literal value when there is one. */
export function valueView(en: TypeEngine, t: Ty, showPrivate = false): string {
  if (t.k === 'record') {
    const lines = t.fields.map((f) => `${INDENT}${f.key}${f.optional ? '?' : ''}: ${view(f.ty)},`);
    return `{\n${lines.join('\n')}\n}`;
  }
  if (t.k === 'table') {
    const body = tableBody(en, t, showPrivate);
    const cls = t.ref?.def?.doc?.className;
    if (cls) return body ? `${cls} ${body}` : cls;
    return body || view(t);
  }
  if (t.k === 'named' && (en.project.classes().has(t.name) || isStdLib(t.name))) {
    const body = tableBody(en, t, showPrivate);
    return body ? `${view(t)} ${body}` : view(t);
  }
  const lit = literalText(t);
  return `${viewInferred(t)}${lit ? ` = ${lit}` : ''}`;
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
  if (isFunctionValue(t) && def.kind !== 'parameter')
    return { label: functionLabel(en, def.name, t.fn), doc, ty: t };
  let prefix = 'local ';
  if (def.kind === 'parameter') prefix = '(parameter) ';
  else if (def.kind === 'self') prefix = '(self) ';
  else if (at !== undefined && isUpvalue(fa, def, at)) prefix = '(upvalue) ';
  const attr = def.attribute ? ` <${def.attribute}>` : '';
  const showPrivate = !!def.doc?.className || def.kind === 'self';
  return { label: `${prefix}${def.name}${attr}: ${valueView(en, t, showPrivate)}`, doc, ty: t };
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
  return { label: `(global) ${name}: ${valueView(en, t, true)}`, doc, ty: t };
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
  if (inCommentOrString(text.slice(text.lastIndexOf('\n', s - 1) + 1, s))) return undefined;
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
