import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  T,
  fixture,
  harness,
  launch,
  topFrame,
  runToEnd,
  variables,
  repl,
  within,
  waitOutput,
} from './helpers';
import { lineOf } from '../../support/positions';

const BASIC = fixture('basic.lua');
const ADD = lineOf(BASIC, 'local function add(a, b)');
const SUM = lineOf(BASIC, 'local sum = a + b');
/** The blank line inside add(). */
const BLANK = SUM + 1;
const COUNT = lineOf(BASIC, 'counter = counter + 1');
const RETURN = lineOf(BASIC, 'return sum');

test('a breakpoint on a blank line moves to the next statement and is hit there', T, async () => {
  const h = await harness();
  try {
    const initialized = h.wait('initialized');
    await within(h.dc.initializeRequest({ adapterID: 'llmspell' }), 'initialize');
    const launched = h.dc.launchRequest({ program: BASIC } as DebugProtocol.LaunchRequestArguments);
    await initialized;
    const bps = await within(
      h.dc.setBreakpointsRequest({ source: { path: BASIC }, breakpoints: [{ line: BLANK }] }),
      'setBreakpoints',
    );
    assert.equal(bps.body.breakpoints[0].verified, true);
    assert.equal(bps.body.breakpoints[0].line, COUNT);
    const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    await within(h.dc.configurationDoneRequest(), 'configurationDone');
    await within(launched, 'launch');
    const ev = await stopped;
    assert.equal(ev.body.reason, 'breakpoint');
    assert.deepEqual(ev.body.hitBreakpointIds, [bps.body.breakpoints[0].id]);
    const f = await topFrame(h);
    assert.equal(f.line, COUNT);
    assert.equal(f.source?.path, BASIC);
    assert.ok((await variables(h, f.id)).some((v) => v.name === 'sum' && v.value === '1'));
    assert.equal(await runToEnd(h), 4);
  } finally {
    await h.close();
  }
});

test('conditional breakpoint stops only when the condition holds', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, breakpoints: [{ line: COUNT, condition: 'b == 4' }] });
    const f = await topFrame(h);
    assert.equal(await repl(h, 'b', f.id), '4');
    assert.equal(await repl(h, 'a', f.id), '6');
    assert.equal(await runToEnd(h), 0);
  } finally {
    await h.close();
  }
});

test('hit count ">= 3" skips the first two hits', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, breakpoints: [{ line: COUNT, hitCondition: '3' }] });
    const f = await topFrame(h);
    assert.equal(await repl(h, 'counter', f.id), '2');
    assert.equal(await runToEnd(h), 2);
  } finally {
    await h.close();
  }
});

test('hit condition "% 2" stops on every second hit', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, breakpoints: [{ line: COUNT, hitCondition: '% 2' }] });
    const f = await topFrame(h);
    assert.equal(await repl(h, 'counter', f.id), '1');
    assert.equal(await runToEnd(h), 1);
  } finally {
    await h.close();
  }
});

test('log points print interpolated messages with a source and do not stop', T, async () => {
  const h = await harness();
  try {
    const terminated = h.wait('terminated');
    const logged: DebugProtocol.OutputEvent[] = [];
    h.dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.output.startsWith('sum is')) logged.push(e);
    });
    await launch(h, { program: BASIC, breakpoints: [{ line: COUNT, logMessage: 'sum is {sum}' }] }, false);
    await terminated;
    const all = await waitOutput(h, 'result\t15');
    assert.match(all, /sum is 1\n/);
    assert.match(all, /sum is 15\n/);
    assert.equal(logged.length, 5);
    assert.equal(logged[0].body.line, COUNT);
    assert.equal(logged[0].body.source?.path, BASIC);
  } finally {
    await h.close();
  }
});

test('function breakpoints stop in the named function', T, async () => {
  const h = await harness();
  try {
    const ev = await launch(h, { program: BASIC, functionBreakpoints: ['add'] });
    assert.equal(ev?.body.reason, 'function breakpoint');
    const f = await topFrame(h);
    assert.equal(f.name, 'add');
    assert.ok(f.line >= ADD && f.line <= SUM, `line ${f.line}`);
    assert.equal(await runToEnd(h), 4);
  } finally {
    await h.close();
  }
});

test('breakpointLocations lists the lines that hold statements', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, stopOnEntry: true });
    const r = await within(
      h.dc.customRequest('breakpointLocations', { source: { path: BASIC }, line: ADD, endLine: RETURN + 1 }),
      'breakpointLocations',
    );
    const lines = (r.body as DebugProtocol.BreakpointLocationsResponse['body']).breakpoints.map(
      (b) => b.line,
    );
    assert.ok(lines.includes(SUM) && lines.includes(COUNT) && lines.includes(RETURN), JSON.stringify(lines));
    assert.ok(!lines.includes(BLANK), 'the blank line is not a location');
  } finally {
    await h.close();
  }
});

test(
  'setBreakpoints before launch (nvim-dap order: launch after configurationDone) is verified later',
  T,
  async () => {
    const h = await harness();
    try {
      const initialized = h.wait('initialized');
      await within(h.dc.initializeRequest({ adapterID: 'llmspell' }), 'initialize');
      await initialized;
      const changed = h.wait<DebugProtocol.BreakpointEvent>('breakpoint');
      const bps = await within(
        h.dc.setBreakpointsRequest({ source: { path: BASIC }, breakpoints: [{ line: BLANK }] }),
        'setBreakpoints',
      );
      await within(h.dc.configurationDoneRequest(), 'configurationDone');
      const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
      await within(h.dc.launchRequest({ program: BASIC } as DebugProtocol.LaunchRequestArguments), 'launch');
      const ch = await changed;
      assert.equal(ch.body.breakpoint.id, bps.body.breakpoints[0].id);
      assert.equal(ch.body.breakpoint.verified, true);
      assert.equal(ch.body.breakpoint.line, COUNT);
      const ev = await stopped;
      assert.deepEqual(ev.body.hitBreakpointIds, [bps.body.breakpoints[0].id]);
      assert.equal((await topFrame(h)).line, COUNT);
    } finally {
      await h.close();
    }
  },
);

test('removing breakpoints while stopped lets the program run to the end', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: BASIC, breakpoints: [{ line: COUNT }] });
    await within(h.dc.setBreakpointsRequest({ source: { path: BASIC }, breakpoints: [] }), 'clear');
    assert.equal(await runToEnd(h), 0);
  } finally {
    await h.close();
  }
});
