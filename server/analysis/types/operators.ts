import type { DocOperator } from '../types';
import { typeText } from './convert';
import type { TypeEngine } from './engine';
import { classBindings, substitute } from './generics';
import { members, widen, type Ty } from './ty';

/**
 * `---@operator` on classes: the result of `a + b`, `-a`, `#a`, `a()` when an operand's class
 * declares the operator. Binary operators try the left operand, then the right one (LuaLS reads
 * `1 + x` through `x`'s `add` too); an operator with an operand type applies when the other
 * operand is of that type (or a subclass of it), the first matching declaration wins.
 */

export const BINARY_OPS: Record<string, string> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '^': 'pow',
  '//': 'idiv',
  '&': 'band',
  '|': 'bor',
  '~': 'bxor',
  '<<': 'shl',
  '>>': 'shr',
  '..': 'concat',
};

export const UNARY_OPS: Record<string, string> = { '-': 'unm', '~': 'bnot', '#': 'len' };

interface BoundOperator {
  op: DocOperator;
  /** the class's type parameters as this value binds them (`Box<string>`: T = string) */
  bind: Map<string, Ty>;
}

/**
 * The operators a class (and its parents) declares, nearest first, with the class's type
 * parameters bound from `args` (unbound ones stay generic: `Box` gives `<T>`).
 */
function classOperators(
  en: TypeEngine,
  name: string,
  args: Ty[] | undefined,
  seen = new Set<string>(),
): BoundOperator[] {
  if (seen.has(name) || seen.size > 8) return [];
  seen.add(name);
  const c = en.project.classes().get(name);
  if (!c) return [];
  const bind = classBindings(en, name, args);
  for (const p of c.typeParams ?? []) if (!bind.has(p)) bind.set(p, { k: 'generic', name: p });
  const own = (c.operators ?? []).map((op) => ({ op, bind }));
  const inherited = c.parents.flatMap((p) => {
    const pargs = c.parentArgs?.[p]?.map((x) => substitute(typeText(x, undefined, en.alias), bind));
    return classOperators(en, p, pargs, seen);
  });
  return [...own, ...inherited];
}

function className(t: Ty): string | undefined {
  if (t.k === 'named') return t.name;
  if (t.k === 'string') return 'string';
  if (t.k === 'table' && t.ref?.def?.doc?.className) return t.ref.def.doc.className;
  return undefined;
}

/** Is `a` assignable to the operand type `p` (same type, number/integer, a subclass)? */
export function fits(en: TypeEngine, a: Ty, p: Ty, depth = 0): boolean {
  if (p.k === 'any' || p.k === 'unknown') return true;
  if (p.k === 'union') return p.items.some((x) => fits(en, a, x, depth));
  const w = widen(a);
  if (w.k === 'union') return w.items.some((x) => fits(en, x, p, depth));
  if (w.k === p.k && w.k !== 'named') return true;
  if (p.k === 'number' && w.k === 'integer') return true;
  if (p.k === 'named') {
    const n = className(w);
    if (!n || depth > 8) return false;
    if (n === p.name) return true;
    const c = en.project.classes().get(n);
    return !!c?.parents.some((x) => fits(en, { k: 'named', name: x }, p, depth + 1));
  }
  if (w.k === 'named' && depth <= 8) {
    const c = en.project.classes().get(w.name);
    return !!c?.parents.some((x) => fits(en, typeText(x, undefined, en.alias), p, depth + 1));
  }
  return false;
}

function pick(en: TypeEngine, self: Ty, op: string, other: Ty | undefined): Ty | undefined {
  for (const x of members(self)) {
    const n = className(x);
    if (!n) continue;
    for (const { op: o, bind } of classOperators(en, n, x.k === 'named' ? x.args : undefined)) {
      if (o.op !== op) continue;
      const operand = o.operand ? substitute(typeText(o.operand, undefined, en.alias), bind) : undefined;
      if (operand && other && !fits(en, other, operand)) continue;
      return substitute(typeText(o.result, undefined, en.alias), bind);
    }
  }
  return undefined;
}

/** The declared result of a binary operator on these operands, if a class declares one. */
export function binaryOperator(en: TypeEngine, op: string, l: Ty, r: Ty): Ty | undefined {
  const name = BINARY_OPS[op];
  if (!name) return undefined;
  return pick(en, l, name, r) ?? pick(en, r, name, l);
}

/** `-a`, `~a`, `#a`, `a()` through the operand's class. */
export function unaryOperator(en: TypeEngine, op: string, a: Ty): Ty | undefined {
  return pick(en, a, op, undefined);
}
