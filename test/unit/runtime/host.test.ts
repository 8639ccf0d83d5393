import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { HostModule, RuntimeEvent } from '../../../kernel/runtime/types';
import { signal, waitFor, withTimeout } from '../../support/wait';

let rt: LuaRuntime;
let aborted = 0;
/** Raised when the slow host call reaches its main-thread handler. */
let slowStarted = signal();

const demo: HostModule = {
  name: 'demo',
  lua: `
    local HOST = ...
    Demo = {}
    function Demo.add(a, b) return HOST.call('demo.add', { a = a, b = b }) end
    function Demo.echo(v) return HOST.call('demo.echo', v) end
    function Demo.fail() return HOST.call('demo.fail', {}) end
    function Demo.slow() return HOST.call('demo.slow', {}) end
    function Demo.count(n, fn) return HOST.stream('demo.count', { n = n }, fn) end
    function Demo.check(x)
      if type(x) ~= 'number' then error('Demo.check expects a number', HOST.level()) end
      return x
    end
  `,
  handlers: {
    'demo.add': async (args) => {
      const { a, b } = args as { a: number; b: number };
      await new Promise((r) => setImmediate(r)); // answered on a later turn, as real handlers are
      return { sum: a + b };
    },
    'demo.echo': async (args) => args,
    'demo.fail': async () => {
      throw new Error('HTTP 500 from provider: overloaded');
    },
    'demo.slow': (_args, ctx) =>
      new Promise((_resolve, reject) => {
        slowStarted.resolve();
        ctx.signal.addEventListener('abort', () => {
          aborted++;
          reject(new Error('aborted'));
        });
      }),
    'demo.count': async (args, ctx) => {
      const { n } = args as { n: number };
      for (let i = 1; i <= n; i++) ctx.emit({ i });
      return { done: n };
    },
  },
};

before(async () => {
  rt = await LuaRuntime.create({ hostModules: [demo] });
});
after(async () => {
  await rt.dispose();
});

const cell = (code: string) => rt.execute(code, { chunkName: '/cells/host.lua', mode: 'cell' });

test('host calls block Lua until the main-thread handler answers; values round-trip as JSON', async () => {
  assert.deepEqual(await cell('Demo.add(2, 3).sum'), { ok: true, values: ['5'] });
  assert.deepEqual(
    await cell('local r = Demo.echo({ list = { 1, 2, 3 }, s = "é", t = true }) return r.list[3], r.s, r.t'),
    {
      ok: true,
      values: ['3', '"é"', 'true'],
    },
  );
});

test('handler errors become Lua errors at the caller line; argument errors point at user code', async () => {
  const r = await cell('local x = 1\nlocal y = Demo.fail()\nreturn y');
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.message, '/cells/host.lua:2: HTTP 500 from provider: overloaded');
  const c = await cell('\n\nDemo.check("x")');
  assert.equal(c.ok, false);
  if (!c.ok) assert.equal(c.error.message, '/cells/host.lua:3: Demo.check expects a number');
});

test('streaming calls deliver chunks to a Lua callback before returning', async () => {
  const r = await cell(
    'local got = {} local res = Demo.count(3, function(c) got[#got + 1] = c.i end) return table.concat(got, ","), res.done',
  );
  assert.deepEqual(r, { ok: true, values: ['"1,2,3"', '3'] });
});

test('an interrupt cancels a pending host call and the runtime stays usable', async () => {
  slowStarted = signal();
  const run = cell('return Demo.slow()');
  await withTimeout(slowStarted.promise, 20_000, 'the slow host call to start');
  rt.interrupt();
  const r = await run;
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.ename, 'Interrupted');
  assert.equal(aborted, 1);
  assert.deepEqual(await cell('Demo.add(1, 1).sum'), { ok: true, values: ['2'] });
});

test('a breakpoint set during a host call is applied afterwards', async () => {
  const events: RuntimeEvent[] = [];
  const off = rt.onEvent((e) => events.push(e));
  await rt.debugger.setBreakpoints('/cells/host2.lua', [{ line: 3 }]);
  const run = rt.execute('local a = Demo.add(1, 2)\nlocal b = a.sum\nlocal c = b * 2\nreturn c', {
    chunkName: '/cells/host2.lua',
    mode: 'cell',
  });
  await waitFor(() => events.some((e) => e.type === 'stopped'), 'the stop at line 3');
  const stop = events.find((e) => e.type === 'stopped');
  assert.ok(stop && stop.type === 'stopped' && stop.location?.line === 3);
  await rt.debugger.setBreakpoints('/cells/host2.lua', []);
  rt.debugger.resume();
  assert.deepEqual(await run, { ok: true, values: ['6'] });
  off();
});
