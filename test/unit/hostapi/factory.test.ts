import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createRuntime, runtimeFactory } from '../../../kernel/hostapi/factory';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { HostModule } from '../../../kernel/runtime/types';

const cell = { chunkName: '/cells/factory.lua', mode: 'cell' as const };

test('a runtime closes the host modules it was created with when it is disposed', async () => {
  let closed = 0;
  const mod: HostModule = {
    name: 'probe',
    lua: 'Probe = true',
    handlers: {},
    close: async () => void closed++,
  };
  const rt = await LuaRuntime.create({ hostModules: [mod] });
  assert.deepEqual(await rt.execute('Probe', cell), { ok: true, values: ['true'] });
  assert.equal(closed, 0);
  await rt.dispose();
  await rt.dispose();
  assert.equal(closed, 1, 'closed once, even when disposed twice');
});

test('the factory gives each runtime its own host API, which lives as long as that runtime', async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llmspell-factory-'));
  const env = { HOME: home, LLMSPELL_HOME: path.join(home, '.llmspell') };
  const make = runtimeFactory({ globals: { env, cwd: home } }, { name: 'factory-test' });
  const a = await make();
  const b = await make();
  try {
    const set = await a.execute("State.set('k', 41) return State.get('k') + 1", cell);
    assert.deepEqual(set, { ok: true, values: ['42'] });
    await a.dispose();
    // b's State backend was not closed with a's: it still reads and writes
    const got = await b.execute("State.set('j', 'b') return State.get('j')", cell);
    assert.deepEqual(got, { ok: true, values: ['"b"'] });
  } finally {
    await b.dispose();
  }
});

test("'none' builds a runtime without the host API", async () => {
  const rt = await createRuntime('none', { name: 'plain' });
  try {
    assert.deepEqual(await rt.execute('return State == nil, Agent == nil', cell), {
      ok: true,
      values: ['true', 'true'],
    });
  } finally {
    await rt.dispose();
  }
});
