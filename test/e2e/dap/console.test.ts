import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { T, fixture, harness, launch, topFrame, repl, within, waitOutput, runToEnd } from './helpers';
import { lineOf } from '../../support/positions';

const BASIC = fixture('basic.lua');
/** The blank line inside add(). */
const BLANK = lineOf(BASIC, 'local sum = a + b') + 1;
const COUNT = lineOf(BASIC, 'counter = counter + 1');
const LOOP_BODY = lineOf(BASIC, 'total = add(total, i)');
const MAIN_CALL = lineOf(BASIC, 'local result = M.run(5)');

test('console :break LINE, :continue, :locals, :stack', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, stopOnEntry: true });
    const bpEvent = h.wait<DebugProtocol.BreakpointEvent>('breakpoint');
    assert.match(
      await repl(h, `:break ${BLANK}`),
      new RegExp(`breakpoint \\d+ at basic\\.lua:${COUNT} \\(moved from line ${BLANK}\\)`),
    );
    assert.equal((await bpEvent).body.reason, 'new');
    const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    assert.equal(await repl(h, ':continue'), 'continuing');
    assert.equal((await stopped).body.reason, 'breakpoint');
    assert.equal((await topFrame(h)).line, COUNT);
    const locals = await repl(h, ':locals');
    assert.match(locals, /^a = 0$/m);
    assert.match(locals, /^sum = 1$/m);
    const st = await repl(h, ':stack');
    assert.match(st, new RegExp(`#0 add at .*basic\\.lua:${COUNT}\\b`));
    assert.match(st, new RegExp(`#2 main chunk at .*basic\\.lua:${MAIN_CALL}\\b`));
  } finally {
    await h.close();
  }
});

test('console :break FILE:LINE if COND, :watch shown on every stop, :next/:step/:finish', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, stopOnEntry: true });
    assert.match(
      await repl(h, `:break basic.lua:${LOOP_BODY} if i == 3`),
      new RegExp(`breakpoint \\d+ at basic\\.lua:${LOOP_BODY} if i == 3`),
    );
    let stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    await repl(h, ':continue');
    await stopped;
    assert.equal(await repl(h, 'i'), '3');
    assert.match(await repl(h, ':watch total * 10'), /watching total \* 10 = 30/);
    stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    assert.equal(await repl(h, ':step'), '');
    await stopped;
    let f = await topFrame(h);
    assert.equal(f.name, 'add');
    await waitOutput(h, '[watch] total * 10 = ');
    stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    await repl(h, ':finish');
    await stopped;
    f = await topFrame(h);
    assert.equal(f.name, 'run');
    stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    await repl(h, ':next');
    await stopped;
    assert.equal((await topFrame(h)).name, 'run');
    assert.match(await repl(h, ':clear'), /cleared 1 console breakpoint\(s\) and 1 watch\(es\)/);
    await runToEnd(h);
  } finally {
    await h.close();
  }
});

test('console :help, unknown commands and plain Lua evaluation with side effects', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, breakpoints: [{ line: COUNT }] });
    assert.match(await repl(h, ':help'), /:break LINE/);
    assert.match(await repl(h, ':frobnicate'), /unknown command :frobnicate/);
    assert.match(await repl(h, ':break'), /usage/);
    assert.equal(await repl(h, 'sum * 2'), '2');
    await repl(h, 'counter = 100');
    assert.equal(await repl(h, 'counter'), '100');
  } finally {
    await h.close();
  }
});

test('console commands that need a stop say so while running', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: fixture('loop.lua') }, false);
    await assert.rejects(
      within(h.dc.evaluateRequest({ expression: ':locals', context: 'repl' }), 'locals'),
      /not stopped/,
    );
    const terminated = h.wait('terminated');
    await within(h.dc.terminateRequest({}), 'terminate');
    await terminated;
  } finally {
    await h.close();
  }
});
