import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import { T, attachedClient, fixture, within, withKernelDap, type Harness } from './helpers';
import { lineOf } from '../../support/positions';
import { waitFor } from '../../support/wait';

/** Every wait can be interrupted: evaluations that never end are ended by pause, interrupt, disconnect. */

const SPIN = '(function() while true do end end)()';
const COUNT = lineOf(fixture('basic.lua'), 'counter = counter + 1');

async function stoppedAt(
  rt: LuaRuntime,
  a: { dc: DebugClient; wait: Harness['wait'] },
  line: number,
): Promise<{ run: ReturnType<LuaRuntime['execute']>; frameId: number }> {
  const p = fixture('basic.lua');
  await within(a.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [{ line }] }), 'bp');
  const stopped = a.wait<DebugProtocol.StoppedEvent>('stopped');
  const run = rt.execute(fs.readFileSync(p, 'utf8'), { chunkName: p, mode: 'file' });
  await stopped;
  const st = await within(a.dc.stackTraceRequest({ threadId: 1 }), 'stack');
  return { run, frameId: st.body.stackFrames[0].id };
}

for (const how of ['pause', 'interrupt', 'continue'] as const) {
  test(`a debug-console evaluate of while true do end while stopped is ended by ${how}`, T, async () => {
    await withKernelDap(async (rt, server) => {
      const a = await attachedClient(server);
      const { run, frameId } = await stoppedAt(rt, a, COUNT);
      const spinning = a.dc.evaluateRequest({ expression: 'while true do end', frameId, context: 'repl' });
      // a request answered without the runtime: the session has passed the evaluation on by then
      await within(a.dc.configurationDoneRequest(), 'barrier');
      if (how === 'pause') await within(a.dc.pauseRequest({ threadId: 1 }), 'pause');
      else if (how === 'interrupt') rt.interrupt();
      else {
        await within(
          a.dc.setBreakpointsRequest({ source: { path: fixture('basic.lua') }, breakpoints: [] }),
          'clear',
        );
        await within(a.dc.continueRequest({ threadId: 1 }), 'continue');
      }
      await assert.rejects(within(spinning, 'the spinning evaluate'), /interrupted/);
      if (how === 'pause') {
        // still stopped, and the debugger still works
        const ev = await within(
          a.dc.evaluateRequest({ expression: 'sum', frameId, context: 'repl' }),
          'eval',
        );
        assert.match(ev.body.result, /^\d+$/);
        await within(
          a.dc.setBreakpointsRequest({ source: { path: fixture('basic.lua') }, breakpoints: [] }),
          'clear',
        );
        await within(a.dc.continueRequest({ threadId: 1 }), 'continue');
      }
      const r = await within(run, 'the run');
      assert.equal(r.ok, how !== 'interrupt', JSON.stringify(r));
      await a.dc.stop();
    });
  });
}

test('an evaluate that spins while the runtime is idle is ended by pause and by interrupt', T, async () => {
  await withKernelDap(async (rt, server) => {
    const a = await attachedClient(server);
    const first = a.dc.evaluateRequest({ expression: SPIN, context: 'repl' });
    await within(a.dc.configurationDoneRequest(), 'barrier');
    await within(a.dc.pauseRequest({ threadId: 1 }), 'pause');
    // ended: an inspection that fails shows nothing
    assert.equal((await within(first, 'evaluate ended by pause')).body.result, '');
    const second = rt.inspect(SPIN);
    await new Promise((r) => setImmediate(r));
    rt.interrupt();
    assert.equal((await within(second, 'inspect ended by interrupt')).found, false);
    // the next cell is not interrupted by a stale request
    const ok = await within(rt.execute('return 6 * 7', { chunkName: '=after', mode: 'cell' }), 'after');
    assert.ok(ok.ok);
    const ev = await within(a.dc.evaluateRequest({ expression: '1 + 1', context: 'repl' }), 'eval');
    assert.equal(ev.body.result, '2');
    await a.dc.stop();
  });
});

test(
  'a client disconnecting during its spinning evaluate frees the runtime for another client',
  T,
  async () => {
    await withKernelDap(async (rt, server) => {
      const a = await attachedClient(server);
      const b = await attachedClient(server);
      const { run, frameId } = await stoppedAt(rt, a, COUNT);
      void a.dc
        .evaluateRequest({ expression: 'while true do end', frameId, context: 'repl' })
        .catch(() => undefined);
      await new Promise((r) => setImmediate(r));
      await a.dc.stop(); // the socket closes: the session is released
      const stB = await within(b.dc.stackTraceRequest({ threadId: 1 }), 'stack b');
      const ev = await within(
        b.dc.evaluateRequest({ expression: '40 + 2', frameId: stB.body.stackFrames[0].id, context: 'repl' }),
        'b evaluates',
      );
      assert.equal(ev.body.result, '42');
      await within(b.dc.disconnectRequest({}), 'disconnect b');
      assert.ok((await within(run, 'run')).ok);
      await b.dc.stop();
    });
  },
);

test('a breakpoint condition that never ends is ended by interrupt', T, async () => {
  await withKernelDap(async (rt, server) => {
    const a = await attachedClient(server);
    const p = fixture('basic.lua');
    await within(
      a.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [{ line: COUNT, condition: SPIN }] }),
      'bp',
    );
    let done = false;
    const run = rt
      .execute(fs.readFileSync(p, 'utf8'), { chunkName: p, mode: 'file' })
      .finally(() => (done = true));
    // an interrupt that arrives before the run starts is dropped: repeat until the run ends
    await waitFor(() => {
      rt.interrupt();
      return done;
    }, 'the run to end on interrupt');
    const r = await within(run, 'the run');
    assert.equal(r.ok, false);
    await a.dc.stop();
  });
});
