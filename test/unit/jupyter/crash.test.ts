import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type KernelHandle, startKernel } from '../../../kernel/jupyter/kernel';
import { KernelClient } from '../../../kernel/repl/client';
import { FakeRuntime } from './fake-runtime';

const home = mkdtempSync(path.join(tmpdir(), 'llmspell-jupyter-crash-'));
process.env.LLMSPELL_HOME = home;

function run(client: KernelClient, code: string) {
  return client.execute(code, { replyTimeoutMs: 5000 });
}

describe('runtime crash recovery', () => {
  let kernel: KernelHandle;
  let client: KernelClient;
  const first = new FakeRuntime();
  const fresh: FakeRuntime[] = [];
  let stoppedEarly = false;

  before(async () => {
    kernel = await startKernel({
      runtime: first,
      createRuntime: async () => {
        const rt = new FakeRuntime();
        fresh.push(rt);
        return rt;
      },
      connectionFile: path.join(home, 'crash-kernel.json'),
      register: false,
    });
    void kernel.stopped.then(() => (stoppedEarly = true));
    client = await KernelClient.connect(kernel.connection);
    await client.waitForReady(5000);
  });
  after(async () => {
    client.close();
    await kernel.stop();
  });

  it('answers the running cell with RuntimeCrashed, says state was reset, and keeps serving', async () => {
    const ok = await run(client, 'value:1');
    assert.equal(ok.reply.content.status, 'ok');

    const crashed = await run(client, 'crash:wasm abort: unreachable executed');
    assert.equal(crashed.reply.content.status, 'error');
    assert.equal(crashed.reply.content.ename, 'RuntimeCrashed');
    assert.match(String(crashed.reply.content.evalue), /crashed \(wasm abort: unreachable executed\)/);
    assert.match(String(crashed.reply.content.evalue), /fresh runtime/);
    const types = crashed.iopub.map((m) => m.header.msg_type);
    assert.equal(types.filter((t) => t === 'error').length, 1);
    const stderr = crashed.iopub.find((m) => m.header.msg_type === 'stream' && m.content.name === 'stderr');
    assert.ok(stderr, `no stderr stream in ${types.join(',')}`);
    assert.match(String(stderr.content.text), /runtime crashed.*reset/s);
    assert.ok(types.indexOf('stream') < types.indexOf('error'), 'the notice precedes the error output');

    const after = await run(client, 'value:2');
    assert.equal(after.reply.content.status, 'ok');
    const result = after.iopub.find((m) => m.header.msg_type === 'execute_result');
    assert.equal(result?.content.data && (result.content.data as Record<string, unknown>)['text/plain'], '2');
    assert.equal(fresh.length, 1);
    assert.deepEqual(
      fresh[0].executed.map((e) => e.code),
      ['value:2'],
    );
    assert.equal(after.reply.content.execution_count, 3, 'execution_count keeps counting');
    assert.equal(stoppedEarly, false);
    assert.equal(kernel.stats().runtimeRestarts, 1);
    // the injected runtime belongs to the caller: not disposed by the kernel
    assert.equal(first.disposed, false);
  });

  it('recovers again from a second crash and disposes the runtime it created', async () => {
    const crashed = await run(client, 'crash:second');
    assert.equal(crashed.reply.content.ename, 'RuntimeCrashed');
    const after = await run(client, 'print:alive');
    assert.equal(after.reply.content.status, 'ok');
    const out = after.iopub.find((m) => m.header.msg_type === 'stream');
    assert.equal(out?.content.text, 'alive\n');
    assert.equal(fresh.length, 2);
    assert.equal(fresh[0].disposed, true);
    assert.equal(fresh[1].disposed, false);
    const complete = await client.request('shell', 'complete_request', { code: 'pri', cursor_pos: 3 }, 5000);
    assert.deepEqual(complete.content.matches, ['print']);
    assert.equal(stoppedEarly, false);
  });
});

describe('runtime crash without a factory', () => {
  it('stops the kernel when an injected runtime crashes and no createRuntime is given', async () => {
    const runtime = new FakeRuntime();
    const kernel = await startKernel({
      runtime,
      connectionFile: path.join(home, 'crash-kernel-2.json'),
      register: false,
    });
    const client = await KernelClient.connect(kernel.connection);
    try {
      await client.waitForReady(5000);
      client.send('shell', 'execute_request', { code: 'crash:boom', silent: false });
      let timer: NodeJS.Timeout | undefined;
      const { reason } = await Promise.race([
        kernel.stopped,
        new Promise<{ reason: string }>((_, reject) => {
          timer = setTimeout(() => reject(new Error('kernel did not stop')), 5000);
        }),
      ]);
      clearTimeout(timer);
      assert.equal(reason, 'runtime-crashed');
    } finally {
      client.close();
      await kernel.stop();
    }
  });
});
