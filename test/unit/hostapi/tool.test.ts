import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { defaultHostSettings } from '../../../kernel/config/config';
import { evaluateExpression } from '../../../kernel/hostapi/calculator';
import { jsonQuery } from '../../../kernel/hostapi/json-query';
import { errorOf, makeHost, type TestHost, values } from './fake-providers';

let work: string;
let outside: string;
let h: TestHost;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-tools-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.symlinkSync(outside, path.join(work, 'link'));
  fs.writeFileSync(path.join(work, 'hello.txt'), 'hello file');
  const s = defaultHostSettings();
  s.storage.backend = 'memory';
  h = await makeHost(s, { cwd: work });
});
after(async () => {
  await h.dispose();
});

test('Tool.list, exists, get_info; http-request is absent unless allowed', async () => {
  assert.deepEqual(values(await h.run(`return table.concat(Tool.list(), ',')`)), [
    '"calculator,file-reader,file-writer,json-query"',
  ]);
  assert.deepEqual(
    values(
      await h.run(`return Tool.exists('calculator'), Tool.exists('http-request'), Tool.get_info('nope')`),
    ),
    ['true', 'false', 'nil'],
  );
  assert.deepEqual(
    values(
      await h.run(`local i = Tool.get_info('calculator') return i.name, i.source, i.parameters.required[1]`),
    ),
    ['"calculator"', '"builtin"', '"expression"'],
  );
});

test('calculator and json-query', async () => {
  assert.deepEqual(
    values(
      await h.run(`return Tool.execute('calculator', { expression = 'sqrt(16) + 2^3 * -1 % 5' }).result`),
    ),
    ['1'],
  );
  assert.match(
    errorOf(await h.run(`Tool.execute('calculator', { expression = 'os.exit()' })`)),
    /calculator: unknown name 'os'/,
  );
  assert.match(
    errorOf(await h.run(`Tool.execute('calculator', {})`)),
    /tool 'calculator': missing required parameter 'expression'/,
  );
  assert.deepEqual(
    values(
      await h.run(
        `return Tool.execute('json-query', { input = '{"items":[{"id":1},{"id":2}]}', query = '.items[*].id' }).result[2]`,
      ),
    ),
    ['2'],
  );
  assert.deepEqual(
    values(
      await h.run(
        `return Tool.execute('json-query', { input = { a = { 'x', 'y' } }, query = '.a[-1]' }).result`,
      ),
    ),
    ['"y"'],
  );
  assert.equal(evaluateExpression('(1 + 2) * 3 - max(1, 4)'), 5);
  assert.equal(evaluateExpression('2 ^ 3 ^ 2'), 512, '^ is right-associative');
  assert.equal(evaluateExpression('-2 ^ 2 + 10 % 4 / 2'), -3);
  assert.equal(evaluateExpression('PI * 0 + sqrt(16)'), 4);
  assert.throws(() => evaluateExpression('constructor'), /unknown name 'constructor'/);
  assert.throws(() => evaluateExpression('toString(1)'), /unknown function 'toString'/);
  assert.throws(() => evaluateExpression('(1 + 2'), /expected '\)' at position 7/);
  assert.throws(() => evaluateExpression('1 / 0'), /no finite value/);
  assert.deepEqual(jsonQuery({ 'odd key': [1] }, '.["odd key"][0]'), 1);
});

test('file-reader and file-writer stay inside the working directory', async () => {
  assert.deepEqual(
    values(await h.run(`return Tool.execute('file-reader', { path = 'hello.txt' }).content`)),
    ['"hello file"'],
  );
  values(
    await h.run(
      `Tool.execute('file-writer', { path = 'out/new.txt', content = 'a' }) Tool.execute('file-writer', { path = 'out/new.txt', content = 'b', append = true })`,
    ),
  );
  assert.equal(fs.readFileSync(path.join(work, 'out', 'new.txt'), 'utf8'), 'ab');
  for (const p of ['../x.txt', '/etc/passwd', 'out/../../x', 'link/secret.txt']) {
    const tool = p.startsWith('link') ? 'file-reader' : 'file-writer';
    const e = errorOf(await h.run(`Tool.execute('${tool}', { path = '${p}', content = 'pwned' })`));
    assert.match(e, /(is outside|leads outside) the working directory/, p);
  }
  assert.equal(fs.existsSync(path.join(path.dirname(work), 'x.txt')), false);
  assert.match(
    errorOf(await h.run(`Tool.execute('file-reader', { path = 'nope.txt' })`)),
    /no such file 'nope.txt'/,
  );
});

test('Tool.register: functions and specs with a schema; unknown tools are named', async () => {
  const r = await h.run(`
    Tool.register('twice', function(p) return p.n * 2 end, 'doubles n')
    Tool.register('greet', { description = 'greets', parameters = { type = 'object',
      properties = { name = { type = 'string' } }, required = { 'name' } }, handler = function(p) return 'hi ' .. p.name end })
    return Tool.execute('twice', { n = 21 }), Tool.execute('greet', { name = 'Ada' }), Tool.get_info('twice').description,
      Tool.get_info('greet').source`);
  assert.deepEqual(values(r), ['42', '"hi Ada"', '"doubles n"', '"lua"']);
  assert.match(
    errorOf(await h.run(`Tool.execute('greet', { name = 5 })`)),
    /parameter 'name' must be string, got number/,
  );
  assert.match(
    errorOf(await h.run(`\nTool.execute('nope')`)),
    /:2: unknown tool 'nope' \(registered: calculator, /,
  );
  assert.match(errorOf(await h.run(`Tool.register('bad name', print)`)), /Tool\.register: the name must be/);
});

test('http-request reaches only allowed hosts', async () => {
  const srv = http.createServer((req, res) => res.end(`you asked ${req.method} ${req.url}`));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const s = defaultHostSettings();
  s.storage.backend = 'memory';
  s.tools.http_allowed_hosts = ['127.0.0.1'];
  const w = await makeHost(s, { cwd: work });
  try {
    const r = await w.run(
      `local r = Tool.execute('http-request', { url = 'http://127.0.0.1:${port}/x' }) return r.status, r.body`,
    );
    assert.deepEqual(values(r), ['200', '"you asked GET /x"']);
    assert.match(
      errorOf(await w.run(`Tool.execute('http-request', { url = 'http://localhost:${port}/' })`)),
      /host 'localhost' is not allowed/,
    );
    assert.match(
      errorOf(await h.run(`Tool.execute('http-request', { url = 'http://127.0.0.1:${port}/' })`)),
      /unknown tool 'http-request'/,
    );
  } finally {
    await w.dispose();
    srv.close();
  }
});
