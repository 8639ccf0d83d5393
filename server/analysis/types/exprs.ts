import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import { exprAt, fileIndex, type Expr } from './astIndex';
import type { TypeEngine } from './engine';
import { falsy, members, truthy, union, UNKNOWN, NIL, type Ty } from './ty';
import { typeText } from './convert';
import { binaryOperator, UNARY_OPS, unaryOperator } from './operators';

/** Typing of one expression node (the engine memoises and guards the recursion). */
export function exprTypeOf(en: TypeEngine, fa: FileAnalysis, e: Expr): Ty {
  const cast = asCast(en, fa, e);
  if (cast) return cast;
  switch (e.type) {
    case 'NilLiteral':
      return NIL;
    case 'BooleanLiteral':
      return { k: 'boolean', lit: e.value };
    case 'NumericLiteral':
      return numberLiteral(e);
    case 'StringLiteral':
      return stringLiteral(e.raw);
    case 'VarargLiteral':
      return en.varargType(fa, spanOf(e).start);
    case 'TableConstructorExpression':
      return tableType(en, fa, e);
    case 'FunctionDeclaration':
      return en.functionType(fa, e);
    case 'Identifier':
      return identifierType(en, fa, e);
    case 'MemberExpression': {
      const base = en.exprType(fa, e.base);
      return en.member(base, e.identifier.name)?.ty ?? UNKNOWN;
    }
    case 'IndexExpression':
      return indexType(en, fa, e);
    case 'CallExpression':
    case 'StringCallExpression':
    case 'TableCallExpression':
      return en.callTypes(fa, e)[0] ?? UNKNOWN;
    case 'BinaryExpression':
      return binaryType(en, fa, e);
    case 'LogicalExpression':
      return logicalType(en, fa, e);
    case 'UnaryExpression':
      return unaryType(en, fa, e);
    default:
      return UNKNOWN;
  }
}

/** `expr --[[@as T]]` */
export function asCast(en: TypeEngine, fa: FileAnalysis, e: Expr): Ty | undefined {
  const end = spanOf(e).end;
  if (fa.text.charCodeAt(end) !== 45 && fa.text.charCodeAt(end + 1) !== 45) return undefined;
  const m = /^\s*--\[=*\[\s*@as\s+([^\]]+)\]/.exec(fa.text.slice(end, end + 120));
  return m ? typeText(m[1].trim(), undefined, en.alias) : undefined;
}

/** A string literal keeps the quote it was written with (hover shows it the same way). */
function stringLiteral(raw: string): Ty {
  const long = /^\[=*\[/.exec(raw);
  const quote = long ? long[0] : raw[0] === "'" ? "'" : undefined;
  return quote ? { k: 'string', lit: stringValue(raw), quote } : { k: 'string', lit: stringValue(raw) };
}

function numberLiteral(e: lp.NumericLiteral): Ty {
  const raw = e.raw;
  const isFloat = /^0[xX]/.test(raw) ? /[.pP]/.test(raw) : /[.eE]/.test(raw);
  return isFloat ? { k: 'number', lit: e.value } : { k: 'integer', lit: e.value };
}

/** Decode a Lua string literal's source text. */
export function stringValue(raw: string): string {
  const long = /^\[(=*)\[\n?([\s\S]*)\]\1\]$/.exec(raw);
  if (long) return long[2];
  const body = raw.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|\d{1,3}|u\{[0-9a-fA-F]+\}|z\s*|[\s\S])/g, (_, c: string) => {
    switch (c[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'x':
        return String.fromCharCode(parseInt(c.slice(1), 16));
      case 'u':
        return String.fromCodePoint(parseInt(c.slice(2, -1), 16));
      case 'z':
        return '';
      default:
        return /\d/.test(c[0]) ? String.fromCharCode(parseInt(c, 10)) : c;
    }
  });
}

function tableType(en: TypeEngine, fa: FileAnalysis, e: lp.TableConstructorExpression): Ty {
  if (
    e.fields.length === 1 &&
    e.fields[0].type === 'TableValue' &&
    e.fields[0].value.type === 'VarargLiteral'
  ) {
    const v = en.varargType(fa, spanOf(e).start);
    if (v.k !== 'unknown') return { k: 'array', elem: v };
  }
  const expected = expectedClass(en, fa, e);
  return { k: 'table', ref: expected ? { ctor: e, fa, expected } : { ctor: e, fa } };
}

/**
 * The class a table constructor is written for: the parameter's class where it is a call
 * argument (`f { x = 1 }` with `---@param c C`), the field's class inside such a table.
 */
function expectedClass(en: TypeEngine, fa: FileAnalysis, e: lp.TableConstructorExpression): Ty | undefined {
  const idx = fileIndex(fa);
  let t: Ty | undefined;
  const arg = idx.argOf.get(e);
  const key = idx.keyOf.get(e);
  if (arg) {
    const base = arg.call.base;
    const colon = base.type === 'MemberExpression' && base.indexer === ':';
    for (const c of members(en.exprType(fa, base))) {
      if (c.k !== 'function' || !c.fn) continue;
      const at = arg.index + (colon && !c.fn.method ? 1 : 0) - (!colon && c.fn.method ? 1 : 0);
      t = at >= 0 ? c.fn.params[at]?.ty : undefined;
      if (t) break;
    }
  } else if (key) {
    const parent = en.exprType(fa, key.ctor);
    t =
      parent.k === 'table' && parent.ref?.expected ? en.member(parent.ref.expected, key.key)?.ty : undefined;
  }
  return t && members(t).find((x) => x.k === 'named' && en.project.classes().has(x.name));
}

/** `name = ` being written inside a table constructor: the field's type from the table's class. */
export function tableKeyType(en: TypeEngine, fa: FileAnalysis, start: number, name: string): Ty | undefined {
  if (!/^\s*=(?!=)/.test(fa.text.slice(start + name.length, start + name.length + 40))) return undefined;
  const e = exprAt(fileIndex(fa), start);
  if (e?.type !== 'TableConstructorExpression') return undefined;
  const t = en.exprType(fa, e);
  return t.k === 'table' && t.ref?.expected ? en.member(t, name)?.ty : undefined;
}

function identifierType(en: TypeEngine, fa: FileAnalysis, e: lp.Identifier): Ty {
  const start = spanOf(e).start;
  const occ = occurrenceAt(fa, start);
  if (occ?.defId !== undefined && !occ.member) {
    const def = fa.defs[occ.defId];
    if (def.visible) return en.defType(fa, def, start);
    // a global set in this file flows like a local here (`if G then ... G ... end`)
    if (fa.globals.get(def.name) === def) return en.defType(fa, def, start);
    return en.globalType(def.name, fa);
  }
  return en.globalType(e.name, fa);
}

function indexType(en: TypeEngine, fa: FileAnalysis, e: lp.IndexExpression): Ty {
  const base = en.exprType(fa, e.base);
  const out: Ty[] = [];
  for (const b of members(base)) {
    if (b.k === 'array') out.push(b.elem);
    else if (b.k === 'map') out.push(b.value);
    else if (b.k === 'table' && b.ref?.elem) out.push(b.ref.elem);
    else {
      const key = e.index;
      const name =
        key.type === 'StringLiteral'
          ? stringValue(key.raw)
          : key.type === 'NumericLiteral'
            ? `[${key.raw}]`
            : undefined;
      if (name !== undefined) {
        const m =
          en.member(b, name) ?? (key.type === 'NumericLiteral' ? en.member(b, '[integer]') : undefined);
        if (m) out.push(m.ty);
      } else if (key.type === 'UnaryExpression' && key.operator === '#' && b.k === 'table' && b.ref?.ctor) {
        const pos = b.ref.ctor.fields.filter((f) => f.type === 'TableValue');
        const last = pos[pos.length - 1];
        const explicit = b.ref.ctor.fields.find(
          (f) => f.type === 'TableKey' && f.key.type === 'NumericLiteral' && f.key.value === pos.length + 1,
        );
        if (explicit && explicit.type === 'TableKey') out.push(en.exprType(fa, explicit.value));
        else if (last) out.push(en.exprType(fa, last.value));
        else {
          const one = b.ref.ctor.fields.find(
            (f) => f.type === 'TableKey' && f.key.type === 'NumericLiteral' && f.key.value === 1,
          );
          if (one && one.type === 'TableKey') out.push(en.exprType(fa, one.value));
        }
      } else {
        const m = keyNames(en.exprType(fa, key)).reduce<ReturnType<typeof en.member>>(
          (found, n) => found ?? en.member(b, n),
          undefined,
        );
        if (m) out.push(m.ty);
      }
    }
  }
  return out.length ? union(out) : UNKNOWN;
}

/** The member names a key of type `t` reads: `[B]` for a class key, `[string]`, then `[integer]`. */
function keyNames(t: Ty): string[] {
  const out: string[] = [];
  for (const x of members(t)) {
    if (x.k === 'named') out.push(`[${x.name}]`);
    else if (x.k === 'string' && x.lit !== undefined) out.push(x.lit);
    else if (x.k === 'string') out.push('[string]');
    else if (x.k === 'boolean') out.push('[boolean]');
  }
  out.push('[integer]');
  return out;
}

const ARITH = new Set(['+', '-', '*', '%', '//']);
const BITS = new Set(['&', '|', '~', '<<', '>>']);

function num(t: Ty): { int: boolean; lit?: number } | undefined {
  if (t.k === 'integer') return { int: true, lit: t.lit };
  if (t.k === 'number') return { int: false, lit: t.lit };
  return undefined;
}

function fold(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '//':
      return b === 0 ? undefined : Math.floor(a / b);
    case '%':
      return b === 0 ? undefined : a - Math.floor(a / b) * b;
    case '&':
      return Number(BigInt.asIntN(64, BigInt(a) & BigInt(b)));
    case '|':
      return Number(BigInt.asIntN(64, BigInt(a) | BigInt(b)));
    case '~':
      return Number(BigInt.asIntN(64, BigInt(a) ^ BigInt(b)));
    case '<<':
      return b >= 64 ? 0 : Number(BigInt.asIntN(64, BigInt(a) << BigInt(b)));
    case '>>':
      return b >= 64 ? 0 : Number(BigInt.asUintN(64, BigInt.asUintN(64, BigInt(a)) >> BigInt(b)));
    default:
      return undefined;
  }
}

function binaryType(en: TypeEngine, fa: FileAnalysis, e: lp.BinaryExpression): Ty {
  const op = e.operator;
  if (['==', '~=', '<', '>', '<=', '>='].includes(op)) return { k: 'boolean' };
  const l = en.exprType(fa, e.left);
  const r = en.exprType(fa, e.right);
  const declared = binaryOperator(en, op, l, r);
  if (declared) return declared;
  if (op === '..') {
    const ok = (t: Ty) => t.k === 'string' || t.k === 'integer' || t.k === 'number';
    if (!ok(l) || !ok(r)) return UNKNOWN;
    const lit = (t: Ty) =>
      t.k === 'string'
        ? t.lit
        : t.k === 'integer' || t.k === 'number'
          ? t.lit !== undefined
            ? String(t.lit)
            : undefined
          : undefined;
    const a = lit(l);
    const b = lit(r);
    return a !== undefined && b !== undefined ? { k: 'string', lit: a + b } : { k: 'string' };
  }
  const a = num(l);
  const b = num(r);
  if (op === '/' || op === '^') return a && b ? { k: 'number' } : a || b ? { k: 'number' } : UNKNOWN;
  if (!a || !b) return UNKNOWN;
  if (BITS.has(op)) {
    if (!a.int || !b.int) return UNKNOWN;
    const v = a.lit !== undefined && b.lit !== undefined ? fold(op, a.lit, b.lit) : undefined;
    return { k: 'integer', lit: v };
  }
  if (ARITH.has(op)) {
    const int = a.int && b.int;
    const v = a.lit !== undefined && b.lit !== undefined ? fold(op, a.lit, b.lit) : undefined;
    return int ? { k: 'integer', lit: v } : { k: 'number', lit: v };
  }
  return UNKNOWN;
}

function neverFalsy(t: Ty): boolean {
  return members(t).every(
    (x) =>
      x.k !== 'nil' &&
      x.k !== 'unknown' &&
      x.k !== 'any' &&
      !(x.k === 'boolean' && x.lit !== true) &&
      !(x.k === 'literal' && (x.text === 'false' || x.text === 'nil')),
  );
}

function logicalType(en: TypeEngine, fa: FileAnalysis, e: lp.LogicalExpression): Ty {
  const l = en.exprType(fa, e.left);
  const r = en.exprType(fa, e.right);
  if (e.operator === 'and') {
    if (neverFalsy(l)) return r;
    if (l.k === 'unknown' || r.k === 'unknown') return UNKNOWN;
    const f = falsy(l);
    // `t and t[i]` on `T[]?`: the left side's `?` stays (LuaLS keeps the optional mark)
    if (f.k === 'nil') return l.k === 'union' && l.opt ? union([r], true) : r;
    return union([f, r]);
  }
  if (neverFalsy(l)) return l;
  const t = truthy(l);
  return t.k === 'unknown' ? r : union([t, r]);
}

function unaryType(en: TypeEngine, fa: FileAnalysis, e: lp.UnaryExpression): Ty {
  if (UNARY_OPS[e.operator]) {
    const declared = unaryOperator(en, UNARY_OPS[e.operator], en.exprType(fa, e.argument));
    if (declared) return declared;
  }
  switch (e.operator) {
    case 'not':
      return { k: 'boolean' };
    case '#':
      return { k: 'integer' };
    case '~': {
      const a = num(en.exprType(fa, e.argument));
      return {
        k: 'integer',
        lit: a?.int && a.lit !== undefined ? Number(BigInt.asIntN(64, ~BigInt(a.lit))) : undefined,
      };
    }
    case '-': {
      const a = num(en.exprType(fa, e.argument));
      if (!a) return { k: 'number' };
      return { k: a.int ? 'integer' : 'number', lit: a.lit !== undefined ? -a.lit : undefined };
    }
    default:
      return UNKNOWN;
  }
}
