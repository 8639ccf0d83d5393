import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  blankLua54,
  instrument,
  instrumentFunction,
  parseChunk,
  resolveBreakpointLine,
  LuaSyntaxErrorException,
} from '../../../kernel/runtime/syntax';

test('Lua 5.4 attributes are blanked with the same length', () => {
  const src = 'local x <const> = 1\nlocal a, b <close> = 2, 3\nlocal c = x < y and y > z';
  const out = blankLua54(src);
  assert.equal(out.length, src.length);
  assert.equal(out.split('\n')[0], 'local x         = 1');
  assert.equal(out.split('\n')[1], 'local a, b         = 2, 3');
  assert.equal(out.split('\n')[2], 'local c = x < y and y > z');
});

test('parses goto, labels, integer division and bitwise operators', () => {
  const chunk = parseChunk(
    'local n = 7 // 2 | 1 ~ 3 << 1\n::top::\nn = n - 1\nif n > 0 then goto top end\nreturn ~n',
  );
  assert.deepEqual(chunk.statementLines, [1, 2, 3, 4, 5]);
});

test('statement lines skip blank lines and comments; breakpoints move to the next statement', () => {
  const chunk = parseChunk('local a = 1\n\n-- comment\nlocal function f()\n\n  return a\nend\n');
  assert.deepEqual(chunk.statementLines, [1, 4, 6]);
  assert.equal(resolveBreakpointLine(chunk, 2), 4);
  assert.equal(resolveBreakpointLine(chunk, 5), 6);
  assert.equal(resolveBreakpointLine(chunk, 7), undefined);
});

test('syntax errors carry line and column', () => {
  assert.throws(
    () => parseChunk('local x = 1\nlocal y = = 2\n'),
    (err: unknown) => err instanceof LuaSyntaxErrorException && err.info.line === 2 && err.info.column === 11,
  );
});

test('probes go on the same line, so line numbers never change', () => {
  const src = 'local a = 1\nlocal b = 2\nreturn a + b\n';
  const chunk = parseChunk(src);
  const out = instrument(src, chunk, [2, 3], '@/x/"y".lua');
  const lines = out.split('\n');
  assert.equal(lines.length, src.split('\n').length);
  assert.equal(lines[1], ';(""):__llmspell(2,"@/x/\\034y\\034.lua");local b = 2');
  assert.equal(lines[2], ';(""):__llmspell(3,"@/x/\\034y\\034.lua");return a + b');
  assert.equal(lines[0], 'local a = 1', 'nothing is declared: the probe is not a local or a global');
});

test('a function re-instrumented on its own keeps its lines and makes self explicit', () => {
  const src = 'local M = {}\nfunction M:add(x)\n  local y = x\n  return y + self.n\nend\n';
  const chunk = parseChunk(src);
  const span = chunk.spans[0];
  assert.deepEqual([span.lineDefined, span.parenLine, span.lastLine, span.method], [2, 2, 5, true]);
  const text = instrumentFunction(src, chunk, span, [3], '@m.lua');
  assert.equal(text, '(self, x)\n  ;(""):__llmspell(3,"@m.lua");local y = x\n  return y + self.n\nend');
  const local = parseChunk('local function f()\n  return 1\nend\n').spans[0];
  assert.deepEqual([local.lineDefined, local.parenLine, local.lastLine, local.method], [1, 1, 3, false]);
});

test('function names are recorded with the line of their first statement', () => {
  const chunk = parseChunk(
    'local M = {}\nfunction M.run(x)\n  local y = x\n  return y\nend\nlocal function helper()\nend\n',
  );
  assert.equal(chunk.functions.get('M.run'), 3);
  assert.equal(chunk.functions.get('helper'), 6);
});
