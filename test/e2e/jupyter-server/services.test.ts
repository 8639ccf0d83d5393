import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  KernelManager,
  type KernelMessage,
  ServerConnection,
  SessionManager,
  KernelSpecManager,
  type Kernel,
} from '@jupyterlab/services';
import WebSocket from 'ws';
import { request, type RunningService, startService, within } from './helpers';

/** Bound on each client step (generous for a loaded machine). */
const STEP_MS = 30000;

function settings(svc: RunningService, token = svc.token): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: svc.base + '/',
    wsUrl: svc.base.replace('http', 'ws') + '/',
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch,
    Request,
    Headers,
  } as Partial<ServerConnection.ISettings>);
}

/** Execute and collect the execute_result texts and stream text of this request. */
async function run(kernel: Kernel.IKernelConnection, code: string) {
  const results: string[] = [];
  let stream = '';
  const future = kernel.requestExecute({ code, stop_on_error: false });
  future.onIOPub = (m: KernelMessage.IIOPubMessage) => {
    if (m.header.msg_type === 'execute_result') {
      results.push(String((m.content as KernelMessage.IExecuteResultMsg['content']).data['text/plain']));
    }
    if (m.header.msg_type === 'stream') stream += (m.content as KernelMessage.IStreamMsg['content']).text;
  };
  const reply = await within(future.done, STEP_MS, `execute ${JSON.stringify(code)}`);
  return { reply: reply.content as KernelMessage.IExecuteReplyMsg['content'], results, stream };
}

describe('Jupyter server API on the control port (@jupyterlab/services, generated token)', () => {
  let svc: RunningService;
  let kernels: KernelManager;
  let sessions: SessionManager;
  before(async () => {
    svc = await startService();
    kernels = new KernelManager({ serverSettings: settings(svc) });
    sessions = new SessionManager({ serverSettings: settings(svc), kernelManager: kernels });
    await kernels.ready;
    await sessions.ready;
  });
  after(async () => {
    sessions?.dispose();
    kernels?.dispose();
    await svc?.stop();
  });

  it('token: /api refuses requests without it; header and query forms work; /health stays open', async () => {
    assert.equal((await request(`${svc.base}/api/kernels`)).status, 401);
    assert.equal((await request(`${svc.base}/api/kernels?token=wrong`)).status, 401);
    const viaHeader = await request(`${svc.base}/api/kernels`, {
      headers: { Authorization: `token ${svc.token}` },
    });
    assert.equal(viaHeader.status, 200);
    assert.equal((await request(`${svc.base}/api/status?token=${svc.token}`)).status, 200);
    assert.equal((await request(`${svc.base}/health`)).status, 200);
    const ws = new WebSocket(`${svc.base.replace('http', 'ws')}/api/kernels/${svc.kernelId}/channels`);
    const code = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (req, res) => {
        // with this listener the client must end the request itself (ws leaves it open otherwise)
        req.destroy();
        resolve(res.statusCode ?? 0);
      }),
    );
    assert.equal(code, 401);
  });

  it('origins: a request from an origin outside [security] allowed_origins is refused', async () => {
    const bad = await request(`${svc.base}/api/kernels?token=${svc.token}`, {
      headers: { Origin: 'http://evil.example' },
    });
    assert.equal(bad.status, 403);
    const ok = await request(`${svc.base}/api/kernels?token=${svc.token}`, {
      headers: { Origin: 'http://localhost:8888' },
    });
    assert.equal(ok.status, 200);
    assert.equal(
      (
        await request(`${svc.base}/api/kernels`, {
          method: 'OPTIONS',
          headers: { Origin: 'http://localhost:8888' },
        })
      ).status,
      204,
    );
  });

  it('lists the CLI-started kernel and the llmspell kernelspec', async () => {
    await kernels.refreshRunning();
    assert.ok(
      [...kernels.running()].some((k) => k.id === svc.kernelId),
      'the CLI kernel is listed',
    );
    const specs = new KernelSpecManager({ serverSettings: settings(svc) });
    await specs.ready;
    assert.equal(specs.specs?.default, 'llmspell');
    assert.equal(specs.specs?.kernelspecs.llmspell?.language, 'lua');
    specs.dispose();
  });

  it('two sessions get two fresh kernels with separate state (v1 WebSocket framing)', async () => {
    const a = await sessions.startNew({
      path: 'a.ipynb',
      name: 'a',
      type: 'notebook',
      kernel: { name: 'llmspell' },
    });
    const b = await sessions.startNew({
      path: 'b.ipynb',
      name: 'b',
      type: 'notebook',
      kernel: { name: 'llmspell' },
    });
    try {
      assert.notEqual(a.kernel!.id, b.kernel!.id);
      assert.notEqual(a.kernel!.id, svc.kernelId);
      const ra = await run(a.kernel!, 'x = 40\nx + 2');
      assert.equal(ra.reply.status, 'ok');
      assert.deepEqual(ra.results, ['42']);
      const rb = await run(b.kernel!, 'print(x)');
      assert.equal(rb.stream, 'nil\n', 'the second kernel has its own globals');
      assert.equal(
        (a.kernel as unknown as { _ws: WebSocket })._ws.protocol,
        'v1.kernel.websocket.jupyter.org',
      );
      const listed = (await (await request(`${svc.base}/api/sessions?token=${svc.token}`)).json()) as Array<{
        path: string;
      }>;
      assert.deepEqual(listed.map((s) => s.path).sort(), ['a.ipynb', 'b.ipynb']);
    } finally {
      await within(a.shutdown(), STEP_MS, 'shutdown a').catch(() => undefined);
      await within(b.shutdown(), STEP_MS, 'shutdown b').catch(() => undefined);
    }
    await kernels.refreshRunning();
    const ids = [...kernels.running()].map((k) => k.id);
    assert.deepEqual(ids, [svc.kernelId], 'deleting the sessions shut their kernels down');
  });

  it('interrupt and restart through REST', async () => {
    const s = await sessions.startNew({
      path: 'c.ipynb',
      name: 'c',
      type: 'notebook',
      kernel: { name: 'llmspell' },
    });
    try {
      const k = s.kernel!;
      assert.equal((await run(k, 'y = 7')).reply.status, 'ok');
      const spinning = k.requestExecute({ code: 'while true do end' });
      let busy!: () => void;
      const sawBusy = new Promise<void>((r) => (busy = r));
      spinning.onIOPub = (m) => {
        if (m.header.msg_type === 'execute_input') busy();
      };
      await within(sawBusy, STEP_MS, 'spinning cell started');
      await within(k.interrupt(), STEP_MS, 'interrupt');
      const reply = (await within(spinning.done, STEP_MS, 'interrupted cell reply'))
        .content as KernelMessage.IExecuteReplyMsg['content'];
      assert.equal(reply.status, 'error');
      assert.equal((reply as { ename?: string }).ename, 'Interrupted');
      assert.deepEqual((await run(k, 'y')).results, ['7']);
      await within(k.restart(), STEP_MS, 'restart');
      const after = await run(k, 'return y');
      assert.equal(after.reply.status, 'ok');
      assert.equal(after.reply.execution_count, 1, 'the execution count starts again');
      assert.deepEqual(after.results, ['nil'], 'globals are gone after a restart');
    } finally {
      await within(s.shutdown(), STEP_MS, 'shutdown').catch(() => undefined);
    }
  });

  it('a session on the CLI kernel: deleting it leaves the kernel running', async () => {
    const s = await sessions.startNew({
      path: 'cli.ipynb',
      name: 'cli',
      type: 'notebook',
      // the REST API takes a kernel id (an existing kernel); the typings only name `name`
      kernel: { id: svc.kernelId } as unknown as { name: string },
    });
    assert.equal(s.kernel!.id, svc.kernelId);
    assert.deepEqual((await run(s.kernel!, 'return 6 * 7')).results, ['42']);
    await within(s.shutdown(), STEP_MS, 'shutdown');
    const k = await request(`${svc.base}/api/kernels/${svc.kernelId}?token=${svc.token}`);
    assert.equal(k.status, 200);
  });

  it('JSON framing: a client offering no subprotocol gets JSON text frames', async () => {
    const ws = new WebSocket(
      `${svc.base.replace('http', 'ws')}/api/kernels/${svc.kernelId}/channels?token=${svc.token}&session_id=raw`,
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    assert.equal(ws.protocol, '');
    const header = {
      msg_id: 'raw-1',
      msg_type: 'execute_request',
      session: 'raw',
      username: 't',
      date: new Date().toISOString(),
      version: '5.3',
    };
    const replies: Array<{ channel: string; msg_type: string; content: Record<string, unknown> }> = [];
    const done = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        assert.equal(isBinary, false);
        const m = JSON.parse(data.toString()) as {
          channel: string;
          msg_type: string;
          content: Record<string, unknown>;
          parent_header: { msg_id?: string };
        };
        if (m.parent_header.msg_id !== 'raw-1') return;
        replies.push(m);
        if (m.channel === 'shell') resolve();
      }),
    );
    ws.send(
      JSON.stringify({
        channel: 'shell',
        header,
        parent_header: {},
        metadata: {},
        content: { code: 'return "json"', silent: false },
      }),
    );
    await done;
    ws.close();
    const result = replies.find((r) => r.msg_type === 'execute_result');
    assert.deepEqual(result?.content.data, { 'text/plain': '"json"' });
    assert.equal(replies.find((r) => r.channel === 'shell')?.msg_type, 'execute_reply');
  });

  it('REST errors answer in the Jupyter shape', async () => {
    const missing = await request(`${svc.base}/api/kernels/nope?token=${svc.token}`);
    assert.equal(missing.status, 404);
    assert.match((missing.json() as { message: string }).message, /nope/);
    const bad = await request(`${svc.base}/api/kernels?token=${svc.token}`, {
      method: 'POST',
      body: '{"name": "python3"}',
    });
    assert.equal(bad.status, 404);
  });
});

describe('Jupyter server API with [security] auth_token', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ LLMSPELL_AUTH_TOKEN: 'configured-secret' });
  });
  after(async () => svc?.stop());

  it('the configured token is required everywhere and is not printed', async () => {
    assert.doesNotMatch(svc.stderr(), /configured-secret/);
    assert.equal((await request(`${svc.base}/api/kernels`)).status, 401);
    assert.equal((await request(`${svc.base}/health`)).status, 401);
    assert.equal(
      (await request(`${svc.base}/health`, { headers: { Authorization: 'Bearer configured-secret' } }))
        .status,
      200,
    );
    const kernels = new KernelManager({ serverSettings: settings(svc) });
    await kernels.ready;
    await kernels.refreshRunning();
    assert.deepEqual(
      [...kernels.running()].map((k) => k.id),
      [svc.kernelId],
    );
    const k = kernels.connectTo({ model: { id: svc.kernelId, name: 'llmspell' } });
    assert.deepEqual((await run(k, '1 + 1')).results, ['2']);
    k.dispose();
    kernels.dispose();
  });
});
