import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import type { Definition } from '../types';
import { fileIndex, type Expr } from './astIndex';
import { typeText } from './convert';
import type { TypeEngine } from './engine';
import { stringValue } from './exprs';
import { falsy, members, nonNil, NIL, truthy, union, UNKNOWN, view, type Ty } from './ty';

/**
 * Narrowing of one local by a condition, as LuaLS narrows: `if x then`, `not x`, `and`/`or`,
 * `x == nil`, `type(x) == 'string'` (also through `local tp = type(x)`), a field compared with a
 * literal (`obj.kind == 'a'` keeps the classes whose `kind` can be `'a'`), and `---@cast`.
 */
export class Conditions {
  constructor(
    readonly en: TypeEngine,
    readonly fa: FileAnalysis,
    readonly def: Definition,
  ) {}

  isX(e: Expr | null | undefined): boolean {
    if (e?.type !== 'Identifier') return false;
    const occ = occurrenceAt(this.fa, spanOf(e).start);
    return occ?.defId === this.def.id && !occ.member;
  }

  /** `t` refined by `c` being `truth`. */
  cond(t: Ty, c: Expr, truth: boolean): Ty {
    if (this.isX(c)) return truth ? truthy(t) : falsyKeepingOpt(t);
    if (c.type === 'UnaryExpression' && c.operator === 'not') return this.cond(t, c.argument, !truth);
    if (c.type === 'LogicalExpression') {
      if (c.operator === 'and' && truth) return this.cond(this.cond(t, c.left, true), c.right, true);
      if (c.operator === 'or' && !truth) return this.cond(this.cond(t, c.left, false), c.right, false);
      // `a or b` holds: a holds, or a fails and b holds (and `a and b` fails likewise)
      const r = union([this.cond(t, c.left, truth), this.cond(this.cond(t, c.left, !truth), c.right, truth)]);
      return sameMembers(r, t) ? t : r;
    }
    if (c.type === 'BinaryExpression' && (c.operator === '==' || c.operator === '~=')) {
      return this.equality(t, c, (c.operator === '==') === truth);
    }
    return t;
  }

  private equality(t: Ty, c: lp.BinaryExpression, eq: boolean): Ty {
    const [x, other] = this.isX(c.left) ? [c.left, c.right] : this.isX(c.right) ? [c.right, c.left] : [];
    if (x && other?.type === 'NilLiteral') return eq ? NIL : nonNil(t);
    // `x == 1` (or `'s'`, `true`): x is not nil there; an untyped x takes the literal's type
    const lit = other ? literalTy(other) : undefined;
    if (x && eq && lit && !(lit.k === 'boolean' && lit.lit === false)) {
      if (t.k !== 'unknown') return nonNil(t);
      if (lit.k === 'string') return { k: 'string' };
      if (lit.k === 'boolean') return { k: 'boolean' };
      return other?.type === 'NumericLiteral' && /^-?\d+$|^0[xX][\da-fA-F]+$/.test(other.raw)
        ? { k: 'integer' }
        : { k: 'number' };
    }
    const ty = this.typeCheck(c);
    if (ty) return eq ? byTypeName(t, ty.name) : withoutTypeName(t, ty.name);
    const field = this.fieldCheck(c);
    if (field) return byField(this.en, t, field.name, field.value, eq);
    return t;
  }

  /** `type(x) == 'name'`, or `tp == 'name'` where `local tp = type(x)`. */
  private typeCheck(c: lp.BinaryExpression): { name: string } | undefined {
    const pick = (a: Expr, b: Expr) => {
      if (b.type !== 'StringLiteral') return undefined;
      const call = a.type === 'Identifier' ? this.typeLocal(a) : a;
      return call && this.isTypeCall(call) ? { name: stringValue(b.raw) } : undefined;
    };
    return pick(c.left, c.right) ?? pick(c.right, c.left);
  }

  private isTypeCall(a: Expr): boolean {
    return (
      a.type === 'CallExpression' &&
      a.base.type === 'Identifier' &&
      a.base.name === 'type' &&
      a.arguments.length === 1 &&
      this.isX(a.arguments[0])
    );
  }

  /** The `type(x)` call a local was initialised with (`local tp = type(x)`). */
  private typeLocal(id: lp.Identifier): Expr | undefined {
    const occ = occurrenceAt(this.fa, spanOf(id).start);
    if (occ?.defId === undefined || occ.member) return undefined;
    const d = this.fa.defs[occ.defId];
    const site = fileIndex(this.fa).sites.get(d.span.start);
    if (site?.kind !== 'local' || site.index !== 0) return undefined;
    return site.values[0];
  }

  /** `x.field == <literal>` */
  private fieldCheck(c: lp.BinaryExpression): { name: string; value: Ty } | undefined {
    const pick = (a: Expr, b: Expr) => {
      if (a.type !== 'MemberExpression' || a.indexer !== '.' || !this.isX(a.base)) return undefined;
      const value = literalTy(b);
      return value ? { name: a.identifier.name, value } : undefined;
    };
    return pick(c.left, c.right) ?? pick(c.right, c.left);
  }
}

/** `not x` on an optional type keeps it optional (`if x then x = 's' end` gives `string?`). */
function falsyKeepingOpt(t: Ty): Ty {
  const f = falsy(t);
  if (t.k === 'union' && t.opt && f.k === 'nil') return { k: 'union', items: [NIL], opt: true };
  return f;
}

function literalTy(e: Expr): Ty | undefined {
  if (e.type === 'StringLiteral') return { k: 'string', lit: stringValue(e.raw) };
  if (e.type === 'NumericLiteral') return { k: 'number', lit: e.value };
  if (e.type === 'BooleanLiteral') return { k: 'boolean', lit: e.value };
  return undefined;
}

/** The literal values a type admits, undefined when it admits any value of its kind. */
function literalsOf(t: Ty): { kind: string; value: unknown }[] | undefined {
  const out: { kind: string; value: unknown }[] = [];
  for (const x of members(t)) {
    if ((x.k === 'string' || x.k === 'boolean') && x.lit !== undefined) out.push({ kind: x.k, value: x.lit });
    else if ((x.k === 'integer' || x.k === 'number') && x.lit !== undefined)
      out.push({ kind: 'number', value: x.lit });
    else if (x.k === 'literal') {
      const s = /^["'`](.*)["'`]$/s.exec(x.text);
      if (s) out.push({ kind: 'string', value: s[1] });
      else if (x.text === 'true' || x.text === 'false')
        out.push({ kind: 'boolean', value: x.text === 'true' });
      else if (!isNaN(Number(x.text))) out.push({ kind: 'number', value: Number(x.text) });
      else return undefined;
    } else if (x.k !== 'nil') return undefined;
  }
  return out;
}

function kindOf(t: Ty): string {
  return t.k === 'integer' ? 'number' : t.k;
}

/** Keep the members of `t` whose field `name` can (eq) or need not (not eq) be `value`. */
function byField(en: TypeEngine, t: Ty, name: string, value: Ty, eq: boolean): Ty {
  const lit = value.k === 'string' || value.k === 'number' || value.k === 'boolean' ? value.lit : undefined;
  const list = members(t);
  const keep = list.filter((m) => {
    if (m.k !== 'named' && m.k !== 'record' && m.k !== 'table') return !eq;
    const f = en.member(m, name)?.ty;
    if (!f) return !eq;
    const lits = literalsOf(f);
    if (!lits) {
      const kinds = members(f).map(kindOf);
      return !eq || kinds.includes(kindOf(value)) || kinds.includes('any') || kinds.includes('unknown');
    }
    const hits = lits.filter((l) => l.kind === kindOf(value) && l.value === lit);
    return eq ? hits.length > 0 : !(hits.length === lits.length && lits.length > 0);
  });
  return keep.length && keep.length < list.length ? union(keep) : t;
}

export function sameMembers(a: Ty, b: Ty): boolean {
  const key = (t: Ty) =>
    members(t)
      .map((x) => view(x))
      .sort()
      .join('|');
  return key(a) === key(b);
}

function typeName(t: Ty, name?: string): string | undefined {
  switch (t.k) {
    case 'integer':
      return name === 'integer' ? 'integer' : 'number';
    case 'number':
      return 'number';
    case 'literal':
      return t.text === 'true' || t.text === 'false'
        ? 'boolean'
        : /^["'`]/.test(t.text)
          ? 'string'
          : 'number';
    case 'string':
    case 'boolean':
    case 'nil':
    case 'table':
    case 'function':
      return t.k;
    case 'array':
    case 'map':
    case 'record':
      return 'table';
    case 'named':
      return t.name === 'thread' || t.name === 'userdata' ? t.name : 'table';
    default:
      return undefined;
  }
}

const TYPE_NAMES = new Set(['integer', 'number', 'string', 'boolean', 'table', 'function', 'nil']);

function byTypeName(t: Ty, name: string): Ty {
  const keep = members(t).filter((x) => typeName(x, name) === name);
  if (keep.length) return union(keep);
  if (TYPE_NAMES.has(name)) return { k: name } as Ty;
  return t;
}

function withoutTypeName(t: Ty, name: string): Ty {
  const keep = members(t).filter((x) => typeName(x, name) !== name);
  return keep.length ? union(keep) : t;
}

// ---- casts ---------------------------------------------------------------------------------------

/** A `---@cast name ...` comment of one local. */
export interface Cast {
  offset: number;
  parts: string[];
}

const fileCasts = new WeakMap<FileAnalysis, { text: string; casts: (Cast & { name: string })[] }>();
const defCasts = new WeakMap<Definition, { text: string; casts: Cast[] }>();

/** Every `---@cast name ...` comment of a file (found once per text). */
function allCasts(fa: FileAnalysis): (Cast & { name: string })[] {
  const hit = fileCasts.get(fa);
  if (hit?.text === fa.text) return hit.casts;
  const casts: (Cast & { name: string })[] = [];
  if (fa.text.includes('@cast')) {
    const re = /---\s*@cast\s+([\w.]+)\s+([^\n]*)/g;
    for (let m = re.exec(fa.text); m; m = re.exec(fa.text))
      casts.push({ offset: m.index, name: m[1], parts: m[2].split(',').map((p) => p.trim()) });
  }
  fileCasts.set(fa, { text: fa.text, casts });
  return casts;
}

/** The `---@cast` comments naming `def` where `def` is the local that name resolves to. */
export function castsOf(fa: FileAnalysis, def: Definition): Cast[] {
  const hit = defCasts.get(def);
  if (hit?.text === fa.text) return hit.casts;
  const casts = allCasts(fa).filter(
    (c) =>
      c.name === def.name &&
      (!def.visible || (c.offset >= def.visible.start && c.offset <= def.visible.end)) &&
      // a local's cast names the local visible there; a global's, no local of that name
      innermost(fa, def.name, c.offset) === (def.visible ? def : undefined),
  );
  defCasts.set(def, { text: fa.text, casts });
  return casts;
}

/** The local named `name` visible at `offset` (the innermost scope's). */
function innermost(fa: FileAnalysis, name: string, offset: number): Definition | undefined {
  let best: Definition | undefined;
  for (const d of fa.defs) {
    if (d.name !== name || !d.visible || offset < d.visible.start || offset > d.visible.end) continue;
    if (!best || (best.visible && d.visible.start >= best.visible.start)) best = d;
  }
  return best;
}

/** `---@cast x T`, `+T`, `-T`, `+?`, `-?` */
export function applyCast(en: TypeEngine, t: Ty, cast: Cast): Ty {
  let out = t;
  for (const p of cast.parts) {
    if (p === '+?') out = union([out], true);
    else if (p === '-?') out = nonNil(out);
    else if (p.startsWith('+')) out = union([out, typeText(p.slice(1), undefined, en.alias)]);
    else if (p.startsWith('-')) {
      const rm = typeText(p.slice(1), undefined, en.alias);
      const keep = members(out).filter(
        (x) => x.k !== rm.k || (rm.k === 'named' && x.k === 'named' && x.name !== rm.name),
      );
      out = keep.length ? union(keep) : UNKNOWN;
    } else if (p) out = typeText(p, undefined, en.alias);
  }
  return out;
}
