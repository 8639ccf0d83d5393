import type { FileAnalysis } from '../fileAnalysis';
import { fileIndex, type Expr } from './astIndex';
import { typeText } from './convert';
import type { TypeEngine } from './engine';
import { stringValue } from './exprs';
import { members, widen, type FnSig, type Ty, type TyParam } from './ty';

/**
 * Overload selection as LuaLS does it at a call: the signatures (a function and its `---@overload`s)
 * whose parameter count admits the number of arguments (a last argument that is a call counts
 * the values it returns: none, one, ...), then those whose parameter types accept the argument
 * types (literal `'x'`/`1`/`true` parameters, boolean vs number, classes and their parents).
 * When several fit, the ones matching most literal parameters win; when none fits, every
 * signature that fits the count (or every signature) stays.
 */

/** A function's signatures: itself and its overloads (a `f(...)` with overloads is only those). */
export function signaturesOf(fn: FnSig): FnSig[] {
  const overloads = fn.overloads ?? [];
  if (!overloads.length) return [fn];
  const onlyVararg = fn.params.length === 0 && !!fn.vararg && !fn.returns.length;
  return onlyVararg ? overloads : [fn, ...overloads];
}

/** The parameters a call's arguments line up with (`self` added or dropped for `.`/`:` calls). */
export function callParams(sig: FnSig, colon: boolean): TyParam[] {
  if (sig.method && !colon) return [{ name: 'self', ty: sig.selfTy ?? { k: 'any' } }, ...sig.params];
  if (!sig.method && colon) return sig.params.slice(1);
  return sig.params;
}

/** How many values a call returns: undefined when not known. */
function returnCount(en: TypeEngine, sig: FnSig): number | undefined {
  if (sig.returnsVararg) return undefined;
  if (sig.returns.length) return sig.returns.length;
  if (sig.node && sig.fa) {
    const rets = fileIndex(sig.fa).returns.get(sig.node) ?? [];
    if (rets.some((r) => r.arguments.length && isCallOrVararg(r.arguments[r.arguments.length - 1])))
      return undefined;
    return Math.max(0, ...rets.map((r) => r.arguments.length));
  }
  return sig.declared ? 0 : undefined;
}

function isCallOrVararg(e: Expr): boolean {
  return (
    e.type === 'VarargLiteral' ||
    ((e.type === 'CallExpression' || e.type === 'StringCallExpression' || e.type === 'TableCallExpression') &&
      !(e as { inParens?: boolean }).inParens)
  );
}

/** The number of argument values (`open`: the last one spreads an unknown number). */
export function argCount(en: TypeEngine, fa: FileAnalysis, args: Expr[]): { n: number; open: boolean } {
  const last = args[args.length - 1];
  if (!last || !isCallOrVararg(last)) return { n: args.length, open: false };
  if (last.type === 'VarargLiteral') return { n: args.length - 1, open: true };
  const call = last as Extract<Expr, { base: Expr }>;
  const callee = en.exprType(fa, call.base);
  const counts = members(callee).map((t) => (t.k === 'function' && t.fn ? returnCount(en, t.fn) : undefined));
  if (!counts.length || counts.some((c) => c === undefined)) return { n: args.length, open: true };
  return { n: args.length - 1 + Math.max(...(counts as number[])), open: false };
}

function nullable(t: Ty): boolean {
  return (
    members(t).some((x) => x.k === 'nil' || x.k === 'any' || x.k === 'unknown') ||
    (t.k === 'union' && !!t.opt)
  );
}

/** Does the signature take this many arguments? */
function arityFits(params: TyParam[], sig: FnSig, n: number, open: boolean): boolean {
  let min = params.length;
  while (min > 0 && (params[min - 1].optional || nullable(params[min - 1].ty))) min--;
  const max = sig.vararg ? Infinity : params.length;
  return open ? max >= n : n >= min && n <= max;
}

function literalOf(t: Ty): Ty | undefined {
  if (t.k !== 'literal') return undefined;
  const s = t.text;
  if (s === 'true' || s === 'false') return { k: 'boolean', lit: s === 'true' };
  // `'"died"'` is an older spelling of the literal `"died"`
  if (/^["'`]/.test(s))
    return { k: 'string', lit: stringValue(s.replace(/^(["'])(["'])(.*)\2\1$/, '$2$3$2')) };
  const n = Number(s);
  if (!Number.isNaN(n)) return /\./.test(s) ? { k: 'number', lit: n } : { k: 'integer', lit: n };
  return undefined;
}

function className(t: Ty): string | undefined {
  if (t.k === 'named') return t.name;
  if (t.k === 'table' && t.ref?.def?.doc?.className) return t.ref.def.doc.className;
  return undefined;
}

/** Is class `name` (or one of its parents) the type `p`? */
function classFits(en: TypeEngine, name: string, p: Ty, depth: number): boolean {
  if (p.k === 'named' && p.name === name) return true;
  if (depth > 8) return false;
  const c = en.project.classes().get(name);
  if (!c) return true;
  return c.parents.some((x) => argFits(en, typeText(x, undefined, en.alias), p, depth + 1));
}

/** Can an argument of type `a` be passed for a parameter of type `p`? (unknowns fit anything) */
export function argFits(en: TypeEngine, a: Ty, p: Ty, depth = 0): boolean {
  if (p.k === 'any' || p.k === 'unknown' || p.k === 'generic') return true;
  if (a.k === 'any' || a.k === 'unknown' || a.k === 'generic') return true;
  if (p.k === 'union') return p.items.some((x) => argFits(en, a, x, depth)) || (a.k === 'nil' && !!p.opt);
  if (a.k === 'union') {
    const some = a.items.filter((x) => x.k !== 'nil');
    return (some.length ? some : a.items).every((x) => argFits(en, x, p, depth));
  }
  const lit = literalOf(p);
  if (lit) return litFits(a, lit);
  if (a.k === 'literal') {
    const al = literalOf(a);
    return al ? argFits(en, al, p, depth) : true;
  }
  const cls = className(a);
  if (cls && a.k === 'named') return classFits(en, cls, p, depth);
  switch (p.k) {
    case 'nil':
      return a.k === 'nil';
    case 'boolean':
    case 'string':
      return a.k === p.k;
    case 'number':
      return a.k === 'number' || a.k === 'integer';
    case 'integer':
      return a.k === 'integer' || (a.k === 'number' && a.lit !== undefined && Number.isInteger(a.lit));
    case 'function':
      return a.k === 'function';
    case 'table':
    case 'array':
    case 'map':
    case 'record':
      return a.k === 'table' || a.k === 'array' || a.k === 'map' || a.k === 'record';
    case 'named': {
      if (cls) return classFits(en, cls, p, depth);
      const known = en.project.classes().has(p.name);
      // a plain table may be a class value; a string fits the string class
      if (!known) return true;
      return a.k === 'table' || (p.name === 'string' && a.k === 'string');
    }
    default:
      return true;
  }
}

function litFits(a: Ty, lit: Ty): boolean {
  const want = 'lit' in lit ? lit.lit : undefined;
  const w = widen(a);
  const numeric = (k: Ty['k']) => k === 'integer' || k === 'number';
  if (numeric(lit.k) && numeric(w.k))
    return (a.k === 'integer' || a.k === 'number') && a.lit !== undefined ? a.lit === want : true;
  if (w.k !== lit.k) return false;
  return (a.k === 'string' || a.k === 'boolean') && a.lit !== undefined ? a.lit === want : true;
}

/** How many literal parameters the arguments match exactly (to prefer `'died'` over `string`). */
function literalScore(params: TyParam[], args: (Ty | undefined)[]): number {
  let n = 0;
  params.forEach((p, i) => {
    const a = args[i];
    if (a && members(p.ty).some((x) => x.k === 'literal')) n++;
  });
  return n;
}

/**
 * The signatures a call chooses. `args` are the argument types (undefined: not typed, such as a
 * callback being typed from this very choice), `count` the number of argument values.
 */
export function chooseSignatures(
  en: TypeEngine,
  sigs: FnSig[],
  args: (Ty | undefined)[],
  count: { n: number; open: boolean },
  colon: boolean,
): FnSig[] {
  if (sigs.length < 2) return sigs;
  const byCount = sigs.filter((s) => arityFits(callParams(s, colon), s, count.n, count.open));
  const pool = byCount.length ? byCount : sigs;
  const typed = pool.filter((s) => {
    const params = callParams(s, colon);
    return args.every((a, i) => {
      const p = params[i]?.ty ?? s.vararg;
      return !a || !p || argFits(en, a, p);
    });
  });
  if (!typed.length) return pool;
  const scores = typed.map((s) => literalScore(callParams(s, colon), args));
  const best = Math.max(...scores);
  return typed.filter((_, i) => scores[i] === best);
}
