import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Kernel,
  type KernelMessage,
  KernelManager,
  ServerConnection,
  SessionManager,
} from '@jupyterlab/services';
import WebSocket from 'ws';
import { type RunningService, startService, within } from './helpers';

const PYTHON = '/usr/bin/python3';
/** Bound on each step (generous for a loaded machine; the test's own timeout is larger). */
const STEP_MS = 30000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Frontend {
  child: ChildProcess;
  base: string;
  dir: string;
  log(): string;
}

/**
 * Debian's Notebook 6 or jupyter_server 1.23 with --gateway-url pointing at our control port: the
 * front-end server keeps sessions and forwards kernels (REST and WebSocket) to llmspell.
 */
/**
 * The front-end server on a free port. Between our probe closing the port and the server binding
 * it, a test running in parallel can take it ("port N is not available"): then a new port, a few
 * times at most.
 */
async function startFrontend(kind: 'notebook' | 'jupyter_server', svc: RunningService): Promise<Frontend> {
  const dir = mkdtempSync(path.join(tmpdir(), `llmspell-${kind}-`));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startFrontendOn(kind, svc, dir, await freePort());
    } catch (err) {
      if (attempt >= 5 || !/port \d+ is (not available|already in use)/.test(String(err))) throw err;
    }
  }
}

async function startFrontendOn(
  kind: 'notebook' | 'jupyter_server',
  svc: RunningService,
  dir: string,
  port: number,
): Promise<Frontend> {
  const app = kind === 'notebook' ? 'NotebookApp' : 'ServerApp';
  const args = [
    '-m',
    kind,
    '--no-browser',
    '--allow-root',
    '--ip=127.0.0.1',
    `--port=${port}`,
    `--gateway-url=${svc.base}`,
    `--GatewayClient.auth_token=${svc.token}`,
    `--${app}.token=fronttoken`,
    `--${app}.port_retries=0`,
    // debug logs (printed only when the test fails) show each gateway WebSocket's life
    '--debug',
  ];
  const env = {
    ...process.env,
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
  };
  const child = spawn(PYTHON, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start:\n${log}`)), 60000);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (/is running at:/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code}:\n${log}`));
    });
  });
  return { child, base: `http://127.0.0.1:${port}`, dir, log: () => log };
}

async function stopFrontend(f: Frontend | undefined): Promise<void> {
  if (!f) return;
  if (f.child.exitCode === null && f.child.signalCode === null) {
    const exited = new Promise((r) => f.child.once('exit', r));
    f.child.kill('SIGTERM');
    const timer = setTimeout(() => f.child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(f.dir, { recursive: true, force: true });
}

/**
 * The WebSocket @jupyterlab/services gets: it reports `open` only when the first message arrived.
 *
 * jupyter_server 1.23's gateway handler starts its connection to the gateway in a callback it
 * schedules from `open()`; a client message that it reads before that callback ran (the client's
 * kernel_info_request, sent the moment the socket opens, when the front-end server process is
 * descheduled under CPU load) is chained onto a placeholder future that never completes and is
 * lost: kernel_info then goes unanswered (reproduced by sending the first frame right after the
 * 101 response; Notebook 6 connects synchronously and has no such window). Our bridge greets every
 * WebSocket with an IOPub status once the kernel's IOPub is live; that greeting passing through
 * the front-end server proves its gateway connection is up, so nothing sent afterwards is lost.
 * No subprotocol is offered: neither front-end server speaks v1, and an offered one makes the
 * client drop the first socket and reconnect without it.
 */
function gatedWebSocket(url: string): WebSocket {
  const ws = new WebSocket(url);
  let onopen: ((ev: WebSocket.Event) => void) | null = null;
  let onmessage: ((ev: WebSocket.MessageEvent) => void) | null = null;
  let greeted = false;
  ws.addEventListener('message', (ev) => {
    if (!greeted) {
      greeted = true;
      onopen?.call(ws, { type: 'open', target: ws });
    }
    onmessage?.call(ws, ev);
  });
  Object.defineProperty(ws, 'onopen', { get: () => onopen, set: (f: typeof onopen) => (onopen = f) });
  Object.defineProperty(ws, 'onmessage', {
    get: () => onmessage,
    set: (f: typeof onmessage) => (onmessage = f),
  });
  return ws;
}

/** Resolves once the kernel connection's WebSocket is up (requests before that are refused). */
function connected(k: Kernel.IKernelConnection): Promise<void> {
  if (k.connectionStatus === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = (_: unknown, status: string) => {
      if (status !== 'connected') return;
      k.connectionStatusChanged.disconnect(onChange);
      resolve();
    };
    k.connectionStatusChanged.connect(onChange);
  });
}

for (const kind of ['notebook', 'jupyter_server'] as const) {
  describe(`${kind} --gateway-url pointing at the control port`, () => {
    let svc: RunningService;
    let front: Frontend;
    before(async () => {
      svc = await startService({ LLMSPELL_LOG: 'debug' });
      front = await startFrontend(kind, svc);
    });
    after(async () => {
      await stopFrontend(front);
      await svc?.stop();
    });

    it(
      'a session through the front-end server runs cells on an llmspell kernel; interrupt and restart work',
      { timeout: 240000 },
      async () => {
        const serverSettings = ServerConnection.makeSettings({
          baseUrl: front.base + '/',
          wsUrl: front.base.replace('http', 'ws') + '/',
          token: 'fronttoken',
          appendToken: true,
          WebSocket: function GatedWebSocket(url: string) {
            return gatedWebSocket(url);
          } as unknown as typeof globalThis.WebSocket,
          fetch,
          Request,
          Headers,
        } as Partial<ServerConnection.ISettings>);
        const kernels = new KernelManager({ serverSettings });
        const sessions = new SessionManager({ serverSettings, kernelManager: kernels });
        let s: Awaited<ReturnType<SessionManager['startNew']>> | undefined;
        try {
          await within(sessions.ready, STEP_MS, 'sessions.ready');
          s = await within(
            sessions.startNew({ path: 'g.ipynb', name: 'g', type: 'notebook', kernel: { name: 'llmspell' } }),
            STEP_MS,
            'start a session',
          );
          const k = s.kernel!;
          await within(connected(k), STEP_MS, 'kernel WebSocket connected');
          const info = await within(k.requestKernelInfo(), STEP_MS, 'kernel_info');
          assert.equal((info!.content as KernelMessage.IInfoReply).implementation, 'llmspell');
          const results: string[] = [];
          const f = k.requestExecute({ code: 'local t = {}\nfor i = 1, 3 do t[i] = i * i end\nt' });
          f.onIOPub = (m) => {
            if (m.header.msg_type === 'execute_result')
              results.push(
                String((m.content as KernelMessage.IExecuteResultMsg['content']).data['text/plain']),
              );
          };
          assert.equal((await within(f.done, STEP_MS, 'first cell')).content.status, 'ok');
          assert.deepEqual(results, ['{1, 4, 9}']);
          // the kernel runs in llmspell: the gateway lists it
          const listed = (await (await fetch(`${svc.base}/api/kernels?token=${svc.token}`)).json()) as Array<{
            id: string;
          }>;
          assert.ok(
            listed.some((x) => x.id === k.id),
            'the gateway kernel is one of llmspell kernels',
          );
          const spin = k.requestExecute({ code: 'while true do end', stop_on_error: false });
          let busy!: () => void;
          const started = new Promise<void>((r) => (busy = r));
          spin.onIOPub = (m) => {
            if (m.header.msg_type === 'execute_input') busy();
          };
          await within(started, STEP_MS, 'spinning cell started');
          await within(k.interrupt(), STEP_MS, 'interrupt');
          const reply = (await within(spin.done, STEP_MS, 'interrupted cell reply')).content as {
            status: string;
            ename?: string;
          };
          assert.equal(reply.status, 'error');
          assert.equal(reply.ename, 'Interrupted');
          await within(k.restart(), STEP_MS, 'restart');
          const again = await within(k.requestExecute({ code: '6 * 7' }).done, STEP_MS, 'cell after restart');
          assert.equal(again.content.status, 'ok');
        } catch (err) {
          throw new Error(
            `${String(err)}\n--- ${kind} log:\n${front.log()}\n--- llmspell:\n${svc.stderr()}`,
            { cause: err },
          );
        } finally {
          // never leave a reconnecting client behind, even when a step failed
          await within(s?.shutdown() ?? Promise.resolve(), STEP_MS, 'session shutdown').catch(
            () => undefined,
          );
          sessions.dispose();
          kernels.dispose();
        }
      },
    );
  });
}
