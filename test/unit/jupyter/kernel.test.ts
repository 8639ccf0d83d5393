import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as zmq from 'zeromq';
import { endpoint } from '../../../kernel/jupyter/connection';
import { type KernelHandle, startKernel } from '../../../kernel/jupyter/kernel';
import { listKernels } from '../../../kernel/jupyter/registry';
import { encodeMessage, makeHeader, Signer } from '../../../kernel/jupyter/wire';
import { type ExecuteOptions, KernelClient } from '../../../kernel/repl/client';
import { FakeRuntime } from './fake-runtime';
import { waitFor, withTimeout } from '../../support/wait';

const home = mkdtempSync(path.join(tmpdir(), 'llmspell-jupyter-unit-'));
process.env.LLMSPELL_HOME = home;

async function run(client: KernelClient, code: string, extra: ExecuteOptions = {}) {
  const { reply, iopub } = await client.execute(code, { replyTimeoutMs: 5000, ...extra });
  return { reply, iopub, types: iopub.map((m) => m.header.msg_type) };
}

describe('kernel over ZeroMQ (fake runtime)', () => {
  let kernel: KernelHandle;
  let client: KernelClient;
  const runtime = new FakeRuntime();
  const connectionFile = path.join(home, 'conn', 'kernel-test.json');

  before(async () => {
    kernel = await startKernel({ runtime, connectionFile, register: true });
    client = await KernelClient.connect(kernel.connection);
    await client.waitForReady(5000);
  });
  after(async () => {
    client.close();
    await kernel.stop();
  });

  it('writes the connection file with mode 0600 in the guide format and registers', async () => {
    const info = JSON.parse(readFileSync(connectionFile, 'utf8'));
    assert.equal(statSync(connectionFile).mode & 0o777, 0o600);
    assert.deepEqual(Object.keys(info), [
      'transport',
      'ip',
      'shell_port',
      'iopub_port',
      'stdin_port',
      'control_port',
      'hb_port',
      'key',
      'signature_scheme',
      'kernel_name',
    ]);
    assert.equal(info.ip, '127.0.0.1');
    assert.equal(info.kernel_name, 'llmspell');
    assert.equal(info.signature_scheme, 'hmac-sha256');
    assert.ok(info.key.length >= 32);
    const entries = await listKernels();
    assert.ok(entries.some((e) => e.id === kernel.id && e.ports.shell === info.shell_port));
  });

  it('kernel_info has busy/idle around it on shell and control', async () => {
    for (const channel of ['shell', 'control'] as const) {
      const { reply, iopub } = await client.requestUntilIdle(
        channel,
        'kernel_info_request',
        {},
        {
          replyTimeoutMs: 3000,
        },
      );
      assert.equal(reply.content.implementation, 'llmspell');
      assert.deepEqual((reply.content.language_info as { name: string }).name, 'lua');
      assert.deepEqual(
        iopub.map((m) => m.content.execution_state),
        ['busy', 'idle'],
      );
    }
  });

  it('executes: execute_input, stream, execute_result and counts', async () => {
    const a = await run(client, 'print:hello');
    assert.deepEqual(a.types, ['status', 'execute_input', 'stream', 'status']);
    const n = a.reply.content.execution_count as number;
    const b = await run(client, 'value:42');
    assert.equal(b.reply.content.execution_count, n + 1);
    const result = b.iopub.find((m) => m.header.msg_type === 'execute_result');
    assert.deepEqual(result?.content.data, { 'text/plain': '42' });
    assert.match(runtime.executed.at(-1)?.opts.chunkName ?? '', /llmspell_\d+\/\d+\.lua$/);
  });

  it('display events become display_data with the MIME bundle', async () => {
    const d = await run(client, 'display:text/html:<b>x</b>');
    const msg = d.iopub.find((m) => m.header.msg_type === 'display_data');
    assert.deepEqual(msg?.content.data, { 'text/html': '<b>x</b>' });
    assert.deepEqual(msg?.content.transient, {});
  });

  it('silent: no execute_input, no outputs, no count increment', async () => {
    const before = (await run(client, 'value:1')).reply.content.execution_count as number;
    const s = await run(client, 'print:quiet', { silent: true });
    assert.deepEqual(s.types, ['status', 'status']);
    assert.equal(s.reply.content.execution_count, before);
    const nh = await run(client, 'value:2', { store_history: false });
    assert.equal(nh.reply.content.execution_count, before);
  });

  it('errors: one error output, status error with count; stop_on_error aborts queued cells', async () => {
    const ids = ['err:boom', 'print:never', 'print:never2'].map((code) =>
      client.send('shell', 'execute_request', {
        code,
        silent: false,
        store_history: true,
        stop_on_error: true,
      }),
    );
    const replies = await Promise.all(ids.map((id) => client.waitReply(id, 5000)));
    assert.equal(replies[0].content.status, 'error');
    assert.equal(replies[0].content.ename, 'LuaError');
    assert.equal(typeof replies[0].content.execution_count, 'number');
    assert.equal(replies[1].content.status, 'aborted');
    assert.equal(replies[2].content.status, 'aborted');
    const ok = await run(client, 'print:after');
    assert.equal(ok.reply.content.status, 'ok');
  });

  it('stop_on_error false keeps the queue', async () => {
    const ids = ['err:x', 'value:7'].map((code) =>
      client.send('shell', 'execute_request', {
        code,
        silent: false,
        store_history: true,
        stop_on_error: false,
      }),
    );
    const replies = await Promise.all(ids.map((id) => client.waitReply(id, 5000)));
    assert.deepEqual(
      replies.map((r) => r.content.status),
      ['error', 'ok'],
    );
  });

  it('stdin: input_request goes to the client, the reply comes back', async () => {
    const off = client.onStdin((m) => {
      assert.equal(m.header.msg_type, 'input_request');
      assert.equal(m.content.prompt, 'name> ');
      client.inputReply('Ada', m.header);
    });
    const r = await run(client, 'input:name> ', { allow_stdin: true });
    off();
    const result = r.iopub.find((m) => m.header.msg_type === 'execute_result');
    assert.deepEqual(result?.content.data, { 'text/plain': 'Ada' });
  });

  it('interrupt_request on control stops a spinning cell and the kernel stays usable', async () => {
    const msgId = client.send('shell', 'execute_request', {
      code: 'spin',
      silent: false,
      store_history: true,
    });
    await waitFor(() => runtime.executed.some((e) => e.code === 'spin'), 'the spinning cell to start');
    const info = await client.request('control', 'kernel_info_request', {}, 2000);
    assert.equal(info.content.status, 'ok');
    assert.equal(await client.heartbeat(), true);
    await client.request('control', 'interrupt_request', {}, 2000);
    const reply = await client.waitReply(msgId, 2000);
    assert.equal(reply.content.ename, 'Interrupted');
    assert.equal((await run(client, 'value:ok')).reply.content.status, 'ok');
  });

  it('complete and inspect use code point cursors', async () => {
    const code = '-- 😀\nstring.f';
    const reply = await client.request('shell', 'complete_request', { code, cursor_pos: [...code].length });
    assert.deepEqual(reply.content.matches, ['find', 'format']);
    assert.equal(reply.content.cursor_start, [...code].length - 1);
    const bare = await client.request('shell', 'complete_request', {
      code: 'local pancake = 1\npa',
      cursor_pos: 20,
    });
    assert.deepEqual(bare.content.matches, ['pairs', 'pancake']);
    const ins = await client.request('shell', 'inspect_request', {
      code: 'x = myGlobal',
      cursor_pos: 6,
      detail_level: 0,
    });
    assert.equal(ins.content.found, true);
    assert.match((ins.content.data as Record<string, string>)['text/plain'], /myGlobal: number = 42/);
    const doc = await client.request('shell', 'inspect_request', {
      code: 'print(',
      cursor_pos: 6,
      detail_level: 0,
    });
    assert.match((doc.content.data as Record<string, string>)['text/plain'], /print\(\.\.\.\)/);
  });

  it('complete and inspect keep cursor fields in range for out-of-range cursor_pos', async () => {
    const code = 'string.f';
    for (const cursor_pos of [-1, -1e9, 1e9, 2.5, 'x', null]) {
      const r = await client.request('shell', 'complete_request', { code, cursor_pos });
      assert.equal(r.content.status, 'ok');
      const start = r.content.cursor_start as number;
      const end = r.content.cursor_end as number;
      assert.ok(Number.isInteger(start) && Number.isInteger(end), JSON.stringify(r.content));
      assert.ok(0 <= start && start <= end && end <= code.length, `${String(cursor_pos)}: ${start}..${end}`);
      const ins = await client.request('shell', 'inspect_request', { code, cursor_pos, detail_level: 0 });
      assert.equal(ins.content.status, 'ok');
    }
  });

  it('is_complete, history, comm_info, pager', async () => {
    const ic = await client.request('shell', 'is_complete_request', { code: 'for i=1,2 do' });
    assert.equal(ic.content.status, 'incomplete');
    const h = await client.request('shell', 'history_request', {
      hist_access_type: 'tail',
      n: 2,
      output: false,
      raw: true,
    });
    assert.equal((h.content.history as unknown[]).length, 2);
    const ci = await client.request('shell', 'comm_info_request', {});
    assert.deepEqual(ci.content, { status: 'ok', comms: {} });
    const page = await run(client, '?print');
    assert.equal((page.reply.content.payload as Array<{ source: string }>)[0].source, 'page');
  });

  it('drops forged, malformed, duplicate and unknown messages and keeps serving', async () => {
    const raw = new zmq.Dealer({ linger: 0 });
    raw.connect(endpoint(kernel.connection, kernel.connection.shell_port));
    const droppedBefore = kernel.stats().messagesDropped;
    const forged = encodeMessage(
      {
        identities: [],
        header: makeHeader('execute_request', 'evil'),
        parent_header: {},
        metadata: {},
        content: { code: 'print:pwned' },
      },
      new Signer('wrong-key'),
    );
    await raw.send(forged);
    await raw.send([Buffer.from('garbage')]);
    await raw.send([Buffer.from('<IDS|MSG>'), Buffer.from('sig')]);
    const good = encodeMessage(
      {
        identities: [],
        header: makeHeader('kernel_info_request', 'dup'),
        parent_header: {},
        metadata: {},
        content: {},
      },
      new Signer(kernel.connection.key),
    );
    await raw.send(good);
    await raw.send(good);
    const [reply] = await raw.receive().then((f) => [f]);
    assert.ok(reply.length > 5, 'the first copy is answered');
    await waitFor(
      () => kernel.stats().messagesDropped - droppedBefore >= 4,
      'the four bad copies to be dropped',
    );
    assert.equal(kernel.stats().messagesDropped - droppedBefore, 4);
    assert.ok(!runtime.executed.some((e) => e.code.includes('pwned')));
    raw.close();
    assert.equal((await run(client, 'value:still alive')).reply.content.status, 'ok');
  });

  it('many clients share state and all get their replies', async () => {
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => KernelClient.connect(kernel.connection)),
    );
    try {
      await Promise.all(clients.map((c) => c.waitForReady(5000)));
      const replies = await Promise.all(
        clients.map((c, i) =>
          c.request('shell', 'execute_request', { code: `value:${i}`, silent: false }, 5000),
        ),
      );
      assert.deepEqual(
        replies.map((r) => r.content.status),
        Array(5).fill('ok'),
      );
      assert.ok(kernel.stats().clients >= 6);
    } finally {
      clients.forEach((c) => c.close());
    }
  });
});

describe('connection files and ports', () => {
  it('binds exactly the ports and key of an existing connection file and leaves the file', async () => {
    const ports = await Promise.all(Array.from({ length: 5 }, freePort));
    const file = path.join(home, 'given.json');
    const given = {
      transport: 'tcp',
      ip: '127.0.0.1',
      shell_port: ports[0],
      iopub_port: ports[1],
      stdin_port: ports[2],
      control_port: ports[3],
      hb_port: ports[4],
      key: 'given-key',
      signature_scheme: 'hmac-sha256',
      kernel_name: 'llmspell',
    };
    writeFileSync(file, JSON.stringify(given));
    const kernel = await startKernel({ runtime: new FakeRuntime(), connectionFile: file, register: false });
    try {
      assert.equal(kernel.connection.shell_port, ports[0]);
      assert.equal(kernel.connection.hb_port, ports[4]);
      assert.equal(kernel.connection.key, 'given-key');
      const c = await KernelClient.connect(kernel.connection);
      await c.waitForReady(5000);
      c.close();
    } finally {
      await kernel.stop();
    }
    assert.ok(existsSync(file), 'a connection file Jupyter wrote is not ours to delete');
  });

  it('reports a port in use with "in use" and the port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as net.AddressInfo).port;
    const ports = await Promise.all(Array.from({ length: 4 }, freePort));
    const file = path.join(home, 'busy.json');
    writeFileSync(
      file,
      JSON.stringify({
        ip: '127.0.0.1',
        shell_port: busy,
        iopub_port: ports[0],
        stdin_port: ports[1],
        control_port: ports[2],
        hb_port: ports[3],
        key: 'k',
      }),
    );
    try {
      await assert.rejects(
        startKernel({ runtime: new FakeRuntime(), connectionFile: file, register: false }),
        (err: Error) => {
          assert.match(err.message, /in use/);
          assert.ok(err.message.includes(String(busy)));
          return true;
        },
      );
    } finally {
      blocker.close();
    }
  });

  it('removes its own connection file and registry entry on stop; idle timeout stops the kernel', async () => {
    const file = path.join(home, 'own.json');
    const kernel = await startKernel({ runtime: new FakeRuntime(), connectionFile: file, idleTimeoutSec: 1 });
    assert.ok(existsSync(file));
    // the 1 s idle timeout stops it; the deadline is only a safety net (a loaded machine is slow)
    const stopped = await withTimeout(kernel.stopped, 30_000, 'the idle timeout to stop the kernel');
    assert.deepEqual(stopped, { reason: 'idle-timeout', restart: false });
    assert.equal(existsSync(file), false);
    assert.ok(!(await listKernels()).some((e) => e.id === kernel.id));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
