import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { startExampleService } from '../../../examples/http-service/server';
import { startEmbeddedKernel } from '../../../kernel/index';

function post(
  port: number,
  body: string,
  headers: Record<string, string>,
): Promise<{ code: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/execute', method: 'POST', headers },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ code: res.statusCode!, json: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('examples/http-service: POST /execute with a bearer token', async () => {
  const svc = await startExampleService({ token: 'secret', port: 0 });
  try {
    const auth = { Authorization: 'Bearer secret' };
    const r = await post(svc.port, 'print("hi"); return 6 * 7', auth);
    assert.equal(r.code, 200);
    assert.deepEqual(r.json, { ok: true, values: ['42'], output: 'hi\n' });
    const json = await post(svc.port, JSON.stringify({ code: 'x = 1' }), {
      ...auth,
      'Content-Type': 'application/json',
    });
    assert.equal(json.json.ok, true);
    const err = await post(svc.port, 'error("boom")', auth);
    assert.equal(err.json.ok, false);
    assert.match(JSON.stringify(err.json.error), /boom/);
    assert.equal((await post(svc.port, 'return 1', { Authorization: 'Bearer wrong' })).code, 401);
  } finally {
    await svc.close();
  }
});

test('startEmbeddedKernel: execute on the kernel runtime, state persists, stop removes the connection file', async () => {
  const connectionFile = path.join(mkdtempSync(path.join(tmpdir(), 'llmspell-embed-')), 'kernel.json');
  const k = await startEmbeddedKernel({ connectionFile });
  try {
    assert.equal((await k.execute('x = 41')).ok, true);
    const r = await k.execute('return x + 1');
    assert.deepEqual(r.ok && r.values, ['42']);
    assert.equal(k.connectionFile, connectionFile);
    assert.ok(existsSync(connectionFile));
  } finally {
    await k.stop();
  }
  assert.ok(!existsSync(connectionFile));
});
