import { describe } from 'node:test';
import { hoverCases, hoverCode } from '../../support/lsp';

/** Control-flow typing (server/analysis/types/flow.ts, narrow.ts): the hover at `‸`. */
const URI = 'file:///ws/flow.lua';

/** The first line of the hover's code block (a class's fields follow it). */
const label = (src: string): string | undefined => hoverCode(src, URI)?.split('\n')[0].replace(/ \{$/, '');

function check(cases: [string, string][]): void {
  hoverCases(cases, label, (src) => src.replace(/\n/g, ' ⏎ '));
}

const AB = "---@class A\n---@field kind 'a'\n---@field size integer\n---@class B\n---@field kind 'b'\n";

describe('flow: narrowing by a field compared with a literal', () => {
  check([
    [`${AB}---@type A|B\nlocal obj\nif obj.kind == 'a' then\n  print(o‸bj)\nend`, 'local obj: A'],
    [
      `${AB}---@type A|B\nlocal obj\nif obj.kind == 'a' and obj.size > 0 then\n  print(o‸bj)\nend`,
      'local obj: A',
    ],
    [`${AB}---@type A|B\nlocal obj\nif obj.kind == 'a' then\nelse\n  print(o‸bj)\nend`, 'local obj: B'],
    [`${AB}---@type A|B\nlocal obj\nif obj.kind ~= 'b' then\n  print(o‸bj)\nend`, 'local obj: A'],
    [
      `${AB}---@alias AB A|B\n---@type AB\nlocal obj\nif obj.kind == 'b' then\n  print(o‸bj)\nend`,
      'local obj: B',
    ],
    ["local x\nif x.kind == 'a' then\n  print(x‸)\nend", 'local x: unknown'],
  ]);
});

describe('flow: parameters without a type narrow too', () => {
  check([
    [
      "local function f(x)\n  if type(x) == 'string' then\n    print(x‸)\n  end\nend",
      '(parameter) x: string',
    ],
    ['local function f(x)\n  x = #arg\n  print(x‸)\nend', '(parameter) x: integer'],
    ['local function f(x)\n  print(x‸)\nend', '(parameter) x: any'],
  ]);
});

describe('flow: type(x) kept in a local', () => {
  check([
    ["local x\nlocal tp = type(x)\nif tp == 'integer' then\n  print(x‸)\nend", 'local x: integer'],
    [
      "---@type string|table\nlocal v\nlocal k = type(v)\nif k ~= 'table' then\n  print(v‸)\nend",
      'local v: string',
    ],
  ]);
});

describe('flow: what an if merges after it', () => {
  check([
    ['---@type integer?\nlocal x\nif x ~= nil then\n  print(x)\nend\nprint(x‸)', 'local x: integer|nil'],
    ['---@type integer?\nlocal x\nif x == nil then\n  print(x)\nend\nprint(x‸)', 'local x: integer|nil'],
    ['---@type integer?\nlocal x\nif x then\n  print(x)\nend\nprint(x‸)', 'local x: integer?'],
    ['local x\nif x == nil then\nend\nprint(x‸)', 'local x: unknown|nil'],
    ['local x\nif c then\n  x = #arg\nend\nprint(x‸)', 'local x: integer|unknown'],
    ['local x\nif c then\n  x = #arg\nelse\n  x = tostring(c)\nend\nprint(x‸)', 'local x: string|integer'],
    ['---@type integer?\nlocal x\nif x == 1 then\n  print(x‸)\nend', 'local x: integer'],
    ["local x\nif x == 'on' then\n  print(x‸)\nend", 'local x: string'],
    ['---@type integer?\nlocal x\nif x then\n  x = x .. "s"\nend\nprint(x‸)', 'local x: string?'],
    ['---@type integer?\nlocal x\nif x then\n  x = x + 1\n  print(x‸)\nend', 'local x: integer'],
    ['---@type integer?\nlocal x\nif not x then\n  x = 1\nend\nprint(x‸)', 'local x: integer'],
    ['---@type integer?\nlocal x\nif not x then\n  goto done\nend\nprint(x‸)\n::done::', 'local x: integer'],
  ]);
});

describe('flow: assert, loops and goto', () => {
  check([
    ['---@type number?\nlocal t\nlib.assert(t)\nprint(t‸)', 'local t: number'],
    [
      '---@type number|nil\nlocal x\nwhile x == nil do\n  if x == nil then\n    return\n  end\n  x = nil\nend\nprint(x‸)',
      'local x: number',
    ],
    [
      '---@type integer?\nlocal x\nwhile true do\n  if not x then\n    break\n  end\n  print(x‸)\nend',
      'local x: integer',
    ],
    ['---@return number?, number?\nlocal function f() end\nfor a, b‸ in f do\nend', 'local b: number'],
  ]);
});

describe('flow: ---@cast stays in its branch and with its local', () => {
  check([
    [
      '---@class A\n---@class B\n---@type A|B\nlocal t\nif x then\n  ---@cast t A\nelse\n  print(t‸)\nend',
      'local t: A|B',
    ],
    [
      '---@class A\n---@class B\n---@type A|B\nlocal t\nif x then\n  ---@cast t A\nelseif t‸ then\nend',
      'local t: A|B',
    ],
    [
      '---@class A\n---@class B\n---@type A|B\nlocal t\nif x then\n  ---@cast t A\n  print(t‸)\nend',
      'local t: A',
    ],
    [
      'local x\nif true then\n  local x\n  ---@cast x integer\n  print(x)\nend\nprint(x‸)',
      'local x: unknown',
    ],
    [
      '---@type number|string\nlocal n\nif n\n---@cast n string\nand n‸:len() == 1 then\nend',
      'local n: string',
    ],
  ]);
});

describe('flow: `and` narrows inside any expression', () => {
  check([
    ['---@type number|nil\nlocal n\nlocal t = {\n  x = n and n‸,\n}', 'local n: number'],
    ['---@type string?\nlocal n\nn = ff[n and n‸:upper()]', 'local n: string'],
    ['---@type string[]?\nlocal t\nlocal x‸ = t and t[i]', 'local x: string?'],
  ]);
});

describe('flow: globals set in the file narrow like locals', () => {
  check([
    ['---@type number?\nLIMIT = nil\nif LIMIT then\n  local l‸ = LIMIT\nend', 'local l: number'],
    ['MODE = 1\nMODE = tostring(MODE)\nlocal m‸ = MODE', 'local m: string'],
  ]);
});

describe('flow: locals assigned in closures', () => {
  check([
    [
      "local x\nfunction A()\n  x = true\nend\nfunction C()\n  print(x‸)\nend\nx = '1'",
      '(upvalue) x: unknown',
    ],
    ['local x\nfunction A()\n  print(x‸)\nend\nx = false\nx = 1', '(upvalue) x: boolean = false'],
    ['local x\nfunction A()\n  x = true\n  print(x‸)\nend\nx = 1', '(upvalue) x: boolean = true'],
  ]);
});

describe('flow: declared types reaching assignments, returns and loops', () => {
  check([
    [
      '---@type table<string, boolean>\nlocal seen\nseen = {}\nprint(se‸en)',
      'local seen: table<string, boolean>',
    ],
    ['---@type integer?\nlocal x\nx = #arg\nprint(x‸)', 'local x: integer'],
    [
      '---@class Point\nlocal function make()\n  ---@type Point\n  return {}\nend\nlocal p‸ = make()',
      'local p: Point',
    ],
    ['---@class Row: integer\n---@type Row\nfor i‸ = 1, 10 do\nend', 'local i: Row'],
  ]);
});
