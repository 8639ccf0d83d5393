import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codePointLength, codePointToIndex, indexToCodePoint } from '../../../kernel/jupyter/codepoints';
import { globToRegExp, HistoryStore } from '../../../kernel/jupyter/history';
import {
  checkComplete,
  completionToken,
  declaredNames,
  inspectToken,
} from '../../../kernel/jupyter/lua-syntax';
import { cellPath } from '../../../kernel/jupyter/cell-path';
import { parseMetaDocs, luaDoc } from '../../../kernel/jupyter/lua-docs';

describe('is_complete', () => {
  const cases: Array<[string, string]> = [
    ['print("hi")', 'complete'],
    ['1 + 1', 'complete'],
    ['', 'complete'],
    ['local x <const> = 1', 'complete'],
    ['for i = 1, 3 do', 'incomplete'],
    ['function f()\n  return 1', 'incomplete'],
    ['x = {', 'incomplete'],
    ['s = [[long', 'incomplete'],
    ['x = 1 +', 'incomplete'],
    ['if x then else', 'incomplete'],
    ['x = )', 'invalid'],
    ['end', 'invalid'],
    ['return 1 2', 'invalid'],
    ['print("a', 'invalid'],
  ];
  for (const [code, status] of cases) {
    it(`${JSON.stringify(code)} is ${status}`, () => assert.equal(checkComplete(code).status, status));
  }
  it('indents by nesting depth', () => {
    const r = checkComplete('for i = 1, 3 do\n  if i then');
    assert.deepEqual(r, { status: 'incomplete', indent: '    ' });
  });
});

describe('cursor tokens', () => {
  const at = (text: string) => {
    const i = text.indexOf('|');
    return { code: text.slice(0, i) + text.slice(i + 1), index: i };
  };
  it('finds bare words, members after . and :', () => {
    let { code, index } = at('x = pri|');
    assert.deepEqual(completionToken(code, index), { base: '', word: 'pri', start: 4, end: 7 });
    ({ code, index } = at('string.fo|'));
    assert.equal(completionToken(code, index).base, 'string.');
    ({ code, index } = at('obj:me|'));
    assert.deepEqual(completionToken(code, index).base, 'obj:');
    ({ code, index } = at('a.b.|'));
    assert.deepEqual(completionToken(code, index), { base: 'a.b.', word: '', start: 4, end: 4 });
  });
  it('inspect takes the whole identifier under the cursor or the called function', () => {
    let { code, index } = at('string.fo|rmat("x")');
    assert.equal(inspectToken(code, index), 'string.format');
    ({ code, index } = at('print(|'));
    assert.equal(inspectToken(code, index), 'print');
  });
  it('collects declared names', () => {
    const names = declaredNames('local a, b = 1\nlocal function f(p, q) end\nfor k, v in pairs(t) do end');
    for (const n of ['a', 'b', 'f', 'p', 'q', 'k', 'v']) assert.ok(names.includes(n), n);
  });
});

describe('code points', () => {
  it('converts between code points and UTF-16 indices', () => {
    const s = 'a😀b€c';
    assert.equal(codePointLength(s), 5);
    assert.equal(codePointToIndex(s, 2), 3);
    assert.equal(indexToCodePoint(s, 3), 2);
    assert.equal(codePointToIndex(s, 99), s.length);
  });
});

describe('history', () => {
  const h = new HistoryStore(1);
  ['a = 1', 'print(a)', 'a = 1', 'b = 2'].forEach((c, i) => h.add(i + 1, c));
  it('tail', () =>
    assert.deepEqual(h.query({ hist_access_type: 'tail', n: 2 }), [
      [1, 3, 'a = 1'],
      [1, 4, 'b = 2'],
    ]));
  it('range (session 0 = current)', () =>
    assert.deepEqual(h.query({ hist_access_type: 'range', session: 0, start: 2, stop: 3 }), [
      [1, 2, 'print(a)'],
    ]));
  it('search with glob, unique and n', () => {
    assert.equal(h.query({ hist_access_type: 'search', pattern: 'a*' }).length, 2);
    assert.equal(h.query({ hist_access_type: 'search', pattern: '*', unique: true }).length, 3);
    assert.equal(h.query({ hist_access_type: 'search', pattern: '*', n: 1 }).length, 1);
  });
  it('output pairs', () =>
    assert.deepEqual(h.query({ hist_access_type: 'tail', n: 1, output: true }), [[1, 4, ['b = 2', null]]]));
  it('glob escapes regex characters', () => assert.ok(globToRegExp('print(?)').test('print(1)')));
});

describe('cell path and docs', () => {
  it('is stable per code and ends in .lua', () => {
    assert.equal(cellPath('x = 1'), cellPath('x = 1'));
    assert.notEqual(cellPath('x = 1'), cellPath('x = 2'));
    assert.match(cellPath('x'), /llmspell-cells[\\/][0-9a-f]{16}\.lua$/);
  });
  it('documents the standard library and parses ---@meta files', () => {
    assert.match(luaDoc('string.format') ?? '', /printf/);
    const docs = parseMetaDocs(
      '---@meta\n--- Builds an agent.\n---@param name string\nfunction Agent.builder(name) end\n',
    );
    assert.match(docs.get('Agent.builder') ?? '', /Builds an agent/);
  });
});
