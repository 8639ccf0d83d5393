import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { after, test } from 'node:test';
import pino from 'pino';
import { ControlServer, type HealthInfo, requestUrl } from '../../../kernel/service/http';
import { ServiceMetrics } from '../../../kernel/service/metrics';
import { DEFAULTS } from '../../../kernel/config/schema';

const health = (): HealthInfo => ({
  status: 'ok',
  version: '0.0.0',
  pid: process.pid,
  uptime_seconds: 1,
  kernel_id: 'k-1',
  state: 'idle',
  clients: 0,
  executions: 0,
  execution_errors: 0,
});

const servers: ControlServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function serve(authToken?: string): Promise<ControlServer> {
  const server = new ControlServer({
    port: 0,
    security: { ...DEFAULTS.security, auth_token: authToken },
    health,
    metrics: new ServiceMetrics(),
    logger: pino({ level: 'silent' }),
  });
  servers.push(server);
  await server.start();
  return server;
}

/** Send raw bytes on a fresh socket and collect everything until the server closes or answers. */
function rawRequest(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer to ${JSON.stringify(bytes.toString().slice(0, 60))}`));
    }, 10_000);
    sock.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      // one full response (headers and a short body) is enough
      const end = text.indexOf('\r\n\r\n');
      const len = /content-length:\s*(\d+)/i.exec(text);
      if (end >= 0 && len && text.length >= end + 4 + Number(len[1])) sock.end();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    sock.write(bytes);
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);

test('request targets that are not URLs parse as paths or are refused, never thrown', () => {
  assert.equal(requestUrl('//')?.pathname, '//');
  assert.equal(requestUrl('//x:99999')?.pathname, '//x:99999');
  assert.equal(requestUrl('//@')?.pathname, '//@');
  assert.equal(requestUrl('http://h/health')?.pathname, '/health');
  assert.equal(requestUrl('::bad'), undefined);
});

for (const token of [undefined, 'sekret']) {
  test(`hostile request targets on the control port answer 4xx and the server keeps serving (auth_token ${token ? 'set' : 'unset'})`, async () => {
    const server = await serve(token);
    const auth = token ? `Authorization: Bearer ${token}\r\n` : '';
    const targets = [
      '//',
      '///',
      '//x:99999',
      '//@',
      '//@:/',
      '/%',
      '/%zz',
      '*',
      '::bad',
      'http://[::1',
      '/..//..',
    ];
    for (const t of targets) {
      const text = await rawRequest(
        server.port,
        `GET ${t} HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`,
      );
      const code = statusOf(text);
      assert.ok(code >= 400 && code < 500, `GET ${t} answered ${JSON.stringify(text.slice(0, 40))}`);
    }
    // garbage that is not HTTP at all: the parser refuses it (400) or closes
    for (const junk of ['\x00\x01\x02\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n']) {
      const text = await rawRequest(server.port, junk);
      assert.ok(text === '' || statusOf(text) >= 400, JSON.stringify(text.slice(0, 40)));
    }
    const ok = await rawRequest(
      server.port,
      `GET /health HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`,
    );
    assert.equal(statusOf(ok), 200);
    assert.match(ok, /"status":"ok"/);
  });
}
