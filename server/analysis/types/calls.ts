import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import { stringValue } from './exprs';
import { fileIndex } from './astIndex';
import { callArgs, isMulti, type CallNode, type TypeEngine } from './engine';
import { bindGeneric, sigHasGeneric, substitute } from './generics';
import { iterTypes } from './iterators';
import { argCount, chooseSignatures, signaturesOf } from './overloads';
import { nonNil, union, UNKNOWN, NIL, ANY, type FnSig, type Ty } from './ty';

/**
 * Calls whose result depends on their arguments (LuaLS types these with generics and special
 * cases): setmetatable, require, pcall/xpcall, select, assert, next/pairs/ipairs, type, ...
 */
export function builtinCall(en: TypeEngine, fa: FileAnalysis, call: CallNode): Ty[] | undefined {
  const base = call.base;
  if (base.type !== 'Identifier') return undefined;
  const occ = occurrenceAt(fa, spanOf(base).start);
  if (occ?.defId !== undefined && fa.defs[occ.defId].visible) return undefined;
  // `setmetatable` and `require` keep their meaning where a file declares them again (a stub)
  if (fa.globals.has(base.name) && base.name !== 'require' && base.name !== 'setmetatable') return undefined;
  const args = callArgs(call);
  const arg = (i: number) => en.exprType(fa, args[i]);
  switch (base.name) {
    case 'setmetatable': {
      const t = arg(0);
      if (args.length < 2) return [t.k === 'unknown' ? { k: 'table' } : t];
      const meta = arg(1);
      if (t.k === 'table') return [{ k: 'table', ref: { ...t.ref, meta } }];
      return [t];
    }
    case 'require':
      return [requireType(en, fa, args[0])];
    case 'pcall':
    case 'xpcall': {
      const f = arg(0);
      const rest = args.slice(base.name === 'pcall' ? 1 : 2);
      const fn = f.k === 'function' ? f.fn : undefined;
      let rets = fn ? en.returnsOf(fn) : [];
      // `pcall(f, x)` with a generic `f`: bound from the arguments passed on
      if (fn && sigHasGeneric(fn)) {
        const bind = new Map<string, Ty>();
        fn.params.forEach((p, i) =>
          bindGeneric(en, p.ty, rest[i] && en.exprType(fa, rest[i]), bind, p.optional),
        );
        rets = rets.map((r) => substitute(r, bind));
      }
      return [{ k: 'boolean' }, ...rets];
    }
    case 'select': {
      const a0 = args[0];
      if (a0?.type === 'StringLiteral' && stringValue(a0.raw) === '#') return [{ k: 'integer' }];
      const last = args[args.length - 1];
      if (last && isMulti(last)) return en.multiType(fa, last);
      return [UNKNOWN];
    }
    case 'assert': {
      if (!args.length) return [UNKNOWN];
      const vals =
        isMulti(args[0]) && args.length === 1 ? en.multiType(fa, args[0]) : args.map((_, i) => arg(i));
      return [nonNil(vals[0] ?? UNKNOWN), ...vals.slice(1)];
    }
    case 'next': {
      if (!args.length) return [NIL, NIL];
      const kv = iterTypes(en, fa, [base, args[0]]);
      const ctor = args[0].type === 'TableConstructorExpression' ? args[0] : undefined;
      if (ctor && ctor.fields.length === 0) return [NIL, NIL];
      return [union([kv[0] ?? UNKNOWN], true), union([kv[1] ?? UNKNOWN], true)];
    }
    case 'type':
    case 'tostring':
      return [{ k: 'string' }];
    case 'tonumber':
      return [union([{ k: 'number' }], true)];
    case 'rawlen':
      return [{ k: 'integer' }];
    case 'collectgarbage':
      return [ANY];
    case 'rawget':
      return [UNKNOWN];
    default:
      return undefined;
  }
}

/** `require 'mod'`: the value the module returns (a workspace file or a std lib library). */
export function requireType(en: TypeEngine, fa: FileAnalysis, a: CallNode['base'] | undefined): Ty {
  if (a?.type !== 'StringLiteral') return UNKNOWN;
  const name = stringValue(a.raw);
  const uri = en.project.moduleUri(name, fa.uri);
  const mod = uri ? en.project.files.get(uri) : undefined;
  if (mod) {
    const full = en.full(mod);
    return en.guard(`require:${full.uri}`, () => moduleType(en, full)) ?? UNKNOWN;
  }
  const std = en.globalType(name, fa);
  return std;
}

export function moduleType(en: TypeEngine, fa: FileAnalysis): Ty {
  const rets = fileIndex(fa).returns.get(undefined) ?? [];
  const last = rets[rets.length - 1];
  const e = last?.arguments[0];
  if (!e) return UNKNOWN;
  return en.exprType(fa, e);
}

/** The signatures of `sig` (itself, its overloads) that this call chooses. */
export function chooseAtCall(en: TypeEngine, fa: FileAnalysis, call: CallNode, sig: FnSig): FnSig[] {
  const sigs = signaturesOf(sig);
  if (sigs.length < 2) return sigs;
  const args = callArgs(call);
  const count = argCount(en, fa, args);
  const last = args[args.length - 1];
  const tys = args.map((a, i) => (i === args.length - 1 && isMulti(a) ? undefined : en.exprType(fa, a)));
  if (last && isMulti(last))
    tys.splice(args.length - 1, 1, ...en.multiType(fa, last).slice(0, count.n - args.length + 1));
  const colon = call.base.type === 'MemberExpression' && call.base.indexer === ':';
  return chooseSignatures(en, sigs, tys, count, colon);
}
