import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, jupyterEnv, type JupyterEnv, runProcess } from './helpers';
import { waitFor } from '../../support/wait';

describe('llmspell kernel start / connect / repl / install-kernelspec, jupyter console', () => {
  let env: JupyterEnv;
  let kernel: ChildProcess;
  let connectionFile: string;
  let exited: Promise<number | null>;
  let stderr = '';

  before(async () => {
    env = await jupyterEnv();
    connectionFile = path.join(env.dir, 'kernel.json');
    const t0 = Date.now();
    kernel = spawn(process.execPath, [BIN, 'kernel', 'start', '--connection-file', connectionFile], {
      env: env.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    kernel.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => kernel.on('exit', (code) => resolve(code)));
    await waitFor(() => existsSync(connectionFile), 'the connection file');
    process.stderr.write(`# kernel start to connection file: ${Date.now() - t0} ms\n`);
  });
  after(() => {
    if (kernel.exitCode === null) kernel.kill('SIGKILL');
    env.cleanup();
  });

  it('writes the connection file (0600, guide format) and registers the kernel', () => {
    assert.equal(statSync(connectionFile).mode & 0o777, 0o600);
    const info = JSON.parse(readFileSync(connectionFile, 'utf8'));
    assert.equal(info.transport, 'tcp');
    assert.equal(info.ip, '127.0.0.1');
    assert.equal(info.kernel_name, 'llmspell');
    for (const k of ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'])
      assert.ok(info[k] > 0);
  });

  it('jupyter console --existing runs code against the kernel', { timeout: 60000 }, async () => {
    const r = await runProcess('jupyter', ['console', '--existing', connectionFile, '--simple-prompt'], {
      env: env.env,
      input: 'x = 6 * 7\nprint("console says " .. x)\n',
      timeoutMs: 50000,
    });
    assert.equal(r.timedOut, false);
    assert.match(r.stdout, /LLMSpell/);
    assert.match(r.stdout, /console says 42/);
  });

  it(
    'llmspell kernel connect and repl: multi-line cells, results, errors, shared state',
    { timeout: 60000 },
    async () => {
      const input = 'function twice(a)\n  return a * 2\nend\ntwice(x)\nprint("from repl")\nerror("bad")\n';
      const r = await runProcess(
        process.execPath,
        [BIN, 'kernel', 'connect', '--connection-file', connectionFile],
        {
          env: env.env,
          input,
          timeoutMs: 30000,
        },
      );
      assert.equal(r.timedOut, false);
      assert.match(r.stdout, /Out\[\d+\]: 84/);
      assert.match(r.stdout, /from repl/);
      assert.match(r.stderr, /LuaError: .*bad/);
      assert.equal(r.code, 1, 'a failing cell makes a piped session exit non-zero');
      const info = JSON.parse(readFileSync(connectionFile, 'utf8'));
      const viaRegistry = await runProcess(
        process.execPath,
        [BIN, 'repl', '--kernel', `localhost:${info.shell_port}`],
        {
          env: env.env,
          input: 'twice(21)\n',
          timeoutMs: 30000,
        },
      );
      assert.match(viaRegistry.stdout, /Out\[\d+\]: 42/);
      assert.equal(viaRegistry.code, 0);
      const unknown = await runProcess(process.execPath, [BIN, 'repl', '--kernel', 'localhost:1'], {
        env: env.env,
        timeoutMs: 30000,
      });
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /no running kernel matches localhost:1/);
    },
  );

  it('a second kernel on the same ports fails with "in use" and the port', { timeout: 30000 }, async () => {
    const info = JSON.parse(readFileSync(connectionFile, 'utf8'));
    const r = await runProcess(
      process.execPath,
      [BIN, 'kernel', 'start', '--connection-file', connectionFile],
      {
        env: env.env,
        timeoutMs: 20000,
      },
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /in use/);
    assert.ok(r.stderr.includes(String(info.shell_port)), r.stderr);
  });

  it('install-kernelspec --prefix writes the kernelspec', { timeout: 30000 }, async () => {
    const prefix = path.join(env.dir, 'prefix');
    const r = await runProcess(process.execPath, [BIN, 'kernel', 'install-kernelspec', '--prefix', prefix], {
      env: env.env,
      timeoutMs: 20000,
    });
    assert.equal(r.code, 0, r.stderr);
    const spec = JSON.parse(
      readFileSync(path.join(prefix, 'share/jupyter/kernels/llmspell/kernel.json'), 'utf8'),
    );
    assert.equal(spec.display_name, 'LLMSpell');
    assert.equal(spec.language, 'lua');
    assert.equal(spec.interrupt_mode, 'message');
    assert.ok(path.isAbsolute(spec.argv[0]));
    assert.deepEqual(spec.argv.slice(-3), ['start', '--connection-file', '{connection_file}']);
  });

  it('SIGTERM stops the kernel gracefully and removes its connection file', { timeout: 30000 }, async () => {
    kernel.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
    assert.equal(code, 0, stderr);
    assert.equal(existsSync(connectionFile), false);
  });
});
