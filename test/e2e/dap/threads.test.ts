/**
 * Thread events as clients that keep a thread list from events (nvim-dap) need them: the main
 * thread from the start, a coroutine announced before the stop that shows it and gone when the
 * program runs on, so a pause without a thread id has exactly one thread to pick.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { T, fixture, harness, launch, waitOutput, within } from './helpers';
import { lineOf } from '../../support/positions';

test(
  'coroutine threads: started before their stop, exited when the program runs on; pause finds one thread',
  T,
  async () => {
    const h = await harness();
    const p = fixture('coroutine-spin.lua');
    const log: string[] = [];
    h.dc.on('thread', (e: DebugProtocol.ThreadEvent) => log.push(`${e.body.reason} ${e.body.threadId}`));
    h.dc.on('stopped', (e: DebugProtocol.StoppedEvent) => log.push(`stopped ${e.body.threadId}`));
    try {
      const ev = await launch(h, { program: p, breakpoints: [{ line: lineOf(p, '-- FIRST') }] });
      const co = ev!.body.threadId as number;
      assert.notEqual(co, 1);
      assert.deepEqual(log, ['started 1', `started ${co}`, `stopped ${co}`]);
      const listed = await within(h.dc.threadsRequest(), 'threads');
      assert.deepEqual(listed.body.threads.map((t) => t.id).sort(), [1, co].sort());
      await within(h.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [] }), 'clear');
      const exited = h.wait<DebugProtocol.ThreadEvent>('thread');
      await within(h.dc.continueRequest({ threadId: co }), 'continue');
      assert.deepEqual([(await exited).body.reason, (await exited).body.threadId], ['exited', co]);
      // What nvim-dap's pause() does without a thread id: the threads it knows, here only main.
      const running = await within(h.dc.threadsRequest(), 'threads while running');
      assert.deepEqual(
        running.body.threads.map((t) => t.id),
        [1],
      );
      await waitOutput(h, 'running'); // the program runs on (a readiness signal)
      const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
      await within(h.dc.pauseRequest({ threadId: 1 }), 'pause');
      const paused = await stopped;
      assert.equal(paused.body.reason, 'pause');
      const where = paused.body.threadId;
      // The pause lands in whichever thread runs; a coroutine is announced again before its stop.
      assert.deepEqual(log.slice(where === 1 ? -1 : -2), [
        ...(where === 1 ? [] : [`started ${where}`]),
        `stopped ${where}`,
      ]);
      const terminated = h.wait('terminated');
      await within(h.dc.terminateRequest({}), 'terminate');
      await terminated;
      assert.equal(log.at(-1), 'exited 1');
    } finally {
      await h.close();
    }
  },
);
