import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import { spawn } from 'child_process';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import { startDapServer } from '../../../debug-adapter/server';
import {
  T,
  attachClient,
  client,
  fixture,
  harness,
  launch,
  topFrame,
  within,
  waitOutput,
  connect,
  repl,
  type Harness,
} from './helpers';
import { lineOf } from '../../support/positions';
import { waitFor } from '../../support/wait';

const BASIC = fixture('basic.lua');
const COUNT = lineOf(BASIC, 'counter = counter + 1');
const PRINT = lineOf(BASIC, 'print("result", result)');

test('output events: stdout with source, stderr, exit code from os.exit, terminated', T, async () => {
  const h = await harness();
  try {
    const exited = h.wait<DebugProtocol.ExitedEvent>('exited');
    const terminated = h.wait('terminated');
    const outs: DebugProtocol.OutputEvent[] = [];
    h.dc.on('output', (e: DebugProtocol.OutputEvent) => outs.push(e));
    await launch(h, { program: fixture('output.lua') }, false);
    assert.equal((await exited).body.exitCode, 3);
    await terminated;
    const stdout = outs
      .filter((o) => o.body.category === 'stdout')
      .map((o) => o.body.output)
      .join('');
    const stderr = outs
      .filter((o) => o.body.category === 'stderr')
      .map((o) => o.body.output)
      .join('');
    assert.match(stdout, /hello from lua\n/);
    assert.match(stdout, /no newline\n/);
    assert.match(stderr, /to stderr\n/);
  } finally {
    await h.close();
  }
});

test('launch passes args and env to the script', T, async () => {
  const h = await harness();
  try {
    const terminated = h.wait('terminated');
    await launch(
      h,
      { program: fixture('args.lua'), args: ['one', 'two'], env: { LLMSPELL_DAP_TEST: 'yes' } },
      false,
    );
    await terminated;
    await waitOutput(h, 'args\t2\tone\ttwo\tyes');
  } finally {
    await h.close();
  }
});

test('a Lua error is reported on stderr with location and traceback, exit code 1', T, async () => {
  const h = await harness();
  try {
    const exited = h.wait<DebugProtocol.ExitedEvent>('exited');
    const errs: DebugProtocol.OutputEvent[] = [];
    h.dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'stderr') errs.push(e);
    });
    await launch(h, { program: fixture('errors.lua') }, false);
    assert.equal((await exited).body.exitCode, 1);
    const line = lineOf(fixture('errors.lua'), 'return t.field');
    assert.match(errs[0].body.output, new RegExp(`errors\\.lua:${line}: attempt to index a nil value`));
    assert.match(errs[0].body.output, /stack traceback/);
    assert.equal(errs[0].body.line, line);
  } finally {
    await h.close();
  }
});

test('restart runs the program again with the same breakpoints', T, async () => {
  const h = await harness();
  const p = fixture('basic.lua');
  try {
    await launch(h, { program: p, breakpoints: [{ line: PRINT }] });
    assert.equal((await topFrame(h)).line, PRINT);
    const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped');
    await within(h.dc.restartRequest({}), 'restart');
    assert.equal((await stopped).body.reason, 'breakpoint');
    assert.equal((await topFrame(h)).line, PRINT);
    assert.equal(await repl(h, 'result'), '15');
  } finally {
    await h.close();
  }
});

test(
  'disconnect while stopped (launch) ends that program; the server serves the next client',
  T,
  async () => {
    const h = await harness();
    try {
      await launch(h, { program: fixture('basic.lua'), breakpoints: [{ line: COUNT }] });
      await within(h.dc.disconnectRequest({}), 'disconnect');
      await h.dc.stop();
      const dc2 = await connect(h.server);
      const h2: Harness = { ...h, dc: dc2, wait: (e) => within(dc2.waitForEvent(e, 86400000), e) as never };
      const terminated = h2.wait('terminated');
      await launch(h2, { program: fixture('basic.lua') }, false);
      await terminated;
      await dc2.stop();
    } finally {
      await h.close();
    }
  },
);

test('a client that connects and closes at once does not disturb a live session', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: fixture('basic.lua'), breakpoints: [{ line: COUNT }] });
    for (let i = 0; i < 3; i++) {
      const s = net.connect(h.server.port, '127.0.0.1');
      s.on('error', () => undefined);
      await waitFor(() => h.server.clients() === 2, `the server saw connection ${i + 1}`);
      s.destroy();
      await waitFor(() => h.server.clients() === 1, `the server saw connection ${i + 1} close`);
    }
    assert.equal((await topFrame(h)).line, COUNT);
  } finally {
    await h.close();
  }
});

test(
  'attach: a chunk run by the kernel hits a breakpoint; disconnect while stopped resumes it',
  T,
  async () => {
    const rt = await LuaRuntime.create({ name: 'kernel' });
    const server = await startDapServer({ port: 0, host: '127.0.0.1', attachRuntime: rt });
    const p = fixture('basic.lua');
    try {
      const a = await attachClient(server);
      await within(a.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [{ line: COUNT }] }), 'bp');
      await within(a.dc.configurationDoneRequest(), 'configurationDone');
      const stopped = a.wait<DebugProtocol.StoppedEvent>('stopped');
      const run = rt.execute(fs.readFileSync(p, 'utf8'), { chunkName: p, mode: 'file' });
      assert.equal((await stopped).body.reason, 'breakpoint');
      await within(a.dc.disconnectRequest({}), 'disconnect');
      const result = await within(run, 'the kernel execution to finish');
      assert.ok(result.ok);
      const again = await within(
        rt.execute(fs.readFileSync(p, 'utf8'), { chunkName: p, mode: 'file' }),
        'rerun',
      );
      assert.ok(again.ok, 'the breakpoints of the departed client are gone');
      await a.dc.stop();
    } finally {
      await server.close();
      await rt.dispose();
    }
  },
);

test('two clients attached at once both see the stop; either can resume', T, async () => {
  const rt = await LuaRuntime.create({ name: 'kernel' });
  const server = await startDapServer({ port: 0, host: '127.0.0.1', attachRuntime: rt });
  const p = fixture('basic.lua');
  try {
    const a = await attachClient(server);
    const b = await attachClient(server);
    assert.equal(server.clients(), 2);
    await within(a.dc.setBreakpointsRequest({ source: { path: p }, breakpoints: [{ line: PRINT }] }), 'bp');
    await within(a.dc.configurationDoneRequest(), 'cd a');
    await within(b.dc.configurationDoneRequest(), 'cd b');
    const sa = a.wait<DebugProtocol.StoppedEvent>('stopped');
    const sb = b.wait<DebugProtocol.StoppedEvent>('stopped');
    const run = rt.execute(fs.readFileSync(p, 'utf8'), { chunkName: p, mode: 'file' });
    await sa;
    await sb;
    const stB = await within(b.dc.stackTraceRequest({ threadId: 1 }), 'stack b');
    assert.equal(stB.body.stackFrames[0].line, PRINT);
    const ev = await within(
      b.dc.evaluateRequest({ expression: 'result', frameId: stB.body.stackFrames[0].id, context: 'hover' }),
      'eval b',
    );
    assert.equal(ev.body.result, '15');
    const ca = a.wait('continued');
    await within(b.dc.continueRequest({ threadId: 1 }), 'continue b');
    await ca;
    assert.ok((await within(run, 'run')).ok);
    await a.dc.stop();
    await b.dc.stop();
  } finally {
    await server.close();
    await rt.dispose();
  }
});

test('attach without a kernel runtime fails with a clear message', T, async () => {
  const h = await harness();
  try {
    await within(h.dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' }), 'initialize');
    await assert.rejects(
      within(h.dc.attachRequest({} as DebugProtocol.AttachRequestArguments), 'attach'),
      /no kernel runtime/,
    );
  } finally {
    await h.close();
  }
});

test('pathMappings translate client paths to runtime paths and back', T, async () => {
  const rt = await LuaRuntime.create({ name: 'kernel' });
  const server = await startDapServer({ port: 0, host: '127.0.0.1', attachRuntime: rt });
  const p = fixture('basic.lua');
  const localRoot = '/home/me/project';
  try {
    const dc = client(server);
    await within(dc.start(server.port), 'connect');
    await within(dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' }), 'initialize');
    await within(
      dc.attachRequest({
        pathMappings: [{ localRoot, remoteRoot: path.dirname(p) }],
      } as DebugProtocol.AttachRequestArguments),
      'attach',
    );
    const bp = await within(
      dc.setBreakpointsRequest({
        source: { path: `${localRoot}/basic.lua` },
        breakpoints: [{ line: COUNT }],
      }),
      'bp',
    );
    assert.equal(bp.body.breakpoints[0].verified, true);
    const stopped = within(dc.waitForEvent('stopped', 86400000), 'stopped');
    await within(dc.configurationDoneRequest(), 'cd');
    const run = rt.execute(fs.readFileSync(p, 'utf8'), { chunkName: p, mode: 'file' });
    await stopped;
    const st = await within(dc.stackTraceRequest({ threadId: 1 }), 'stack');
    assert.equal(st.body.stackFrames[0].source?.path, `${localRoot}/basic.lua`);
    await within(dc.disconnectRequest({}), 'disconnect');
    assert.ok((await within(run, 'run')).ok);
    await dc.stop();
  } finally {
    await server.close();
    await rt.dispose();
  }
});

test('`llmspell dap` serves a session on stdio and writes only protocol to stdout', T, async () => {
  const bin = path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'llmspell');
  const child = spawn(process.execPath, [bin, 'dap'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString('utf8')));
  const send = (seq: number, command: string, args: object): void => {
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
  };
  try {
    send(1, 'initialize', { adapterID: 'llmspell', pathFormat: 'path' });
    send(2, 'launch', { program: fixture('output.lua') });
    send(3, 'configurationDone', {});
    await waitFor(() => raw.includes('"event":"terminated"'), 'the terminated event on stdout');
    const messages: Array<{ type: string; event?: string; command?: string; body?: { exitCode?: number } }> =
      [];
    let rest = raw;
    while (rest.length) {
      const m = /^Content-Length: (\d+)\r\n\r\n/.exec(rest);
      assert.ok(m, `stdout holds only protocol messages: ${JSON.stringify(rest.slice(0, 80))}`);
      const len = Number(m[1]);
      const bodyBuf = Buffer.from(rest.slice(m[0].length), 'utf8').subarray(0, len);
      messages.push(JSON.parse(bodyBuf.toString('utf8')));
      rest = Buffer.from(rest.slice(m[0].length), 'utf8').subarray(len).toString('utf8');
    }
    assert.ok(messages.some((m) => m.command === 'initialize'));
    assert.ok(messages.some((m) => m.event === 'exited' && m.body?.exitCode === 3));
    assert.ok(messages.some((m) => m.event === 'terminated'));
  } finally {
    child.kill();
  }
});
