import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import type { KernelStats } from '../../../kernel/jupyter/kernel';
import { ControlServer, type HealthInfo, originAllowed, PortInUseError } from '../../../kernel/service/http';
import { ServiceMetrics } from '../../../kernel/service/metrics';
import { DEFAULTS, type ServiceConfig } from '../../../kernel/config/schema';

class FakeKernel extends EventEmitter {
  readonly id = 'k-1';
  stats(): KernelStats {
    return {
      id: this.id,
      startedAt: new Date().toISOString(),
      uptimeSec: 1,
      executionCount: 2,
      executions: 2,
      executionErrors: 1,
      abortedExecutions: 0,
      messagesReceived: 3,
      messagesDropped: 0,
      messagesSent: 5,
      clients: 2,
      busy: false,
      queuedRequests: 0,
      lastActivity: new Date().toISOString(),
      startupMs: 1,
      dapClients: 1,
    };
  }
}

const health = (): HealthInfo => ({
  status: 'ok',
  version: '0.0.0',
  pid: process.pid,
  uptime_seconds: 1,
  kernel_id: 'k-1',
  state: 'idle',
  clients: 2,
  executions: 2,
  execution_errors: 1,
});

const servers: ControlServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function serve(security: Partial<ServiceConfig['security']> = {}, metrics = new ServiceMetrics()) {
  const server = new ControlServer({
    port: 0,
    security: { ...DEFAULTS.security, ...security },
    health,
    metrics,
    logger: pino({ level: 'silent' }),
  });
  servers.push(server);
  await server.start();
  return server;
}

interface Reply {
  code: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer; ca?: Buffer } = {},
): Promise<Reply> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, ca: opts.ca },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ code: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Minimal Prometheus text parser: metric{labels} value. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    out.set(m[1], Number(m[2]));
  }
  return out;
}

test('/health answers JSON and /metrics Prometheus text fed by kernel events', async () => {
  const metrics = new ServiceMetrics();
  const kernel = new FakeKernel();
  metrics.attachKernel(kernel);
  kernel.emit('request', { channel: 'shell', msgType: 'execute_request', session: 's' });
  kernel.emit('request', { channel: 'control', msgType: 'interrupt_request', session: 's' });
  kernel.emit('execution', { ok: true, durationMs: 3, executionCount: 1 });
  kernel.emit('execution', { ok: false, durationMs: 40, executionCount: 2 });
  kernel.emit('dropped', { channel: 'shell', reason: 'bad-signature', detail: '' });

  const s = await serve({}, metrics);
  const h = await request(`http://127.0.0.1:${s.port}/health`);
  assert.equal(h.code, 200);
  assert.match(String(h.headers['content-type']), /application\/json/);
  const body = JSON.parse(h.body) as HealthInfo;
  assert.equal(body.status, 'ok');
  assert.equal(body.kernel_id, 'k-1');
  assert.equal(body.clients, 2);
  const m = await request(`http://127.0.0.1:${s.port}/metrics`);
  assert.equal(m.code, 200);
  assert.match(String(m.headers['content-type']), /text\/plain/);
  const samples = parseProm(m.body);
  for (const name of samples.keys()) assert.match(name, /^llmspell_/);
  assert.equal(samples.get('llmspell_executions_total{status="ok"}'), 1);
  assert.equal(samples.get('llmspell_executions_total{status="error"}'), 1);
  assert.equal(samples.get('llmspell_execution_errors_total'), 1);
  assert.equal(samples.get('llmspell_interrupts_total{source="interrupt_request"}'), 1);
  assert.equal(samples.get('llmspell_messages_total{type="execute_request",channel="shell"}'), 1);
  assert.equal(samples.get('llmspell_messages_rejected_total{channel="shell",reason="bad-signature"}'), 1);
  assert.equal(samples.get('llmspell_execute_duration_seconds_count'), 2);
  assert.equal(samples.get('llmspell_execute_duration_seconds_bucket{le="0.005"}'), 1);
  assert.equal(samples.get('llmspell_connected_clients{protocol="jupyter"}'), 2);
  assert.equal(samples.get('llmspell_connected_clients{protocol="dap"}'), 1);
  assert.ok(samples.get('llmspell_process_resident_memory_bytes')! > 0);
  assert.ok(samples.has('llmspell_process_cpu_seconds_total'));
  assert.equal((await request(`http://127.0.0.1:${s.port}/nope`)).code, 404);
  assert.equal((await request(`http://127.0.0.1:${s.port}/health`, { method: 'DELETE' })).code, 405);
});

test('bearer token: 401 without or with a wrong token, 200 with it', async () => {
  const s = await serve({ auth_token: 'tok-123' });
  const url = `http://127.0.0.1:${s.port}/health`;
  const none = await request(url);
  assert.equal(none.code, 401);
  assert.match(String(none.headers['www-authenticate']), /Bearer/);
  assert.equal((await request(url, { headers: { Authorization: 'Bearer nope' } })).code, 401);
  assert.equal((await request(url, { headers: { Authorization: 'Bearer tok-123' } })).code, 200);
  s.updateSecurity({ ...DEFAULTS.security, auth_token: 'rotated' });
  assert.equal((await request(url, { headers: { Authorization: 'Bearer tok-123' } })).code, 401);
  assert.equal((await request(url, { headers: { Authorization: 'Bearer rotated' } })).code, 200);
});

test('rate_limit_per_minute answers 429 with Retry-After', async () => {
  const s = await serve({ rate_limit_per_minute: 5 });
  const codes: number[] = [];
  let last: Reply | undefined;
  for (let i = 0; i < 7; i++) {
    last = await request(`http://127.0.0.1:${s.port}/health`);
    codes.push(last.code);
  }
  assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429]);
  assert.ok(Number(last!.headers['retry-after']) > 0);
});

test('bodies over max_message_size_mb answer 413 (declared and streamed)', async () => {
  const s = await serve({ max_message_size_mb: 0.001 });
  const big = Buffer.alloc(2000, 'a');
  const declared = await request(`http://127.0.0.1:${s.port}/health`, { method: 'POST', body: big });
  assert.equal(declared.code, 413);
  const small = await request(`http://127.0.0.1:${s.port}/health`, {
    method: 'POST',
    body: Buffer.alloc(10),
  });
  assert.equal(small.code, 405);
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${s.port}/health`, { method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err),
    );
    req.write(big.subarray(0, 900));
    req.write(big.subarray(900));
    req.end();
  });
  assert.equal(chunked, 413);
});

test('allowed_origins: requests with a foreign Origin get 403; listed hosts pass with CORS', async () => {
  const s = await serve({ allowed_origins: ['localhost'] });
  const url = `http://127.0.0.1:${s.port}/health`;
  assert.equal((await request(url, { headers: { Origin: 'http://evil.example' } })).code, 403);
  const ok = await request(url, { headers: { Origin: 'http://localhost:8888' } });
  assert.equal(ok.code, 200);
  assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:8888');
  assert.equal((await request(url)).code, 200);
  assert.ok(originAllowed('https://x.test', ['*']));
  assert.ok(!originAllowed('not a url', ['localhost']));
});

test('TLS with a self-signed certificate made by openssl', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const s = await serve({ tls_enabled: true, tls_cert: cert, tls_key: key, auth_token: 't' });
  assert.equal(s.scheme, 'https');
  const ca = readFileSync(cert);
  const r = await request(`https://127.0.0.1:${s.port}/health`, {
    ca,
    headers: { Authorization: 'Bearer t' },
  });
  assert.equal(r.code, 200);
  assert.equal((JSON.parse(r.body) as HealthInfo).status, 'ok');
  await assert.rejects(request(`https://127.0.0.1:${s.port}/health`), /self[- ]signed|certificate/i);
  await assert.rejects(request(`http://127.0.0.1:${s.port}/health`));
});

test('a port in use is a PortInUseError naming the port', async () => {
  const blocker = http.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const s = new ControlServer({
      port,
      security: DEFAULTS.security,
      health,
      metrics: new ServiceMetrics({ processMetrics: false }),
      logger: pino({ level: 'silent' }),
    });
    await assert.rejects(s.start(), (err: unknown) => {
      assert.ok(err instanceof PortInUseError);
      assert.match(err.message, new RegExp(`port ${port} is already in use`));
      return true;
    });
  } finally {
    blocker.close();
  }
});
