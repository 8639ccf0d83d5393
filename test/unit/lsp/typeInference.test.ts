import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definition } from '../../../server/analysis/navigation';
import { fixture, hoverCases, hoverCode, open, project } from '../../support/lsp';

const URI = 'file:///ws/infer.lua';

const label = (src: string): string | undefined => hoverCode(src, URI);

function check(cases: [string, string][]): void {
  hoverCases(cases, label);
}

describe('type inference: ---@operator', () => {
  const VEC =
    '---@class Vec2\n---@operator add(Vec2): Vec2\n---@operator mul(number): Vec2\n---@operator unm: Vec2\n---@operator len: number\n---@operator call: string\n';
  check([
    [`${VEC}---@type Vec2\nlocal a\nlocal s‸um = a + a`, 'local sum: Vec2'],
    [`${VEC}---@type Vec2\nlocal a\nlocal sc‸aled = 2 * a`, 'local scaled: Vec2'],
    [`${VEC}---@type Vec2\nlocal a\nlocal ne‸g = -a`, 'local neg: Vec2'],
    [`${VEC}---@type Vec2\nlocal a\nlocal n‸ = #a`, 'local n: number'],
    [`${VEC}---@type Vec2\nlocal a\nlocal r‸ = a()`, 'local r: string'],
    [
      '---@class Money\n---@operator add(integer): Money\n---@operator add(boolean): boolean\n---@type Money\nlocal m\nlocal f‸lag = m + false',
      'local flag: boolean',
    ],
  ]);
});

describe('type inference: generics', () => {
  check([
    ['---@generic T\n---@type fun(v: T): T\nlocal same\nlocal o‸ut = same(2.5)', 'local out: number = 2.5'],
    ['---@type fun<K>(k: K): K\nlocal keep\nlocal o‸ut = keep(true)', 'local out: boolean = true'],
    [
      '---@generic T\n---@param v T?\n---@return T\nlocal function unwrap(v) end\n---@type string?\nlocal s\nlocal o‸ut = unwrap(s)',
      'local out: string',
    ],
    [
      '---@generic K, V\n---@param k K\n---@return fun(v: V): K, V\nlocal function curry(k) end\nlocal g = curry(1)\nlocal a, b‸ = g("x")',
      'local b: string = "x"',
    ],
    [
      '---@generic T\n---@param make fun(): T\n---@return T[]\nlocal function many(make) end\nlocal l‸ist = many(function() return true end)',
      'local list: boolean[]',
    ],
    [
      '---@class Stack\nlocal Stack = {}\n---@generic S\n---@param self S\n---@return S\nfunction Stack:me() return self end\nlocal o‸ = Stack:me()',
      'local o: Stack {\n    me: function,\n}',
    ],
    [
      '---@class Box<T>\n---@field item T\nlocal Box = {}\n---@return T\nfunction Box:get() end\n---@type Box<integer>\nlocal b\nlocal v‸ = b:get()',
      'local v: integer',
    ],
    [
      '---@class Pair<A, B>\n---@field left A\n---@field right B\n---@class Names: Pair<string, boolean>\n---@type Names\nlocal n\nlocal r‸ = n.right',
      'local r: boolean',
    ],
    [
      '---@generic K, V\n---@param t table<K, V>\n---@return fun(t: table<K, V>, k?: K): K, V\n---@return table<K, V>\nlocal function each(t) end\n---@type table<string, integer>\nlocal m\nfor k, v‸ in each(m) do end',
      'local v: integer',
    ],
  ]);
});

describe('type inference: standard library, classes on assignments, lines that do not parse', () => {
  check([
    [
      'print(u‸tf8)',
      '(global) utf8: utf8lib {\n    char: function,\n    charpattern: string,\n    codepoint: function,\n    codes: function,\n    len: function,\n    offset: function,\n}',
    ],
    [
      "local h = io.po‸pen('ls')",
      'function io.popen(prog: string, mode?: "r"|"w")\n  -> file*?\n  2. errmsg: string?',
    ],
    ['---@class Registry\nREG = {}\nprint(R‸EG)', '(global) REG: Registry'],
    ['---@type table<string, number>\nlocal prices\nprices.ap‸ple', '(field) prices.apple: number'],
    ['local total = 3\nlocal function f()\n  tot‸al\nend', '(upvalue) total: integer = 3'],
    [
      '---@class stringlib\nlocal str\nfunction str.shout(s) return s end\nlocal r = ("x").sh‸out',
      'function str.shout(s: any)\n  -> any',
    ],
  ]);
});

describe('type inference: narrowing and declared fields', () => {
  check([
    ['---@type boolean\nlocal ok\nif ok then\n  print(o‸k)\nend', 'local ok: true'],
    ['---@type boolean\nlocal ok\nif ok then return end\nprint(o‸k)', 'local ok: false'],
    ['---@type string?\nlocal s\nif not s then os.exit(1) end\nprint(s‸)', 'local s: string'],
    ['---@type string?\nlocal s\ndo\n  if not s then return end\nend\nprint(s‸)', 'local s: string'],
    [
      "local v\nif type(v) == 'integer' or type(v) == 'string' then\n  print(v‸)\nend",
      'local v: string|integer',
    ],
    [
      '---@class Cfg\n---@field port integer\nlocal cfg = {}\ncfg.port = "80"\nprint(cfg.po‸rt)',
      '(field) Cfg.port: integer',
    ],
    [
      '---@class Opts\nlocal o = { mode = "fast" }\n---@type boolean\no.mode = true\nprint(o.mo‸de)',
      '(field) o.mode: string = "fast"',
    ],
  ]);
});

describe('type inference: parameters of functions written where a type is expected', () => {
  check([
    ['---@type fun(n: integer)\nlocal function tick(n‸) end', '(parameter) n: integer'],
    [
      '---@type table<string, fun(msg: string)>\nlocal handlers = {\n  info = function(m‸sg) end,\n}',
      '(parameter) msg: string',
    ],
    ['---@type fun(i: integer)[]\nlocal steps = {\n  function(i‸) end,\n}', '(parameter) i: integer'],
    [
      '---@class Widget\n---@field draw fun(ctx: table)\n---@type Widget\nlocal w = {\n  draw = function(c‸tx) end,\n}',
      '(parameter) ctx: table',
    ],
    [
      '---@return fun(line: string)\nlocal function reader()\n  return function(li‸ne) end\nend',
      '(parameter) line: string',
    ],
    [
      '---@class Base\nlocal Base = {}\n---@param dt number\nfunction Base:update(dt) end\n---@class Ship: Base\nlocal Ship = {}\nfunction Ship:update(d‸t) end',
      '(parameter) dt: number',
    ],
    [
      '---@param cb fun(code: integer)\nlocal function run(cb) end\npcall(run, function(co‸de) end)',
      '(parameter) code: integer',
    ],
    [
      '---@generic T\n---@param list T[]\n---@param each fun(item: T)\nlocal function walk(list, each) end\n---@type boolean[]\nlocal flags\nwalk(flags, function(it‸em) end)',
      '(parameter) item: boolean',
    ],
    [
      "---@class Bus\n---@field on fun(ev: 'open', cb: fun(id: integer))\n---@field on fun(ev: 'close', cb: fun(why: string))\nlocal bus = {}\nbus.on('close', function(w‸hy) end)",
      '(parameter) why: string',
    ],
  ]);
});

describe('type inference: casts, empty bodies, vararg returns, loop annotations', () => {
  check([
    ['local raw = load_it()--[[@as string]]\nprint(ra‸w)', 'local raw: string'],
    ['local v\nprint(v‸--[[@as integer]])', 'local v: integer'],
    ['local function noop() end\nlocal r‸ = noop()', 'local r: nil'],
    ['---@return string ...\nlocal function names() end\nlocal a, b‸ = names()', 'local b: string'],
    ['---@class Job\n---@param job Job\nfor _, jo‸b in ipairs(queue) do end', 'local job: Job'],
    ['local a --- @type boolean\nlocal b‸', 'local b: unknown'],
  ]);
});

describe('definition on a line that does not parse yet', () => {
  it('goes to the field a method sets on self', () => {
    const f = fixture('local Sprite = {}\nfunction Sprite:init()\n  self.⟪frame⟫ = 1\nend\nSprite.fra‸me');
    const p = project();
    const locs = definition(p, open(p, URI, f.text), f.cursor);
    assert.deepEqual(
      locs.map((l) => l.span),
      [f.spans[0]],
    );
  });
  it('goes to a ---@field of a parent class', () => {
    const f = fixture(
      '---@class Shape\n---@field ⟪sides⟫ integer\n---@class Square: Shape\n---@type Square\nlocal sq\nsq.si‸des',
    );
    const p = project();
    assert.deepEqual(
      definition(p, open(p, URI, f.text), f.cursor).map((l) => l.span),
      [f.spans[0]],
    );
  });
});
