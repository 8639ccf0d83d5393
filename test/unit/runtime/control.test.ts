import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { Harness, fixture, waitFor } from './helpers';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { StoppedEvent } from '../../../kernel/runtime/types';

let h: Harness;
beforeEach(async () => {
  h = await Harness.create();
});
afterEach(async () => {
  await h.dispose();
});

// How fast pause and interrupt arrive, and the CPU used while stopped, are measured by
// bench/control.ts (timings do not belong in tests); here: that they arrive, where, and what follows.
test('pause stops a spinning loop on its line; after resume, interrupt ends it with Interrupted', async () => {
  const run = h.rt.execute('local i = 0\nwhile true do i = i + 1 if i % 20000 == 0 then print(i) end end', {
    chunkName: '/cells/spin.lua',
    mode: 'cell',
  });
  await h.waitOutput('20000');
  h.rt.debugger.pause();
  const stop = await h.nextStop();
  assert.equal(stop.reason, 'pause');
  assert.equal(stop.location?.line, 2);
  const printed = h.output;
  h.rt.debugger.resume();
  await waitFor(() => h.output.length > printed.length, 'output after resume');
  h.rt.interrupt();
  const r = await run;
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.ename, 'Interrupted');
  assert.deepEqual(await h.rt.execute('i == nil', { chunkName: '/cells/after.lua', mode: 'cell' }), {
    ok: true,
    values: ['true'],
  });
});

test('interrupt stops deep recursion without loops and survives pcall catching it', async () => {
  const code = `
    local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
    while true do print('round') pcall(fib, 25) end`;
  const run = h.rt.execute(code, { chunkName: '/cells/rec.lua', mode: 'cell' });
  await waitFor(() => h.output.split('round').length > 2, 'two rounds of fib');
  h.rt.interrupt();
  const r = await run;
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.ename, 'Interrupted');
});

/** 1-based line of the first line of `code` containing `text`. */
function lineIn(code: string, text: string): number {
  return code.split('\n').findIndex((l) => l.includes(text)) + 1;
}

test('pause inside a table.sort comparator and inside a coroutine', async () => {
  const code = `
    local t = {}
    for i = 1, 3000 do t[i] = (i * 7919) % 1000 end
    local co = coroutine.create(function()
      local n = 0 while true do n = n + 1 if n == 1 then print('sorting') end
        table.sort(t, function(a, b)
          return a > b
        end)
        table.sort(t, function(a, b) return a < b end)
      end
    end)
    coroutine.resume(co)`;
  const run = h.rt.execute(code, { chunkName: '/cells/sort.lua', mode: 'cell' });
  await h.waitOutput('sorting'); // printed once: later output would move where the pause lands
  // A pause lands on whatever line runs next; almost always a comparator (where the time goes),
  // rarely the loop's own lines. Pause again until it is in a comparator (bounded).
  const comparatorLines = [lineIn(code, 'return a > b'), lineIn(code, 'return a < b end')];
  let stop!: StoppedEvent;
  let st!: Awaited<ReturnType<typeof h.rt.debugger.stackTrace>>;
  for (let attempt = 0; attempt < 50; attempt++) {
    h.rt.debugger.pause();
    stop = await h.nextStop();
    assert.equal(stop.reason, 'pause');
    assert.ok(stop.threadId > 1, 'stopped in the coroutine thread');
    st = await h.rt.debugger.stackTrace(stop.threadId);
    if (comparatorLines.includes(st.frames[0].line)) break;
    h.rt.debugger.resume();
  }
  assert.ok(
    st.frames.some((f) => f.name === 'sort' || f.name === '[C function]'),
    JSON.stringify(st.frames),
  );
  assert.ok(comparatorLines.includes(st.frames[0].line), `top frame line ${st.frames[0].line}`);
  const vars = await h.locals(st.frames[0].id);
  assert.ok('a' in vars && 'b' in vars, JSON.stringify(vars));
  h.rt.debugger.step('over');
  await h.nextStop();
  h.rt.interrupt();
  const r = await run;
  assert.equal(r.ok, false);
});

test('memory cap and instruction budget end the script with a clear Lua error', async () => {
  const small = await LuaRuntime.create({ memoryLimitBytes: 8 * 1024 * 1024, instructionLimit: 5_000_000 });
  try {
    const mem = await small.execute('local t = {} for i = 1, 1e8 do t[i] = ("x"):rep(100) .. i end', {
      chunkName: '/cells/mem.lua',
      mode: 'cell',
    });
    assert.equal(mem.ok, false);
    if (!mem.ok) assert.equal(mem.error.ename, 'MemoryError');
    const cpu = await small.execute('while true do end', { chunkName: '/cells/cpu.lua', mode: 'cell' });
    assert.equal(cpu.ok, false);
    if (!cpu.ok) {
      assert.equal(cpu.error.ename, 'InstructionLimit');
      assert.match(cpu.error.message, /instruction limit exceeded/);
    }
    assert.deepEqual(await small.execute('1 + 1', { chunkName: '/cells/ok.lua', mode: 'cell' }), {
      ok: true,
      values: ['2'],
    });
  } finally {
    await small.dispose();
  }
});

test('a running fixture can be paused and shows its frames', async () => {
  const run = h.runFile(fixture('ticker.lua'));
  await h.waitOutput('tick');
  h.rt.debugger.pause();
  await h.nextStop();
  const st = await h.rt.debugger.stackTrace(1);
  assert.ok(st.frames.length >= 1);
  assert.ok(st.frames.every((f) => f.path === fixture('ticker.lua')));
  h.rt.interrupt();
  assert.equal((await run).ok, false);
});

test('threads: a stop inside a coroutine lists the main thread too, each with its own frames and locals', async () => {
  const code = [
    'local function inner(x)',
    '  local y = x * 2',
    '  coroutine.yield(y)',
    '  return y',
    'end',
    'local co = coroutine.create(function(v) local z = v + 1 local r = inner(z) return r end)',
    'local outer = 7',
    'local ok, got = coroutine.resume(co, outer)',
    'return got',
  ].join('\n');
  await h.rt.debugger.setBreakpoints('/cells/threads.lua', [{ line: 3 }]);
  const run = h.rt.execute(code, { chunkName: '/cells/threads.lua', mode: 'file' });
  const stop = await h.nextStop();
  assert.ok(stop.threadId > 1);
  const threads = await h.rt.debugger.threads();
  assert.deepEqual(threads.map((t) => t.id).sort(), [1, stop.threadId].sort());
  const co = await h.rt.debugger.stackTrace(stop.threadId);
  assert.deepEqual(
    co.frames.map((f) => [f.name, f.line]),
    [
      ['inner', 3],
      ['function </cells/threads.lua:6>', 6],
    ],
  );
  const main = await h.rt.debugger.stackTrace(1);
  assert.deepEqual(
    main.frames.map((f) => [f.name, f.line]),
    [['main chunk', 8]],
  );
  const mainLocals = await h.locals(main.frames[0].id);
  assert.equal(mainLocals.outer, '7');
  assert.equal((await h.rt.debugger.evaluate('outer * 3', main.frames[0].id)).value, '21');
  assert.equal((await h.locals(co.frames[0].id)).y, '16');
  await h.rt.debugger.setBreakpoints('/cells/threads.lua', []);
  h.rt.debugger.resume();
  assert.deepEqual(await run, { ok: true, values: ['16'] });
});

test(
  'an interrupt sent right after the execute request ends that execution, every time',
  { timeout: 60000 },
  async () => {
    // A Jupyter client interrupts as soon as it sees execute_input: the interrupt can reach the
    // worker before the chunk starts. It names its execution, so it is applied when that one starts.
    for (let i = 0; i < 10; i++) {
      const run = h.rt.execute('while true do end', { chunkName: `/cells/early${i}.lua`, mode: 'cell' });
      if (i % 2 === 1) await Promise.resolve();
      h.rt.interrupt();
      const r = await run;
      assert.equal(r.ok, false, `run ${i}`);
      if (!r.ok) assert.equal(r.error.ename, 'Interrupted', `run ${i}`);
    }
    assert.deepEqual(await h.rt.execute('1 + 1', { chunkName: '/cells/after-early.lua', mode: 'cell' }), {
      ok: true,
      values: ['2'],
    });
  },
);

test(
  'an interrupt for one execution never reaches the next one queued behind it',
  { timeout: 60000 },
  async () => {
    for (let i = 0; i < 5; i++) {
      const first = h.rt.execute('return 1', { chunkName: `/cells/first${i}.lua`, mode: 'cell' });
      const second = h.rt.execute('local s = 0 for k = 1, 100000 do s = s + k end return s', {
        chunkName: `/cells/second${i}.lua`,
        mode: 'cell',
      });
      h.rt.interrupt(); // for `first` (the oldest execution): it may or may not still be running
      const r1 = await first;
      assert.ok(r1.ok || r1.error.ename === 'Interrupted', JSON.stringify(r1));
      assert.deepEqual(await second, { ok: true, values: ['5000050000'] }, `round ${i}`);
    }
  },
);

test('a pause sent as soon as the program resumed is delivered, every time', { timeout: 60000 }, async () => {
  // A coroutine and the main thread take turns (stops land in either).
  const code = `local co = coroutine.create(function()
      local n = 0
      while true do n = n + 1 if n % 1000 == 0 then coroutine.yield(n) end end
    end)
    local r = 0
    while true do coroutine.resume(co) r = r + 1 if r % 200 == 0 then print('turns') end end`;
  const run = h.rt.execute(code, { chunkName: '/cells/resume-pause.lua', mode: 'cell' });
  await h.waitOutput('turns');
  h.rt.debugger.pause();
  assert.equal((await h.nextStop()).reason, 'pause');
  for (let round = 0; round < 10; round++) {
    // The window: the stop loop took the resume but has not finished; the pause's attention lands there.
    const continued = new Promise<void>((resolve) => {
      const off = h.rt.onEvent((e) => {
        if (e.type === 'continued') {
          off();
          resolve();
        }
      });
    });
    h.rt.debugger.resume();
    await continued;
    h.rt.debugger.pause();
    assert.equal((await h.nextStop(15000)).reason, 'pause', `round ${round}`);
  }
  h.rt.interrupt();
  const r = await run;
  assert.equal(r.ok, false);
});
