/**
 * Guarded probes (kernel/runtime/probe-guard.ts): which conditions get one and which locals they
 * pass, and, in a runtime, that they stop exactly when the general probe would.
 */
import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { guardFor, localsAt } from '../../../kernel/runtime/probe-guard';
import { BreakpointBook } from '../../../kernel/runtime/breakpoints';
import { Harness, fixture, lineOf } from './helpers';

test('a guard is made only for conditions over locals that cannot raise on numbers', () => {
  const locals = ['n', 'a', 'b', 'name'];
  const shape = (c: string): unknown => {
    const g = guardFor(c, locals);
    return g && { args: g.args, numeric: g.numeric };
  };
  assert.deepEqual(shape('n < 0'), { args: ['n'], numeric: ['n'] });
  assert.deepEqual(shape('a + 1 >= -b * 2 and not (n == 3)'), { args: ['a', 'b', 'n'], numeric: ['a', 'b'] });
  assert.deepEqual(shape('name == "x" or name ~= nil'), { args: ['name'], numeric: [] });
  assert.deepEqual(shape('a == b'), { args: ['a', 'b'], numeric: ['a', 'b'] });
  for (const c of [
    'g < 1',
    'a.x > 1',
    'f(n)',
    'n // 2 == 1',
    'n % 2 == 0',
    '#name > 1',
    'n .. "" == "1"',
    'a, b',
    'a < "x"',
  ])
    assert.equal(guardFor(c, locals), undefined, c);
});

test('the locals a probe can pass are those of its own function in scope before the statement', () => {
  const src = [
    'local up = 1',
    'function f(a, b)',
    '  local x = 1 -- X',
    '  for i = 1, 3 do',
    '    local inner = i -- INNER',
    '  end',
    '  local after = 2 -- AFTER',
    '  return function(c) return c -- NESTED',
    '  end',
    'end',
    'function t:m(y) return y -- METHOD',
    'end',
  ].join('\n');
  const at = (marker: string): number => {
    const line = src.split('\n').find((l) => l.includes(marker)) as string;
    return (
      src.indexOf(line) +
      line.search(/\S/) +
      (line.includes('return') ? line.indexOf('return') - line.search(/\S/) : 0)
    );
  };
  const offsets = ['-- X', '-- INNER', '-- AFTER', '-- NESTED', '-- METHOD'].map(at);
  const scopes = localsAt(src, new Set(offsets));
  assert.deepEqual(
    offsets.map((o) => scopes.get(o)),
    [
      ['a', 'b'],
      ['a', 'b', 'x', 'i'],
      ['a', 'b', 'x'],
      ['a', 'b', 'x', 'after'],
      ['self', 'y'],
    ],
  );
});

test('a load with a guardable condition gets the guard probe and registers the guard first', () => {
  const book = new BreakpointBook();
  const file = fixture('live.lua');
  const deep = lineOf(file, '-- DEEP');
  const spin = lineOf(file, '-- SPIN');
  book.setBreakpoints(
    file,
    [
      { line: deep, condition: 'n < 0' },
      { line: spin, condition: 'i < limit' },
    ],
    'x',
  );
  const text = book.prepare(fs.readFileSync(file, 'utf8'), '@' + file) as string;
  const lines = text.split('\n');
  assert.match(lines[deep - 1], /^\s*;\(""\):__llmspell_g1\(\d+,"@[^"]*live\.lua",n\);/);
  // `limit` is not a local there: the general probe, which looks it up in the frame's environment.
  assert.match(lines[spin - 1], /^\s*;\(""\):__llmspell\(\d+,"@[^"]*live\.lua"\);/);
  const cmds = book.takeCommands();
  assert.deepEqual(
    cmds.map((c) => c.cmd === 'guard' && [c.method, c.line, c.cond]),
    [['__llmspell_g1', deep, 'n < 0']],
  );
});

let h: Harness;
beforeEach(async () => {
  h = await Harness.create();
});
afterEach(async () => {
  await h.dispose();
});

const LIVE = fixture('live.lua');
const cell = (code: string, n = 1): ReturnType<Harness['rt']['execute']> =>
  h.rt.execute(code, { chunkName: `/cells/guard-${n}.lua`, mode: 'cell' });

test('a guarded condition stops exactly when it holds, and follows a change of condition', async () => {
  assert.ok((await h.runFile(LIVE)).ok);
  const line = lineOf(LIVE, '-- DEEP');
  await h.rt.debugger.setBreakpoints(LIVE, [{ line, condition: 'n == 3' }]);
  let run = cell('return deep(10)');
  let stop = await h.nextStop();
  assert.equal(stop.reason, 'breakpoint');
  assert.equal((await h.locals()).n, '3');
  h.rt.debugger.resume();
  assert.deepEqual((await run).ok, true);
  // The same line, another condition: the live function is re-instrumented with the new guard.
  await h.rt.debugger.setBreakpoints(LIVE, [{ line, condition: 'n == 5 or n == 8', hitCondition: '== 2' }]);
  run = cell('return deep(10)', 2);
  stop = await h.nextStop();
  assert.equal(stop.reason, 'breakpoint');
  assert.equal((await h.locals()).n, '5', 'the second time the condition held');
  h.rt.debugger.resume();
  const r = await run;
  assert.deepEqual(r.ok && r.values, ['10']);
  assert.equal(h.events.filter((e) => e.type === 'stopped').length, 2);
});

test('a guarded condition on a value that is not a number reports the error once and never stops', async () => {
  assert.ok((await h.runFile(LIVE)).ok);
  await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- PURE'), condition: 'a > 100' }]);
  h.output = '';
  const r = await cell('return live.pure("5", 1) + live.pure("6", 1) + live.pure(1, 1)');
  assert.deepEqual(r.ok && r.values, ['15']);
  const reports = h.output.split('\n').filter((l) => l.includes('breakpoint condition error'));
  assert.equal(reports.length, 1, h.output);
  assert.match(reports[0], /compare/);
  assert.ok(!h.events.some((e) => e.type === 'stopped'));
  const run = cell('return live.pure(200, 1)', 2);
  await h.nextStop();
  assert.equal((await h.locals()).a, '200');
  h.rt.debugger.resume();
  assert.deepEqual((await run).ok, true);
});

test('a function breakpoint on the line of a guarded condition still stops', async () => {
  await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- PURE'), condition: 'a > 100' }]);
  assert.ok((await h.runFile(LIVE)).ok);
  const [fb] = await h.rt.debugger.setFunctionBreakpoints(['pure']);
  assert.equal(fb.line, lineOf(LIVE, '-- PURE'));
  const run = cell('return live.pure(1, 2)');
  const stop = await h.nextStop();
  assert.deepEqual([stop.reason, stop.hitBreakpointIds], ['function breakpoint', [fb.id]]);
  h.rt.debugger.resume();
  assert.deepEqual((await run).ok, true);
});
