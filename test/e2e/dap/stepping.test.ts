import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  T,
  fixture,
  harness,
  launch,
  topFrame,
  stack,
  stepAndStop,
  runToEnd,
  repl,
  within,
  waitOutput,
} from './helpers';
import { lineOf } from '../../support/positions';

const REC = fixture('recursion.lua');
const FACT_CALL = lineOf(REC, 'local f = fact(4)');
const COUNT_CALL = lineOf(REC, 'local c = count(3, 0)');

test('stopOnEntry stops before the first statement with reason entry', T, async () => {
  const h = await harness();
  try {
    const ev = await launch(h, { program: fixture('basic.lua'), stopOnEntry: true });
    assert.equal(ev?.body.reason, 'entry');
    assert.equal(ev?.body.threadId, 1);
    assert.equal((await topFrame(h)).line, lineOf(fixture('basic.lua'), 'local M = {}'));
    await runToEnd(h);
  } finally {
    await h.close();
  }
});

test('step over walks the main chunk line by line', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: REC, stopOnEntry: true });
    // Lua reports `local function f ... end` on its `end` line; stop on entry waits for the first
    // line where a statement starts (the call of fact), then step over walks the call of count.
    const lines = [(await topFrame(h)).line];
    while (lines[lines.length - 1] < COUNT_CALL) {
      const ev = await stepAndStop(h, 'next');
      assert.equal(ev.body.reason, 'step');
      const f = await topFrame(h);
      assert.equal(f.name, 'main chunk');
      lines.push(f.line);
    }
    assert.deepEqual(lines, [FACT_CALL, COUNT_CALL]);
    assert.equal(await repl(h, 'f'), '24');
  } finally {
    await h.close();
  }
});

test('step in enters a function, step out returns to the caller', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: REC, breakpoints: [{ line: FACT_CALL }] });
    await stepAndStop(h, 'stepIn');
    let f = await topFrame(h);
    assert.equal(f.name, 'fact');
    assert.equal(f.line, lineOf(REC, 'if n <= 1 then'));
    await stepAndStop(h, 'stepOut');
    f = await topFrame(h);
    assert.equal(f.name, 'main chunk');
    assert.ok(f.line === FACT_CALL || f.line === COUNT_CALL, `line ${f.line}`);
  } finally {
    await h.close();
  }
});

test('step over a recursive call stays in the same activation', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: REC, breakpoints: [{ line: lineOf(REC, 'return n * fact(n - 1)') }] });
    assert.equal(await repl(h, 'n'), '4');
    assert.equal((await stack(h)).filter((f) => f.name === 'fact').length, 1);
    await within(h.dc.setBreakpointsRequest({ source: { path: REC }, breakpoints: [] }), 'clear');
    await stepAndStop(h, 'next');
    const f = await topFrame(h);
    assert.equal(f.name, 'main chunk', 'nested recursive activations are stepped over');
    assert.equal(await repl(h, 'f'), '24');
  } finally {
    await h.close();
  }
});

test('tail calls: the stack does not grow and step out leaves the whole chain', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: REC, breakpoints: [{ line: lineOf(REC, 'return acc') }] });
    assert.equal(await repl(h, 'acc'), '3');
    const frames = await stack(h);
    assert.ok(
      frames.filter((f) => f.name === 'count' || /function/.test(f.name)).length <= 2,
      JSON.stringify(frames),
    );
    await stepAndStop(h, 'stepOut');
    const f = await topFrame(h);
    assert.equal(f.name, 'main chunk');
    assert.equal(await repl(h, 'c'), '3');
  } finally {
    await h.close();
  }
});

test('delayed stack trace loading honours startFrame and levels', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: REC, breakpoints: [{ line: lineOf(REC, 'return 1') }] });
    const first = await within(h.dc.stackTraceRequest({ threadId: 1, startFrame: 0, levels: 1 }), 'stack 1');
    assert.equal(first.body.stackFrames.length, 1);
    assert.equal(first.body.totalFrames, 5);
    const rest = await within(
      h.dc.stackTraceRequest({ threadId: 1, startFrame: 1, levels: 10 }),
      'stack rest',
    );
    assert.equal(rest.body.stackFrames.length, 4);
    assert.equal(rest.body.stackFrames[3].name, 'main chunk');
  } finally {
    await h.close();
  }
});

test('pcall: stepping over a caught error continues after the pcall', T, async () => {
  const h = await harness();
  const p = fixture('pcall.lua');
  try {
    await launch(h, { program: p, breakpoints: [{ line: lineOf(p, 'local ok, err = pcall(risky, 5)') }] });
    await stepAndStop(h, 'next');
    const f = await topFrame(h);
    assert.equal(f.line, lineOf(p, 'print("caught"'));
    assert.equal(await repl(h, 'ok'), 'false');
    assert.match(await repl(h, 'err'), /too big: 5/);
  } finally {
    await h.close();
  }
});

test('exception filter "all" stops on a caught error', T, async () => {
  const h = await harness();
  const p = fixture('pcall.lua');
  try {
    const ev = await launch(h, { program: p, exceptionFilters: ['all'] });
    assert.equal(ev?.body.reason, 'exception');
    assert.match(ev?.body.text ?? '', /too big: 5/);
    assert.equal((await topFrame(h)).line, lineOf(p, 'error("too big: "'));
    const info = await within(h.dc.exceptionInfoRequest({ threadId: 1 }), 'exceptionInfo');
    assert.match(info.body.description ?? '', /too big/);
  } finally {
    await h.close();
  }
});

test('exception filter "uncaught" skips caught errors and stops on the uncaught one', T, async () => {
  const h = await harness();
  const p = fixture('pcall2.lua');
  try {
    const ev = await launch(h, { program: p, exceptionFilters: ['uncaught'] });
    assert.equal(ev?.body.reason, 'exception');
    assert.match(ev?.body.text ?? '', /attempt to index a nil value/);
    assert.equal(await repl(h, 'x'), '2');
    assert.match(h.outputs().join(''), /caught\tfalse/);
    const terminated = h.wait('terminated');
    const exited = h.wait<DebugProtocol.ExitedEvent>('exited');
    await within(h.dc.continueRequest({ threadId: 1 }), 'continue');
    assert.equal((await exited).body.exitCode, 1);
    await terminated;
  } finally {
    await h.close();
  }
});

test('coroutines: a stop inside a coroutine reports its own thread, stepping follows yield', T, async () => {
  const h = await harness();
  const p = fixture('coroutines.lua');
  try {
    const yieldLine = lineOf(p, 'coroutine.yield(i)');
    const ev = await launch(h, { program: p, breakpoints: [{ line: yieldLine }] });
    const co = ev!.body.threadId;
    assert.notEqual(co, 1);
    const threads = await within(h.dc.threadsRequest(), 'threads');
    assert.ok(threads.body.threads.some((t) => t.id === 1));
    assert.ok(threads.body.threads.some((t) => t.id === co));
    const f = await topFrame(h, co);
    assert.equal(f.line, yieldLine);
    assert.equal(await repl(h, 'i', f.id), '1');
    await within(h.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [] }), 'clear');
    const after = await stepAndStop(h, 'next', co);
    assert.equal(after.body.threadId, 1, 'after yield the main thread runs');
    const mf = await topFrame(h, 1);
    const [from, to] = [lineOf(p, 'if coroutine.status(co)'), lineOf(p, 'print("got"')];
    assert.ok(mf.line >= from && mf.line < to, `line ${mf.line}`);
  } finally {
    await h.close();
  }
});

test('table.sort comparator: stop inside a callback called from C, inspect and continue', T, async () => {
  const h = await harness();
  const p = fixture('sort.lua');
  try {
    await launch(h, {
      program: p,
      breakpoints: [{ line: lineOf(p, 'compares = compares + 1'), hitCondition: '== 1' }],
    });
    const frames = await stack(h);
    assert.ok(
      frames.some((f) => !f.source),
      'the C frame of table.sort is shown',
    );
    const f = frames[0];
    assert.equal(f.line, lineOf(p, 'compares = compares + 1'));
    assert.equal(await repl(h, 'type(a)', f.id), '"number"');
    await stepAndStop(h, 'next');
    assert.equal((await topFrame(h)).line, lineOf(p, 'return a < b'));
    const all = h.outputs();
    await runToEnd(h);
    assert.ok(all.join('').includes('1,3,5,9\ttrue') || h.outputs().join('').includes('1,3,5,9\ttrue'));
  } finally {
    await h.close();
  }
});

test('pause stops a tight while-true loop and the program can be inspected', T, async () => {
  const h = await harness();
  const p = fixture('loop.lua');
  try {
    await launch(h, { program: p }, false);
    await waitOutput(h, 'looping');
    const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    await within(h.dc.pauseRequest({ threadId: 1 }), 'pause');
    const ev = await stopped;
    assert.equal(ev.body.reason, 'pause');
    const f = await topFrame(h);
    assert.ok(f.line >= lineOf(p, 'while true do'), `line ${f.line} is in the loop`);
    assert.ok(Number(await repl(h, 'n', f.id)) > 0);
    const terminated = h.wait('terminated');
    await within(h.dc.terminateRequest({}), 'terminate');
    await terminated;
  } finally {
    await h.close();
  }
});
