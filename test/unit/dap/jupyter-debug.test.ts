import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import { JupyterDebugHandler, type DebugRequestContent } from '../../../debug-adapter/jupyter-debug';
import { murmur2 } from '../../../kernel/shared/murmur2';
import { lineIn } from '../../support/positions';
import { waitFor } from '../../support/wait';

/** Take the first `name` event from `events` once it has arrived. */
async function nextEvent<T>(events: DebugProtocol.Event[], name: string): Promise<T> {
  await waitFor(() => events.some((e) => e.event === name), `a ${name} event`);
  return events.splice(
    events.findIndex((e) => e.event === name),
    1,
  )[0] as T;
}

test(
  'a JupyterLab-style debug_request session: debugInfo, dumpCell, breakpoints in a cell, inspect',
  { timeout: 30000 },
  async () => {
    const rt = await LuaRuntime.create({ name: 'jupyter-debug-test' });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-jd-')) + path.sep;
    const events: DebugProtocol.Event[] = [];
    const h = new JupyterDebugHandler({ runtime: rt, emitEvent: (e) => events.push(e), tmpFilePrefix: tmp });
    let seq = 1;
    const req = (
      command: string,
      args?: Record<string, unknown>,
    ): Promise<{ success: boolean; body?: unknown; message?: string }> => {
      const r: DebugRequestContent = { seq: seq++, type: 'request', command, arguments: args };
      return h.handle(r);
    };
    try {
      const init = await req('initialize', {
        clientID: 'jupyterlab',
        adapterID: 'llmspell',
        pathFormat: 'path',
        linesStartAt1: true,
        columnsStartAt1: true,
      });
      assert.equal(init.success, true);
      assert.equal((init.body as DebugProtocol.Capabilities).supportsConfigurationDoneRequest, true);
      assert.equal((await req('attach', {})).success, true);
      assert.equal(h.isStarted, true);

      const info = (await req('debugInfo')).body as Record<string, unknown>;
      assert.equal(info.hashMethod, 'Murmur2');
      assert.equal(info.tmpFilePrefix, tmp);
      assert.equal(info.tmpFileSuffix, '.lua');
      assert.equal(info.isStarted, true);

      const code = 'cellvar = 41\nlocal y = cellvar + 1\nprint(y)\n';
      const dumped = (await req('dumpCell', { code })).body as { sourcePath: string };
      // What JupyterLab computes from debugInfo:
      const expected = `${info.tmpFilePrefix as string}${murmur2(code, info.hashSeed as number)}${info.tmpFileSuffix as string}`;
      assert.equal(dumped.sourcePath, expected);
      assert.equal(h.cellPath(code), expected);
      assert.equal(fs.readFileSync(expected, 'utf8'), code);

      const line = lineIn(code, 'print(y)');
      const bps = await req('setBreakpoints', { source: { path: expected }, breakpoints: [{ line }] });
      assert.equal((bps.body as DebugProtocol.SetBreakpointsResponse['body']).breakpoints[0].verified, true);
      assert.equal((await req('configurationDone')).success, true);
      const info2 = (await req('debugInfo')).body as { breakpoints: Array<{ source: string }> };
      assert.equal(info2.breakpoints[0].source, expected);

      const run = rt.execute(code, { chunkName: h.cellPath(code), mode: 'cell' });
      const stopped = await nextEvent<DebugProtocol.StoppedEvent>(events, 'stopped');
      assert.equal(stopped.body.reason, 'breakpoint');
      const st = (await req('stackTrace', { threadId: stopped.body.threadId }))
        .body as DebugProtocol.StackTraceResponse['body'];
      assert.equal(st.stackFrames[0].source?.path, expected);
      assert.equal(st.stackFrames[0].line, line);
      const scopes = (await req('scopes', { frameId: st.stackFrames[0].id }))
        .body as DebugProtocol.ScopesResponse['body'];
      const locals = scopes.scopes.find((s) => s.name === 'Locals')!;
      const vars = (await req('variables', { variablesReference: locals.variablesReference }))
        .body as DebugProtocol.VariablesResponse['body'];
      assert.ok(vars.variables.some((v) => v.name === 'y' && v.value === '42'));
      const rich = (await req('richInspectVariables', { variableName: 'y', frameId: st.stackFrames[0].id }))
        .body as { data: Record<string, string> };
      assert.equal(rich.data['text/plain'], '42');
      const globalsWhileStopped = (await req('inspectVariables')).body as {
        variables: Array<{ name: string }>;
      };
      assert.ok(globalsWhileStopped.variables.some((v) => v.name === 'cellvar'));
      assert.equal(
        (
          await req('copyToGlobals', {
            srcVariableName: 'y',
            dstVariableName: 'copied',
            srcFrameId: st.stackFrames[0].id,
          })
        ).success,
        true,
      );
      const src = (await req('source', { source: { path: expected } })).body as { content: string };
      assert.equal(src.content, code);

      assert.equal((await req('continue', { threadId: stopped.body.threadId })).success, true);
      const result = await run;
      assert.ok(result.ok);
      const after = (await req('inspectVariables')).body as {
        variables: Array<{ name: string; value: string }>;
      };
      assert.ok(
        after.variables.some((v) => v.name === 'copied' && v.value === '42'),
        JSON.stringify(after),
      );
      assert.equal((await req('evaluate', { expression: 'cellvar + 1', context: 'repl' })).success, true);
      assert.equal((await req('disconnect', { restart: false, terminateDebuggee: false })).success, true);
      assert.equal(h.isStarted, false);
      const bad = await req('stackTrace', { threadId: 1 });
      assert.equal(bad.success, true, 'a fresh session answers (not stopped: no frames)');
    } finally {
      await rt.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

test(
  'JupyterLab on a cell that already ran: a breakpoint in its function is hit from a later cell, full speed after removal',
  { timeout: 30000 },
  async () => {
    const rt = await LuaRuntime.create({ name: 'jupyter-debug-late' });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-jdl-')) + path.sep;
    const events: DebugProtocol.Event[] = [];
    const h = new JupyterDebugHandler({ runtime: rt, emitEvent: (e) => events.push(e), tmpFilePrefix: tmp });
    let seq = 1;
    const req = (command: string, args?: Record<string, unknown>) =>
      h.handle({ seq: seq++, type: 'request', command, arguments: args } as DebugRequestContent);
    try {
      await req('initialize', { clientID: 'jupyterlab', adapterID: 'llmspell', pathFormat: 'path' });
      assert.equal((await req('attach', {})).success, true);
      const threadEvent = await nextEvent<DebugProtocol.ThreadEvent>(events, 'thread');
      assert.deepEqual([threadEvent.body.reason, threadEvent.body.threadId], ['started', 1]);
      // The cell runs first, with no breakpoint: its function is loaded without probes.
      const code = 'function area(w, h)\n  local a = w * h -- AREA\n  return a\nend\n';
      const cellPath = h.cellPath(code);
      await req('dumpCell', { code });
      assert.ok((await rt.execute(code, { chunkName: cellPath, mode: 'cell' })).ok);
      // Then JupyterLab's user clicks the gutter of that executed cell.
      const line = lineIn(code, '-- AREA');
      const set = await req('setBreakpoints', { source: { path: cellPath }, breakpoints: [{ line }] });
      const bp = (set.body as DebugProtocol.SetBreakpointsResponse['body']).breakpoints[0];
      assert.equal(bp.verified, true);
      await req('configurationDone');
      const info = (await req('debugInfo')).body as {
        breakpoints: Array<{ source: string; breakpoints: Array<{ line: number }> }>;
        stoppedThreads: number[];
      };
      assert.deepEqual(info.breakpoints, [{ source: cellPath, breakpoints: [{ line }] }]);
      const later = 'return area(6, 7)';
      const run = rt.execute(later, { chunkName: h.cellPath(later), mode: 'cell' });
      const stopped = await nextEvent<DebugProtocol.StoppedEvent>(events, 'stopped');
      assert.deepEqual(stopped.body.hitBreakpointIds, [bp.id]);
      const stopInfo = (await req('debugInfo')).body as { stoppedThreads: number[] };
      assert.deepEqual(stopInfo.stoppedThreads, [stopped.body.threadId]);
      const st = (await req('stackTrace', { threadId: stopped.body.threadId }))
        .body as DebugProtocol.StackTraceResponse['body'];
      assert.deepEqual([st.stackFrames[0].source?.path, st.stackFrames[0].line], [cellPath, line]);
      await req('setBreakpoints', { source: { path: cellPath }, breakpoints: [] });
      await req('continue', { threadId: stopped.body.threadId });
      const r = await run;
      assert.deepEqual(r.ok && r.values, ['42']);
      const again = await rt.execute('return area(2, 3)', { chunkName: h.cellPath('x'), mode: 'cell' });
      assert.deepEqual(again.ok && again.values, ['6']);
      assert.ok(!events.some((e) => e.event === 'stopped'), 'no stop once the breakpoint is removed');
      await req('disconnect', { restart: false, terminateDebuggee: false });
    } finally {
      await rt.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);
