import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { occurrenceAt } from '../../../server/analysis/resolve';
import { exprAt, fileIndex } from '../../../server/analysis/types/astIndex';
import { TypeEngine } from '../../../server/analysis/types/engine';
import { hoverLabel, textLabel } from '../../../server/analysis/types/hoverView';
import { membersOf } from '../../../server/analysis/types/members';
import { viewInferred } from '../../../server/analysis/types/ty';
import { openFixture } from '../../support/lsp';

/**
 * Values, globals, table fields and how types are shown: the type the engine gives the name (or
 * expression) at `‸`, in LuaLS's view of inferred types (as hover finds it: the name's
 * occurrence, the name read from the text on a line that does not parse, the expression).
 */
function typeAt(src: string): string {
  const { f, p, fa } = openFixture(src);
  const en = new TypeEngine(p);
  const occ = occurrenceAt(fa, f.cursor);
  const l = occ ? hoverLabel(en, fa, occ) : undefined;
  if (l) return viewInferred(l.ty);
  // a line that does not parse: the name read from the text
  const tl = textLabel(en, fa, f.cursor);
  if (tl) return viewInferred(tl.ty);
  const e = exprAt(fileIndex(fa), f.cursor);
  return e ? viewInferred(en.exprType(fa, e)) : '<none>';
}

function check(cases: [string, string][]): void {
  for (const [src, expected] of cases)
    it(src.replace(/\n/g, ' ⏎ '), () => assert.equal(typeAt(src), expected));
}

describe('type views: union order, collapsing, limits, aliases, enums', () => {
  check([
    // LuaLS's order: boolean, string, number, integer, function, table, then by name; nil last
    ['---@type 1|-2|-3\nlocal n‸', '-2|-3|1'],
    ['---@type string | fun(): string\nlocal t‸', 'string|fun():string'],
    ['---@type boolean\nlocal bool\nlocal x‸ = bool and "" or 0', 'string|integer'],
    ['---@type nil|Zeta|integer|alpha\nlocal v‸', 'integer|Zeta|alpha|nil'],
    // a wider member covers the narrower ones
    ['---@type boolean|true|false\nlocal b‸', 'boolean'],
    ['---@type number|integer\nlocal b‸', 'number'],
    // more than five members: the first five and how many more
    ["---@type 'a'|'b'|'c'|'d'|'e'|'f'|'g'\nlocal t‸", "'a'|'b'|'c'|'d'|'e'...(+2)"],
    ["---@type ('a'|'b')?\nlocal t‸", "('a'|'b')?"],
    // aliases are shown expanded; a recursive one once more as an array element or function
    // part, by name as a type argument, and not as a member of its own union
    ["---@alias A 'x' | 'y'\n---@type A\nlocal v‸", "'x'|'y'"],
    ["---@alias A 'x' | 'y' | A\n---@type A\nlocal v‸", "'x'|'y'"],
    ["---@alias A 'x' | 'y' | B\n---@type A\nlocal v‸", "'x'|'y'|B"],
    ['---@alias xxx table<xxx, true>\n---@type xxx\nlocal t‸', 'table<xxx, true>'],
    ['---@alias xxx xxx[]\n---@type xxx\nlocal t‸', 'xxx[][]'],
    ['---@alias xxx fun(x: xxx)\n---@type xxx\nlocal t‸', 'fun(x: fun(x: xxx))'],
    // an enum's table
    ['---@enum Color\nlocal m = { red = 1 }\nprint(m‸)', 'enum Color'],
  ]);
});

describe('type values: globals set through the environment table, classes on field assignments', () => {
  check([
    ["rawset(_G, 'Count', 1)\nprint(Cou‸nt)", 'integer'],
    ["rawset(_G, 'Name', '')\nprint(Na‸me)", 'string'],
    ["rawset(_ENV, 'Flag', true)\nprint(Fl‸ag)", 'boolean'],
    ["rawset(_G, 'Box', {})\nprint(B‸ox)", 'table'],
    ["---@class Store\nrawset(_G, 'Store', {})\nprint(St‸ore)", 'Store'],
    ['---@class Registry\n_G.Regi‸stry = {}', 'Registry'],
    ['---@class Registry\n_G.Registry = {}\nprint(Regi‸stry)', 'Registry'],
    ['_G.limit = 10\nprint(_G.pri‸nt)', 'function'],
    ['---@class Vec\nX.Y = 1\nprint(X.‸Y)', 'Vec'],
  ]);
});

describe('type values: table fields', () => {
  check([
    // fields set through a longer chain belong to the table the chain reaches
    ['local A = {\n  ---@class XXX\n  B = {}\n}\nA.B.C = 1\nprint(A.B.‸C)', 'integer'],
    [
      '---@class myClass\nlocal myClass = { has = { nested = {} } }\nfunction myClass.has.nested.fn() end\n---@type myClass\nlocal obj\nobj.has.nested.f‸n()',
      'function',
    ],
    ["local cfg = { db = {} }\ncfg.db.port = 5432\ncfg.db.host = 'x'\nprint(cfg.db.ho‸st)", 'string'],
    // a field assigned only from itself keeps the parent class's declared type
    ['---@class A\n---@field x string\n---@class B : A\nlocal t = {}\nt.x = t.x\nprint(t.‸x)', 'string'],
    // `t.x = nil` removes the field: it adds no `nil`
    ['local mt = {}\nmt.‸x = nil', 'unknown'],
    ['local x = {}\nx.y = 1\nlocal y = x.y\nx.y = nil\nprint(y‸)', 'integer'],
    // a call whose result is unknown stays in the field's union
    ['local function f()\n  return GG\nend\nlocal t\nt.x = 1\nt.x = f()\nprint(t.‸x)', 'integer|unknown'],
  ]);
});

describe('type values: index fields and metatables', () => {
  check([
    ['---@class A\n---@field n number\n---@field [string] boolean\nlocal t\nlocal x‸ = t.xx', 'boolean'],
    ['---@class A\n---@field n number\n---@field [string] boolean\nlocal t\nlocal x‸ = t.n', 'number'],
    ['---@class L\n---@field [integer] string\n---@type L\nlocal l\nlocal x‸ = l[3]', 'string'],
    [
      '---@class A\n---@field [B] boolean\n---@class B\n---@type A\nlocal a\n---@type B\nlocal b\nlocal x‸ = a[b]',
      'boolean',
    ],
    ['---@type { [string]: integer }\nlocal r\nlocal x‸ = r.any', 'integer'],
    ['---@type {(f: fun():number), x: boolean}\nlocal t\nlocal f‸ = t.f', 'fun():number'],
    ['---@type {(f: fun():number), x: boolean}\nlocal t\nlocal x‸ = t.x', 'boolean'],
    ['local m = setmetatable({}, { __index = { a = 1 } })\nprint(m.‸a)', 'integer'],
    ['local mt = { a = 1 }\nlocal m = setmetatable({}, { __index = mt })\nprint(m.‸a)', 'integer'],
    // a file's own stub of setmetatable does not hide what the call does
    [
      '---@return table\nfunction setmetatable(t, mt) end\nlocal m = setmetatable({}, { __index = { a = 1 } })\nprint(m.‸a)',
      'integer',
    ],
    // as a statement: the table itself gets the metatable
    [
      "local obj = {}\nlocal mt = { __index = { name = '' } }\nsetmetatable(obj, mt)\nprint(obj.na‸me)",
      'string',
    ],
  ]);
});

describe('type values: annotations on values', () => {
  check([
    // a name with no value whose methods are set is still unknown (its members are found)
    ['local mt‸\n---@class X\nfunction mt:f(x) end', 'unknown'],
    ['local mt\nfunction mt:f(x) end\nprint(mt.‸f)', 'function'],
    ['local function f()\n  ---@type Shape\n  return {}\nend\nlocal x‸ = f()', 'Shape'],
    ['---@type integerA\nfor i‸ = 1, 10 do\nend', 'integerA'],
    ['---@alias A number\n---@alias(partial) A boolean\n---@type A\nlocal x‸', 'boolean|number'],
    [
      '---@generic K, V\n---@param t table<K, V>\n---@return fun(t: table<K, V>, k?: K):K, V\nlocal function each(t) end\nlocal it‸ = each(dummy)',
      'fun(t: table<K, V>, k?: <K>):<K>, <V>',
    ],
  ]);
});

describe('type values: a table written for a parameter of a class type', () => {
  const CLASSES =
    '---@class D\n---@field y integer\n---@class C\n---@field x integer\n---@field d D\n---@param c C\nlocal function f(c) end\n';
  check([
    [`${CLASSES}f ‸{\n  x = 1,\n}`, 'C'],
    [`${CLASSES}f({ d = ‸{ y = 1 } })`, 'D'],
    // while the field is being written (no value yet): its declared type
    [`${CLASSES}f {\n  x‸ = ,\n}`, 'integer'],
    [`${CLASSES}f {\n  d = {\n    y‸ = ,\n  }\n}`, 'integer'],
    // a table for a parameter that is not a class stays a table
    ['---@param t table\nlocal function g(t) end\ng ‸{ x = 1 }', 'table'],
  ]);
});

describe('type values: tuples and tables made by their fields', () => {
  check([
    ['---@class A\n---@class B\n---@type [A, B]\nlocal t‸', '[A, B]'],
    ['---@class A\n---@class B\n---@type [A, B]\nlocal t\nlocal v‸ = t[2]', 'B'],
    // a global nobody assigns, written only as `a.b.c = v`: `a.b` is a table of those fields
    ["cfg.db.port = 1\ncfg.db.host = ''\nprint(cfg.d‸b)", 'table'],
    ['cfg.db.opts.ssl = true\nprint(cfg.db.opts.s‸sl)', 'boolean'],
    ['local cfg = {}\ncfg.db.port = 1\nprint(cfg.d‸b)', 'unknown'],
  ]);
});

describe('type values: table-shaped parameters bind generics, annotations over several lines', () => {
  const UNPACK =
    '---@generic T1, T2, T3\n---@param arr {\n--- [1]?: T1,\n--- [2]?: T2,\n--- [3]?: T3,\n---}\n---@return T1, T2, T3\nlocal function unpack(arr) end\n';
  check([
    [`---@type [1, 2, 3]\nlocal t\n${UNPACK}local a‸, b = unpack(t)`, '1'],
    [`---@type [1, 2, 3]\nlocal t\n${UNPACK}local a, b, c‸ = unpack(t)`, '3'],
    [
      "---@generic T\n---@param o { name: T }\n---@return T\nlocal function nameOf(o) end\nlocal n‸ = nameOf({ name = 'x' })",
      'string',
    ],
  ]);
});

describe('type values: members listed for completion', () => {
  it('fields set through longer chains are members of the table they reach', () => {
    const { f, p, fa } = openFixture(
      'local M = { sub = { a = 1 } }\nM.sub.f = 1\nfunction M.sub.g() end\nlocal s‸ = M.sub',
    );
    const en = new TypeEngine(p);
    const occ = occurrenceAt(fa, f.cursor);
    const t = occ && hoverLabel(en, fa, occ)?.ty;
    assert.ok(t);
    assert.deepEqual([...membersOf(en, t).keys()].sort(), ['a', 'f', 'g']);
  });
});
