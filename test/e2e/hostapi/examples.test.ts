import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import { createHost } from '../../../kernel/hostapi';
import { FAKE_ENV, FakeProvider, fakeSettings, MemoryLog } from '../../unit/hostapi/fake-providers';

/** Every examples/*.lua for a global runs against the fake providers, as `llmspell run` would run it. */

const examples = path.resolve(__dirname, '..', '..', '..', '..', 'examples');
let fake: FakeProvider;
let work: string;
let home: string;

before(async () => {
  fake = await new FakeProvider().start();
  fake.toolArgs = { word_count: { text: 'the quick brown fox' } };
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-examples-'));
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-home-'));
});
after(async () => {
  await fake.stop();
});

async function runExample(name: string, args: string[] = []): Promise<{ out: string; log: MemoryLog }> {
  const settings = fakeSettings(fake, (s) => (s.storage.backend = 'embedded'));
  const log = new MemoryLog();
  const host = createHost({ settings, env: { ...FAKE_ENV, HOME: home }, cwd: work, log });
  const rt = await LuaRuntime.create({ hostModules: host.modules, cwd: work });
  let out = '';
  rt.onEvent((e) => {
    if (e.type === 'output') out += e.text;
  });
  try {
    const file = path.join(examples, name);
    const r = await rt.execute(fs.readFileSync(file, 'utf8'), {
      chunkName: file,
      mode: 'file',
      args,
      scriptName: name,
    });
    if (!r.ok) throw new Error(`${name}: ${r.error.message}\n${out}`);
    return { out, log };
  } finally {
    await rt.dispose();
    await host.close();
  }
}

for (const provider of ['openai', 'anthropic', 'ollama']) {
  test(`examples/agent.lua with ${provider}`, async () => {
    const { out } = await runExample('agent.lua', ['--model', `${provider}/tool`]);
    assert.match(out, /^query:\techo: What is Rust\?$/m);
    assert.match(out, new RegExp(`^model ${provider}/tool-0001, 7 tokens in, \\d+ out, finish: stop$`, 'm'));
    assert.match(out, /^execute:\techo: Explain quantum computing$/m);
    assert.match(out, /^stream: echo: Count to five$/m);
    assert.match(out, /^tools:\ttool said: \{"words":4\}$/m);
    assert.match(out, /^agents:\tcounter, explainer$/m);
  });
}

test('examples/tool.lua', async () => {
  const { out } = await runExample('tool.lua');
  assert.match(out, /^calculator: 98$/m);
  assert.match(out, /^json-query: \[1,2\]$/m);
  assert.match(out, /^file-reader: written by tool\.lua$/m);
  assert.match(out, /^outside refused: true/m);
  assert.match(out, /^reverse: llepsmll$/m);
  assert.match(out, /^exists: true false$/m);
});

test('examples/state.lua persists between runs', async () => {
  assert.match((await runExample('state.lua')).out, /ran 1 time/);
  const { out } = await runExample('state.lua');
  assert.match(out, /ran 2 time/);
  assert.match(out, /^Ada likes lua and rust, theme dark$/m);
  assert.match(out, /^after delete: nil$/m);
});

test('examples/json.lua', async () => {
  const { out } = await runExample('json.lua');
  assert.match(out, /^llmspell\tllm\ttrue\tnil$/m);
  assert.match(out, /^\{"a":\[1,2,3\],"b":2\}$/m);
  assert.match(out, /^ {2}"user": \{$/m);
  assert.match(out, /^invalid JSON:\tfalse\t.*JSON\.parse: JSON: expected a string key/m);
});

test('examples/args.lua', async () => {
  const { out } = await runExample('args.lua', ['input.txt', '--model', 'openai/gpt-4o-mini', '--verbose']);
  assert.match(out, /^positional:\t1\tinput\.txt$/m);
  assert.match(out, /^model:\topenai\/gpt-4o-mini$/m);
  assert.match(out, /^verbose:\ttrue$/m);
});

test('examples/debug.lua', async () => {
  const { out, log } = await runExample('debug.lua');
  assert.match(out, /logged four messages/);
  assert.deepEqual(
    log.lines.filter((l) => (l.obj as { source?: string }).source === 'Debug').map((l) => l.level),
    ['info', 'debug', 'warn', 'error'],
  );
});
