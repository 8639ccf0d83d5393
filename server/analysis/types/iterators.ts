import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import type { Expr } from './astIndex';
import type { TypeEngine } from './engine';
import { stringValue } from './exprs';
import { bindGeneric, hasGeneric, substitute } from './generics';
import { membersOf } from './members';
import { union, UNKNOWN, type Ty } from './ty';

/**
 * The loop variables of `for k, v in <iterators>`: `pairs(t)`, `ipairs(t)`, `next, t`, and any
 * iterator function whose returns are known (`---@return fun():K, V`, `string.gmatch`).
 */
export function iterTypes(en: TypeEngine, fa: FileAnalysis, iters: Expr[]): Ty[] {
  const first = iters[0];
  if (!first) return [];
  const call = first.type === 'CallExpression' ? first : undefined;
  const name = call?.base.type === 'Identifier' && isGlobal(fa, call.base) ? call.base.name : undefined;
  if (name === 'pairs' || name === 'ipairs') {
    const t = en.exprType(fa, call?.arguments[0]);
    return keyValue(en, t, name === 'ipairs');
  }
  if (first.type === 'Identifier' && first.name === 'next' && isGlobal(fa, first))
    return keyValue(en, en.exprType(fa, iters[1]), false);
  // a generic iterator: the function's returns
  const all = call ? en.callTypes(fa, call) : [en.exprType(fa, first), en.exprType(fa, iters[1])];
  const f = all[0];
  if (f?.k === 'function' && f.fn) {
    let rets = en.returnsOf(f.fn);
    const p0 = f.fn.params[0];
    if (p0 && all[1] && rets.some((r) => hasGeneric(r))) {
      const bind = new Map<string, Ty>();
      bindGeneric(en, p0.ty, all[1], bind);
      rets = rets.map((r) => substitute(r, bind));
    }
    if (rets.length) return rets.map(stripNil);
  }
  return [];
}

function stripNil(t: Ty): Ty {
  if (t.k !== 'union') return t;
  const items = t.items.filter((x) => x.k !== 'nil');
  return items.length ? union(items) : UNKNOWN;
}

function isGlobal(fa: FileAnalysis, id: { type: string; name?: string }): boolean {
  const occ = occurrenceAt(fa, spanOf(id).start);
  return !(occ?.defId !== undefined && fa.defs[occ.defId].visible) && !fa.globals.has(id.name ?? '');
}

/** Key and value types of a table-like type. */
export function keyValue(en: TypeEngine, t: Ty, arrayOnly: boolean): Ty[] {
  if (t.k === 'array') return [{ k: 'integer' }, t.elem];
  if (t.k === 'map') return [t.key, t.value];
  if (t.k === 'table' && t.ref?.elem) return [{ k: 'integer' }, t.ref.elem];
  if (t.k === 'named') {
    const m = en.member(t, '[integer]');
    if (m) return [{ k: 'integer' }, m.ty];
  }
  if (t.k === 'table' && t.ref?.ctor) {
    const keys: Ty[] = [];
    const vals: Ty[] = [];
    for (const f of t.ref.ctor.fields) {
      if (f.type === 'TableValue') {
        keys.push({ k: 'integer' });
        vals.push(en.exprType(t.ref.fa ?? (undefined as never), f.value));
      } else if (!arrayOnly) {
        if (f.type === 'TableKeyString') keys.push({ k: 'string' });
        else if (f.key.type === 'StringLiteral') keys.push({ k: 'string' });
        else if (f.key.type === 'NumericLiteral') keys.push({ k: 'integer' });
        else keys.push(en.exprType(t.ref.fa ?? (undefined as never), f.key));
        vals.push(en.exprType(t.ref.fa ?? (undefined as never), f.value));
      }
    }
    if (keys.length) return [widenLits(union(keys)), widenLits(union(vals))];
  }
  if (t.k === 'table') {
    const ms = membersOf(en, t);
    if (ms.size && !arrayOnly) return [{ k: 'string' }, widenLits(union([...ms.values()].map((m) => m.ty)))];
  }
  void stringValue;
  return [];
}

function widenLits(t: Ty): Ty {
  const strip = (x: Ty): Ty =>
    x.k === 'string' || x.k === 'integer' || x.k === 'number' || x.k === 'boolean' ? { k: x.k } : x;
  return t.k === 'union' ? union(t.items.map(strip)) : strip(t);
}
