import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Harness, fixture, lineOf } from './helpers';
import { fixturePath } from '../../support/fixtures';

let h: Harness;
beforeEach(async () => {
  h = await Harness.create();
});
afterEach(async () => {
  await h.dispose();
});

/** Shared with the DAP tests (one copy of the fixture). */
const BASIC = fixturePath('dap', 'basic.lua');
const STEP = fixture('stepping.lua');
const VARS = fixture('vars.lua');

test('a breakpoint on a blank line moves to the next statement; past the end it is rejected', async () => {
  const blank = lineOf(BASIC, 'local sum = a + b') + 1;
  const res = await h.rt.debugger.setBreakpoints(BASIC, [{ line: blank }, { line: 400 }]);
  assert.equal(res[0].verified, true);
  assert.equal(res[0].line, blank + 1);
  assert.match(res[0].message ?? '', /moved/);
  assert.equal(res[1].verified, false);
  assert.match(res[1].message ?? '', /no statement/);
  const run = h.runFile(BASIC);
  const stop = await h.nextStop();
  assert.equal(stop.reason, 'breakpoint');
  assert.deepEqual(stop.location, { path: BASIC, line: blank + 1 });
  assert.deepEqual(stop.hitBreakpointIds, [res[0].id]);
  await h.rt.debugger.setBreakpoints(BASIC, []);
  h.rt.debugger.resume();
  assert.deepEqual(await run, { ok: true, values: ['15'] });
});

test('frames have names, paths and lines', async () => {
  await h.rt.debugger.setBreakpoints(BASIC, [{ line: lineOf(BASIC, 'return sum') }]);
  const run = h.runFile(BASIC);
  await h.nextStop();
  const st = await h.rt.debugger.stackTrace(1);
  assert.deepEqual(
    st.frames.map((f) => [f.name, f.line, f.path]),
    [
      ['add', lineOf(BASIC, 'return sum'), BASIC],
      ['run', lineOf(BASIC, 'total = add(total, i)'), BASIC],
      ['main chunk', lineOf(BASIC, 'local result = M.run(5)'), BASIC],
    ],
  );
  const partial = await h.rt.debugger.stackTrace(1, 1, 1);
  assert.equal(partial.total, 3);
  assert.equal(partial.frames[0].name, 'run');
  await h.rt.debugger.setBreakpoints(BASIC, []);
  h.rt.debugger.resume();
  await run;
});

test('conditions, hit counts and log points', async () => {
  const line = lineOf(BASIC, 'return sum');
  await h.rt.debugger.setBreakpoints(BASIC, [{ line, condition: 'a == 6' }]);
  let run = h.runFile(BASIC);
  await h.nextStop();
  assert.equal((await h.locals()).a, '6');
  h.rt.debugger.resume();
  await run;

  for (const [hitCondition, expected] of [
    ['>= 3', ['3', '6', '10']],
    ['% 2', ['1', '6']],
    ['== 5', ['10']],
  ] as const) {
    await h.rt.debugger.setBreakpoints(BASIC, [{ line, hitCondition }]);
    run = h.runFile(BASIC);
    const seen: string[] = [];
    for (const _ of expected) {
      await h.nextStop();
      seen.push((await h.locals()).a);
      h.rt.debugger.resume();
    }
    await run;
    assert.deepEqual(seen, [...expected], `hit condition ${hitCondition}`);
  }

  await h.rt.debugger.setBreakpoints(BASIC, [{ line, logMessage: 'a={a} sum={a + b}' }]);
  h.output = '';
  await h.runFile(BASIC);
  assert.match(h.output, /a=0 sum=1\na=1 sum=3\na=3 sum=6\na=6 sum=10\na=10 sum=15\n/);
  const log = h.events.find((e) => e.type === 'output' && e.source);
  assert.ok(log && log.type === 'output' && log.source?.line === line);

  const bad = await h.rt.debugger.setBreakpoints(BASIC, [
    { line, hitCondition: 'often' },
    { line: 3, condition: 'a ==' },
  ]);
  assert.equal(bad[0].verified, false);
  assert.equal(bad[1].verified, false);
});

test('step over a recursive call, step in, step out', async () => {
  const call = lineOf(STEP, 'local f5 = fact(5)');
  await h.rt.debugger.setBreakpoints(STEP, [{ line: call }]);
  const run = h.runFile(STEP);
  await h.nextStop();
  h.rt.debugger.step('over');
  let stop = await h.nextStop();
  assert.equal(stop.reason, 'step');
  assert.equal(stop.location?.line, call + 1);
  // step into tail(3)
  h.rt.debugger.step('in');
  stop = await h.nextStop();
  assert.equal(stop.reason, 'step');
  assert.equal((await h.topFrame()).name, 'tail');
  // step over the tail call line until we leave tail: tail calls reuse the frame
  const tailLine = lineOf(STEP, 'return tail(n - 1)');
  h.rt.debugger.step('over');
  stop = await h.nextStop();
  assert.equal(stop.location?.line, tailLine);
  // step out stops in the caller on the line of the call, right after the return (as lua-debug)
  h.rt.debugger.step('out');
  stop = await h.nextStop();
  assert.equal((await h.topFrame()).name, 'main chunk');
  assert.equal(stop.location?.line, lineOf(STEP, 'local t = tail(3)'));
  await h.rt.debugger.setBreakpoints(STEP, []);
  h.rt.debugger.resume();
  assert.equal((await run).ok, true);
});

test('stepping into pcall, coroutines, table.sort comparators, gsub callbacks and metamethods', async () => {
  const targets: Array<[string, string]> = [
    ['local ok, err = pcall(fails)', 'error("boom")'],
    ['local y1 = gen(1)', 'local x = coroutine.yield(a + 1)'],
    ['table.sort(list, function(a, b)', 'return a < b'],
    ['local s = string.gsub("abc", "%w", function(c)', 'return c:upper()'],
    ['local v = mt.key', 'return k .. "!"'],
  ];
  await h.rt.debugger.setBreakpoints(
    STEP,
    targets.map(([from]) => ({ line: lineOf(STEP, from) })),
  );
  const run = h.runFile(STEP);
  for (const [from, into] of targets) {
    const stop = await h.nextStop();
    assert.equal(stop.location?.line, lineOf(STEP, from), `stopped at ${from}`);
    // A call whose arguments span lines is reported on its last line first (Lua's own line events).
    let inner = stop;
    for (let i = 0; i < 3 && inner.location?.line !== lineOf(STEP, into); i++) {
      h.rt.debugger.step('in');
      inner = await h.nextStop();
    }
    assert.equal(inner.location?.line, lineOf(STEP, into), `stepped into ${into}`);
    if (into.includes('yield')) {
      // step over the yield: execution goes back to the resumer (main chunk)
      h.rt.debugger.step('over');
      const back = await h.nextStop();
      assert.equal(back.location?.line, lineOf(STEP, 'local y2 = gen(10)'));
      h.rt.debugger.step('in');
      const again = await h.nextStop();
      assert.equal(again.location?.line, lineOf(STEP, 'return x * 2'));
    }
    h.rt.debugger.resume();
  }
  const r = await run;
  assert.equal(r.ok, true);
});

test('step over error unwinding lands in the pcall caller', async () => {
  await h.rt.debugger.setBreakpoints(STEP, [{ line: lineOf(STEP, 'error("boom")') }]);
  const run = h.runFile(STEP);
  await h.nextStop();
  h.rt.debugger.step('over');
  const stop = await h.nextStop();
  assert.equal(stop.location?.line, lineOf(STEP, 'local f5 = fact(5)'));
  await h.rt.debugger.setBreakpoints(STEP, []);
  h.rt.debugger.resume();
  await run;
});

test('scopes: locals with varargs, upvalues, globals, tables with metatables; evaluate and setVariable', async () => {
  await h.rt.debugger.setBreakpoints(VARS, [{ line: lineOf(VARS, 'return a + b + n') }]);
  const run = h.runFile(VARS);
  await h.nextStop();
  const frame = await h.topFrame();
  const scopes = await h.rt.debugger.scopes(frame.id);
  assert.deepEqual(
    scopes.map((s) => s.name),
    ['Locals', 'Upvalues', 'Globals'],
  );
  const locals = await h.rt.debugger.variables(scopes[0].ref);
  const byName = Object.fromEntries(locals.map((v) => [v.name, v]));
  assert.equal(byName.a.value, '10');
  assert.equal(byName.s.value, '"text"');
  assert.equal(byName.t.type, 'table');
  assert.ok(byName.t.ref > 0);
  const tfields = await h.rt.debugger.variables(byName.t.ref);
  assert.deepEqual(
    tfields.map((v) => v.name),
    ['x', 'y'],
  );
  const varargs = await h.rt.debugger.variables(byName['...'].ref);
  assert.deepEqual(
    varargs.map((v) => v.value),
    ['"va1"', '"va2"'],
  );
  const upvalues = await h.rt.debugger.variables(scopes[1].ref);
  const up = upvalues.find((v) => v.name === 'up');
  assert.ok(up);
  const upFields = await h.rt.debugger.variables(up.ref);
  assert.ok(upFields.some((v) => v.name === '[metatable]'));
  const globals = await h.rt.debugger.variables(scopes[2].ref);
  assert.ok(globals.some((v) => v.name === 'GLOBAL_X' && v.value === '42'));
  assert.ok(globals.some((v) => v.name === '[standard library]'));
  assert.ok(!globals.some((v) => v.name === 'string'));

  assert.equal((await h.rt.debugger.evaluate('a + b', frame.id)).value, '30');
  await h.rt.debugger.evaluate('b = 100', frame.id);
  await h.rt.debugger.evaluate('up.list[4] = 4', frame.id);
  const set = await h.rt.debugger.setVariable(scopes[0].ref, 'n', '1000');
  assert.equal(set.value, '1000');
  await h.rt.debugger.setVariable(byName.t.ref, 'x', '"changed"');
  assert.equal((await h.rt.debugger.evaluate('t.x', frame.id)).value, '"changed"');
  assert.ok((await h.rt.debugger.completions('t.', frame.id)).includes('x'));
  await h.rt.debugger.setBreakpoints(VARS, []);
  h.rt.debugger.resume();
  // a (10) + b (100, set by evaluate) + n (1000, set by setVariable) + #up.list (4)
  assert.deepEqual(await run, { ok: true, values: ['1114'] });
});

test('stop on uncaught errors and on every error()', async () => {
  const file = fixture('errors.lua');
  await h.rt.debugger.setExceptionFilters({ uncaught: true, all: false });
  let run = h.runFile(file);
  let stop = await h.nextStop();
  assert.equal(stop.reason, 'exception');
  assert.match(stop.text ?? '', /attempt to index a nil value/);
  assert.equal(stop.location?.line, 2);
  assert.equal((await h.locals()).t, '{}');
  h.rt.debugger.resume();
  assert.equal((await run).ok, false);

  await h.rt.debugger.setExceptionFilters({ uncaught: true, all: true });
  run = h.runFile(file);
  stop = await h.nextStop();
  assert.equal(stop.reason, 'exception');
  assert.match(stop.text ?? '', /caught one/);
  h.rt.debugger.resume();
  stop = await h.nextStop();
  assert.match(stop.text ?? '', /attempt to index/);
  h.rt.debugger.resume();
  await run;
});

test('stop on entry, function breakpoints, and breakpoints added while running', async () => {
  h.rt.debugger.setStopOnEntry(true);
  let run = h.runFile(BASIC);
  let stop = await h.nextStop();
  assert.equal(stop.reason, 'entry');
  assert.equal(stop.location?.line, 1);
  h.rt.debugger.resume();
  await run;

  const fb = await h.rt.debugger.setFunctionBreakpoints(['add']);
  assert.equal(fb[0].verified, true);
  run = h.runFile(BASIC);
  stop = await h.nextStop();
  assert.equal(stop.reason, 'function breakpoint');
  assert.equal(stop.location?.line, lineOf(BASIC, 'local sum = a + b'));
  await h.rt.debugger.setFunctionBreakpoints([]);
  h.rt.debugger.resume();
  await run;

  // A breakpoint set while the loop already runs (the chunk was loaded without a probe there).
  const LOOP = fixture('ticker.lua');
  run = h.runFile(LOOP);
  await h.waitOutput('tick');
  const res = await h.rt.debugger.setBreakpoints(LOOP, [{ line: lineOf(LOOP, 'count = count + 1') }]);
  assert.equal(res[0].verified, true);
  stop = await h.nextStop();
  assert.equal(stop.reason, 'breakpoint');
  assert.equal((await h.topFrame()).name, 'tick');
  h.rt.interrupt();
  const r = await run;
  assert.equal(r.ok, false);
});

test('a long-lived runtime keeps parsed summaries for recent sources only and still resolves old ones', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-many-'));
  const files: string[] = [];
  for (let i = 0; i < 300; i++) {
    const f = path.join(dir, `cell${i}.lua`);
    fs.writeFileSync(f, `local v = ${i}\n\nreturn v * 2\n`);
    files.push(f);
    const r = await h.runFile(f);
    assert.deepEqual(r, { ok: true, values: [String(i * 2)] });
  }
  // The first source's summary was dropped long ago: resolving parses it again from disk.
  const res = await h.rt.debugger.setBreakpoints(files[0], [{ line: 2 }]);
  assert.equal(res[0].verified, true);
  assert.equal(res[0].line, 3);
  const run = h.runFile(files[0]);
  const stop = await h.nextStop();
  assert.deepEqual(stop.location, { path: files[0], line: 3 });
  h.rt.debugger.resume();
  assert.deepEqual(await run, { ok: true, values: ['0'] });
  fs.rmSync(dir, { recursive: true });
});

test('a breakpoint that is both late (old load) and probed (new load) stops once per visit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-late-'));
  const file = path.join(dir, 'loop.lua');
  fs.writeFileSync(file, 'local total = 0\nfor i = 1, 3 do\n  total = total + i\nend\nreturn total\n');
  assert.deepEqual(await h.runFile(file), { ok: true, values: ['6'] });
  await h.rt.debugger.setBreakpoints(file, [{ line: 3, hitCondition: '== 2' }]);
  const run = h.runFile(file);
  const stop = await h.nextStop();
  assert.equal(stop.location?.line, 3);
  assert.equal((await h.locals()).i, '2');
  h.rt.debugger.resume();
  assert.deepEqual(await run, { ok: true, values: ['6'] });
  assert.equal(h.events.filter((e) => e.type === 'stopped').length, 1);
  fs.rmSync(dir, { recursive: true });
});

test("a stop in a dofile'd chunk shows its callers: the chunk, dofile and the outer main chunk", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-dofile-stack-'));
  const inner = path.join(dir, 'inner.lua');
  const outer = path.join(dir, 'outer.lua');
  fs.writeFileSync(inner, 'local function helper()\n  return 42\nend\nlocal r = helper()\nreturn r\n');
  fs.writeFileSync(
    outer,
    `local before = 1\nlocal v = dofile(${JSON.stringify(inner)})\nreturn v + before\n`,
  );
  try {
    await h.rt.debugger.setBreakpoints(inner, [{ line: lineOf(inner, 'return 42') }]);
    const run = h.runFile(outer);
    await h.nextStop();
    const st = await h.rt.debugger.stackTrace(1);
    const shown = st.frames.map((f) => [f.name, f.line, f.path]);
    assert.deepEqual(shown[0], ['helper', lineOf(inner, 'return 42'), inner]);
    assert.deepEqual(shown[1], ['main chunk', lineOf(inner, 'local r = helper()'), inner]);
    assert.deepEqual(shown[shown.length - 1], ['main chunk', lineOf(outer, 'dofile('), outer]);
    await h.rt.debugger.setBreakpoints(inner, []);
    h.rt.debugger.resume();
    assert.deepEqual(await run, { ok: true, values: ['43'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
