import { test, before, after, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'net';
import { errorOf, FakeProvider, fakeSettings, makeHost, type TestHost, values } from './fake-providers';
import { waitFor } from '../../support/wait';

let fake: FakeProvider;
let h: TestHost;

before(async () => {
  fake = await new FakeProvider().start();
  h = await makeHost(fakeSettings(fake));
});
after(async () => {
  await h.dispose();
  await fake.stop();
});

for (const provider of ['openai', 'anthropic', 'ollama'] as const) {
  describe(`${provider} wire format`, () => {
    test('execute returns content, model, usage and finish_reason; the key travels only in headers', async () => {
      fake.reset();
      const r = await h.run(`
        local agent = Agent.builder():name('${provider}-a'):model('${provider}/echo'):temperature(0.2):max_tokens(50)
          :system_prompt('be brief'):build()
        local res = agent:execute({ prompt = 'Explain quantum computing' })
        return res.content, res.model, res.usage.input_tokens, res.usage.output_tokens, res.finish_reason`);
      assert.deepEqual(values(r), [
        '"echo: Explain quantum computing"',
        `"${provider}/echo-0001"`,
        '7',
        '4',
        '"stop"',
      ]);
      const req = fake.requests[0];
      assert.equal(req.wire, provider);
      if (provider === 'openai') {
        assert.equal(req.headers.authorization, 'Bearer sk-test-openai-SECRET');
        assert.equal(req.body.temperature, 0.2);
        assert.equal(req.body.max_tokens, 50);
        assert.deepEqual((req.body.messages as unknown[])[0], { role: 'system', content: 'be brief' });
      } else if (provider === 'anthropic') {
        assert.equal(req.headers['x-api-key'], 'sk-ant-test-SECRET');
        assert.equal(req.headers['anthropic-version'], '2023-06-01');
        assert.equal(req.body.system, 'be brief');
        assert.equal(req.body.max_tokens, 50);
      } else {
        assert.equal(req.headers.authorization, undefined);
        assert.deepEqual(req.body.options, { temperature: 0.2, num_predict: 50 });
      }
      assert.doesNotMatch(h.log.text(), /SECRET/);
    });

    test('invokeStream delivers chunks to the callback before returning the whole answer', async () => {
      const r = await h.run(`
        local agent = Agent.builder():model('${provider}/echo'):build()
        local got = {}
        local res = agent:invokeStream({ prompt = 'one two three' }, function(c) got[#got + 1] = c end)
        return #got, table.concat(got), res.content, res.usage.input_tokens, res.finish_reason`);
      assert.deepEqual(values(r), ['4', '"echo: one two three"', '"echo: one two three"', '7', '"stop"']);
      assert.equal(fake.requests[fake.requests.length - 1].body.stream, true);
    });

    for (const stream of [false, true]) {
      test(`tool calls run Lua and builtin tools and feed results back${stream ? ' (streaming)' : ''}`, async () => {
        fake.reset();
        fake.toolArgs = { shout: { text: 'hi' }, calculator: { expression: '6*7' } };
        const r = await h.run(`
          Tool.register('shout', { description = 'upper-case text',
            parameters = { type = 'object', properties = { text = { type = 'string' } }, required = { 'text' } },
            handler = function(p) return p.text:upper() .. '!' end })
          local a = Agent.builder():model('${provider}/tool'):tool('shout'):build()
          local b = Agent.builder():model('${provider}/tool'):tool('calculator'):build()
          local call = ${stream ? 'function(ag, p) return ag:invokeStream(p, function() end) end' : 'function(ag, p) return ag:execute(p) end'}
          local r1, r2 = call(a, { prompt = 'go' }), call(b, { prompt = 'go' })
          return r1.content, r2.content, r1.usage.input_tokens`);
        assert.deepEqual(values(r), ['"tool said: HI!"', '"tool said: {\\"result\\":42}"', '14']);
        const first = fake.requests[0].body;
        const tools = first.tools as Record<string, unknown>[];
        if (provider === 'anthropic') assert.equal(tools[0].name, 'shout');
        else assert.equal((tools[0].function as { name: string }).name, 'shout');
      });
    }

    test('HTTP errors name the status and the provider message; unknown models come back as 404', async () => {
      const e = errorOf(await h.run(`local r = Agent.query('x', { model = '${provider}/missing' })`));
      assert.match(
        e,
        new RegExp(
          `^/cells/hostapi-\\d+\\.lua:1: ${provider}: HTTP 404 from http://127\\.0\\.0\\.1:\\d+/\\S+: model 'missing' not found$`,
        ),
      );
    });
  });
}

test('429 with Retry-After is retried after the advertised delay', async () => {
  fake.reset();
  fake.flakyFailures = 2;
  const r = await h.run(`return Agent.query('hello', { model = 'anthropic/flaky' }).content`);
  assert.deepEqual(values(r), ['"echo: hello"']);
  assert.equal(fake.requests.length, 3);
  const gaps = [fake.requests[1].at - fake.requests[0].at, fake.requests[2].at - fake.requests[1].at];
  for (const g of gaps) assert.ok(g >= 950, `retry waited ${g} ms`);
  assert.match(h.log.text(), /HTTP 429, retrying in 1\.0 s \(attempt 2 of 3\)/);
});

test('500 is retried max_retries times, then reported with the provider message', async () => {
  fake.reset();
  const e = errorOf(await h.run(`return Agent.query('x', { model = 'openai/fail' })`));
  assert.match(
    e,
    /openai: HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: the fake is overloaded \(after 3 attempts\)/,
  );
  assert.equal(fake.requests.length, 3);
});

test('a slow response hits timeout_secs', async () => {
  const s = await makeHost(fakeSettings(fake, (x) => (x.providers.ollama.timeout_secs = 0.3)));
  try {
    const e = errorOf(await s.run(`return Agent.query('x', { model = 'ollama/slow' })`));
    assert.match(
      e,
      /ollama: no response from http:\/\/127\.0\.0\.1:\d+\/api\/chat within 0\.3 s \(\[providers\.ollama\] timeout_secs\)/,
    );
  } finally {
    await s.dispose();
  }
});

test('a dropped connection is retried, then reported', async () => {
  fake.reset();
  const e = errorOf(await h.run(`return Agent.query('x', { model = 'openai/drop' })`));
  assert.match(
    e,
    /openai: the connection to http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions was closed.*after 3 attempts/,
  );
  assert.equal(fake.requests.length, 3);
});

test('a refused connection names the URL', async () => {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const s = await makeHost(
    fakeSettings(fake, (x) => (x.providers.ollama.base_url = `http://127.0.0.1:${port}`)),
  );
  try {
    const e = errorOf(await s.run(`return Agent.query('x', { model = 'ollama/echo' })`));
    assert.match(
      e,
      new RegExp(`ollama: cannot connect to http://127\\.0\\.0\\.1:${port}/api/chat: connection refused`),
    );
  } finally {
    await s.dispose();
  }
});

test('missing key, unknown provider, disabled provider and bad builder input are Lua errors at the user line', async () => {
  const s = await makeHost(
    fakeSettings(fake, (x) => (x.providers.ollama.enabled = false)),
    { env: {} },
  );
  try {
    assert.match(
      errorOf(await s.run(`\nlocal a = Agent.builder():model('openai/echo'):build()`)),
      /:2: openai: API key missing: set the FAKE_OPENAI_KEY environment variable \(\[providers\.openai\] api_key_env\)$/,
    );
    assert.match(
      errorOf(await s.run(`Agent.query('x', { model = 'mistral/large' })`)),
      /unknown provider 'mistral' in model 'mistral\/large' \(configured providers: anthropic, ollama, openai/,
    );
    assert.match(
      errorOf(await s.run(`Agent.query('x', { model = 'ollama/echo' })`)),
      /provider 'ollama' is disabled/,
    );
    assert.match(
      errorOf(await s.run(`\n\nAgent.builder():temperature('hot')`)),
      /:3: Agent\.builder\(\):temperature expects a valid number, got hot$/,
    );
    assert.match(errorOf(await s.run(`Agent.builder():tool('nope')`)), /unknown tool 'nope'/);
  } finally {
    await s.dispose();
  }
});

test('Agent.query uses the default provider; Agent.list and Agent.get find built agents', async () => {
  const r = await h.run(`
    local q = Agent.query('What is Rust?')
    local a = Agent.builder():name('helper'):model('anthropic/echo'):build()
    return q.content, q.model, Agent.get('helper') == a, Agent.get('nope') == nil, table.concat(Agent.list(), ',')`);
  const v = values(r);
  assert.deepEqual(v.slice(0, 4), ['"echo: What is Rust?"', '"openai/echo-0001"', 'true', 'true']);
  assert.match(v[4], /helper/);
});

test('an interrupt cancels the HTTP request and the runtime stays usable', async () => {
  fake.reset();
  const run = h.run(`return Agent.query('x', { model = 'openai/slow' })`);
  await waitFor(() => fake.requests.some((q) => q.body.model === 'slow'), 'the slow request at the fake');
  h.rt.interrupt();
  const r = await run;
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.ename, 'Interrupted');
  assert.deepEqual(values(await h.run(`return Agent.query('again').content`)), ['"echo: again"']);
});
