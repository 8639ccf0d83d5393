import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signatureHelp } from '../../../server/analysis/hover';
import { fixture, hoverCode, open, project } from '../../support/lsp';

const URI = 'file:///ws/types.lua';

/** The code block of the hover at `‸` (what LuaLS's tests compare). */
const label = (src: string, files: Record<string, string> = {}): string | undefined =>
  hoverCode(src, URI, files);

/** `[fixture, expected hover label]`: the type engine as the hover shows it. */
const CASES: [string, string][] = [
  // literals and locals
  ['local co‸unt = 42', 'local count: integer = 42'],
  ['local ra‸tio = 0.5', 'local ratio: number = 0.5'],
  ["local gre‸eting = 'hey'", "local greeting: string = 'hey'"],
  ['local fl‸ag = false', 'local flag: boolean = false'],
  ['local emp‸ty', 'local empty: unknown'],
  ['local n = 7\nlocal m = n\nprint(m‸)', 'local m: integer = 7'],
  ['local s\ns = 1\ns = "later"\nprint(s‸)', 'local s: string = "later"'],
  ['local neg‸ = -12', 'local neg: integer = -12'],
  ['local pro‸d = 6 * 7', 'local prod: integer = 42'],
  ['local qu‸ot = 7 / 2', 'local quot: number'],
  ["local joi‸ned = 'a' .. 'b'", 'local joined: string = "ab"'],
  ['local le‸n = #arg', 'local len: integer'],
  ['local ok‸ = 1 < 2', 'local ok: boolean'],
  ['g‸ = 3', '(global) g: integer = 3'],
  ['local function f(p‸) end', '(parameter) p: any'],
  ['local x <close> = nil\nprint(x‸)', 'local x <close>: nil'],
  ['local c = 5\nc = c‸ + 1', 'local c: integer = 5'],
  ['local z\n---@type number\nz‸ = compute()', 'local z: number'],
  [
    'local pick\nif cond then\n  pick = 1\nelse\n  pick = "one"\nend\nprint(pick‸)',
    'local pick: string|integer = "one"|1',
  ],
  // functions and returns
  ['local function ad‸d(a, b) return 1 end', 'function add(a: any, b: any)\n  -> integer'],
  ['local function pair() return 1, "x" end\nlocal a, b‸ = pair()', 'local b: string = "x"'],
  ['local function mk() return {} end\nlocal v‸ = mk()', 'local v: table'],
  ['local function f() return 1 end\nlocal ok, r‸ = pcall(f)', 'local r: integer = 1'],
  ['---@param n integer\n---@return string\nlocal function f‸(n) end', 'function f(n: integer)\n  -> string'],
  [
    '---@return boolean ok, string? err\nlocal function ch‸eck() end',
    'function check()\n  -> ok: boolean\n  2. err: string?',
  ],
  [
    '---@generic T\n---@param v T\n---@return T\nlocal function id(v) end\nlocal r‸ = id("s")',
    'local r: string = "s"',
  ],
  ['---@type fun(a: number):boolean\nlocal pred\nlocal r‸ = pred(1)', 'local r: boolean'],
  ['local t = {}\nfunction t.run() end\nt.ru‸n()', 'function t.run()'],
  ['---@class Vec\n---@overload fun(x: number): Vec\nlocal Vec = {}\nlocal v‸ = Vec(1)', 'local v: Vec'],
  ['local func‸tion area(w, h) end', 'function area(w: any, h: any)'],
  // tables
  [
    'local c‸fg = { port = 80, host = "h" }',
    'local cfg: {\n    host: string = "h",\n    port: integer = 80,\n}',
  ],
  ['local o‸ = {}\no.size = 1', 'local o: {\n    size: integer = 1,\n}'],
  ['local t = { inner = { z = 1 } }\nprint(t.in‸ner)', '(field) t.inner: {\n    z: integer = 1,\n}'],
  ['local t = {}\nt.ma‸x = 10', '(field) t.max: integer = 10'],
  ['tbl.fi‸eld = 2', '(global) tbl.field: integer = 2'],
  // metatable classes
  [
    'local Point = {}\nPoint.__index = Point\nfunction Point:len() return 0 end\nlocal p = setmetatable({}, Point)\np:le‸n()',
    '(method) Point:len()\n  -> integer',
  ],
  [
    'local Base = {}\nBase.__index = Base\nfunction Base.new()\n  return setmetatable({ id = 1 }, Base)\nend\nlocal b = Base.new()\nprint(b.i‸d)',
    '(field) b.id: integer = 1',
  ],
  ['local M = {}\nfunction M:init() self.count = 0 end\nprint(M.cou‸nt)', '(field) M.count: integer = 0'],
  // loops
  ["for i, v‸ in ipairs({ 'a', 'b' }) do end", 'local v: string'],
  ['for k‸, v in pairs({ x = 1 }) do end', 'local k: string'],
  ['for i‸ = 1, 10 do end', 'local i: integer'],
  ['---@type table<string, boolean>\nlocal seen\nfor k, v‸ in pairs(seen) do end', 'local v: boolean'],
  // narrowing
  ['---@type string?\nlocal s\nif s then print(s‸) end', 'local s: string'],
  ['---@type string?\nlocal s\nif not s then return end\nprint(s‸)', 'local s: string'],
  ['---@type integer?\nlocal n\nassert(n)\nprint(n‸)', 'local n: integer'],
  [
    "---@type string|integer\nlocal v\nif type(v) == 'integer' then end\nif type(v) == 'string' then print(v‸) end",
    'local v: string',
  ],
  ['---@type boolean?\nlocal b\nprint(b‸)', 'local b: boolean?'],
  ['local x = 1\n---@cast x string\nprint(x‸)', 'local x: string'],
  // annotations
  [
    '---@class Shape\n---@field w number\n---@field h number\n---@type Shape\nlocal s‸',
    'local s: Shape {\n    h: number,\n    w: number,\n}',
  ],
  [
    '---@class Animal\n---@field name string\n---@class Dog : Animal\n---@field barks boolean\n---@type Dog\nlocal d‸',
    'local d: Dog {\n    barks: boolean,\n    name: string,\n}',
  ],
  ["---@alias Mode 'r'|'w'\n---@type Mode\nlocal m‸", "local m: 'r'|'w'"],
  ['---@type integer[]\nlocal xs\nlocal first‸ = xs[1]', 'local first: integer'],
  ['---@type table<string, number>\nlocal m‸', 'local m: table<string, number>'],
  [
    '---@param cb fun(err: string?, n: integer)\nlocal function f(c‸b) end',
    '(parameter) cb: fun(err: string?, n: integer)',
  ],
  ['---@param opt? boolean\nlocal function f(op‸t) end', '(parameter) opt: boolean?'],
  [
    '---@class Item\n---@vararg Item\nlocal function f(...)\n  local li‸st = {...}\nend',
    'local list: Item[]',
  ],
  ['local v‸ = nil --[[@as string]]', 'local v: string'],
  ["('x'):up‸per()", 'function string.upper(s: string|number)\n  -> string'],
];

describe('type engine (hover labels in LuaLS format)', () => {
  for (const [src, expected] of CASES) {
    it(src.split('\n').pop() ?? src, () => assert.equal(label(src), expected));
  }

  it('types a required module across files', () => {
    const files = {
      'file:///ws/lib/shapes.lua': 'local M = {}\nM.sides = 4\nfunction M.area(w) return 2 end\nreturn M',
    };
    assert.equal(
      label('local shapes = require("lib.shapes")\nprint(shapes.si‸des)', files),
      '(field) shapes.sides: integer = 4',
    );
    assert.equal(
      label('local shapes = require("lib.shapes")\nshapes.ar‸ea(2)', files),
      'function M.area(w: any)\n  -> integer',
    );
  });

  it('types the host API from its ---@meta file', () => {
    const l = label('local r = Agent.query("hi")\nprint(r‸)');
    assert.match(l ?? '', /^local r: AgentResponse/);
  });
});

/** Signature help: `‸` is the cursor; `«»` marks the active parameter in the expected label. */
const SIGNATURES: [string, string[] | null][] = [
  ['local function mix(r, g)\nend\nmix(‸', ['function mix(«r: any», g: any)']],
  ['local function mix(r, g)\nend\nmix(1, ‸)', ['function mix(r: any, «g: any»)']],
  ["local function say(a, b) end\nsay(1, 'hel‸lo')", ['function say(a: any, «b: any»)']],
  ['local obj = {}\nfunction obj:move(dx, dy) end\nobj:move(‸', ['(method) obj:move(«dx: any», dy: any)']],
  ['local obj = {}\nfunction obj:move(dx) end\nobj.move(‸', ['function obj.move(«self: any», dx: any)']],
  ['local function log(fmt, ...) end\nlog("%d %d", 1, 2, ‸', ['function log(fmt: any, «...any»)']],
  ['local name = "x"\nname:sub(‸', ['(method) string:sub(«i: integer», j?: integer)']],
  ["('x'):rep(‸", ['(method) string:rep(«n: integer», sep?: string)']],
  [
    '---@type fun(w: number, h: number):number\nlocal area\narea(3, ‸)',
    ['function area(w: number, «h: number»)'],
  ],
  [
    '---@overload fun(s: string)\n---@param n integer\n---@param base integer\nlocal function conv(n, base) end\nconv(‸',
    ['function conv(«n: integer», base: integer)', 'function conv(«s: string»)'],
  ],
  ['local function outer(f) end\nouter(function () ‸ end)', null],
  [
    'local function run(cb, n) end\nrun(function (a)\n  local x, y = 1, 2\n  if x then return end\nend, ‸',
    ['function run(cb: any, «n: any»)'],
  ],
  ['local t = { 1 }\nprint(#t)‸', null],
];

describe('signature help (LuaLS labels, overloads, innermost call)', () => {
  for (const [src, expected] of SIGNATURES) {
    it(src.split('\n').pop() ?? src, () => {
      const f = fixture(src);
      const p = project();
      const s = signatureHelp(p, open(p, URI, f.text), f.text, f.cursor, f.cursor);
      const got = s
        ? s.signatures.map((x) => {
            const a = x.params[x.activeParameter];
            return a
              ? `${x.label.slice(0, a.start)}«${x.label.slice(a.start, a.end)}»${x.label.slice(a.end)}`
              : x.label;
          })
        : null;
      assert.deepEqual(got, expected);
    });
  }
});
