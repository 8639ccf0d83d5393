import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exprAt, fileIndex } from '../../../server/analysis/types/astIndex';
import { TypeEngine } from '../../../server/analysis/types/engine';
import { viewInferred } from '../../../server/analysis/types/ty';
import { fixture, hoverCases, hoverCode, open, project } from '../../support/lsp';

const URI = 'file:///ws/calls.lua';

/** The code block of the hover at `‸`, without a class value's member list. */
const label = (src: string): string | undefined => hoverCode(src, URI)?.replace(/ \{\n[\s\S]*\}$/, '');

function check(cases: [string, string][]): void {
  hoverCases(cases, label);
}

describe('calls: overload chosen by the arguments', () => {
  const ARITY =
    '---@overload fun(x: number, y: number):string\n---@overload fun(x: number):number\n---@return boolean\nlocal function f() end\n';
  const NONE = '---@overload fun():boolean\n---@param x integer\n---@return number\nfunction f(x) end\n';
  const LIT = "---@overload fun(a: 'x'): 1\n---@overload fun(a: 'y'): 2\nlocal function pick(...) end\n";
  const KIND =
    '---@overload fun(a: boolean): 1\n---@overload fun(a: number): 2\nlocal function kind(...) end\n';
  check([
    [`${ARITY}local n‸0 = f()`, 'local n0: boolean'],
    [`${ARITY}local n‸1 = f(0)`, 'local n1: number'],
    [`${ARITY}local n‸2 = f(0, 0)`, 'local n2: string'],
    [`${NONE}local function none() return end\nlocal r‸ = f(none())`, 'local r: boolean'],
    [`${NONE}local function one() return 1 end\nlocal r‸ = f(one())`, 'local r: number'],
    [`${NONE}---@type fun()\nlocal nothing\nlocal r‸ = f(nothing())`, 'local r: boolean'],
    [`${LIT}local r‸ = pick('y')`, 'local r: 2'],
    [`${KIND}local r‸ = kind(true)`, 'local r: 1'],
    [`${KIND}local r‸ = kind(10)`, 'local r: 2'],
  ]);
});

describe('calls: callback parameters from the chosen overload', () => {
  const CB =
    '---@overload fun(a: 1, c: fun(x: number))\n---@overload fun(a: 2, c: fun(x: string))\nlocal function on(...) end\n';
  check([
    [`${CB}on(1, function (a‸) end)`, '(parameter) a: number'],
    [`${CB}on(2, function (a‸) end)`, '(parameter) a: string'],
    [
      "---@class Emit\n---@field on fun(self: Emit, name: string, cb: function)\n---@field on fun(self: Emit, name: '\"died\"', cb: fun(i: integer))\nlocal emit = {}\nemit:on('died', function (i‸) end)",
      '(parameter) i: integer',
    ],
  ]);
});

describe('calls: ---@operator on generic classes', () => {
  const BOX = '---@class Box<T>\n---@operator call(): T?\n---@operator add(Box<T>): T\nlocal box\n';
  check([
    [`${BOX}---@type Box<string>\nlocal b\nlocal v‸ = b()`, 'local v: string?'],
    [`${BOX}---@type Box<string>\nlocal b\nlocal v‸ = b + b`, 'local v: string'],
    [`${BOX}---@type Box\nlocal b\nlocal v‸ = b()`, 'local v: <T>?'],
    [`${BOX}---@type Box<Box<integer>>\nlocal b\nlocal outer = b()\nlocal v‸ = outer()`, 'local v: integer?'],
    [
      `${BOX}---@generic T\n---@param items T[]\n---@return Box<T>\nlocal function make(items) end\nlocal l = {} ---@type boolean[]\nlocal v‸ = make(l)()`,
      'local v: boolean?',
    ],
    [
      '---@class Pair<K, V>\n---@operator call(): V\n---@class Named<V>: Pair<string, V>\n---@type Named<number>\nlocal p\nlocal v‸ = p()',
      'local v: number',
    ],
    [
      '---@class mat4\n---@operator mul(vec3): vec3\n---@operator mul(number): mat4\n---@class vec3: number\n---@type mat4, vec3\nlocal m, v\nlocal r‸ = m * v',
      'local r: vec3',
    ],
    [
      '---@class mat4\n---@operator mul(vec3): vec3\n---@operator mul(number): mat4\n---@class vec3\n---@type mat4, number\nlocal m, n\nlocal r‸ = m * n',
      'local r: mat4',
    ],
  ]);
});

describe('calls: a method overriding a parent field typed as a function', () => {
  check([
    [
      '---@class Btn\n---@field onClick fun(self: Btn, x: number)\nlocal btn = {}\nfunction btn:onClick(x‸) end',
      '(parameter) x: number',
    ],
    [
      '---@class Base\nlocal base = {}\n---@type (fun(self: Base, x: string): number)?\nbase.callback = nil\n---@class Child : Base\nlocal child = {}\nfunction child:callback(x‸) end',
      '(parameter) x: string',
    ],
    [
      '---@class Handler\n---@field process fun(self: Handler, a: number, b: string): string\n---@class Custom : Handler\nlocal custom = {}\nfunction custom:process(a, b‸) end',
      '(parameter) b: string',
    ],
  ]);
});

describe('calls: self as a type', () => {
  check([
    ['---@class A\nlocal mt\n---@return self\nfunction mt:init() end\nlocal o‸ = mt:init()', 'local o: A'],
    ['---@class A\n---@field x self\n---@type A\nlocal o\nlocal v‸ = o.x', 'local v: A'],
    ['---@class A\n---@overload fun(): self\nlocal A\nlocal o‸ = A()', 'local o: A'],
    [
      '---@class Item\n---@class P\n---@overload fun(x: integer): P\n---@overload fun(x: string): Item\nlocal P\nlocal o‸ = P("s")',
      'local o: Item',
    ],
    ['---@class A\nlocal mt\n---@return se‸lf\nfunction mt:init() end', 'A'],
    ['---@class A\n---@field x se‸lf', 'A'],
  ]);
});

describe('calls: named functions passed as callbacks, unbound generics', () => {
  const WORK = '---@class Class\n---@param callback fun(value: Class)\nfunction work(callback) end\n';
  const PARENT =
    '---@class Parent\nlocal Parent\n---@generic T\n---@param self T\n---@param callback fun(self: T)\nfunction Parent:work(callback) end\n---@class Child: Parent\nlocal Child\n';
  check([
    [`${WORK}local function cb(v‸alue) end\nwork(cb)`, '(parameter) value: Class'],
    [`${PARENT}local function cb(s‸elf) end\nParent:work(cb)`, '(parameter) self: Parent'],
    [`${PARENT}local function cb(s‸elf) end\nChild:work(cb)`, '(parameter) self: Child'],
    [
      '---@generic T\n---@param t T[]\n---@param callback fun(v: T)\nlocal function f(t, callback) end\nlocal t = {}\nf(t, function (v‸) end)',
      '(parameter) v: unknown',
    ],
    [
      '---@generic T\n---@param t T[]\n---@param callback fun(v: T)\nlocal function f(t, callback) end\nf({ 1 }, function (v‸) end)',
      '(parameter) v: integer',
    ],
  ]);
});

/** The type of the expression at `‸` (a function expression at its `function` keyword). */
function exprView(src: string): string | undefined {
  const f = fixture(src);
  const p = project();
  const fa = open(p, URI, f.text);
  const e = exprAt(fileIndex(fa), f.cursor);
  return e && viewInferred(new TypeEngine(p).exprType(fa, e));
}

describe('calls: a function expression takes the expected function type', () => {
  const WORK = '---@class Class\n---@param callback fun(value: Class)\nfunction work(callback) end\n';
  const cases: [string, string][] = [
    [`${WORK}work(fun‸ction (value) end)`, 'fun(value: Class)'],
    [`${WORK}pcall(work, fun‸ction (value) end)`, 'fun(value: Class)'],
    [
      "---@class Emit\n---@field on fun(name: string, cb: function)\n---@field on fun(name: 'died', cb: fun(i: integer))\nlocal emit = {}\nemit.on('died', fun‸ction (i) end)",
      'fun(i: integer)',
    ],
    ['local f = fun‸ction (a) end', 'function'],
  ];
  for (const [src, expected] of cases)
    it(src.split('\n').pop() ?? src, () => assert.equal(exprView(src), expected));
});

describe('calls: returns, ---@param self, classes declared twice', () => {
  check([
    [
      'local function f()\n  if x then\n    return\n  else\n    return 1\n  end\nend\nlocal n‸ = f()',
      'local n: integer|nil',
    ],
    [
      '---@class list<T>\n---@field [integer] T\n---@generic T\n---@param self list<T>\nfunction list:foo()\n  for _, v‸ in ipairs(self) do end\nend',
      'local v: <T>',
    ],
    ["---@class string\n---@operator mod: string\n\nlocal b‸ = '' % 1", 'local b: string'],
    [
      'local a, b\nfunction a()\n  return b()\nend\nfunction b()\n  return a()\nend\nlocal x‸ = a()',
      'local x: unknown',
    ],
    [
      '---@type string[]\nlocal names\ntable.sort(names, function (a‸, b) return a < b end)',
      '(parameter) a: string',
    ],
    [
      '---@generic T\n---@param list T[]\n---@return T\nlocal function first(list) end\n---@type boolean[]\nlocal l\nlocal ok, v‸ = pcall(first, l)',
      'local v: boolean',
    ],
    [
      '---@param opts { on: fun(x: integer) }\nlocal function f(opts) end\nf { on = function (x‸) end }',
      '(parameter) x: integer',
    ],
  ]);
});

describe('calls: backtick generics, table types as class parents', () => {
  check([
    [
      "---@class Foo\n---@generic T\n---@param name `T`\n---@return T\nlocal function new(name) end\nlocal x‸ = new 'Foo'",
      'local x: Foo',
    ],
    [
      "---@class list<T>\n---@generic T\n---@param class `T`\n---@return list<T>\nlocal function new_list(class) return {} end\nlocal s‸ = new_list('string')",
      'local s: list<string>',
    ],
    [
      "---@class list<T>: {[integer]: T}\n---@generic T\n---@param class `T`\n---@return list<T>\nlocal function new_list(class) return {} end\nlocal s‸ = new_list('string')",
      'local s: list<string>|{ [integer]: string }',
    ],
    [
      '---@class listB<T>: {[integer]: T}\n---@type listB<boolean>\nlocal l\nlocal v‸ = l[1]',
      'local v: boolean',
    ],
  ]);
});
