import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'llmspell');

function llmspell(args: string[], input?: string, cwd?: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    input,
    cwd: cwd ?? ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

test('llmspell run passes arguments and exits 0', () => {
  const r = llmspell(['run', 'examples/hello.lua', 'world', 'x']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'Hello, world! (Lua 5.4)\narg[1] = world\narg[2] = x\n');
});

test('a Lua error exits non-zero with file:line: message and a traceback of source lines', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-cli-'));
  const file = path.join(dir, 'bad.lua');
  fs.writeFileSync(file, 'local function f(t)\n  return t.x.y\nend\n\nf({})\n');
  const r = llmspell(['run', file]);
  assert.equal(r.status, 1);
  // the reference interpreter's message and traceback, program name aside
  const ref = spawnSync('lua5.4', [file], { encoding: 'utf8' });
  assert.equal(r.stderr, ref.stderr.replace(/^lua5\.4: /, 'llmspell: '));
  assert.equal(
    r.stderr,
    `llmspell: ${file}:2: attempt to index a nil value (field 'x')\nstack traceback:\n\t${file}:2: in local 'f'\n\t${file}:5: in main chunk\n\t[C]: in ?\n`,
  );
  fs.rmSync(dir, { recursive: true });
});

test('io.read reads the terminal stdin; exec prints expression values; syntax errors name line and column', () => {
  const r = llmspell(['exec', 'local a = io.read("n") local b = io.read("n") return a + b'], '20 22\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '42\n');
  const s = llmspell(['exec', 'local x = = 1']);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /\(exec\):1: unexpected symbol near '=' \(column 11\)/);
  const missing = llmspell(['run', 'no/such/file.lua']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot open no\/such\/file\.lua/);
});

test('Ctrl-C (SIGINT) stops a busy script with an "interrupted" error at the running line, exit 1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-cli-'));
  const file = path.join(dir, 'spin.lua');
  // Everything the loop runs is on line 3, so the interrupt lands there wherever it arrives; the
  // ticks are the readiness signal (output is flushed while the script keeps writing).
  const loop = 'while true do i = i + 1 if i % 100000 == 0 then io.write("tick\\n") end end';
  fs.writeFileSync(file, `local function spin()\n  local i = 0\n  ${loop}\nend\nspin()\n`);
  const child = spawn(process.execPath, [BIN, 'run', file], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000); // safety net only
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('tick\n')) resolve();
    }),
  );
  child.kill('SIGINT');
  const code = await exited;
  clearTimeout(timer);
  assert.equal(code, 1, stderr);
  assert.match(stdout, /^(tick\n)+$/);
  assert.equal(
    stderr,
    `llmspell: ${file}:3: interrupted\nstack traceback:\n\t${file}:3: in local 'spin'\n\t${file}:5: in main chunk\n\t[C]: in ?\n`,
  );
  fs.rmSync(dir, { recursive: true });
});

test('os.exit sets the exit status', () => {
  const r = llmspell(['exec', 'io.write("bye\\n") os.exit(7)']);
  assert.equal(r.status, 7);
  assert.equal(r.stdout, 'bye\n');
});

test('llmspell meta writes the host API definitions for LuaLS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-meta-'));
  const r = llmspell(['meta', '--out', dir]);
  assert.equal(r.status, 0, r.stderr);
  const text = fs.readFileSync(path.join(dir, 'llmspell.lua'), 'utf8');
  assert.match(text, /^---@meta/);
  assert.match(text, /Agent/);
  assert.match(r.stdout, /workspace\.library/);
  const printed = llmspell(['meta']);
  assert.equal(printed.stdout, text);
  fs.rmSync(dir, { recursive: true });
});
