import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outline, type OutlineSymbol } from '../../../server/analysis/docSymbols';

/** Symbols as `kind name "detail" [range text] (selection text)`, children indented. */
function show(text: string, syms: OutlineSymbol[], indent = ''): string[] {
  return syms.flatMap((s) => [
    `${indent}${s.kind} ${s.name} "${s.detail}" [${text.slice(s.span.start, s.span.end)}] (${text.slice(s.selectionSpan.start, s.selectionSpan.end)})`,
    ...show(text, s.children, indent + '  '),
  ]);
}

const CASES: [string, string, string[]][] = [
  ['a global number', 'A = 1', ['number A "1" [A = 1] (A)']],
  ['a local function', 'local function f()\nend', ['function f "function ()" [function f()\nend] (f)']],
  [
    'return function',
    'return function ()\nend',
    ['function return "function ()" [function ()\nend] (function)'],
  ],
  ['a function value', 'local f = function ()\nend', ['function f "function ()" [f = function ()\nend] (f)']],
  ['a method', 'function mt:add()\nend', ['method mt:add "function ()" [function mt:add()\nend] (mt:add)']],
  [
    'nested functions',
    'function A()\n  function A1()\n  end\nend',
    [
      'function A "function ()" [function A()\n  function A1()\n  end\nend] (A)',
      '  function A1 "function ()" [function A1()\n  end] (A1)',
    ],
  ],
  [
    'values and locals of a function',
    "local x = 1\nlocal function f(a)\n  local s = 'x'\n  local y = {}\nend\nlocal b = true\nlocal z",
    [
      'number x "1" [x = 1] (x)',
      'function f "function (a)" [function f(a)\n  local s = \'x\'\n  local y = {}\nend] (f)',
      '  constant a "" [a] (a)',
      '  string s ""x"" [s = \'x\'] (s)',
      '  object y "" [y = {}] (y)',
      'boolean b "true" [b = true] (b)',
      'variable z "" [z] (z)',
    ],
  ],
  [
    'nested tables keep their levels',
    'local t = {\n  a = {\n    b = 1,\n  }\n}',
    [
      'object t "{a}" [t = {\n  a = {\n    b = 1,\n  }\n}] (t)',
      '  object a "{b}" [a = {\n    b = 1,\n  }] (a)',
      '    number b "1" [b = 1] (b)',
    ],
  ],
  [
    'many keys',
    'local t = { a = 1, b = 2, c = 3, d = 4, e = 5, f = 6 }',
    ['object t "{a, b, c, d, e, ...(+1)}"…'],
  ],
  ['an array', 'local t = { 1, 2, 3 }', ['array t "[1, 2, 3]" [t = { 1, 2, 3 }] (t)']],
  [
    'mixed keys',
    'local t = { 1, 2, [5] = 3, [true] = 4, x = 5 }',
    ['object t "{[1], [2], [5], [true], x}"…'],
  ],
  [
    'a table passed to a call',
    'local t = f({\n  k = 1\n})',
    [
      'variable t "" [t = f({\n  k = 1\n})] (t)',
      '  object f "-> {k}" [{\n  k = 1\n}] ({\n  k = 1\n})',
      '    number k "1" [k = 1] (k)',
    ],
  ],
  [
    'a function passed to a call',
    'table.sort(t, function (a, b)\n  return false\nend)',
    ['function table.sort "-> function (a, b)"…'],
  ],
  [
    'if / elseif / else',
    'if 1 then\n\nelseif 2 then\n\nelse\n\nend',
    [
      'package if "if 1 then" [if 1 then\n\n] (if)',
      'package elseif "elseif 2 then" [elseif 2 then\n\n] (elseif)',
      'package else "else" [else\n\n] (else)',
    ],
  ],
  ['while', 'while true do\n\nend', ['package while "while true do" [while true do\n\nend] (while)']],
  ['repeat', 'repeat\n\nuntil true', ['package repeat "until true" [repeat\n\nuntil true] (repeat)']],
  [
    'for',
    'for i = 1, 10 do\n\nend',
    ['package for "for i = 1, 10 do" [for i = 1, 10 do\n\nend] (for)', '  variable i "" [i] (i)'],
  ],
  ['a multi-line field name', 'X\n.Y\n.Z = 1', ['number ... .Z "1" [Z = 1] (Z)']],
];

describe('lsp outline (document symbols, LuaLS shape)', () => {
  for (const [name, src, want] of CASES) {
    it(name, () => {
      const got = show(src, outline(src));
      if (want.length === 1 && want[0].endsWith('…'))
        assert.ok(got[0].startsWith(want[0].slice(0, -1)), got[0]);
      else assert.deepEqual(got, want);
    });
  }
});
