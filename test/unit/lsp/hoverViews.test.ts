import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoverCode } from '../../support/lsp';

const URI = 'file:///ws/views.lua';

/** The code block of the hover at `‸` (what LuaLS's tests compare). */
const label = (src: string, files: Record<string, string> = {}): string | undefined =>
  hoverCode(src, URI, files);

/** `[fixture, expected hover label]`: how values and tables read in hover, as LuaLS writes them. */
const CASES: [string, string][] = [
  // string literals keep the quotes of the source; computed strings use double quotes
  ["local gr‸eet = 'hi'", "local greet: string = 'hi'"],
  ['local gr‸eet = "hi"', 'local greet: string = "hi"'],
  ["local jo‸ined = 'a' .. 'b'", 'local joined: string = "ab"'],
  ["local be‸ll = '\\a'", "local bell: string = '\\007'"],
  // table keys as written: names, ['quoted'] keys, computed keys by value, positions
  [
    "local t‸ = {\n  'p', 'q',\n  [7] = 'r',\n  name = 's',\n  ['key'] = 'u',\n  [2] = 'v',\n}",
    "local t: {\n    name: string = 's',\n    ['key']: string = 'u',\n    [1]: string = 'p',\n    [2]: string = 'q'|'v',\n    [7]: string = 'r',\n}",
  ],
  [
    "local e = { a = 1 }\nlocal t‸ = {\n  [e.a] = true,\n  [-1] = 'neg',\n  [false] = {},\n}",
    "local t: {\n    [-1]: string = 'neg',\n    [1]: boolean = true,\n    [false]: table,\n}",
  ],
  // every field a number: ordered by value; otherwise names, [keys], then _names
  [
    'local t‸ = {\n  z = 1,\n  [10] = 2,\n  a = 3,\n}',
    'local t: {\n    z: integer = 1,\n    [10]: integer = 2,\n    a: integer = 3,\n}',
  ],
  [
    "local t‸ = {\n  _hidden = '',\n  b = '',\n  a = 1,\n}",
    "local t: {\n    a: integer = 1,\n    b: string = '',\n    _hidden: string = '',\n}",
  ],
  // private fields show only where the class is declared; protected ones also in subclasses
  [
    '---@class Acct\n---@field private pin number\n---@field protected owner string\n---@field id number\nlocal a‸',
    'local a: Acct {\n    id: number,\n    owner: string,\n    pin: number,\n}',
  ],
  [
    '---@class Acct\n---@field private pin number\n---@field protected owner string\n---@field id number\n\n---@type Acct\nlocal a‸',
    'local a: Acct {\n    id: number,\n}',
  ],
  [
    '---@class Acct\n---@field private pin number\n---@field protected owner string\n---@field id number\n---@class Savings: Acct\n---@field private rate number\nlocal s‸',
    'local s: Savings {\n    id: number,\n    owner: string,\n    rate: number,\n}',
  ],
  [
    '---@class Acct\n---@field private pin number\n---@field id number\n\n---@type Acct\ng‸ = {}',
    '(global) g: Acct {\n    id: number,\n}',
  ],
  // floats as LuaLS prints them; fields read on a local are listed (unknown) after its type
  ['local x\nx = 1\nx = 2.0\nprint(x‸)', 'local x: number = 2'],
  ['local ha‸lf = 0.50', 'local half: number = 0.5'],
  [
    '---@return number\nlocal function f() end\nlocal n‸ = f()\nprint(n.size)',
    'local n: number {\n    size: unknown,\n}',
  ],
  [
    '---@type { name: string, age?: integer }\nlocal p‸',
    'local p: { name: string, age?: integer } {\n    age?: integer,\n    name: string,\n}',
  ],
  // long-bracket strings stay long brackets; a string holding `"` shows in single quotes
  ['local do‸c = [[a\nb]]', 'local doc: string = [[a\nb]]'],
  ["local q‸ = 'say \"hi\"' .. ''", 'local q: string = \'say "hi"\''],
  // a function without a name hovers on its `function` keyword; ---@async above marks it
  ['---@async\nrun({}, func‸tion (a) return 1 end)', '(async) function (a: any)\n  -> integer'],
  ['local cb = fun‸ction (x, y) end', 'function (x: any, y: any)'],
  // at a call, the name shows the ---@overload the arguments choose
  [
    '---@overload fun(s: string):string\n---@overload fun(a: number, b: number):number\n---@return boolean\nlocal function conv() end\nconv‸(1, 2)',
    'local conv: fun(a: number, b: number):number',
  ],
  [
    '---@overload fun(s: string):string\n---@return boolean\nlocal function conv() end\nconv‸()',
    'function conv()\n  -> boolean',
  ],
  // ---@class / ---@type above a field of a table constructor types the field
  ['local reg = {\n  ---@class Logger\n  lo‸g = make(),\n}', '(field) log: Logger'],
  ['local reg = {\n  ---@type string[]\n  na‸mes = load(),\n}', '(field) names: string[]'],
  // a class field named in a comment
  ['---@class Pt\n---@field x number\n\n---@see Pt.‸x', '(field) Pt.x: number'],
  // what nothing is known about stays unknown, and a function returning only that shows no return
  ['local n‸ = table.unpack(list)', 'local n: unknown'],
  ['local function relay()\n  return missing()\nend\nre‸lay()', 'function relay()'],
  // a ---@field shows its class as owner; keys read with brackets are listed as written
  ['---@class Food\n---@field kcal number\nlocal food = {}\nfood.kc‸al = 0', '(field) Food.kcal: number'],
  ["local t = {}\nprint(t‸['a b'], t[2])", "local t: {\n    ['a b']: unknown,\n    [2]: unknown,\n}"],
  // `f(...)` with overloads shows its first overload; `M:f` on a line being typed is a method
  [
    '---@overload fun(x: number)\n---@overload fun(x: number, y: number)\nlocal function f‸(...) end',
    'function f(x: number)',
  ],
  ['---@overload fun(self: self, x: number)\nfunction M:f(...) end\n\nM:f‸', '(method) M:f(x: number)'],
  // the std lib's string functions take numbers too
  ['string.up‸per()', 'function string.upper(s: string|number)\n  -> string'],
];

describe('hover views (table fields, literals, visibility as LuaLS shows them)', () => {
  for (const [src, expected] of CASES) {
    it(src.split('\n').pop() ?? src, () => assert.equal(label(src), expected));
  }

  it('lists the first 50 fields of a big table, then how many more', () => {
    const keys = Array.from({ length: 53 }, (_, i) => `k${String(i).padStart(2, '0')} = 'v'`);
    const got = label(`local bi‸g = { ${keys.join(', ')} }`) ?? '';
    const lines = got.split('\n');
    assert.equal(lines.length, 53);
    assert.equal(lines[1], "    k00: string = 'v',");
    assert.equal(lines[50], "    k49: string = 'v',");
    assert.equal(lines[51], '    ...(+3)');
  });

  it('names a function from another file where it is defined', () => {
    const named = { 'file:///ws/a.lua': 'local function pad(s, n) end\nreturn pad' };
    assert.equal(label("local x = require 'a'\nx‸()", named), 'function pad(s: any, n: any)');
    const anon = { 'file:///ws/a.lua': 'return function (s, n) end' };
    assert.equal(label("local x = require 'a'\nx‸()", anon), 'function (s: any, n: any)');
    assert.equal(label('local g‸ = function (s) end'), 'function g(s: any)');
  });
});
