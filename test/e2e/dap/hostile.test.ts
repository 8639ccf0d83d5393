import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { T, attachClient, fixture, within, withKernelDap } from './helpers';
import { lineOf } from '../../support/positions';

const BASIC = fixture('basic.lua');
const COUNT = lineOf(BASIC, 'counter = counter + 1');
const PRINT = lineOf(BASIC, 'print("result", result)');

test(
  'one client disconnecting leaves another stopped client stopped, with no continued event',
  T,
  async () => {
    await withKernelDap(async (rt, server) => {
      const p = fixture('basic.lua');
      const a = await attachClient(server);
      const b = await attachClient(server);
      await within(
        a.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [{ line: PRINT }] }),
        'bp a',
      );
      await within(
        b.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [{ line: COUNT }] }),
        'bp b',
      );
      await within(a.dc.configurationDoneRequest(), 'cd a');
      await within(b.dc.configurationDoneRequest(), 'cd b');
      const continuedB: unknown[] = [];
      b.dc.on('continued', (e) => continuedB.push(e));
      const sb = b.wait<DebugProtocol.StoppedEvent>('stopped');
      const run = rt.execute(fs.readFileSync(p, 'utf8'), { chunkName: p, mode: 'file' });
      await sb;
      await within(a.dc.disconnectRequest({}), 'disconnect a');
      await a.dc.stop();
      // a round trip on b after a's disconnect: every event a's departure caused has arrived
      const st = await within(b.dc.stackTraceRequest({ threadId: 1 }), 'stack b');
      assert.equal(st.body.stackFrames[0].line, COUNT);
      assert.equal(rt.debugger.isStopped(), true, 'the program is still stopped for b');
      assert.deepEqual(continuedB, []);
      await within(b.dc.disconnectRequest({}), 'disconnect b');
      assert.ok((await within(run, 'run')).ok);
      await b.dc.stop();
    });
  },
);

test(
  'the DAP port refuses clients without the token: no evaluate, no breakpoints, no variables',
  T,
  async () => {
    await withKernelDap(
      async (rt, server) => {
        assert.equal(server.token, 'sesame');
        const dc = new DebugClient('node', 'unused', 'llmspell');
        await within(dc.start(server.port), 'connect');
        await within(dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' }), 'initialize');
        await assert.rejects(
          within(dc.attachRequest({} as DebugProtocol.AttachRequestArguments), 'attach'),
          /authentication required/,
        );
        await assert.rejects(
          within(
            dc.attachRequest({ token: 'wrong' } as DebugProtocol.AttachRequestArguments),
            'attach wrong',
          ),
          /authentication failed/,
        );
        await assert.rejects(
          within(
            dc.launchRequest({ program: fixture('basic.lua') } as DebugProtocol.LaunchRequestArguments),
            'launch',
          ),
          /authentication required/,
        );
        await assert.rejects(
          within(dc.evaluateRequest({ expression: 'os.exit(3)', context: 'repl' }), 'evaluate'),
          /authentication required/,
        );
        await assert.rejects(
          within(
            dc.setBreakpointsRequest({
              source: { path: fixture('basic.lua') },
              breakpoints: [{ line: COUNT }],
            }),
            'setBreakpoints',
          ),
          /authentication required/,
        );
        await assert.rejects(
          within(dc.variablesRequest({ variablesReference: 1 }), 'variables'),
          /authentication/,
        );
        await assert.rejects(within(dc.threadsRequest(), 'threads'), /authentication/);
        // nothing reached the runtime: a run hits no breakpoint and the evaluate did not exit it
        const r = await rt.execute('return 1 + 1', { chunkName: '=check', mode: 'cell' });
        assert.ok(r.ok);
        // the right token in attach opens the session
        await within(
          dc.attachRequest({ token: 'sesame' } as DebugProtocol.AttachRequestArguments),
          'attach ok',
        );
        const ev = await within(dc.evaluateRequest({ expression: '6 * 7', context: 'repl' }), 'evaluate ok');
        assert.equal(ev.body.result, '42');
        await dc.stop();
        // a client that can only add fields to initialize authenticates there
        const d2 = new DebugClient('node', 'unused', 'llmspell');
        await within(d2.start(server.port), 'connect 2');
        await within(
          d2.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path', token: 'sesame' } as never),
          'initialize with token',
        );
        await within(
          d2.attachRequest({} as DebugProtocol.AttachRequestArguments),
          'attach after initialize token',
        );
        await d2.stop();
      },
      { authToken: 'sesame' },
    );
  },
);

/** Send `chunks` on a raw socket; resolve with everything received once the server closes it. */
function rawSession(port: number, chunks: Iterable<Buffer | string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    sock.on('data', (d: Buffer) => (text += d.toString()));
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(text));
    sock.on('connect', () => {
      const it = chunks[Symbol.iterator]();
      const pump = (): void => {
        for (;;) {
          const n = it.next();
          if (n.done || sock.destroyed) return;
          if (!sock.write(n.value)) return void sock.once('drain', pump);
        }
      };
      pump();
    });
    setTimeout(() => reject(new Error('the server never closed the connection')), 30_000).unref();
  });
}

test(
  'framing: a header line growing without a newline, or a bad Content-Length, is refused and the connection closed; others are served',
  T,
  async () => {
    await withKernelDap(async (rt, server) => {
      const a = await attachClient(server);
      function* growing(): Generator<Buffer> {
        const mb = Buffer.alloc(64 * 1024, 'A');
        for (let i = 0; i < 64; i++) yield mb; // 4 MB, no newline
      }
      const got = await rawSession(server.port, growing());
      assert.match(got, /header longer than 8192 bytes/);
      for (const bad of [
        'Content-Length: abc\r\n\r\n{}',
        'Content-Length: 99999999999\r\n\r\n{}',
        'Hello\r\n\r\n',
      ]) {
        assert.match(await rawSession(server.port, [bad]), /closing the connection/);
      }
      const ev = await within(a.dc.evaluateRequest({ expression: '1 + 1', context: 'repl' }), 'evaluate');
      assert.equal(ev.body.result, '2');
      assert.equal(server.clients(), 1);
      await a.dc.stop();
    });
  },
);
