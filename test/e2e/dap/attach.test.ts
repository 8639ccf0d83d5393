/** Attaching to a kernel runtime that already ran code (the user guide's way of debugging). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import { T, fixture, harness, within, waitOutput, type Harness } from './helpers';
import { lineIn, lineOf } from '../../support/positions';

const LATE = fixture('late.lua');

async function attach(h: Harness, args: Record<string, unknown> = {}): Promise<void> {
  const initialized = h.wait('initialized');
  await within(h.dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' }), 'initialize');
  await within(h.dc.attachRequest(args as DebugProtocol.AttachRequestArguments), 'attach');
  await initialized;
  await within(h.dc.configurationDoneRequest(), 'configurationDone');
}

async function kernelWithLate(): Promise<LuaRuntime> {
  const rt = await LuaRuntime.create({ name: 'kernel' });
  const r = await rt.execute(fs.readFileSync(LATE, 'utf8'), { chunkName: LATE, mode: 'file' });
  assert.ok(r.ok, 'the fixture loads');
  return rt;
}

test('attach announces the main thread; a breakpoint in code run before attach is hit', T, async () => {
  const rt = await kernelWithLate();
  const h = await harness(rt);
  try {
    const thread = h.wait<DebugProtocol.ThreadEvent>('thread');
    await attach(h);
    const ev = await thread;
    assert.deepEqual([ev.body.reason, ev.body.threadId], ['started', 1]);
    const line = lineOf(LATE, '-- LATE');
    const bps = await within(
      h.dc.setBreakpointsRequest({ source: { path: LATE }, breakpoints: [{ line }] }),
      'setBreakpoints',
    );
    assert.equal(bps.body.breakpoints[0].verified, true);
    const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    const run = rt.execute('return work(3)', { chunkName: '/cells/late-1.lua', mode: 'cell' });
    const st = await stopped;
    assert.equal(st.body.reason, 'breakpoint');
    assert.deepEqual(st.body.hitBreakpointIds, [bps.body.breakpoints[0].id]);
    const frames = await within(h.dc.stackTraceRequest({ threadId: 1 }), 'stackTrace');
    assert.equal(frames.body.stackFrames[0].line, line);
    assert.equal(frames.body.stackFrames[0].source?.path, LATE);
    await within(h.dc.setBreakpointsRequest({ source: { path: LATE }, breakpoints: [] }), 'clear');
    await within(h.dc.continueRequest({ threadId: 1 }), 'continue');
    const r = await within(run, 'the cell');
    assert.deepEqual(r.ok && r.values, ['6']);
  } finally {
    await h.close();
    await rt.dispose();
  }
});

test('pathMappings that cannot apply here fall back to the client path and say so once', T, async () => {
  const rt = await kernelWithLate();
  const h = await harness(rt);
  try {
    const remote = path.join(os.tmpdir(), `llmspell-no-such-root-${process.pid}`);
    await attach(h, { pathMappings: [{ localRoot: path.dirname(LATE), remoteRoot: remote }] });
    const all = await waitOutput(h, 'pathMappings');
    assert.match(all, new RegExp(`${remote.replace(/[/\\.]/g, '\\$&')} does not exist`));
    const line = lineOf(LATE, '-- FIB');
    const bps = await within(
      h.dc.setBreakpointsRequest({ source: { path: LATE }, breakpoints: [{ line }] }),
      'setBreakpoints',
    );
    assert.equal(bps.body.breakpoints[0].verified, true);
    assert.equal(bps.body.breakpoints[0].source?.path, LATE);
    const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    const run = rt.execute('return fib(1)', { chunkName: '/cells/late-2.lua', mode: 'cell' });
    assert.equal((await stopped).body.reason, 'breakpoint');
    await within(h.dc.setBreakpointsRequest({ source: { path: LATE }, breakpoints: [] }), 'clear');
    await within(h.dc.continueRequest({ threadId: 1 }), 'continue');
    assert.ok((await within(run, 'the cell')).ok);
    const notes = h.outputs().filter((o) => o.includes('pathMappings'));
    assert.equal(notes.length, 1, 'the fallback is reported once');
  } finally {
    await h.close();
    await rt.dispose();
  }
});

test(
  'a breakpoint on a source neither loaded nor on disk is unverified, then verified when it loads',
  T,
  async () => {
    const rt = await LuaRuntime.create({ name: 'kernel' });
    const h = await harness(rt);
    try {
      await attach(h);
      const ghost = path.join(os.tmpdir(), `llmspell-ghost-${process.pid}.lua`);
      const code = 'local x = 1\nx = x + 1 -- HERE\nreturn x\n';
      const bps = await within(
        h.dc.setBreakpointsRequest({
          source: { path: ghost },
          breakpoints: [{ line: lineIn(code, '-- HERE') }],
        }),
        'setBreakpoints',
      );
      const bp = bps.body.breakpoints[0];
      assert.equal(bp.verified, false);
      assert.match(bp.message ?? '', /not loaded and not on disk/);
      const changed = h.wait<DebugProtocol.BreakpointEvent>('breakpoint');
      const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
      const run = rt.execute(code, { chunkName: ghost, mode: 'file' });
      const ev = await changed;
      assert.equal(ev.body.reason, 'changed');
      assert.equal(ev.body.breakpoint.id, bp.id);
      assert.equal(ev.body.breakpoint.verified, true);
      assert.equal(ev.body.breakpoint.line, lineIn(code, '-- HERE'));
      assert.deepEqual((await stopped).body.hitBreakpointIds, [bp.id]);
      await within(h.dc.continueRequest({ threadId: 1 }), 'continue');
      assert.ok((await within(run, 'the chunk')).ok);
    } finally {
      await h.close();
      await rt.dispose();
    }
  },
);
