import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Harness, fixture } from './helpers';
import type { RuntimeEvent } from '../../../kernel/runtime/types';

let h: Harness;
before(async () => {
  h = await Harness.create();
});
after(async () => {
  await h.dispose();
});

test('a cell that is an expression shows its value; globals persist between cells', async () => {
  const r1 = await h.rt.execute('counter = 41', { chunkName: '/cells/1.lua', mode: 'cell' });
  assert.deepEqual(r1, { ok: true, values: [] });
  const r2 = await h.rt.execute('counter + 1', { chunkName: '/cells/2.lua', mode: 'cell' });
  assert.deepEqual(r2, { ok: true, values: ['42'] });
  const r3 = await h.rt.execute('local t = {1, 2, x = "y"}\nreturn t', {
    chunkName: '/cells/3.lua',
    mode: 'cell',
  });
  assert.deepEqual(r3, { ok: true, values: ['{1, 2, x = "y"}'] });
});

test('print and io.write stream as output events', async () => {
  h.output = '';
  await h.rt.execute('print("a", 1, nil) io.write("b", 2, "\\n") io.stderr:write("err\\n")', {
    chunkName: '/cells/4.lua',
    mode: 'cell',
  });
  assert.equal(h.output, 'a\t1\tnil\nb2\nerr\n');
  const streams = h.events
    .filter((e) => e.type === 'output')
    .map((e) => (e.type === 'output' ? e.stream : ''));
  assert.ok(streams.includes('stderr'));
});

test('errors carry file:line, a traceback of user lines, and the error name', async () => {
  const file = fixture('errors.lua');
  const r = await h.runFile(file);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.ename, 'LuaError');
  assert.equal(r.error.message, `${file}:2: attempt to index a nil value (field 'field')`);
  assert.deepEqual(r.error.location, { path: file, line: 2 });
  assert.deepEqual(r.error.traceback, [
    `${file}:2: in local 'inner'`,
    `${file}:11: in main chunk`,
    '[C]: in ?',
  ]);
});

test('syntax errors have line and column', async () => {
  const r = await h.rt.execute('local x = 1\nlocal y = = 2', {
    chunkName: '/cells/syntax.lua',
    mode: 'file',
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.ename, 'SyntaxError');
  assert.match(r.error.message, /^\/cells\/syntax\.lua:2: unexpected symbol near '='/);
  assert.equal(r.error.column, 11);
});

test('Lua 5.4 syntax runs: attributes, goto, integer division, bitwise operators', async () => {
  const r = await h.runFile(fixture('lua54.lua'));
  assert.deepEqual(r, { ok: true, values: ['21'] });
});

test('script arguments are visible as arg and ...', async () => {
  const r = await h.rt.execute('return select("#", ...), ..., arg[0], arg[2]', {
    chunkName: '/tmp/args.lua',
    mode: 'file',
    args: ['one', 'two'],
    scriptName: 'args.lua',
  });
  assert.deepEqual(r, { ok: true, values: ['2', '"one"', '"args.lua"', '"two"'] });
});

test('io.read asks the front end and gets the answer', async () => {
  const off = h.rt.onEvent((e) => {
    if (e.type === 'input') h.rt.provideInput(e.prompt === '' ? 'typed line' : 'unexpected');
  });
  const r = await h.rt.execute('local l = io.read() return l', {
    chunkName: '/cells/read.lua',
    mode: 'cell',
  });
  off();
  assert.deepEqual(r, { ok: true, values: ['"typed line"'] });
});

test('files, require and dofile use the host file system', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-rt-'));
  fs.writeFileSync(path.join(dir, 'mymod.lua'), 'return { answer = function() return 42 end }\n');
  const code = `
    package.path = ${JSON.stringify(dir + '/?.lua')} .. ';' .. package.path
    local m = require('mymod')
    local f = assert(io.open(${JSON.stringify(dir + '/out.txt')}, 'w'))
    f:write('x=', 1, '\\nsecond\\n')
    f:close()
    local lines = {}
    for l in io.lines(${JSON.stringify(dir + '/out.txt')}) do lines[#lines + 1] = l end
    local missing, err = io.open(${JSON.stringify(dir + '/nope.txt')})
    return m.answer(), lines[1], lines[2], missing, err ~= nil`;
  const r = await h.rt.execute(code, { chunkName: '/cells/files.lua', mode: 'cell' });
  assert.deepEqual(r, { ok: true, values: ['42', '"x=1"', '"second"', 'nil', 'true'] });
  fs.rmSync(dir, { recursive: true });
});

test('os.exit ends the script with its code', async () => {
  const r = await h.rt.execute('os.exit(3)', { chunkName: '/cells/exit.lua', mode: 'cell' });
  assert.deepEqual(r, { ok: true, values: [], exitCode: 3 });
});

test('complete and inspect see live values', async () => {
  await h.rt.execute('myTable = { alpha = 1, beta = function() end }', {
    chunkName: '/cells/c.lua',
    mode: 'cell',
  });
  assert.deepEqual((await h.rt.complete('myTable.a')).matches, ['alpha']);
  assert.ok((await h.rt.complete('string.fo')).matches.includes('format'));
  const ins = await h.rt.inspect('myTable');
  assert.equal(ins.found, true);
  assert.match(ins.text, /alpha = 1/);
  assert.ok((await h.rt.globals()).includes('myTable'));
});

test('a refused input request raises a Lua error at the io.read line', async () => {
  const off = h.rt.onEvent((e) => {
    if (e.type === 'input') h.rt.rejectInput('input is not allowed here');
  });
  const r = await h.rt.execute('local x = 1\nlocal l = io.read()\nreturn l', {
    chunkName: '/cells/deny.lua',
    mode: 'cell',
  });
  off();
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.message, '/cells/deny.lua:2: input is not allowed here');
});

test('display functions emit MIME bundles with ids; update and clear', async () => {
  const seen: RuntimeEvent[] = [];
  const off = h.rt.onEvent((e) => {
    if (e.type === 'display' || e.type === 'clear') seen.push(e);
  });
  const r = await h.rt.execute(
    'local id = display.html("<b>hi</b>")\ndisplay.json({ a = 1, list = { 1, 2 } })\ndisplay.update(id, "markdown", "# new")\ndisplay.clear(true)\nreturn id',
    { chunkName: '/cells/display.lua', mode: 'cell' },
  );
  off();
  assert.equal(r.ok, true);
  assert.equal(seen.length, 4);
  const [html, json, upd, clear] = seen;
  assert.ok(
    html.type === 'display' && html.data['text/html'] === '<b>hi</b>' && html.data['text/plain'] === 'hi',
  );
  assert.ok(json.type === 'display');
  if (json.type === 'display') assert.deepEqual(json.data['application/json'], { a: 1, list: [1, 2] });
  assert.ok(
    upd.type === 'display' && upd.update && html.type === 'display' && upd.displayId === html.displayId,
  );
  assert.deepEqual(clear, { type: 'clear', wait: true });
});

test('file I/O is byte-exact (binary data survives write and read)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-bin-'));
  const file = path.join(dir, 'all-bytes.bin');
  const w = await h.rt.execute(
    `local parts = {} for i = 0, 255 do parts[#parts + 1] = string.char(i) end
     local f = assert(io.open(${JSON.stringify(file)}, 'wb')) f:write(table.concat(parts)) f:close()`,
    { chunkName: '/cells/bin-write.lua', mode: 'cell' },
  );
  assert.equal(w.ok, true);
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.length, 256);
  assert.ok(bytes.every((b, i) => b === i));
  fs.writeFileSync(file, Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0a, 0x80]));
  const r = await h.rt.execute(
    `local f = assert(io.open(${JSON.stringify(file)}, 'rb')) local d = f:read('a') f:close()
     return #d, d:byte(1), d:byte(3), d:byte(6)`,
    { chunkName: '/cells/bin-read.lua', mode: 'cell' },
  );
  assert.deepEqual(r, { ok: true, values: ['6', '255', '195', '128'] });
  fs.rmSync(dir, { recursive: true });
});
