import type * as lp from 'luaparse';
import type { FileAnalysis } from '../fileAnalysis';
import type { Definition } from '../types';

/**
 * The type model of the type engine: what an expression may evaluate to, in LuaLS's terms.
 * Types are plain immutable objects; `view` renders them the way LuaLS's hover does.
 */

/** A parameter of a function type. */
export interface TyParam {
  name: string;
  ty: Ty;
  optional?: boolean;
}

export interface TyReturn {
  ty: Ty;
  name?: string;
}

/** A function: from an annotation (`fun(...)`, `---@param`) and/or a function body in code. */
export interface FnSig {
  params: TyParam[];
  /** `...` and its element type */
  vararg?: Ty;
  returns: TyReturn[];
  /** `---@return T ...`: more values of this type */
  returnsVararg?: Ty;
  /** declared with `:` (a method: `self` implicit) */
  method?: boolean;
  generics?: string[];
  /** the function body, to infer returns when none are annotated */
  node?: lp.FunctionDeclaration;
  fa?: FileAnalysis;
  /** written as an annotation `fun(...)` (shown as such) rather than a function value */
  declared?: boolean;
  /** other signatures (`---@overload`) */
  overloads?: FnSig[];
  async?: boolean;
  /** description and parameter descriptions from the doc comment */
  doc?: string;
  paramDocs?: Record<string, string>;
  /** `---@param self T` on a method */
  selfTy?: Ty;
}

/** A table value seen in code: its constructor, the definition it is bound to, its metatable. */
export interface TableRef {
  ctor?: lp.TableConstructorExpression;
  fa?: FileAnalysis;
  def?: Definition;
  /** `setmetatable(t, mt)`: members fall back to `mt.__index` */
  meta?: Ty;
  /** `{...}` in a function whose varargs are typed: an array */
  elem?: Ty;
  /** a global nobody assigns whose fields are set (`g.x = 1`): fields are those sites */
  global?: string;
  /** a name with no value whose fields are set (`local t; function t:f() end`): shown as unknown */
  bare?: boolean;
  /** the class the constructor is written for (`f { ... }` where f takes a `C`): shown as that */
  expected?: Ty;
}

export type Ty =
  | { k: 'nil' }
  | { k: 'any' }
  | { k: 'unknown' }
  | { k: 'boolean'; lit?: boolean }
  | { k: 'integer'; lit?: number }
  | { k: 'number'; lit?: number }
  | { k: 'string'; lit?: string; quote?: string }
  | { k: 'table'; ref?: TableRef }
  | { k: 'function'; fn?: FnSig }
  | { k: 'named'; name: string; args?: Ty[] }
  | { k: 'array'; elem: Ty }
  | { k: 'map'; key: Ty; value: Ty }
  | { k: 'record'; fields: { key: string; ty: Ty; optional?: boolean }[]; tuple?: boolean }
  | { k: 'union'; items: Ty[]; opt?: boolean }
  | { k: 'generic'; name: string }
  | { k: 'literal'; text: string };

export const NIL: Ty = { k: 'nil' };
export const ANY: Ty = { k: 'any' };
export const UNKNOWN: Ty = { k: 'unknown' };

/** Drop literal values (`1` -> integer) but keep the kind. */
export function widen(t: Ty): Ty {
  switch (t.k) {
    case 'boolean':
    case 'integer':
    case 'number':
      return t.lit === undefined ? t : { k: t.k };
    case 'string':
      return t.lit === undefined ? t : { k: 'string' };
    case 'union': {
      const w = union(t.items.map(widen), t.opt);
      // an `unknown` member kept beside known ones (`integer|unknown`) stays
      return t.items.some((x) => x.k === 'unknown') &&
        w.k !== 'unknown' &&
        !members(w).some((x) => x.k === 'unknown')
        ? { k: 'union', items: [...members(w), UNKNOWN], opt: t.opt }
        : w;
    }
    default:
      return t;
  }
}

function sameTy(a: Ty, b: Ty): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'boolean':
    case 'integer':
    case 'number':
    case 'string':
      return (b as typeof a).lit === a.lit;
    case 'named':
      return a.name === (b as typeof a).name && view(a) === view(b);
    case 'table':
      return a.ref === (b as typeof a).ref;
    case 'function':
      return a.fn === (b as typeof a).fn;
    case 'generic':
      return a.name === (b as typeof a).name;
    default:
      return view(a) === view(b);
  }
}

/** A union of types (flattened, duplicates and `unknown` beside known types removed). */
export function union(items: Ty[], opt?: boolean): Ty {
  const out: Ty[] = [];
  let hasOpt = !!opt;
  for (const t of items) {
    const list = t.k === 'union' ? t.items : [t];
    if (t.k === 'union' && t.opt) hasOpt = true;
    for (const x of list) if (!out.some((y) => sameTy(x, y))) out.push(x);
  }
  const known = out.filter((t) => t.k !== 'unknown');
  const list = known.length && known.length < out.length && known.some((t) => t.k !== 'nil') ? known : out;
  if (hasOpt && !list.some((t) => t.k === 'nil')) list.push(NIL);
  if (list.length === 0) return UNKNOWN;
  if (list.length === 1) return list[0];
  return { k: 'union', items: list, opt: hasOpt || undefined };
}

export function members(t: Ty): Ty[] {
  return t.k === 'union' ? t.items : [t];
}

/** `if x then`: x is neither nil nor false. */
export function truthy(t: Ty): Ty {
  const items = members(t).filter(
    (x) =>
      x.k !== 'nil' &&
      !(x.k === 'boolean' && x.lit === false) &&
      !(x.k === 'literal' && (x.text === 'false' || x.text === 'nil')),
  );
  // a narrowed `boolean` is the type `true` (LuaLS shows `true`, not a value of `boolean`)
  const mapped = items.map((x): Ty =>
    x.k === 'boolean' && x.lit === undefined ? { k: 'literal', text: 'true' } : x,
  );
  if (!mapped.length) return UNKNOWN;
  return union(mapped);
}

/** `if not x then`: x is nil or false. */
export function falsy(t: Ty): Ty {
  const out: Ty[] = [];
  for (const x of members(t)) {
    if (x.k === 'nil') out.push(x);
    else if (x.k === 'boolean' && x.lit === undefined) out.push({ k: 'literal', text: 'false' });
    else if (x.k === 'boolean' && x.lit === false) out.push(x);
    else if (x.k === 'literal' && (x.text === 'false' || x.text === 'nil')) out.push(x);
    else if (x.k === 'unknown' || x.k === 'any') out.push(x);
  }
  return out.length ? union(out) : NIL;
}

export function nonNil(t: Ty): Ty {
  const items = members(t).filter((x) => x.k !== 'nil');
  return items.length ? union(items) : UNKNOWN;
}

// ---- views -------------------------------------------------------------------------------------

/** A Lua string literal in double quotes: escapes, control bytes as `\ddd` (completion inserts it). */
export function quoteString(s: string, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === quote) out += '\\' + quote;
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 32 || c === 127) out += '\\' + String(c).padStart(3, '0');
    else out += ch;
  }
  return out + quote;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/**
 * A string value as LuaLS's hover shows it: in the quotes the source used (`'` or `"`; a long
 * bracket for `[[...]]`), computed strings in `"` (`'` when they hold only `"`, a long bracket
 * when they hold a line break); the quote and line breaks escaped, control bytes as `\ddd`.
 */
export function viewString(s: string, quote?: string): string {
  const q = quote ?? (/[\r\n]/.test(s) ? '[[' : !s.includes("'") && s.includes('"') ? "'" : '"');
  if (q === "'" || q === '"') {
    const body = s
      .replace(CONTROL, (c) => '\\' + String(c.charCodeAt(0)).padStart(3, '0'))
      .replace(q === "'" ? /['\r\n]/g : /["\r\n]/g, (c) => (c === '\r' ? '\\r' : '\\' + c));
    return q + body + q;
  }
  for (let i = q.length - 2; i <= 10; i++) {
    const close = `]${'='.repeat(i)}]`;
    if (!s.includes(close)) return `[${'='.repeat(i)}[${s.replace(CONTROL, '')}${close}`;
  }
  return viewString(s, '"');
}

/** A number as LuaLS shows a literal: integers as they are, floats with up to 10 decimals, no trailing zeros. */
export function numberText(n: number, integer: boolean): string {
  if (integer) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '(0/0)' : n > 0 ? '1e9999' : '-1e9999';
  return n.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
}

/** LuaLS's order of the members of a union view: these first (and `nil` last), the rest by name. */
const VIEW_ORDER: Record<string, number> = {
  boolean: -100,
  string: -99,
  number: -98,
  integer: -97,
  function: -96,
  table: -95,
  true: 1,
  false: 2,
  nil: 100,
};

/** How many members of a union a view shows before `...(+n)` (LuaLS's `hover.enumsLimit` default). */
export const ENUMS_LIMIT = 5;

/** Member views in LuaLS's order, without the ones a wider member covers (`integer` beside `number`). */
export function orderViews(list: string[]): string[] {
  let views = [...new Set(list)];
  if (views.includes('number')) views = views.filter((v) => v !== 'integer');
  if (views.includes('boolean')) views = views.filter((v) => v !== 'true' && v !== 'false');
  return sortViews(views);
}

function sortViews(views: string[]): string[] {
  return views.sort((a, b) => (VIEW_ORDER[a] ?? 0) - (VIEW_ORDER[b] ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
}

function viewUnion(t: Extract<Ty, { k: 'union' }>): string {
  const views = orderViews(t.items.filter((x) => !(t.opt && x.k === 'nil')).map(view));
  let s =
    views.length > ENUMS_LIMIT
      ? `${views.slice(0, ENUMS_LIMIT).join('|')}...(+${views.length - ENUMS_LIMIT})`
      : views.join('|');
  if (t.opt) s = views.length === 0 ? 'nil' : views.length > 1 ? `(${s})?` : `${s}?`;
  return s.length > 200 ? `${s.slice(0, 180)}...(too long)...${s.slice(-10)}` : s;
}

/** The type as LuaLS writes it (`integer`, `string[]`, `fun(x: number):boolean`, `A|B`, ...). */
export function view(t: Ty): string {
  switch (t.k) {
    case 'nil':
    case 'any':
    case 'unknown':
    case 'boolean':
    case 'integer':
    case 'number':
    case 'string':
      return t.k;
    case 'table':
      if (t.ref?.def?.doc?.enumName) return `enum ${t.ref.def.doc.enumName}`;
      if (t.ref?.bare) return 'unknown';
      if (t.ref?.expected) return view(t.ref.expected);
      return t.ref?.elem ? `${view(t.ref.elem)}[]` : 'table';
    case 'function':
      return t.fn?.declared ? viewFun(t.fn) : 'function';
    case 'named':
      if (t.name === 'file') return 'file*';
      return t.args?.length ? `${t.name}<${t.args.map(viewArg).join(', ')}>` : t.name;
    case 'array': {
      const e = view(t.elem);
      return t.elem.k === 'union' || (t.elem.k === 'function' && t.elem.fn?.declared) ? `(${e})[]` : `${e}[]`;
    }
    case 'map':
      return `table<${viewArg(t.key)}, ${viewArg(t.value)}>`;
    case 'record':
      if (t.tuple) return `[${t.fields.map((f) => view(f.ty)).join(', ')}]`;
      return `{ ${t.fields.map((f) => `${f.key}${f.optional ? '?' : ''}: ${view(f.ty)}`).join(', ')} }`;
    case 'union':
      return viewUnion(t);
    case 'generic':
      return `<${t.name}>`;
    case 'literal':
      return t.text;
  }
}

/** A type argument: an unbound generic shows as its name there (`table<K, V>`), not `<K>`. */
function viewArg(t: Ty): string {
  return t.k === 'generic' ? t.name : view(t);
}

export function viewParam(p: TyParam): string {
  if (p.name === '...') return `...${view(p.ty)}`;
  return `${p.name}${p.optional ? '?' : ''}: ${view(p.ty)}`;
}

/** `fun(a: string, ...any):integer` */
export function viewFun(fn: FnSig): string {
  const params = fn.params.map(viewParam);
  if (fn.vararg) params.push(`...${view(fn.vararg)}`);
  let s = `${fn.async ? 'async ' : ''}fun(${params.join(', ')})`;
  const rets = fn.returns.map((r) => (r.name ? `${r.name}: ${view(r.ty)}` : view(r.ty)));
  if (fn.returnsVararg) rets.push(`...${view(fn.returnsVararg)}`);
  if (rets.length) {
    const named = fn.returns.some((r) => r.name);
    s += named ? `:(${rets.join(', ')})` : `:${rets.join(', ')}`;
  }
  return s;
}

/** The literal value(s) of a type, for hover's ` = 1` (undefined when not all are literals). */
export function literalText(t: Ty): string | undefined {
  const lits: string[] = [];
  for (const x of members(t)) {
    if (x.k === 'integer' || x.k === 'number') {
      if (x.lit === undefined) return undefined;
      lits.push(numberText(x.lit, x.k === 'integer'));
    } else if (x.k === 'string') {
      if (x.lit === undefined) return undefined;
      lits.push(viewString(x.lit, x.quote));
    } else if (x.k === 'boolean') {
      if (x.lit === undefined) return undefined;
      lits.push(String(x.lit));
    } else return undefined;
  }
  if (!lits.length) return undefined;
  return sortViews([...new Set(lits)]).join('|');
}

/** The type without literal values (`integer`, not `1`), as LuaLS's inferred views show it. */
export function viewInferred(t: Ty): string {
  return view(widen(t));
}
