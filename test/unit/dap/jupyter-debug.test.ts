import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import { JupyterDebugHandler, type DebugRequestContent } from '../../../debug-adapter/jupyter-debug';
import { murmur2 } from '../../../kernel/shared/murmur2';

function waitFor<T>(events: DebugProtocol.Event[], name: string, ms = 5000): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const i = events.findIndex((e) => e.event === name);
      if (i >= 0) {
        resolve(events.splice(i, 1)[0] as T);
      } else if (Date.now() - start > ms) reject(new Error(`no ${name} event`));
      else setTimeout(tick, 5);
    };
    tick();
  });
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

      const bps = await req('setBreakpoints', { source: { path: expected }, breakpoints: [{ line: 3 }] });
      assert.equal((bps.body as DebugProtocol.SetBreakpointsResponse['body']).breakpoints[0].verified, true);
      assert.equal((await req('configurationDone')).success, true);
      const info2 = (await req('debugInfo')).body as { breakpoints: Array<{ source: string }> };
      assert.equal(info2.breakpoints[0].source, expected);

      await new Promise((r) => setTimeout(r, 20));
      const run = rt.execute(code, { chunkName: h.cellPath(code), mode: 'cell' });
      const stopped = await waitFor<DebugProtocol.StoppedEvent>(events, 'stopped');
      assert.equal(stopped.body.reason, 'breakpoint');
      const st = (await req('stackTrace', { threadId: stopped.body.threadId }))
        .body as DebugProtocol.StackTraceResponse['body'];
      assert.equal(st.stackFrames[0].source?.path, expected);
      assert.equal(st.stackFrames[0].line, 3);
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
