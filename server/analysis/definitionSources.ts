import { classHolders } from './classHolders';
import { docFunctionSpans, paramTypeAt } from './docFunSpans';
import { spanOf } from './parse';
import type { Project } from './project';
import { occurrenceAt, type FileAnalysis } from './resolve';
import type * as lp from 'luaparse';
import { fileIndex, functionAt, nameNodeAt } from './types/astIndex';
import { TypeEngine } from './types/engine';
import { safely } from './types/safely';
import { members, type Ty } from './types/ty';
import type { Definition, Location, Span } from './types';

/**
 * Go-to-definition of a value, as LuaLS follows it: besides the declaration, where the value
 * comes from - the `fun(...)` annotation typing it, the class holder of its inferred class, the
 * local a called function returns, the `...` parameter.
 */

/** The `fun(...)` annotations that type `def` (`---@type` on a local, `---@param` on a parameter). */
export function annotationFunctions(text: string, def: Definition): Span[] {
  return docFunctionSpans(text, def.span.start, (tag, rest) => {
    if (tag === 'type' && def.kind === 'local') return 0;
    return tag === 'param' && def.kind === 'parameter' ? paramTypeAt(rest, def.name) : -1;
  });
}

/** `...` in a function: the function's `...` parameter and the `fun(...)` annotating it. */
export function varargDefinition(fa: FileAnalysis, offset: number): Location[] | undefined {
  const text = fa.text;
  let s = offset;
  while (s > 0 && text[s - 1] === '.' && offset - s < 3) s--;
  if (text.slice(s, s + 3) !== '...' || text[s + 3] === '.' || text[s - 1] === '.') return undefined;
  const fn = functionAt(fileIndex(fa), s);
  const param = fn?.parameters.find((p) => p.type === 'VarargLiteral');
  if (!fn || !param) return undefined;
  const span = spanOf(param);
  const docs = docFunctionSpans(text, spanOf(fn).start, (tag, rest) =>
    tag === 'vararg' ? 0 : tag === 'param' ? paramTypeAt(rest, '...') : -1,
  );
  if (span.start === s)
    return docs.length ? docs.map((d) => ({ uri: fa.uri, span: d })) : [{ uri: fa.uri, span }];
  return [{ uri: fa.uri, span }, ...docs.map((d) => ({ uri: fa.uri, span: d }))];
}

/**
 * A local without `---@type` whose value the type engine finds to be a class (`local c = list[1]`
 * on `A[]`, a generic call returning `A`): the values that hold the class, as LuaLS lists them.
 */
export function inferredHolders(project: Project, fa: FileAnalysis, def: Definition): Location[] {
  if ((def.kind !== 'local' || !def.init) && def.kind !== 'forVariable') return [];
  const fromCall = def.kind === 'local' ? (safely(() => callSources(project, fa, def)) ?? []) : [];
  const ty = safely(() => new TypeEngine(project).defType(fa, def, def.span.end));
  const names = ty ? members(ty).flatMap((x) => (x.k === 'named' ? [x.name] : [])) : [];
  const holders = names.slice(0, 4).flatMap((n) => classHolders(project, fa, n));
  return [...fromCall, ...holders].filter((l) => l.uri !== fa.uri || l.span.start !== def.span.start);
}

/**
 * `local y = f()` with `f` written in this file: what `f` returns at that position, as LuaLS
 * follows the value: a local it returns by name, or the `fun(...)` of its `---@return`.
 */
function callSources(project: Project, fa: FileAnalysis, def: Definition): Location[] {
  const site = fileIndex(fa).sites.get(def.span.start);
  const call = site?.values[site.index];
  if (!site || site.values.length !== 1 || site.index !== 0) return [];
  if (call?.type !== 'CallExpression') return [];
  const ty = new TypeEngine(project).exprType(fa, call.base);
  const generic = [...genericArgSources(fa, ty, call), ...typedCalleeReturn(fa, call)];
  const fn = members(ty).find((t) => t.k === 'function' && t.fn?.node && t.fn.fa?.uri === fa.uri);
  const node = fn?.k === 'function' ? fn.fn?.node : undefined;
  if (!node) return generic;
  const nth = 0;
  const out: Location[] = [...generic];
  for (const r of fileIndex(fa).returns.get(node) ?? []) {
    const v = r.arguments[nth];
    if (v?.type !== 'Identifier') continue;
    const occ = occurrenceAt(fa, spanOf(v).start);
    const d = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
    if (d && d.kind === 'local') out.push({ uri: fa.uri, span: d.span });
  }
  let i = 0;
  for (const span of docFunctionSpans(fa.text, spanOf(node).start, (tag) => (tag === 'return' ? 0 : -1)))
    if (i++ === nth) out.push({ uri: fa.uri, span });
  return out;
}

/**
 * `local r = f(k)` where `f` returns its generic parameter's type (`fun(x: T): T`): the argument is
 * where the value comes from - a name (and its declaration) or a table constructor.
 */
function genericArgSources(fa: FileAnalysis, ty: Ty, call: lp.CallExpression): Location[] {
  const out: Location[] = [];
  for (const t of members(ty)) {
    const sig = t.k === 'function' ? t.fn : undefined;
    const ret = sig?.returns[0]?.ty;
    if (!sig || ret?.k !== 'generic') continue;
    const shift = call.base.type === 'MemberExpression' && call.base.indexer === ':' && !sig.method ? 1 : 0;
    const p = sig.params.findIndex((x) => x.ty.k === 'generic' && x.ty.name === ret.name);
    const arg = p >= shift ? call.arguments[p - shift] : undefined;
    if (arg?.type === 'TableConstructorExpression') out.push({ uri: fa.uri, span: spanOf(arg) });
    if (arg?.type !== 'Identifier') continue;
    out.push({ uri: fa.uri, span: spanOf(arg) });
    const occ = occurrenceAt(fa, spanOf(arg).start);
    const d = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
    if (d && d.kind === 'local') out.push({ uri: fa.uri, span: d.span });
  }
  return out;
}

/** `local g = f()` with `---@type fun(): fun()` on the local `f`: the returned `fun(...)`. */
function typedCalleeReturn(fa: FileAnalysis, call: lp.CallExpression): Location[] {
  if (call.base.type !== 'Identifier') return [];
  const occ = occurrenceAt(fa, spanOf(call.base).start);
  const def = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
  if (!def || def.kind !== 'local') return [];
  const out: Location[] = [];
  for (const span of annotationFunctions(fa.text, def)) {
    const t = fa.text.slice(span.start, span.end);
    let depth = 0;
    let close = -1;
    for (let i = t.indexOf('('); i >= 0 && i < t.length; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    const ret = close >= 0 ? /^\s*:\s*/.exec(t.slice(close + 1)) : null;
    const at = ret ? close + 1 + ret[0].length : -1;
    if (at >= 0 && /^fun\s*\(/.test(t.slice(at)) && !t.slice(at).includes(','))
      out.push({ uri: fa.uri, span: { start: span.start + at, end: span.end } });
  }
  return out;
}

/** `self` at `offset` in `function a.b:c()`: the offset of the name before `:` (`b`), to resolve. */
export function selfDefinition(fa: FileAnalysis, offset: number): number | undefined {
  const fn = functionAt(fileIndex(fa), offset);
  const id = fn?.identifier;
  if (id?.type !== 'MemberExpression' || id.indexer !== ':') return undefined;
  const base = id.base;
  if (base.type === 'Identifier') return spanOf(base).start;
  return base.type === 'MemberExpression' ? spanOf(base.identifier).start : undefined;
}

/**
 * `obj:m()` where `obj` gets a metatable (`local obj = setmetatable({}, { __index = mt })`, or a
 * statement `setmetatable(obj, mt)` on a local or global): `m` of the metatable's `__index`,
 * listed besides the table's own `m` as LuaLS lists both.
 */
export function metaMembers(project: Project, fa: FileAnalysis, nameStart: number): Location[] {
  const node = nameNodeAt(fileIndex(fa), nameStart);
  if (node?.type !== 'MemberExpression') return [];
  const en = new TypeEngine(project);
  const name = node.identifier.name;
  const metas: Ty[] = [];
  for (const t of members(en.exprType(fa, node.base))) {
    if (t.k === 'table' && t.ref?.meta) metas.push(t.ref.meta);
    // a class declared on `local obj = setmetatable({}, mt)`: the holder's metatable
    if (t.k === 'named') metas.push(...holderMetas(en, fa, t.name));
  }
  if (node.base.type === 'Identifier') metas.push(...statementMetas(en, fa, node.base));
  const out: Location[] = [];
  for (const meta of metas.slice(0, 4)) {
    const index = en.member(meta, '__index')?.ty;
    const loc = index ? en.member(index, name)?.location : undefined;
    if (loc && !out.some((l) => l.uri === loc.uri && l.span.start === loc.span.start)) out.push(loc);
  }
  return out;
}

/** The metatables of the values in this file that hold class `name` (`---@class` on them). */
function holderMetas(en: TypeEngine, fa: FileAnalysis, name: string): Ty[] {
  const out: Ty[] = [];
  for (const d of fa.defs) {
    if (d.doc?.className !== name || out.length >= 4) continue;
    const site = fileIndex(fa).sites.get(d.span.start);
    const init = site?.values[site.index];
    if (!init) continue;
    for (const t of members(en.exprType(fa, init))) if (t.k === 'table' && t.ref?.meta) out.push(t.ref.meta);
  }
  return out;
}

/** The metatables of `setmetatable(id, mt)` statements on the same local or global as `id`. */
function statementMetas(en: TypeEngine, fa: FileAnalysis, id: lp.Identifier): Ty[] {
  const defOf = (n: lp.Identifier) => occurrenceAt(fa, spanOf(n).start)?.defId;
  const want = defOf(id);
  const out: Ty[] = [];
  const visit = (body: lp.Statement[]): void => {
    for (const st of body) {
      if (st.type !== 'CallStatement' || st.expression.type !== 'CallExpression') continue;
      const call = st.expression;
      const [target, mt] = call.arguments;
      if (call.base.type !== 'Identifier' || call.base.name !== 'setmetatable' || !mt) continue;
      if (target?.type !== 'Identifier' || target.name !== id.name || defOf(target) !== want) continue;
      out.push(en.exprType(fa, mt));
    }
  };
  visit(fileIndex(fa).chunk.body);
  return out;
}
