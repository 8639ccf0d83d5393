import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import { occurrenceAt } from '../resolve';
import { exprAt, fileIndex, functionAt, type Expr, type FnNode, type Site } from './astIndex';
import { memberTy, typeText } from './convert';
import { callArgs, type CallNode, type TypeEngine } from './engine';
import { stringValue } from './exprs';
import { bindGeneric, hasGeneric, substitute } from './generics';
import { argCount, callParams, chooseSignatures, signaturesOf } from './overloads';
import { members, type FnSig, type Ty } from './ty';

/**
 * The type a position expects, which types the parameters of a function written there without
 * annotations: a callback argument (the callee's `fun(...)` parameter, generics bound from the
 * other arguments, the overload whose literal arguments match), a table field of a declared table
 * (`---@type table<K, fun(x: T)>`, `fun(x: T)[]`, a class field), a returned function
 * (`---@return fun(x: T)`), a `---@type fun(...)` above `local function`, and a method that
 * overrides one of its class's parents.
 */

type Node = { type: string; range?: [number, number] };

const parents = new WeakMap<object, Map<object, Node>>();

/** The node holding `target` directly (a parent map built once per syntax tree). */
function parentOf(root: unknown, target: Node): Node | undefined {
  if (!root || typeof root !== 'object') return undefined;
  let map = parents.get(root);
  if (!map) {
    const m = new Map<object, Node>();
    const visit = (n: unknown, parent: Node | undefined): void => {
      if (!n || typeof n !== 'object') return;
      if (Array.isArray(n)) {
        for (const x of n) visit(x, parent);
        return;
      }
      const node = n as Node;
      if (parent && node.type) m.set(node, parent);
      const next = node.type ? node : parent;
      for (const k in node)
        if (k !== 'range' && k !== 'loc') visit((node as unknown as Record<string, unknown>)[k], next);
    };
    visit(root, undefined);
    parents.set(root, (map = m));
  }
  return map.get(target);
}

/** The type of parameter `index` of the function expression `fn`, from where it is written. */
export function contextParam(en: TypeEngine, fa: FileAnalysis, site: Site): Ty | undefined {
  const fn = site.fnNode;
  if (!fn) return undefined;
  const sig = fn.identifier ? (declaredSig(en, fa, fn) ?? passedSig(en, fa, fn)) : expectedFn(en, fa, fn, 0);
  if (!sig) return undefined;
  // `function C:m(x)` overriding `fun(self: C, x: T)`: the written parameters start after `self`
  const colon = fn.identifier?.type === 'MemberExpression' && fn.identifier.indexer === ':';
  const t =
    callParams(sig, colon)[site.index]?.ty ?? (site.index >= sig.params.length ? sig.vararg : undefined);
  // a generic no argument bound (`f({}, function (v) end)` with `T[]`) is unknown
  return t && hasGeneric(t) ? substitute(t, new Map()) : t;
}

/**
 * A function expression written where a function type is expected (a callback argument, a typed
 * field): its parameters typed from there, shown as that type (`fun(value: Class)`).
 */
export function contextSig(en: TypeEngine, fa: FileAnalysis, sig: FnSig): FnSig | undefined {
  const fn = sig.node;
  if (!fn || fn.identifier || en.docAbove(fa, spanOf(fn).start)) return undefined;
  const want = expectedFn(en, fa, fn, 0);
  if (!want) return undefined;
  const params = sig.params.map((p, i) => {
    const t = want.params[i]?.ty ?? want.vararg;
    return t && !hasGeneric(t) ? { ...p, ty: t } : p;
  });
  return { ...sig, params, declared: true };
}

function asFn(t: Ty | undefined): FnSig | undefined {
  const f = t && members(t).find((x) => x.k === 'function' && x.fn);
  return f?.k === 'function' ? f.fn : undefined;
}

/** `---@type fun(...)` above `local function f(...)`, or the parent class's method of that name. */
function declaredSig(en: TypeEngine, fa: FileAnalysis, fn: FnNode): FnSig | undefined {
  const doc = en.docAbove(fa, spanOf(fn).start);
  if (doc?.type) return asFn(typeText(doc.type, doc.generics, en.alias));
  if (doc?.params.length) return undefined;
  const id = fn.identifier;
  if (id?.type !== 'MemberExpression') return undefined;
  const base = en.exprType(fa, id.base);
  for (const b of members(base)) {
    const cls = b.k === 'named' ? b.name : b.k === 'table' ? b.ref?.def?.doc?.className : undefined;
    const owner = cls ? en.project.classes().get(cls) : undefined;
    // the class's own `---@field f fun(...)` types `function C:f(...)` written on the class table
    const field = owner?.fields.get(id.identifier.name);
    const own = field?.type?.startsWith('fun') ? asFn(memberTy(field, en.alias)) : undefined;
    if (own) return own;
    const names = b.k === 'named' && !isClassDef(fa, id.base) ? [b.name] : (owner?.parents ?? []);
    for (const p of names) {
      const m = en.member({ k: 'named', name: p }, id.identifier.name);
      const sig = asFn(m?.ty);
      if (sig && sig.node !== fn) return sig;
    }
  }
  return undefined;
}

/** `local function cb(v) end; work(cb)`: the type expected where the function's name is passed. */
function passedSig(en: TypeEngine, fa: FileAnalysis, fn: FnNode): FnSig | undefined {
  const id = fn.identifier;
  if (id?.type !== 'Identifier' || en.docAbove(fa, spanOf(fn).start)?.params.length) return undefined;
  const occ = occurrenceAt(fa, spanOf(id).start);
  const def = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
  if (!def) return undefined;
  const idx = fileIndex(fa);
  for (const ref of def.refs) {
    if (ref.start === def.span.start) continue;
    const e = exprAt(idx, ref.start);
    if (e?.type !== 'Identifier' || spanOf(e).start !== ref.start) continue;
    const sig = en.guard(`passed:${ref.start}`, () => expectedFn(en, fa, e, 1));
    if (sig) return sig;
  }
  return undefined;
}

/** Is `e` the table a `---@class` annotates (its own methods are not overrides)? */
function isClassDef(fa: FileAnalysis, e: Expr): boolean {
  if (e.type !== 'Identifier') return false;
  const occ = occurrenceAt(fa, spanOf(e).start);
  const def = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
  return !!def?.doc?.className;
}

/** The type expected where `node` is written (a table constructor: its class, for completion). */
export function expectedTypeOf(en: TypeEngine, fa: FileAnalysis, node: Expr): Ty | undefined {
  return expectedType(en, fa, node, 0);
}

/** The function type expected where `node` is written. */
function expectedFn(en: TypeEngine, fa: FileAnalysis, node: Expr, depth: number): FnSig | undefined {
  return asFn(expectedType(en, fa, node, depth));
}

function expectedType(en: TypeEngine, fa: FileAnalysis, node: Expr, depth: number): Ty | undefined {
  if (depth > 4) return undefined;
  const parent = parentOf(fileIndex(fa).chunk.body, node as Node);
  if (!parent) return undefined;
  switch (parent.type) {
    case 'CallExpression':
    case 'TableCallExpression':
    case 'StringCallExpression':
      return callbackType(en, fa, parent as CallNode, node);
    case 'TableKeyString':
    case 'TableKey':
    case 'TableValue':
      return fieldType(en, fa, parent as lp.TableKey | lp.TableKeyString | lp.TableValue, depth);
    case 'LocalStatement':
    case 'AssignmentStatement': {
      const st = parent as lp.LocalStatement | lp.AssignmentStatement;
      const i = st.init.indexOf(node);
      const v = st.variables[i];
      if (i < 0 || !v) return undefined;
      if (v.type === 'Identifier') {
        const occ = occurrenceAt(fa, spanOf(v).start);
        const def = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
        if (def) return en.declared(fa, def);
      }
      const doc = en.docAbove(fa, spanOf(st).start);
      if (doc?.type) return typeText(doc.type, doc.generics, en.alias);
      if (v.type === 'MemberExpression') return en.member(en.exprType(fa, v.base), v.identifier.name)?.ty;
      return undefined;
    }
    case 'ReturnStatement': {
      const i = (parent as lp.ReturnStatement).arguments.indexOf(node);
      const outer = functionAt(fileIndex(fa), spanOf(parent as Expr).start);
      return outer ? en.sigOf(fa, outer).returns[i]?.ty : undefined;
    }
    default:
      return undefined;
  }
}

/** A table field's expected type: the declared table type's member, element or value. */
function fieldType(
  en: TypeEngine,
  fa: FileAnalysis,
  field: lp.TableKey | lp.TableKeyString | lp.TableValue,
  depth: number,
): Ty | undefined {
  const ctor = parentOf(fileIndex(fa).chunk.body, field as unknown as Node) as lp.TableConstructorExpression;
  if (ctor?.type !== 'TableConstructorExpression') return undefined;
  const t = expectedType(en, fa, ctor, depth + 1);
  if (!t) return undefined;
  let key: string | undefined;
  if (field.type === 'TableKeyString') key = field.key.name;
  else if (field.type === 'TableKey' && field.key.type === 'StringLiteral') key = stringValue(field.key.raw);
  else if (field.type === 'TableKey' && field.key.type === 'NumericLiteral') key = `[${field.key.raw}]`;
  else if (field.type === 'TableValue')
    key = `[${ctor.fields.filter((f) => f.type === 'TableValue').indexOf(field) + 1}]`;
  for (const x of members(t)) {
    if (x.k === 'array') return x.elem;
    if (x.k === 'map') return x.value;
    const m =
      key !== undefined
        ? (en.member(x, key) ?? (key.startsWith('[') ? en.member(x, '[integer]') : undefined))
        : undefined;
    if (m) return m.ty;
  }
  return undefined;
}

/** The callee's parameter type for argument `arg` (through `pcall`/`xpcall`, overloads, generics). */
function callbackType(en: TypeEngine, fa: FileAnalysis, call: CallNode, arg: Expr): Ty | undefined {
  let args = callArgs(call);
  let base: Expr = call.base;
  if (base.type === 'Identifier' && (base.name === 'pcall' || base.name === 'xpcall') && args[0]) {
    args = args.slice(base.name === 'pcall' ? 1 : 2);
    base = callArgs(call)[0];
  }
  const pos = args.indexOf(arg);
  if (pos < 0) return undefined;
  const argTys = args.map((a) =>
    a === arg || a.type === 'FunctionDeclaration' ? undefined : en.exprType(fa, a),
  );
  const colon = base.type === 'MemberExpression' && base.indexer === ':';
  const self = colon ? en.exprType(fa, (base as lp.MemberExpression).base) : undefined;
  const callee = en.exprType(fa, base);
  const sigs = members(callee).flatMap((t) => (t.k === 'function' && t.fn ? signaturesOf(t.fn) : []));
  for (const sig of chooseSignatures(en, sigs, argTys, argCount(en, fa, args), colon)) {
    const params = callParams(sig, colon);
    const bind = new Map<string, Ty>();
    params.forEach((p, i) => bindGeneric(en, p.ty, argTys[i], bind, p.optional));
    if (self && sig.selfTy) bindGeneric(en, sig.selfTy, self, bind);
    const p = params[pos]?.ty ?? sig.vararg;
    if (p) return bind.size ? substitute(p, bind, true) : p;
  }
  return undefined;
}
