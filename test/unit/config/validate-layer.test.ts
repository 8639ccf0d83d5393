/** validateLayer, the config validator every layer goes through: each section's error messages. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { validateLayer } from '../../../kernel/config/config';
import { SECTION_SCHEMAS, SECTIONS, SECRET_KEYS } from '../../../kernel/config/schema';
import { HOST_SECTIONS } from '../../../kernel/config/host-schema';

const ORIGIN = '/etc/llmspell/kernel.toml';

test('every key of every service section: a wrong type is named with origin, section, key and value', () => {
  for (const section of SECTIONS) {
    for (const key of Object.keys(SECTION_SCHEMAS[section])) {
      const { layer, problems } = validateLayer({ [section]: { [key]: { nested: [1] } } }, ORIGIN);
      const dotted = `${section}.${key}`;
      const shown = SECRET_KEYS.has(dotted) ? '***' : '{"nested":[1]}';
      assert.equal(problems.length, 1, `${dotted}: ${JSON.stringify(problems)}`);
      assert.ok(
        problems[0].startsWith(`${ORIGIN}: [${section}] ${key}: `) && problems[0].endsWith(`(got ${shown})`),
        problems[0],
      );
      assert.deepEqual(layer, {}, `${dotted}: a bad value is not kept`);
    }
  }
});

test('every service section: an unknown key lists the known keys', () => {
  for (const section of SECTIONS) {
    const { problems } = validateLayer({ [section]: { no_such_key: 1 } }, ORIGIN);
    assert.deepEqual(problems, [
      `${ORIGIN}: unknown key [${section}] no_such_key (known keys: ${Object.keys(SECTION_SCHEMAS[section]).join(', ')})`,
    ]);
  }
});

test('a section that is not a table, an unknown section and a document that is not a table', () => {
  for (const section of [...SECTIONS, ...HOST_SECTIONS]) {
    assert.deepEqual(validateLayer({ [section]: 3 }, ORIGIN).problems, [
      `${ORIGIN}: [${section}] must be a table`,
    ]);
  }
  const unknown = validateLayer({ kernal: {} }, ORIGIN).problems;
  assert.equal(unknown.length, 1);
  assert.match(unknown[0], /^\/etc\/llmspell\/kernel\.toml: unknown section \[kernal\] \(known sections: /);
  for (const s of [...SECTIONS, ...HOST_SECTIONS]) assert.ok(unknown[0].includes(s), `${s} is listed`);
  for (const raw of [null, [], 'text']) {
    assert.deepEqual(validateLayer(raw, ORIGIN).problems, [`${ORIGIN}: expected a table of sections`]);
  }
});

test('valid values are kept; path keys resolve against baseDir; secrets are masked in messages', () => {
  const base = path.join(path.sep, 'srv', 'conf');
  const { layer, problems } = validateLayer(
    {
      kernel: { port: 9555, dap_port: false, idle_timeout: 0 },
      logging: { log_file: 'logs/kernel.log', log_level: 'debug' },
    },
    ORIGIN,
    { baseDir: base },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(layer, {
    kernel: { port: 9555, dap_port: false, idle_timeout: 0 },
    logging: { log_file: path.join(base, 'logs', 'kernel.log'), log_level: 'debug' },
  });
  const secret = validateLayer({ security: { auth_token: '' } }, ORIGIN).problems;
  assert.equal(secret.length, 1);
  assert.ok(secret[0].endsWith('(got ***)'), secret[0]);
});

test('${VAR} expansion: an unset variable is an error naming the key; keyName renders flag names', () => {
  const { layer, problems } = validateLayer(
    { kernel: { connection_file: '${NO_SUCH_VAR_FOR_TEST}/k.json' }, logging: { log_level: '${LVL}' } },
    ORIGIN,
    { env: { LVL: 'warn' } },
  );
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.ok(problems[0].startsWith(`${ORIGIN}: [kernel] connection_file`), problems[0]);
  assert.match(problems[0], /NO_SUCH_VAR_FOR_TEST/);
  assert.deepEqual(layer, { logging: { log_level: 'warn' } });
  const flags = validateLayer({ kernel: { port: -1 } }, 'flags', { keyName: () => '--port' });
  assert.equal(flags.problems.length, 1);
  assert.ok(flags.problems[0].startsWith('flags: --port: '), flags.problems[0]);
});

test('host sections: providers, storage, storage.postgres and tools name the table and key', () => {
  const { problems, host } = validateLayer(
    {
      providers: {
        default: 'local',
        local: { type: 'ollama', base_url: 'ftp://x', bogus: 1 },
        'bad name': { type: 'openai' },
      },
      storage: { backend: 'redis', postgres: { url: 'mysql://secret@db', pool_size: 0 } },
      tools: { http_allowed_hosts: 'example.com', other: [] },
    },
    ORIGIN,
  );
  const expected = [
    `${ORIGIN}: [providers.local] base_url: expected an http:// or https:// URL (got 'ftp://x')`,
    `${ORIGIN}: unknown key [providers.local] bogus (known keys: enabled, type, api_key_env, base_url, default_model, timeout_secs, max_retries)`,
    `${ORIGIN}: [providers.bad name] must be a table of provider settings`,
    `${ORIGIN}: [storage] backend: `,
    `${ORIGIN}: [storage.postgres] url: expected a postgresql:// URL (got ***)`,
    `${ORIGIN}: [storage.postgres] pool_size: `,
    `${ORIGIN}: [tools] http_allowed_hosts: `,
    `${ORIGIN}: unknown key [tools] other (known keys: http_allowed_hosts)`,
  ];
  assert.equal(problems.length, expected.length, JSON.stringify(problems, null, 1));
  expected.forEach((e, i) => assert.ok(problems[i].startsWith(e), `${problems[i]}\n  expected ${e}`));
  assert.equal(host.default_provider, 'local');
  assert.deepEqual(host.providers?.local, { type: 'ollama' });
  const notTable = validateLayer({ storage: { postgres: 'postgres://x' } }, ORIGIN).problems;
  assert.deepEqual(notTable, [`${ORIGIN}: [storage.postgres] must be a table`]);
});

test('[memory] is checked for types and otherwise ignored', () => {
  assert.deepEqual(validateLayer({ memory: { enable_memory: true } }, ORIGIN).problems, []);
  const bad = validateLayer({ memory: { enable_rag: 'yes' } }, ORIGIN).problems;
  assert.equal(bad.length, 1);
  assert.ok(bad[0].startsWith(`${ORIGIN}: [memory] enable_rag: `), bad[0]);
});
