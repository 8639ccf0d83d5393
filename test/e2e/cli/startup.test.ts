import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import { currentBundle } from '../../../kernel/cli/lsp-entry';
import { currentBundle as currentBundleFile } from '../../../kernel/shared/code-cache';
import { WORKER_BUNDLE } from '../../../kernel/runtime/prestart';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Start-up work (issue 17): each command loads only what it uses, and the fast paths change
 * nothing users see (same output, errors and exit status). Speed itself is measured in
 * bench/startup.ts, not here.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'llmspell');

/** A preload that writes the files the process loaded (require.cache) to `out` at exit. */
function preloadSource(out: string): string {
  return `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`;
}

/** The npm packages among loaded files. */
function packagesOf(files: string[]): Set<string> {
  const names = files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]);
  return new Set(names.filter((p): p is string => p !== undefined));
}

function esbuildInstalled(): boolean {
  try {
    require.resolve('esbuild', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

/** Run the CLI with a preload that lists, at exit, the packages the process loaded. */
function withModules(args: string[], env: NodeJS.ProcessEnv = {}, input = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-startup-'));
  const out = path.join(dir, 'modules.json');
  const preload = path.join(dir, 'preload.js');
  fs.writeFileSync(preload, preloadSource(out));
  const r = spawnSync(process.execPath, ['-r', preload, BIN, ...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, LLMSPELL_CONFIG: '', LLMSPELL_PROFILE: '', ...env },
    timeout: 30_000,
  });
  const files = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]) : [];
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...r, packages: packagesOf(files) };
}

test('exec and run load neither the config validator nor protocol packages when there is no config', () => {
  const r = withModules(['exec', 'return 1 + 1']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '2\n');
  for (const p of ['zod', 'smol-toml', 'vscode-languageserver', 'zeromq', '@vscode/debugadapter', 'pino'])
    assert.ok(!r.packages.has(p), `exec loaded ${p}`);
});

test('plain run and exec start without commander, with the same results as through it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-startup-'));
  const script = path.join(dir, 'args.lua');
  fs.writeFileSync(script, 'print(select("#", ...), ...)\nerror(arg[0] .. " " .. #arg)\n');
  // `--trace error` before the command sends the same command line through commander.
  const cases = [
    ['run', script, '-h', '--', 'x'],
    ['run', path.join(dir, 'missing.lua')],
    ['exec', 'return 6 * 7'],
    ['exec', 'local x = = 1'],
  ];
  for (const args of cases) {
    const plain = withModules(args);
    const parsed = withModules(['--trace', 'error', ...args]);
    assert.ok(!plain.packages.has('commander'), `${args.join(' ')} loaded commander`);
    assert.ok(parsed.packages.has('commander'));
    assert.deepEqual(
      { status: plain.status, stdout: plain.stdout, stderr: plain.stderr },
      { status: parsed.status, stdout: parsed.stdout, stderr: parsed.stderr },
      args.join(' '),
    );
  }
  const extra = withModules(['exec', 'return 1', 'extra']);
  assert.equal(extra.status, 1);
  assert.match(extra.stderr, /too many arguments for 'exec'/);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Start `llmspell ARGS`, answer initialize, shut down; the modules it loaded. */
async function lspSession(args: string[]): Promise<{ stdout: string; files: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-startup-'));
  const out = path.join(dir, 'modules.json');
  const preload = path.join(dir, 'preload.js');
  fs.writeFileSync(preload, preloadSource(out));
  const child = spawn(process.execPath, ['-r', preload, BIN, ...args], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const frame = (msg: object) => {
    const s = JSON.stringify({ jsonrpc: '2.0', ...msg });
    return `Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`;
  };
  let stdout = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no initialize response: ${stdout}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('"id":1')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, capabilities: {} } }));
  });
  child.stdin.write(frame({ id: 2, method: 'shutdown' }) + frame({ method: 'exit' }));
  await closed;
  const files = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
  fs.rmSync(dir, { recursive: true, force: true });
  return { stdout, files };
}

test("editors' `kernel start --lsp [--stdio]` starts without commander; other flags go through it", async () => {
  for (const args of [
    ['kernel', 'start', '--lsp', '--stdio'],
    ['kernel', 'start', '--lsp', '--trace', 'warn'],
  ]) {
    const { stdout, files } = await lspSession(args);
    assert.match(stdout, /"id":1,"result":\{"capabilities"/, args.join(' '));
    assert.equal(packagesOf(files).has('commander'), args.includes('--trace'), args.join(' '));
  }
});

test('the language server does not load the runtime, the config validator or ZeroMQ', async () => {
  const { stdout, files } = await lspSession(['kernel', 'start', '--lsp']);
  assert.match(stdout, /"id":1,"result":\{"capabilities"/);
  const packages = packagesOf(files);
  // The build bundles the server (one file, no packages); after a plain `tsc` the bundle is stale
  // and the compiled modules are loaded instead. `npm test` builds, so there the bundle is used.
  const bundled = files.some((f) => f.endsWith(path.join('dist', 'server', 'main.bundle.js')));
  assert.equal(bundled, currentBundle() !== undefined, 'bundle used exactly when it is current');
  if (process.env.npm_lifecycle_event === 'test' && esbuildInstalled())
    assert.ok(bundled, 'npm test built the bundle, yet the language server did not load it');
  if (!bundled) assert.ok(packages.has('vscode-languageserver'));
  for (const p of ['zod', 'zeromq', 'wasmoon', 'pino', 'vscode-languageserver'].slice(0, bundled ? 5 : 4))
    assert.ok(!packages.has(p), `kernel start --lsp loaded ${p}`);
});

test('a config file, a profile or an LLMSPELL_* variable is still validated by run and exec', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-startup-'));
  const bad = path.join(dir, 'bad.toml');
  fs.writeFileSync(bad, '[kernel]\nport = "abc"\n');
  const file = withModules(['-c', bad, 'exec', 'return 1']);
  assert.equal(file.status, 1);
  assert.match(file.stderr, /bad\.toml: \[kernel\] port: .*\(got 'abc'\)/);
  assert.ok(file.packages.has('zod'));
  const env = withModules(['exec', 'return 1'], { LLMSPELL_PORT: 'x' });
  assert.equal(env.status, 1);
  assert.match(env.stderr, /LLMSPELL_PORT \(\[kernel\] port\)/);
  const profile = withModules(['-p', 'nosuch', 'run', bad]);
  assert.equal(profile.status, 1);
  assert.match(profile.stderr, /unknown profile 'nosuch'/);
  const good = withModules(['-p', 'development', 'exec', 'return 6 * 7']);
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stdout, '42\n');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('all output written before the script ends reaches a pipe, whatever the exit status', () => {
  const code =
    'for i = 1, 20000 do io.write(string.format("line %05d\\n", i)) end io.stderr:write("done\\n")';
  const ok = withModules(['exec', code]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.length, 20000 * 11);
  assert.ok(ok.stdout.endsWith('line 20000\n'));
  assert.equal(ok.stderr, 'done\n');
  const failed = withModules(['exec', `${code} error("boom")`]);
  assert.equal(failed.status, 1);
  assert.equal(failed.stdout.length, 20000 * 11);
  assert.match(failed.stderr, /^done\nllmspell: \(exec\):1: boom/);
});

test('run and exec boot the VM worker from its bundle, with a code cache V8 accepts under their flags', (t) => {
  const current = currentBundleFile(WORKER_BUNDLE);
  if (!current) {
    if (process.env.npm_lifecycle_event === 'test' && esbuildInstalled())
      assert.fail('npm test built the worker bundle, yet it is not current');
    t.skip('no current worker bundle (built by `npm run build`; a plain tsc makes it stale)');
    return;
  }
  assert.ok(current.cache, 'the build wrote the code cache');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-startup-'));
  const preload = path.join(dir, 'preload.js');
  // Records the workers started and, for the bundle, whether V8 takes the cache in this process.
  fs.writeFileSync(
    preload,
    `const wt = require('worker_threads'); const W = wt.Worker; const fs = require('fs'); const vm = require('vm');
wt.Worker = function (file, opts) {
  const d = (opts && opts.workerData) || {};
  let rejected = null;
  if (d.cache) {
    const src = fs.readFileSync(d.bundle, 'utf8');
    const wrapper = '(function (exports, require, module, __filename, __dirname) { ' + src + '\\n})';
    rejected = new vm.Script(wrapper, { filename: d.bundle, cachedData: fs.readFileSync(d.cache) }).cachedDataRejected;
  }
  process.stderr.write('WORKER ' + JSON.stringify({ file: require('path').basename(file), rejected }) + '\\n');
  return new W(file, opts);
};\n`,
  );
  for (const args of [
    ['exec', 'return 6 * 7'],
    ['--trace', 'error', 'exec', 'return 6 * 7'],
  ]) {
    const r = spawnSync(process.execPath, ['-r', preload, BIN, ...args], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '42\n');
    const workers = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('WORKER '))
      .map((l) => JSON.parse(l.slice(7)) as object);
    assert.deepEqual(workers, [{ file: 'worker-entry.js', rejected: false }], r.stderr);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
