import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultHostSettings, loadServiceConfig, ConfigError } from '../../../kernel/config/config';
import { loadHostConfig } from '../../../kernel/hostapi';
import { errorOf, makeHost, type TestHost, values } from './fake-providers';

let h: TestHost;
before(async () => {
  const s = defaultHostSettings();
  s.storage.backend = 'memory';
  h = await makeHost(s);
});
after(async () => {
  await h.dispose();
});

test('JSON.parse / JSON.stringify, pretty output, errors at the user line', async () => {
  assert.deepEqual(
    values(
      await h.run(
        `local v = JSON.parse('{"a":[1,2,{"b":null}],"e":[]}') return v.a[2], v.a[3].b, JSON.stringify(v)`,
      ),
    ),
    ['2', 'nil', '"{\\"a\\":[1,2,{}],\\"e\\":[]}"'],
  );
  assert.deepEqual(
    values(await h.run(`return JSON.stringify({ x = { 1, "a,b" }, y = {} }, { pretty = true })`)),
    [JSON.stringify('{\n  "x": [\n    1,\n    "a,b"\n  ],\n  "y": {}\n}')],
  );
  assert.match(
    errorOf(await h.run(`\nJSON.parse('{oops')`)),
    /:2: JSON\.parse: JSON: expected a string key at position 2$/,
  );
  assert.match(
    errorOf(await h.run(`local t = {} t.t = t JSON.stringify(t)`)),
    /JSON\.stringify: cannot encode a table with cycles/,
  );
});

test('ARGS: positional arguments and --key value pairs of the running script', async () => {
  const r = await h.rt.execute('return ARGS[1], ARGS[2], ARGS.model, ARGS.verbose, ARGS.n, #ARGS', {
    chunkName: '/tmp/args.lua',
    mode: 'file',
    args: ['in.txt', '--model', 'openai/x', 'out.txt', '--n=3', '--verbose'],
    scriptName: 'args.lua',
  });
  assert.deepEqual(values(r), ['"in.txt"', '"out.txt"', '"openai/x"', '"true"', '"3"', '2']);
  const r2 = await h.rt.execute('local n = 0 for k in pairs(ARGS) do n = n + 1 end return n', {
    chunkName: '/tmp/args2.lua',
    mode: 'file',
    args: ['a'],
    scriptName: 'args2.lua',
  });
  assert.deepEqual(values(r2), ['1']);
});

test('Debug.* goes to the kernel log with the script line', async () => {
  values(await h.run(`\nDebug.info('hello', 42)\nDebug.warn('careful')\nDebug.log({})`));
  const lines = h.log.lines.filter((l) => (l.obj as { source?: string }).source === 'Debug');
  assert.equal(lines.length, 3);
  assert.equal(lines[0].level, 'info');
  assert.equal(lines[0].msg, 'hello\t42');
  assert.match((lines[0].obj as { script: string }).script, /hostapi-\d+\.lua:2$/);
  assert.equal(lines[1].level, 'warn');
  assert.equal(lines[2].level, 'debug');
});

test('config: [providers.NAME], [storage], [storage.postgres], [tools] with named errors; profiles pick providers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-hostcfg-'));
  const good = path.join(dir, 'good.toml');
  fs.writeFileSync(
    good,
    `[providers]\ndefault = "local"\n[providers.local]\nbase_url = "http://127.0.0.1:8000/v1"\ndefault_model = "qwen"\n` +
      `[providers.openai]\nenabled = true\napi_key_env = "OPENAI_API_KEY"\ndefault_model = "gpt-4-turbo"\ntimeout_secs = 300\n` +
      `[storage]\nbackend = "postgres"\n[storage.postgres]\nurl = "postgresql://u:\${PGPASS}@db:5432/x"\npool_size = 20\n` +
      `auto_migrate = false\nenforce_tenant_isolation = true\n[tools]\nhttp_allowed_hosts = ["api.example.com"]\n`,
  );
  const { host } = loadServiceConfig({ configFile: good, env: { PGPASS: 'pw' } });
  assert.equal(host.default_provider, 'local');
  assert.equal(host.providers.local.type, 'openai');
  assert.equal(host.providers.openai.timeout_secs, 300);
  assert.equal(host.providers.openai.base_url, 'https://api.openai.com/v1');
  assert.equal(host.storage.postgres.url, 'postgresql://u:pw@db:5432/x');
  assert.equal(host.storage.postgres.pool_size, 20);
  assert.deepEqual(host.tools.http_allowed_hosts, ['api.example.com']);

  const bad = path.join(dir, 'bad.toml');
  fs.writeFileSync(
    bad,
    `[providers.openai]\ntimeout_secs = -1\napi_keyenv = "X"\n[storage]\nbackend = "redis"\n[storage.postgres]\nurl = "mysql://x"\n`,
  );
  try {
    loadServiceConfig({ configFile: bad, env: {} });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const p = err.problems.join('\n');
    assert.match(p, /\[providers\.openai\] timeout_secs: .*got -1/);
    assert.match(p, /unknown key \[providers\.openai\] api_keyenv \(known keys: enabled, type, api_key_env/);
    assert.match(p, /\[storage\] backend: .*'redis'/);
    assert.match(p, /\[storage\.postgres\] url: expected a postgresql:\/\/ URL \(got \*\*\*\)/);
  }

  const profiles: Record<string, string> = {
    'openai-prod': 'openai',
    'claude-prod': 'anthropic',
    'gemini-prod': 'gemini',
    'full-local-ollama': 'ollama',
    development: 'openai',
  };
  for (const [name, provider] of Object.entries(profiles)) {
    const cfg = loadHostConfig({ profile: name, env: {} });
    assert.equal(cfg.settings.default_provider, provider, name);
  }
  assert.equal(
    loadHostConfig({ profile: 'full-local-ollama', env: {} }).settings.providers.ollama.base_url,
    'http://localhost:11434',
  );
  const pgProd = loadHostConfig({
    profile: 'postgres-prod',
    env: { LLMSPELL_POSTGRES_URL: 'postgresql://a@b/c' },
  });
  assert.equal(pgProd.settings.storage.backend, 'postgres');
  assert.equal(pgProd.settings.storage.postgres.url, 'postgresql://a@b/c');
});
