import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentHighlights, prepareRename, references, rename } from '../../../server/analysis/navigation';
import {
  renamedText,
  fixture,
  open,
  project,
  located,
  openFixture,
  MAIN_URI as URI,
} from '../../support/lsp';

/** `⟪...⟫` marks every expected location (the cursor's own included), `‸` the cursor. */
function refs(src: string): { got: string[]; want: string[] } {
  const { f, p, fa } = openFixture(src);
  const found = references(p, fa, f.cursor, true).filter((l) => l.uri === URI);
  return {
    got: located(
      f.text,
      found.map((l) => l.span),
    ),
    want: located(f.text, f.spans),
  };
}

function highlights(src: string): { got: string[]; want: string[] } {
  const { f, p, fa } = openFixture(src);
  return {
    got: located(
      f.text,
      documentHighlights(p, fa, f.cursor).map((h) => h.span),
    ),
    want: located(f.text, f.spans),
  };
}

const REFERENCE_CASES: [string, string][] = [
  ['a local', 'local ⟪a‸⟫ = 1\n⟪a⟫ = ⟪a⟫'],
  ['a global', '⟪a‸⟫ = 1\n⟪a⟫ = ⟪a⟫'],
  ['a field of a local', 'local t\nt.⟪a‸⟫ = 1\nt.⟪a⟫ = t.⟪a⟫'],
  ['a field of an undeclared global', 't.⟪a⟫ = 1\nt.⟪a‸⟫ = t.⟪a⟫'],
  ['a label from its goto', ':: ⟪LABEL⟫ ::\ngoto ⟪LA‸BEL⟫\nif true then\n  goto ⟪LABEL⟫\nend'],
  ['a label from itself', ':: ⟪LAB‸EL⟫ ::\ngoto ⟪LABEL⟫'],
  [
    'labels of another function are others',
    '::⟪a‸⟫::\ngoto ⟪a⟫\nlocal function f()\n  ::a::\n  goto a\nend\nf()',
  ],
  ['a shadowing local', 'local a = 1\nlocal ⟪a‸⟫ = 1\n⟪a⟫ = ⟪a⟫'],
  ['a constructor key', 'local t = {\n  ⟪a⟫ = 1\n}\nprint(t.⟪a‸⟫)'],
  ['a string key', "t[⟪'a‸'⟫] = 1\nprint(t.⟪a⟫)"],
  ['a string key in a constructor', 'local t = {\n  [⟪\'a\'⟫] = 1\n}\nprint(t.⟪a‸⟫, t[⟪"a"⟫])'],
  ['a std lib table field', 'table.⟪dump⟫()\nfunction table.⟪du‸mp⟫()\nend'],
  ['a computed index is another key', 'local t = {}\nt.⟪x‸⟫ = 1\nt[a.b.x] = 1'],
  ['a nested field', 'a.b.⟪c‸⟫ = 1\nprint(a.b.⟪c⟫)'],
  ['a middle field', 'a.⟪b⟫.c = 1\nprint(a.⟪b‸⟫.c)'],
  ['self is the method table', 'local ⟪mt⟫ = {}\nfunction ⟪mt⟫:x()\n  ⟪se‸lf⟫:x()\nend'],
  ['a method through self', 'local mt = {}\nfunction mt:⟪x⟫()\n  self:⟪x‸⟫()\nend\nmt.⟪x⟫()'],
  [
    'a field through self (and the value stored in it)',
    'local M = {}\nfunction M.new()\n  return setmetatable({}, M)\nend\nfunction M:get()\n  return self.⟪va‸lue⟫\nend\nfunction M:set(⟪v⟫)\n  self.⟪value⟫ = ⟪v⟫\nend\nreturn M',
  ],
  ['_G.x is the global x', '_G.⟪xx‸x⟫ = 1\n\nprint(⟪xxx⟫)'],
  [
    'nested constructors',
    'self = {\n  results = {\n    ⟪lab‸els⟫ = {},\n  }\n}\nself[self.results.⟪labels⟫] = lbl',
  ],
  ['a class in annotations', '---@class ⟪Class⟫\n---@type ⟪Cla‸ss⟫\n---@type ⟪Class⟫\nlocal x'],
  ['variables of a class', '---@class Class\nlocal ⟪t‸⟫\n---@type Class\nlocal ⟪x⟫\nprint(⟪t⟫, ⟪x⟫)'],
  [
    'a field of a class through a typed local',
    '---@class A\nlocal a = {}\na.⟪x‸⟫ = 1\n---@type A\nlocal b\nprint(b.⟪x⟫, a)',
  ],
  [
    'a field of a parent class (declared through its table, not through a typed value)',
    '---@class A\nlocal a\n\na.⟪xxx⟫ = 1\n\n---@type A\nlocal b\n\nb.xxx = 1\n\n---@class C: A\nlocal c\nprint(c.⟪xx‸x⟫, a, b)',
  ],
  [
    'a class in param and return types',
    '---@class ⟪Point⟫\n---@param p ⟪Point⟫|nil\n---@return ⟪Po‸int⟫[] list\nlocal function f(p) return { p } end\nprint(f)',
  ],
];

describe('lsp navigation: references (LuaLS cases)', () => {
  for (const [name, src] of REFERENCE_CASES) {
    it(name, () => {
      const r = refs(src);
      assert.deepEqual(r.got, r.want);
    });
  }
  it('a module field across files', () => {
    const p = project({
      'file:///ws/src/util.lua': 'local M = {}\nfunction M.greet() end\nreturn M',
    });
    const f = fixture('local u = require("util")\nu.gre‸et()');
    const fa = open(p, URI, f.text);
    const got = references(p, fa, f.cursor, true)
      .map((l) => l.uri)
      .sort();
    assert.deepEqual(got, ['file:///ws/main.lua', 'file:///ws/src/util.lua']);
  });
});

const HIGHLIGHT_CASES: [string, string][] = [
  ['keys in every form', 't = {\n  [⟪"a"⟫] = 1,\n  ⟪a⟫ = 1,\n}\nt[⟪\'a\'⟫] = 1\na = t.⟪a‸⟫'],
  ['a label', ':: ⟪a⟫ ::\ngoto ⟪a‸⟫'],
  ['a parameter', 'local function f(⟪a‸⟫)\n  return ⟪a⟫\nend\nprint(f)'],
  ['a string literal', "local s = ⟪'asd/g‸ad'⟫\nprint(s)"],
  ['true', 'local b = ⟪tr‸ue⟫\nprint(b)'],
  ['a number', 'local n = ⟪1.2‸354⟫\nprint(n)'],
  ['local function ... end', 'local ⟪func‸tion⟫ f () ⟪end⟫\nprint(f)'],
  [
    'function ... return ... end',
    '⟪function⟫ f (x)\n  if x then ⟪return⟫ 1 end\n  local g = function() return 2 end\n  ⟪ret‸urn⟫ g\n⟪end⟫',
  ],
  ['return function', 'return ⟪function⟫ () ⟪e‸nd⟫'],
  ['if / elseif / else', '⟪i‸f⟫ X ⟪then⟫\n⟪elseif⟫ Y ⟪then⟫\n  if Z then end\n⟪else⟫\n⟪end⟫'],
  ['elseif from the middle', '⟪if⟫ X ⟪then⟫\n⟪else‸if⟫ Y ⟪then⟫\n⟪end⟫'],
  ['for in do end', '⟪for⟫ _ ⟪in⟫ pairs({}) ⟪d‸o⟫\n⟪end⟫'],
  ['numeric for', '⟪f‸or⟫ i = 1, 10 ⟪do⟫\n  print(i)\n⟪end⟫'],
  ['while', '⟪whi‸le⟫ X ⟪do⟫\n  do end\n⟪end⟫'],
  ['repeat until', '⟪repeat⟫\n⟪un‸til⟫ X'],
  ['do end', '⟪d‸o⟫\n⟪end⟫'],
  ['only one global', '⟪TES‸T1⟫ = 1\nTEST2 = 2'],
  [
    'a field of a local table',
    'local zing = foo\nlocal foo = 4\n\nlocal bar = {\n  ⟪baz⟫ = foo\n}\n\nbar.⟪b‸az⟫ = 5\n\nprint(bar.⟪baz⟫, zing)',
  ],
];

describe('lsp navigation: highlight (LuaLS cases, keywords included)', () => {
  for (const [name, src] of HIGHLIGHT_CASES) {
    it(name, () => {
      const r = highlights(src);
      assert.deepEqual(r.got, r.want);
    });
  }
});

const renamed = renamedText;

const RENAME_CASES: [string, string, string][] = [
  ['local a‸ = 1\na = 2\na = a', 'b', 'local b = 1\nb = 2\nb = b'],
  [
    't.a‸ = 1\na = t.a\na = t[\'a\']\na = t["a"]\na = t[ [=[a]=] ]',
    'b',
    't.b = 1\na = t.b\na = t[\'b\']\na = t["b"]\na = t[ [=[b]=] ]',
  ],
  [':: a‸ ::\ngoto a', 'b', ':: b ::\ngoto b'],
  ['local function f(a‸)\n  return a\nend', 'b', 'local function f(b)\n  return b\nend'],
  ['t = {\n  a‸ = 0\n}\nt.a = 1\na = t.a', '!!!', 't = {\n  ["!!!"] = 0\n}\nt["!!!"] = 1\na = t["!!!"]'],
  [
    "t = {\n  ['a'] = 0\n}\nt.a‸ = 1\na = t.a",
    '!!!',
    't = {\n  [\'!!!\'] = 0\n}\nt["!!!"] = 1\na = t["!!!"]',
  ],
  ['print(t[ "a‸" ])', '"', 'print(t[ "\\"" ])'],
  ['a‸ = a', '!!!', '_ENV["!!!"] = _ENV["!!!"]'],
  ['function mt:a‸()\nend\nmt:a()', '!!!', 'mt["!!!"] = function (self)\nend\nmt:!!!()'],
  ['function mt:a‸(x, y)\nend\nmt:a()', '!!!', 'mt["!!!"] = function (self, x, y)\nend\nmt:!!!()'],
  ['function a‸() end', '!!!', '_ENV["!!!"] = function () end'],
  ['function a‸() end\na()', 'a:b', 'function a:b() end\na:b()'],
  ['function a‸() end\na()', 'a.b', 'function a.b() end\na.b()'],
  [
    '---@class class1‸\n\n---@type class1\n\n---@param x class1',
    'class2',
    '---@class class2\n\n---@type class2\n\n---@param x class2',
  ],
  [
    '---@param arg1 number\nfunction f(arg1‸)\n  print(arg1)\nend',
    'arg2',
    '---@param arg2 number\nfunction f(arg2)\n  print(arg2)\nend',
  ],
  [
    'local mt = {}\nfunction mt:get‸()\n  return self:get()\nend\nreturn mt',
    'fetch',
    'local mt = {}\nfunction mt:fetch()\n  return self:fetch()\nend\nreturn mt',
  ],
];

describe('lsp navigation: rename (LuaLS cases)', () => {
  for (const [before, newName, after] of RENAME_CASES) {
    it(`${before.split('\n')[0]} -> ${newName}`, () => {
      assert.equal(renamed(before, newName), after);
    });
  }
  it('refuses what it cannot rename completely, with a reason', () => {
    assert.match(renamed('print‸(1)', 'p'), /^error: .*standard library/);
    assert.match(renamed('local s = string.form‸at("x")\nprint(s)', 'f'), /^error: .*standard library/);
    assert.match(
      renamed('local mt = {}\nfunction mt:x()\n  return sel‸f\nend\nreturn mt', 'me'),
      /^error: .*self/,
    );
    assert.match(renamed('local a‸ = 1\nprint(a)', 'end'), /^error: .*not a valid Lua name/);
    // `self` outside a method is a global of that name; renaming it is refused all the same
    const { f, p, fa } = openFixture('print(sel‸f)');
    assert.match(String((prepareRename(p, fa, f.cursor) as { error?: string }).error), /self/);
  });
  it('refuses a name also used in a library folder', () => {
    const p = project({ 'file:///lib/x/util.lua': 'Shared = {}\nShared.go = 1' });
    p.config.library = ['/lib/x'];
    const f = fixture('print(Shared.g‸o)');
    const r = rename(p, open(p, URI, f.text), f.cursor, 'run');
    assert.ok('error' in r && /library/.test(r.error), JSON.stringify(r));
  });
  it('renames a module field in every file that requires it', () => {
    const p = project({ 'file:///ws/src/util.lua': 'local M = {}\nfunction M.greet() end\nreturn M' });
    const f = fixture('local u = require("util")\nu.gre‸et()');
    const fa = open(p, URI, f.text);
    const r = rename(p, fa, f.cursor, 'hello');
    assert.ok(!('error' in r));
    assert.deepEqual(r.edits.map((e) => e.uri).sort(), ['file:///ws/main.lua', 'file:///ws/src/util.lua']);
  });
});
