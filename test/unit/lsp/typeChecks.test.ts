import { describe, it } from 'node:test';
import { checkDiagnostics as check } from '../../support/lsp';

const CASES: [string, string, string][] = [
  [
    'param-type-mismatch',
    'a boolean for a number',
    '---@param x number\nlocal function f(x) return x end\n\nf(⟪true⟫)',
  ],
  [
    'param-type-mismatch',
    'an integer for a number',
    '---@param x number\nlocal function f(x) return x end\nf(1)\nf(1.5)',
  ],
  [
    'param-type-mismatch',
    'an alias',
    '---@alias A string|boolean\n---@param x A\nlocal function f(x) return x end\nf("s")\nf(⟪1⟫)',
  ],
  [
    'param-type-mismatch',
    'a static function of a class',
    '---@class Class\nlocal Class = {}\n---@param source string\nfunction Class.staticCreator(source) return source end\nClass.staticCreator(⟪true⟫)',
  ],
  [
    'param-type-mismatch',
    'a typed local',
    '---@param b boolean\nlocal function f(b) return b end\n---@type string\nlocal s = "x"\nf(⟪s⟫)',
  ],
  [
    'param-type-mismatch',
    'unknown types are not checked',
    '---@param x SomethingElse\nlocal function f(x) return x end\nf(1)',
  ],
  ['assign-type-mismatch', 'a literal', "---@type number\nlocal ⟪x⟫ = 'aaa'\nprint(x)"],
  [
    'assign-type-mismatch',
    'an alias',
    '---@alias test boolean\n\n---@type test\nlocal ⟪test⟫ = 4\nprint(test)',
  ],
  [
    'assign-type-mismatch',
    'fits',
    '---@type number\nlocal t = 1\n---@type string|nil\nlocal s = "x"\nprint(t, s)',
  ],
  ['need-check-nil', 'a method call', '---@type string?\nlocal x\n\nlocal s = ⟪x⟫:upper()\nprint(s)'],
  ['need-check-nil', 'a call', '---@type function?\nlocal x\n\nS = ⟪x⟫()'],
  ['need-check-nil', 'checked by if', '---@type string?\nlocal x\n\nif x then\n  S = x:upper()\nend'],
  [
    'need-check-nil',
    'checked by assignment',
    "---@type string?\nlocal x\n\nif not x then\n  x = ''\nend\n\nS = x:upper()",
  ],
  [
    'need-check-nil',
    'each use before a check',
    '---@class A\n---@field b string\n---@type A?\nlocal a\n\nif ⟪a⟫.b == "string1" then end\nif ⟪a⟫.b == "string" then end',
  ],
  [
    'undefined-field',
    'fields of a class and its parent',
    '---@class Foo\n---@field field1 integer\nlocal mt = {}\nfunction mt:Constructor()\n  self.field2 = 1\nend\nfunction mt:method1() return 1 end\n\n---@class Bar: Foo\nlocal mt2 = {}\n\n---@type Foo\nlocal v\nprint(v.field1, v.field2, v.⟪field3⟫, v:method1(), v:⟪method3⟫())\n---@type Bar\nlocal v2\nprint(v2.field1, v2.⟪field3⟫, mt2)\nlocal v3 = {}\nprint(v3.abc)',
  ],
  [
    'undefined-field',
    'the class variable itself',
    '---@class Foo\nlocal Foo\nfunction Foo:method1() end\nFoo:⟪method2⟫()',
  ],
  [
    'undefined-field',
    'no class, no check',
    'local Foo = {}\nfunction Foo:method1()\n  return Foo:method2()\nend\nreturn Foo',
  ],
  [
    'undefined-field',
    'through self',
    '---@class Foo\nlocal mt = {}\nfunction mt:method1()\n  return self.⟪method2⟫()\nend\nreturn mt',
  ],
  ['return-type-mismatch', 'a boolean for a number', '---@return number\nfunction F()\n  return ⟪true⟫\nend'],
  [
    'return-type-mismatch',
    'optional',
    '---@return number?\nfunction F()\n  if X then return 1 end\n  return nil\nend',
  ],
  [
    'return-type-mismatch',
    'a module function, second value',
    '---@return number, boolean\nlocal function f()\n  return 1, ⟪2⟫\nend\nlocal M = {}\n---@return string\nfunction M.g()\n  return ⟪{}⟫\nend\nreturn f, M',
  ],
  ['missing-return', 'falls off the end', '---@return number\nfunction F()\n  X = 1⟪⟫\nend'],
  [
    'missing-return',
    'an if without else',
    'local A\n---@return number\nfunction F()\n  if A then\n    return 1\n  end⟪⟫\nend',
  ],
  [
    'missing-return',
    'every branch returns',
    'local A, B\n---@return number\nfunction F()\n  if A then\n    return 1\n  elseif B then\n    return 2\n  else\n    return 3\n  end\nend',
  ],
  [
    'missing-return',
    'optional and any',
    '---@return number?\nfunction F()\nend\n---@return any\nfunction G()\n  X = 1\nend',
  ],
  ['missing-return', 'any then number', '---@return any, number\nfunction F()\n  X = 1⟪⟫\nend'],
  ['missing-return', 'an empty body', '---@return number\nlocal function f()\n⟪⟫end\nreturn f'],
  [
    'missing-return',
    'error and infinite loops end',
    'local A\n---@return number\nfunction F()\n  for _ = 1, 10 do\n    if A then return 1 end\n  end\n  error("x")\nend\n---@return number\nfunction G()\n  while true do\n    if A then return 1 end\n  end\nend',
  ],
  ['missing-return-value', 'a bare return', '---@return number\nfunction F()\n  ⟪return⟫\nend'],
  ['missing-return-value', 'one of two', '---@return number, number\nfunction F()\n  ⟪return⟫ 1\nend'],
  ['missing-return-value', 'optional second', '---@return number, number?\nfunction F()\n  return 1\nend'],
  [
    'redundant-return-value',
    'extra values',
    '---@return number, number?\nfunction F()\n  return 1, 1, ⟪1⟫, ⟪2⟫\nend',
  ],
  ['redundant-return-value', 'varargs', '---@return ...\nfunction F()\n  return 1, 2, 3\nend'],
  ['deprecated', 'a removed global', 'local _ = ⟪unpack⟫'],
  ['deprecated', 'a field', 'T = {}\n---@deprecated # comment\nT.x = 1\n\nprint(⟪T.x⟫)'],
  ['deprecated', 'a method', 'T = {}\n\n---@deprecated\nfunction T:ff()\nend\n\n⟪T:ff⟫()'],
  ['deprecated', 'a local function', '---@deprecated\nlocal function old() end\n⟪old⟫()'],
  [
    'inject-field',
    'through a typed value',
    '---@class Class\nlocal m = {}\n\nm.xx = 1\n\n---@type Class\nlocal v\n\nv.xx = 1\nv.⟪yy⟫ = 1\nprint(v)',
  ],
  [
    'inject-field',
    'through the class table',
    '---@class Class\nlocal m = {}\nm.xx = 1\n---@class Class\nlocal m2\nm2.yy = 1\nprint(m, m2)',
  ],
  [
    'inject-field',
    'a declared field',
    '---@class P\n---@field x number\n---@type P\nlocal p\np.x = 1\nprint(p)',
  ],
  ['global-in-nil-env', 'local _ENV', 'local _ENV\n⟪print⟫(_ENV)'],
  ['global-in-nil-env', '_ENV = nil', '_ENV = nil\n⟪print⟫(⟪A⟫)\n⟪GLOBAL⟫ = 1'],
  ['global-in-nil-env', 'before the assignment', 'GLOBAL = 1\n_ENV = nil'],
  ['global-in-nil-env', 'a table', '_ENV = {}\nprint(A)'],
  [
    'undefined-global',
    'globals of a table _ENV',
    'local _ENV = { print = print }\nprint(A)\nlocal function foo(_ENV)\n  Joe = "human"\nend\nreturn foo',
  ],
  [
    'undefined-global',
    'still checked outside',
    'local function f()\n  local _ENV = {}\n  return A\nend\nreturn f, ⟪B⟫',
  ],
];

describe('lsp type diagnostics from declarations (LuaLS semantics)', () => {
  for (const [code, name, src] of CASES) it(`${code}: ${name}`, () => check(code, src));
  it('undefined-field: a field set in another workspace file', () => {
    check('undefined-field', '---@type Foo\nlocal v\nprint(v.extra, v.⟪missing⟫)', {
      'file:///ws/foo.lua': '---@class Foo\nlocal Foo = {}\nFoo.extra = 1\nreturn Foo',
    });
  });
});
