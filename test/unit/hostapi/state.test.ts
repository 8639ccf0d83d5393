import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultHostSettings } from '../../../kernel/config/config';
import { EmbeddedState, llmspellHome } from '../../../kernel/hostapi/state';
import { errorOf, makeHost, values } from './fake-providers';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-state-'));

function embedded(home: string) {
  const s = defaultHostSettings();
  s.storage.backend = 'embedded';
  return { settings: s, env: { HOME: home } };
}

test('memory backend: round trips, scopes, delete, list; nothing survives the runtime', async () => {
  const s = defaultHostSettings();
  s.storage.backend = 'memory';
  const h = await makeHost(s);
  try {
    const r = await h.run(`
      State.set('t', { a = { 1, 2, { b = 'c' } }, e = {}, f = false })
      State.set('x', 1, 'other')
      local t = State.get('t')
      return t.a[3].b, t.f, JSON.stringify(t.e), State.get('x'), State.get('x', 'other'), #State.list(), #State.list('other')`);
    assert.deepEqual(values(r), ['"c"', 'false', '"{}"', 'nil', '1', '1', '1']);
    assert.deepEqual(values(await h.run(`return State.delete('t'), State.delete('t'), State.get('t')`)), [
      'true',
      'false',
      'nil',
    ]);
    assert.match(errorOf(await h.run(`\nState.set('f', print)`)), /:2: State\.set cannot store a function$/);
    assert.match(errorOf(await h.run(`State.get(42)`)), /State\.get expects a string key, got number/);
  } finally {
    await h.dispose();
  }
  const again = await makeHost(s);
  try {
    assert.deepEqual(values(await again.run(`return State.get('x', 'other')`)), ['nil']);
  } finally {
    await again.dispose();
  }
});

test('embedded backend persists under $HOME/.llmspell/state: a new runtime reads what the old one wrote', async () => {
  const home = tmp();
  const { settings, env } = embedded(home);
  const a = await makeHost(settings, { env });
  try {
    values(
      await a.run(`State.set('user/name', { first = 'Ada', tags = { 'x', 'y' } }) State.set('..', 'dots')`),
    );
  } finally {
    await a.dispose();
  }
  assert.ok(fs.existsSync(path.join(home, '.llmspell', 'state', 'global')));
  const b = await makeHost(settings, { env });
  try {
    assert.deepEqual(
      values(
        await b.run(
          `return State.get('user/name').tags[2], State.get('..'), table.concat(State.list(), ' ')`,
        ),
      ),
      ['"y"', '"dots"', '"%2E%2E user/name"'.replace('%2E%2E', '..')],
    );
  } finally {
    await b.dispose();
  }
  // LLMSPELL_HOME wins over HOME
  const other = tmp();
  assert.equal(llmspellHome({ HOME: home, LLMSPELL_HOME: other }), other);
  assert.equal(llmspellHome({ HOME: home }), path.join(home, '.llmspell'));
});

test('a crash mid-write leaves the old value (temp file + rename)', async () => {
  const dir = tmp();
  const store = new EmbeddedState(dir);
  await store.set('global', 'k', JSON.stringify({ v: 'old' }));
  // what a writer killed before its rename leaves behind: a partial temp file
  fs.writeFileSync(path.join(dir, 'global', 'k.json.999.deadbeef.tmp'), '{"scope":"global","key":"k","val');
  assert.equal(await store.get('global', 'k'), '{"v":"old"}');
  assert.deepEqual(await store.list('global'), ['k']);

  // a real crash: a child process rewriting a large value in a loop, killed with SIGKILL
  const big = 'x'.repeat(2_000_000);
  const mod = path.join(__dirname, '..', '..', '..', 'kernel', 'hostapi', 'state.js');
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const { EmbeddedState } = require(${JSON.stringify(mod)});
       const s = new EmbeddedState(${JSON.stringify(dir)});
       (async () => { for (let i = 0; ; i++) { await s.set('global', 'k', JSON.stringify({ v: 'n' + i, big: ${JSON.stringify('x'.repeat(10))}.repeat(200000) })); if (i === 2) process.stdout.write('go'); } })();`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // 'go' comes after the third write, in the middle of the loop: the kill lands between or inside writes.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const after = JSON.parse((await store.get('global', 'k'))!) as { v: string; big: string };
  assert.match(after.v, /^n\d+$/);
  assert.equal(after.big.length, big.length);
  assert.deepEqual(await store.list('global'), ['k']);
});
