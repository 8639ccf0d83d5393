import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { stdlib } from '../stdlib';
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
  viewString,
  type Ty,
} from './ty';

/**
 * Values and tables in hover as LuaLS shows them: `integer = 1`, `{\n    x: integer = 1,\n}`,
 * `Class {\n    field: type,\n}`, with its key forms, field order and visibility rules.
 */

const INDENT = '    ';

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

/** LuaLS's `hover.previewFields` default: a table view lists this many fields, then `...(+n)`. */
export const PREVIEW_FIELDS = 50;

/**
 * LuaLS's order of a table view: names, then `[key]`s, then `_names`, each group sorted by its
 * text, cut to the first `PREVIEW_FIELDS`; when every field kept holds a number literal, those are
 * ordered by value instead.
 */
function orderFields(fields: ViewField[]): ViewField[] {
  const score = (k: string) => (k.startsWith('_') ? 10 : 0) + (k.startsWith('[') ? 1 : 0);
  const kept = [...fields]
    .sort((a, b) => score(a.key) - score(b.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, PREVIEW_FIELDS);
  const nums = kept.map((f) => {
    const lit = literalText(f.m.ty);
    return lit !== undefined && /^-?\d/.test(lit) && !lit.includes('|') ? Number(lit) : NaN;
  });
  if (!nums.every((n) => !Number.isNaN(n))) return kept;
  return kept
    .map((f, i) => ({ f, n: nums[i] }))
    .sort((a, b) => a.n - b.n)
    .map((e) => e.f);
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
  const lines = orderFields([...byKey.values()]).map(({ key, m }) => {
    const opt = m.ty.k === 'union' && m.ty.opt;
    const shown =
      opt && m.ty.k === 'union' ? { ...m, ty: union(m.ty.items.filter((x) => x.k !== 'nil')) } : m;
    return `${INDENT}${key}${opt ? '?' : ''}: ${fieldView(shown)},`;
  });
  if (byKey.size > PREVIEW_FIELDS) lines.push(`${INDENT}...(+${byKey.size - PREVIEW_FIELDS})`);
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
export function isStdLib(name: string): boolean {
  return name.endsWith('lib') && stdlib().classes.has(name.slice(0, -3));
}
