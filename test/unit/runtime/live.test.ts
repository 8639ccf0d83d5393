/**
 * Debugging code that is already loaded: breakpoints set after a chunk ran (re-instrumented live
 * functions), conditions compiled once, pause during conditions, invisible instrumentation, deep
 * recursion, step out.
 */
import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { Harness, fixture, lineOf } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await Harness.create();
});
afterEach(async () => {
  await h.dispose();
});

const LIVE = fixture('live.lua');
// A condition on locals gets a guarded probe (probe-guard.ts); `%` takes the general path.
const GUARDED_AND_GENERAL = ['i < 0', 'i % 7 < 0'];
const cell = (code: string, n = 1): ReturnType<Harness['rt']['execute']> =>
  h.rt.execute(code, { chunkName: `/cells/live-${n}.lua`, mode: 'cell' });

async function loadLive(how: 'cell' | 'dofile'): Promise<void> {
  const r =
    how === 'cell' ? await h.runFile(LIVE) : await cell(`dofile(${JSON.stringify(LIVE)}) return true`, 0);
  assert.ok(r.ok, JSON.stringify(r));
}

for (const how of ['cell', 'dofile'] as const) {
  test(`a breakpoint set after the code loaded (${how}) is hit, in a local function reached through an upvalue`, async () => {
    await loadLive(how);
    const [bp] = await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- BUMP') }]);
    assert.equal(bp.verified, true);
    const run = cell('return live.twice(2)');
    const stop = await h.nextStop();
    assert.deepEqual(
      [stop.reason, stop.hitBreakpointIds, stop.location?.line],
      ['breakpoint', [bp.id], bp.line],
    );
    assert.equal((await h.locals()).n, '2');
    h.rt.debugger.resume();
    await h.nextStop();
    await h.rt.debugger.setBreakpoints(LIVE, []);
    h.rt.debugger.resume();
    const r = await run;
    assert.deepEqual(r.ok && r.values, ['6'], 'upvalues are shared: counter went 2, then 4');
    // Removed again: the function runs without stopping and keeps its state.
    const again = await cell('return live.twice(1)', 2);
    assert.deepEqual(again.ok && again.values, ['11']);
  });
}

test('re-instrumented functions look the same to the program: upvalues, nups, string.dump', async () => {
  await loadLive('cell');
  const probe = `
    local f = live.pure
    local info = debug.getinfo(f, 'u')
    local name = debug.getupvalue(live.twice, 1)
    local g = load(string.dump(f))
    return info.nups, name, g(2, 3), select('#', debug.getupvalue(f, 1))`;
  const before = await cell(probe, 1);
  await h.rt.debugger.setBreakpoints(LIVE, [
    { line: lineOf(LIVE, '-- PURE'), condition: 'a > 100' },
    { line: lineOf(LIVE, '-- TWICE'), condition: 'n > 100' },
  ]);
  const after = await cell(probe, 2);
  assert.ok(before.ok && after.ok);
  assert.deepEqual(after.values, before.values);
  assert.deepEqual(after.values, ['0', '"bump"', '5', '0']);
});

test('a user line hook sees the program lines only, never the probe', async () => {
  await loadLive('cell');
  const code = `
    local seen = {}
    debug.sethook(function(ev, line)
      local src = debug.getinfo(2, 'S').source
      seen[#seen + 1] = ev .. ':' .. src:sub(-8) .. ':' .. tostring(line)
    end, 'lc')
    live.pure(1, 2)
    debug.sethook()
    return table.concat(seen, ' ')`;
  const plain = await cell(code, 7);
  await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- PURE'), condition: 'a > 100' }]);
  const probed = await cell(code, 7);
  assert.ok(plain.ok && probed.ok);
  assert.deepEqual(probed.values, plain.values);
});

test('a condition that does not compile is reported once and never stops; run-time errors are reported, not hits', async () => {
  await loadLive('cell');
  const line = lineOf(LIVE, '-- SPIN');
  await h.rt.debugger.setBreakpoints(LIVE, [{ line, condition: 'i ==== 3' }]);
  h.output = '';
  let r = await cell('return spin(50)', 1);
  assert.ok(r.ok);
  // The parser rejects it when set (unverified), so the agent never arms it.
  assert.doesNotMatch(h.output, /condition/);
  await h.rt.debugger.setBreakpoints(LIVE, [{ line, condition: 'nosuch.field > 1' }]);
  h.output = '';
  r = await cell('return spin(50)', 2);
  assert.ok(r.ok, 'an erroring condition never stops the program');
  const reports = h.output.split('\n').filter((l) => l.includes('breakpoint condition error'));
  assert.equal(reports.length, 1, h.output);
  assert.ok(!h.events.some((e) => e.type === 'stopped'));
});

test('a condition that is false deep in a recursion never stops; 200,000 levels finish', async () => {
  await loadLive('cell');
  await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- DEEP'), condition: 'n < 0' }]);
  const r = await cell('return deep(200000)');
  assert.deepEqual(r.ok && r.values, ['200000']);
  assert.ok(!h.events.some((e) => e.type === 'stopped'));
});

for (const condition of GUARDED_AND_GENERAL) {
  test(`pause is delivered while a condition is being evaluated, every time (${condition})`, async () => {
    await loadLive('cell');
    await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- SPIN'), condition }]);
    const run = cell('while true do spin(1000) end');
    for (let i = 0; i < 3; i++) {
      const stopped = h.nextStop(15000);
      h.rt.debugger.pause();
      assert.equal((await stopped).reason, 'pause');
      h.rt.debugger.resume();
    }
    h.rt.interrupt();
    const r = await run;
    assert.equal(r.ok, false);
  });
}

for (const condition of GUARDED_AND_GENERAL) {
  test(`a conditional breakpoint in a loop retains no memory (${condition})`, async () => {
    await loadLive('cell');
    await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- SPIN'), condition }]);
    const r = await cell(`
    spin(100)
    collectgarbage(); collectgarbage()
    local before = collectgarbage('count')
    spin(20000)
    collectgarbage(); collectgarbage()
    return collectgarbage('count') - before`);
    assert.ok(r.ok);
    assert.ok(Number(r.values[0]) <= 0, `retained ${r.values[0]} KB`);
  });
}

test('a breakpoint set while its function loops is hit; the line hook ends when that frame returns', async () => {
  await loadLive('cell');
  const run = cell('return spin_wait() > 0', 1);
  await h.waitOutput('spinning');
  const [bp] = await h.rt.debugger.setBreakpoints(LIVE, [{ line: lineOf(LIVE, '-- WAIT') }]);
  const stop = await h.nextStop();
  assert.deepEqual(
    [stop.reason, stop.hitBreakpointIds, stop.location?.line],
    ['breakpoint', [bp.id], bp.line],
  );
  const top = await h.topFrame();
  await h.rt.debugger.evaluate('release = true', top.id);
  h.rt.debugger.resume();
  assert.deepEqual(await run, { ok: true, values: ['true'] });
  // The breakpoint stays, in the re-instrumented function; the frame that ran old code is gone, so
  // the line hook that watched it is removed (after at most 10,000 line events, here at once).
  const after = await cell(
    'local s = 0 for k = 1, 30000 do s = s + k end return debug.gethook() == nil, s',
    2,
  );
  assert.deepEqual(after, { ok: true, values: ['true', '450015000'] });
  assert.equal(h.events.filter((e) => e.type === 'stopped').length, 1);
});
