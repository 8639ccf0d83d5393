import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDiagnostics } from '../../../server/analysis/diagnostics';
import { checkDiagnostics as check, MAIN_URI as URI, open, project } from '../../support/lsp';

const CASES: [string, string, string][] = [
  ['unused-function', 'local function', 'local ⟪function x()\nend⟫'],
  ['unused-function', 'a function in an unused local', 'local x = ⟪function () end⟫'],
  ['unused-function', 'assigned later', 'local x\nx = ⟪function () end⟫'],
  ['unused-function', 'one calling the other', 'local ⟪function x()\nend⟫\nlocal ⟪function y()\n  x()\nend⟫'],
  ['unused-function', 'only calls itself', 'local ⟪function f()\n  f()\nend⟫'],
  ['unused-function', 'used', 'local function x() end\nx()'],
  ['unused-local', 'a table only written', 'local ⟪t⟫ = {}\n⟪t⟫.a = 1'],
  ['unused-local', 'a table written by index', 'local ⟪t⟫ = {}\n⟪t⟫[1] = 1\n⟪t⟫["a"] = 2'],
  ['unused-local', 'a method table never returned', 'local ⟪mt⟫ = {}\nfunction ⟪mt⟫:f()\nend'],
  ['unused-local', 'a method table returned', 'local mt = {}\nfunction mt:f()\nend\nreturn mt'],
  ['unused-local', 'a parameter written', 'return function (x)\n  x.a = 1\nend'],
  [
    'unused-local',
    'a parameter (LuaLS names it unused-local)',
    'local function f(⟪self⟫)\n  return "something"\nend\nf()',
  ],
  ['unused-local', 'parameters of an empty function are a declaration', 'local function f(a, b) end\nf()'],
  ['unused-local', 'fields written on a value it did not create', 'local t = io.open("x")\nt.a = 1'],
  ['unused-local', 'a class table', '---@class K\nlocal K = {}\nK.x = 1'],
  ['unused-local', 'assigned, never read', 'local ⟪x⟫\n⟪x⟫ = function () end'],
  ['unused-local', 'a local function never named', 'local function ⟪y⟫() end\nlocal function z() z() end'],
  [
    'unreachable-code',
    'after if/elseif/else that all return',
    'if X then\n  return false\nelseif X then\n  return false\nelse\n  return false\nend\n⟪return true⟫',
  ],
  [
    'unreachable-code',
    'in a function',
    'function X()\n  if X then\n    return false\n  else\n    error("x")\n  end\n  ⟪print(1)\n  return true⟫\nend',
  ],
  ['unreachable-code', 'after an infinite loop', 'while true do\nend\n\n⟪print(1)⟫'],
  [
    'unreachable-code',
    'a loop with a break',
    'while true do\n  if not X then\n    break\n  end\nend\n\nprint(1)',
  ],
  ['unreachable-code', 'an if without else', 'if X then\n  return 1\nend\nprint(1)'],
  [
    'unreachable-code',
    'a label after goto',
    'for i = 1, 3 do\n  if i == 2 then goto continue end\n  print(i)\n  ::continue::\nend',
  ],
  ['count-down-loop', 'no step', 'for i = ⟪10, 1⟫ do\n  print(i)\nend'],
  ['count-down-loop', 'a positive step', 'for i = ⟪10, 1, 5⟫ do\n  print(i)\nend'],
  ['count-down-loop', 'negative end', 'for i = ⟪1, -10⟫ do\n  print(i)\nend'],
  ['count-down-loop', 'a negative step', 'for i = 10, 1, -1 do\n  print(i)\nend'],
  ['count-down-loop', 'equal', 'for i = 1, 1 do\n  print(i)\nend'],
  ['empty-block', 'if', '⟪if X then\nend⟫'],
  ['empty-block', 'if else', '⟪if X then\nelse\nend⟫'],
  ['empty-block', 'if else return', 'if X then\nelse\n  return\nend'],
  ['empty-block', 'while true', 'while true do\nend'],
  ['empty-block', 'numeric for', '⟪for _ = 1, 10 do\nend⟫'],
  ['empty-block', 'generic for', '⟪for _ in pairs({}) do\nend⟫'],
  ['redundant-return', 'a bare last return', 'local function f()\n  ⟪return⟫\nend\nf()'],
  ['redundant-return', 'return nil', 'local function f()\n  return nil\nend\nf()'],
  [
    'redundant-return',
    'nested',
    'local function f()\n  local function x()\n    ⟪return⟫\n  end\n  x()\n  return true\nend\nf()',
  ],
  ['unused-vararg', 'unused', 'local function f(⟪...⟫)\n  return "something"\nend\nf()'],
  ['unused-vararg', 'used', 'local function f(...)\n  return select("#", ...)\nend\nf()'],
  [
    'unused-vararg',
    'used only by a nested function does not count',
    'local function f(⟪...⟫)\n  return function(...) return ... end\nend\nf()',
  ],
  ['newline-call', 'a call continued on the next line', '⟪print()\n("string")⟫:sub(1, 1)'],
  ['newline-call', 'method chains', 'local x\nreturn x\n  : f(1)\n  : f(1)'],
  ['newline-call', 'a table argument', 'print\n{\n  x = 1,\n}'],
  ['ambiguity-1', 'or then arithmetic', 'local x\nx = ⟪x or 0 + 1⟫'],
  ['ambiguity-1', 'arithmetic then or', 'local x, y\nx = ⟪x + y or 0⟫'],
  ['ambiguity-1', 'concatenation', "local x, y, z\nx = x and y or '' .. z"],
  ['ambiguity-1', 'unary minus', 'local x\nx = x or -1'],
  ['ambiguity-1', 'parentheses', 'local x, y\nx = x or (0 + 1)\nx = (x + y) or 0'],
  [
    'duplicate-set-field',
    'twice',
    'local m = {}\n\nfunction ⟪m:fff⟫()\nend\n\nfunction ⟪m:fff⟫()\nend\n\nreturn m',
  ],
  [
    'duplicate-set-field',
    'in a do block',
    'local m = {}\nfunction ⟪m:fff⟫()\nend\ndo\n  function ⟪m:fff⟫()\n  end\nend\nreturn m',
  ],
  ['duplicate-set-field', 'values', 'local m = {}\nm.x = true\nm.x = false\nreturn m'],
  [
    'duplicate-set-field',
    'branches',
    'X = {}\nif X then\n  function X.f() end\nelse\n  function X.f() end\nend',
  ],
  [
    'duplicate-set-field',
    'a global class',
    '---@class A\nX = {}\n\nfunction ⟪X.f⟫() end\n\nfunction ⟪X.f⟫() end',
  ],
  ['trailing-space', 'a blank line', 'print(1)\n⟪    ⟫\nprint(2)'],
  ['trailing-space', 'after code', 'X = 1⟪  ⟫\nprint(X)'],
  [
    'trailing-space',
    'in a long string and comments',
    'X = [=[  \n    ]=]\n-- xxxx  \n--[=[  \n   ]=]\nprint(X)',
  ],
  ['unbalanced-assignments', 'locals', 'local x, ⟪y⟫, ⟪z⟫ = 1\nprint(x, y, z)'],
  ['unbalanced-assignments', 'one missing', 'local x, y, ⟪z⟫ = 1, 2\nprint(x, y, z)'],
  ['unbalanced-assignments', 'a call fills the rest', 'local x, y, z = print()\nprint(x, y, z)'],
  ['unbalanced-assignments', 'fields', "T = {}\nT.x, ⟪T.y⟫, ⟪T.z⟫ = 1\nT['x'], ⟪T['y']⟫ = 1"],
  ['redundant-value', 'a local', 'local _ = 1, ⟪2⟫'],
  ['redundant-value', 'a global', '_ = 1, ⟪2⟫, ⟪3⟫'],
  ['duplicate-index', 'twice', 'return {\n  ⟪x⟫ = 1,\n  y = 2,\n  ⟪x⟫ = 3,\n  [⟪"y2"⟫] = 1,\n  ⟪y2⟫ = 2,\n}'],
  [
    'duplicate-index',
    'a positional value',
    'return {\n  1, ⟪2⟫, 3,\n  [⟪2⟫] = 4,\n  [1.5] = 1, ["1"] = 1,\n}',
  ],
  ['duplicate-index', 'two tables', 'return {\n  x = 1,\n}, {\n  x = 1,\n}'],
  ['unused-label', 'never jumped to', '::⟪LABEL⟫::'],
  ['unused-label', 'used', 'for i = 1, 2 do\n  if i then goto next end\n  ::next::\nend'],
  ['code-after-break', 'after break', 'while true do\n  break\n  ⟪print()\n  print()⟫\nend'],
  ['redefined-local', 'same scope', 'local x\nprint(x)\nlocal ⟪x⟫\nprint(x)\nlocal ⟪x⟫\nprint(x)'],
  ['redefined-local', 'a parameter', 'local x\nreturn x, function (⟪x⟫)\n  return x\nend'],
  [
    'redefined-local',
    'scopes that end between same-name locals',
    'local x\ndo\n  local ⟪x⟫\n  local ⟪x⟫\nend\nlocal ⟪x⟫\nfunction F()\n  local ⟪x⟫\nend\ndo\n  local y\nend\nlocal y\nprint(x, y)',
  ],
  ['redefined-local', 'underscore', 'local _\nprint(_)\nlocal _\nprint(_)'],
  [
    'discard-returns',
    'a statement',
    '---@nodiscard\nlocal function f()\n  return 1\nend\n\n⟪f()⟫\nX = f()\nfor i = 1, f() do print(i) end\nif X then\n  local v = f()\n  print(v)\nelse\n  ⟪f()⟫\nend',
  ],
  [
    'discard-returns',
    'a module function',
    'local M = {}\n---Doc.\n---@nodiscard\nfunction M.make()\n  return {}\nend\n⟪M.make()⟫\nreturn M',
  ],
  [
    'close-non-object',
    'literals',
    "local _ <close> = ⟪1⟫\nlocal _ <close> = ⟪''⟫\nlocal _ <close> = nil\nlocal x <close> = setmetatable({}, {})",
  ],
  ['newfield-call', 'a string call across lines', "return {\n  ⟪print\n  'string'⟫\n}"],
  ['newfield-call', 'a table call across lines', 'return {\n  ⟪print\n  {\n    x = 1,\n  }⟫\n}'],
  ['newfield-call', 'one line', "return { print 'x', f(1) }"],
  ['lowercase-global', 'LuaLS cases', '⟪aa⟫ = 1\ntostring = 1\nROOT = 1\n_G.bb = 1'],
];

describe('lsp diagnostics (LuaLS semantics per code)', () => {
  for (const [code, name, src] of CASES) it(`${code}: ${name}`, () => check(code, src));
});

describe('lsp diagnostics on a huge file', () => {
  it('more diagnostics than a call takes arguments: all computed, the first ones kept', () => {
    // 200,000 lines of trailing spaces: collecting them must not spread them into one call
    const text = 'local a = 1 \n' + ' \n'.repeat(200000) + 'print(a)\n';
    const p = project();
    const got = computeDiagnostics(p, open(p, URI, text));
    assert.equal(got.length, 1000);
    assert.ok(got.every((d) => d.code === 'trailing-space'));
    assert.equal(got[0].span.start, 'local a = 1'.length);
    assert.equal(got[1].span.start, 'local a = 1 \n'.length);
  });
});
