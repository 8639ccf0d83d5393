import { describe, it } from 'node:test';
import { checkDiagnostics as check } from '../../support/lsp';

const CASES: [string, string, string][] = [
  ['undefined-doc-name', 'a type', '---@type ⟪A⟫\nlocal x\nprint(x)'],
  ['undefined-doc-name', 'in a union', '---@class A\n---@type A|⟪B⟫|⟪C⟫\nlocal x\nprint(x)'],
  [
    'undefined-doc-name',
    'an alias of a class',
    '---@class AAA\n---@alias B AAA\n\n---@type B\nlocal x\nprint(x)',
  ],
  ['undefined-doc-name', 'an alias of nothing', '---@alias B ⟪AAA⟫'],
  [
    'undefined-doc-name',
    'built-ins, generics, fun and shapes',
    '---@generic T\n---@param f fun(a: integer, ...: string): T\n---@param o { name: string, [integer]: boolean }\n---@param s "a"|"b"\n---@return table<string, T[]>\nlocal function g(f, o, s) return { f, o, s } end\nprint(g)',
  ],
  [
    'undefined-doc-name',
    'a param type',
    '---@param x ⟪Klass⟫ the x\nlocal function f(x) return x end\nprint(f)',
  ],
  ['undefined-doc-class', 'a parent', '---@class A : ⟪B⟫'],
  ['undefined-doc-param', 'no function', '---@param ⟪x⟫ integer'],
  [
    'undefined-doc-param',
    'another name',
    '---@class Class\n---@param ⟪y⟫ Class\nlocal function f(x)\n  return x\nend\nf()',
  ],
  ['undefined-doc-param', 'a global function', '---@param ⟪y⟫ integer\nfunction F(x)\n  return x\nend'],
  [
    'undefined-doc-param',
    'self of a method',
    'local M = {}\n---@param self table\n---@param n integer\nfunction M:f(n) return self, n end\nreturn M',
  ],
  [
    'duplicate-doc-param',
    'twice',
    '---@param ⟪x⟫ integer\n---@param y integer\n---@param ⟪x⟫ integer\nlocal function f(x, y)\n  return x, y\nend\nprint(f)',
  ],
  ['duplicate-doc-field', 'twice', '---@class Class\n---@field ⟪x⟫ Class\n---@field ⟪x⟫ Class'],
  [
    'duplicate-doc-field',
    'function overloads',
    '---@class Emit\n---@field on fun(name: string)\n---@field on fun(name: integer)\nlocal emit = {}\nreturn emit',
  ],
  ['doc-field-no-class', 'before the class', '---@field ⟪x Class⟫\n---@class Class'],
  ['doc-field-no-class', 'after a blank line', '---@class Class\n\n---@field ⟪x Class⟫'],
  ['doc-field-no-class', 'an empty doc line keeps the block', '---@class Class\n---\n---@field x Class'],
  ['duplicate-doc-alias', 'twice', '---@alias ⟪A⟫ integer\n---@alias ⟪A⟫ integer'],
  ['duplicate-doc-alias', 'a class name', '---@class A\n---@class B\n---@alias ⟪A⟫ B'],
  [
    'circle-doc-class',
    'a cycle',
    '---@class ⟪A : B⟫\n---@class ⟪B : C⟫\n---@class ⟪C : D⟫\n---@class ⟪D : A⟫',
  ],
  ['circle-doc-class', 'a chain', '---@class A : B\n---@class B : C\n---@class C : D\n---@class D'],
  ['unknown-diag-code', 'unknown', '---@diagnostic disable-next-line: ⟪xxx⟫, unused-local\nlocal _ = 1'],
];

describe('lsp annotation diagnostics (LuaLS semantics)', () => {
  for (const [code, name, src] of CASES) it(`${code}: ${name}`, () => check(code, src));
});
