import type { FileAnalysis } from '../fileAnalysis';
import { visibleLocals } from '../resolve';
import type { ChainItem } from '../types';
import type { TypeEngine } from './engine';
import { UNKNOWN, type Ty } from './ty';

/**
 * Types of text-based name chains (`a.b:c().`), for requests made while the line does not parse
 * (completion after `.`, signature help inside an unclosed call). `offset` is a position in the
 * analysed version of the text where the chain's head is in scope.
 */

/** The first value a call of `t` returns. */
export function firstReturn(en: TypeEngine, t: Ty): Ty {
  if (t.k === 'function' && t.fn) return en.returnsOf(t.fn)[0] ?? UNKNOWN;
  return UNKNOWN;
}

export function headType(en: TypeEngine, fa: FileAnalysis, name: string, offset: number): Ty {
  const local = visibleLocals(fa, offset).find((d) => d.name === name);
  if (local) return en.defType(fa, local, offset);
  return en.globalType(name, fa);
}

/** The type of `chain` (every item, its calls included). */
export function chainType(en: TypeEngine, fa: FileAnalysis, chain: ChainItem[], offset: number): Ty {
  if (!chain.length) return UNKNOWN;
  let t = headType(en, fa, chain[0].name, offset);
  if (chain[0].called) t = firstReturn(en, t);
  t = indexed(en, t, chain[0].indexes);
  for (let i = 1; i < chain.length; i++) {
    const m = en.member(t, chain[i].name);
    if (!m) return UNKNOWN;
    t = indexed(en, chain[i].called ? firstReturn(en, m.ty) : m.ty, chain[i].indexes);
  }
  return t;
}

/** `t[1]`, `t['k']`, `t[i]`: the element, field or value type. */
function indexed(en: TypeEngine, t: Ty, indexes: string[] | undefined): Ty {
  for (const key of indexes ?? []) {
    const m = key === '[]' ? (en.member(t, '[integer]') ?? en.member(t, '[string]')) : en.member(t, key);
    if (!m) return UNKNOWN;
    t = m.ty;
  }
  return t;
}

/** `('x'):`, `"x":` and `[[x]]:` bases, which name chains cannot express. */
export function literalBaseBefore(text: string, end: number): Ty | undefined {
  const before = text.slice(Math.max(0, end - 200), end).trimEnd();
  if (/(\(\s*(['"]).*\2\s*\)|\(\s*\[=*\[[\s\S]*\]=*\]\s*\))$/.test(before)) return { k: 'string' };
  return undefined;
}
