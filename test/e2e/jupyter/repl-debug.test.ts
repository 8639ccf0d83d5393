import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { BIN, runProcess } from './helpers';
import { escapeRe, lineIn } from '../../support/positions';
import { type KernelProcess, startKernelProcess } from '../../support/kernels';
import { waitFor } from '../../support/wait';

/**
 * `llmspell repl --connection-file F` against a real kernel (`kernel start --port 0 --dap-port 0`):
 * the debug console commands while a cell is stopped, driven through piped stdin.
 */
describe('llmspell repl: debug commands against a real kernel', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let kernel: KernelProcess | undefined;
  let conn: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llmspell-repl-debug-'));
    mkdirSync(path.join(dir, 'home'));
    env = {
      ...process.env,
      LLMSPELL_HOME: path.join(dir, 'home'),
      LLMSPELL_PORT: '0',
      LLMSPELL_DAP_PORT: '0',
    };
  });

  /** A fresh kernel per test (cell numbers start at 1); stopped by its pid. */
  beforeEach(async () => {
    kernel = await startKernelProcess({ dir, args: ['--dap-port', '0'], env });
    conn = kernel.connectionFile;
  });

  afterEach(async () => {
    const k = kernel;
    kernel = undefined;
    await k?.stop();
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const repl = (input: string) =>
    runProcess(process.execPath, [BIN, 'repl', '--connection-file', conn], { env, input, timeoutMs: 30000 });

  it(
    ':break LINE in the last cell, :locals, Lua in the frame, :watch, :stack, :continue',
    { timeout: 40000 },
    async () => {
      const cell = ['function f(n)', '  local y = n * 2', '  return y + 1', 'end'];
      const ret = lineIn(cell.join('\n'), 'return y + 1');
      const r = await repl(
        [
          ...cell,
          `:break ${ret}`,
          'f(20)',
          ':locals',
          'y * 3',
          'y = 7',
          ':watch y',
          ':stack',
          ':continue',
          'f(1)',
          ':next',
          ':continue',
          ':clear',
          'f(2)',
          '',
        ].join('\n'),
      );
      assert.equal(r.timedOut, false, `repl timed out:\n${r.stdout}\n${r.stderr}`);
      const out = r.stdout;
      assert.match(out, new RegExp(`breakpoint \\d+ at In \\[1\\]:${ret}\\b`));
      assert.match(
        out,
        new RegExp(
          `\\[debug\\] stopped at In \\[1\\]:${ret} \\(breakpoint\\)\\n\\s+${ret} \\| {3}return y \\+ 1`,
        ),
      );
      assert.match(out, /n = 20\ny = 40/);
      assert.match(out, /\n120\n/);
      assert.match(out, /watching y = 7/, 'the assignment changed the local in the stopped frame');
      assert.match(out, new RegExp(`#0 f at In \\[1\\]:${ret}\\n#1 main chunk at In \\[2\\]:1\\b`));
      assert.match(out, /Out\[2\]: 8/, 'f returned the changed local + 1');
      assert.match(out, /\[watch\] y = 2/, 'the watch is shown on the next stop');
      assert.match(
        out,
        /\[debug\] stopped at In \[3\]:1 \(step\)/,
        ':next steps out of f into the calling cell',
      );
      assert.match(out, /Out\[3\]: 3/);
      assert.match(out, /cleared 1 console breakpoint\(s\) and 1 watch\(es\)/);
      assert.match(out, /Out\[4\]: 5/, 'no stop after :clear');
      assert.equal((out.match(/\[debug\] stopped/g) ?? []).length, 3);
      assert.equal(r.stderr.trim(), '', `unexpected stderr: ${r.stderr}`);
    },
  );

  it(
    ':break FILE:LINE if COND in a dofile()d script, :break In[N]:LINE, :step/:finish, :help',
    { timeout: 40000 },
    async () => {
      const script = path.join(dir, 'lib.lua');
      const lib = 'local M = {}\nfunction M.g(n)\n  local z = n + 1\n  return z\nend\nreturn M\n';
      writeFileSync(script, lib);
      const z = lineIn(lib, 'local z = n + 1');
      const hCell = ['function h(a)', '  return M.g(a) * 2', 'end'];
      const call = lineIn(hCell.join('\n'), 'return M.g(a) * 2');
      const r = await repl(
        [
          `M = dofile(${JSON.stringify(script)})`,
          `:break ${script}:${z} if n > 5`,
          'M.g(1)',
          'M.g(10)',
          'n',
          ':continue',
          ...hCell,
          `:break In[4]:${call}`,
          'h(3)',
          ':step',
          ':stack',
          ':finish',
          ':continue',
          ':help',
          ':bogus',
          ':continue',
          '',
        ].join('\n'),
      );
      assert.equal(r.timedOut, false, `repl timed out:\n${r.stdout}\n${r.stderr}`);
      const out = r.stdout;
      assert.match(out, new RegExp(`breakpoint \\d+ at lib\\.lua:${z} if n > 5`));
      assert.match(out, /Out\[2\]: 2/, 'the condition is false for n = 1');
      assert.match(out, new RegExp(`stopped at ${escapeRe(script)}:${z} \\(breakpoint\\)`));
      assert.match(out, /\n10\n/);
      assert.match(out, /Out\[3\]: 11/);
      assert.match(out, new RegExp(`breakpoint \\d+ at In \\[4\\]:${call}\\b`));
      assert.match(out, new RegExp(`stopped at In \\[4\\]:${call} \\(breakpoint\\)`));
      assert.match(out, new RegExp(`stopped at .*lib\\.lua:${z} \\(step\\)`), ':step enters M.g');
      assert.match(out, new RegExp(`#0 g at .*lib\\.lua:${z}\\n#1 h at In \\[4\\]:${call}\\b`));
      assert.match(
        out,
        new RegExp(
          `lib\\.lua:${z} \\(step\\)[\\s\\S]*#1 h at In \\[4\\]:${call}[\\s\\S]*stopped at In \\[[45]\\]:\\d \\(step\\)`,
        ),
        ':finish leaves M.g for a cell',
      );
      assert.match(out, /Out\[5\]: 8/);
      assert.match(out, /:watch EXPR/);
      assert.match(r.stderr, /unknown command :bogus/);
      assert.match(r.stderr, /:continue: the program is not stopped/);
    },
  );

  it(
    'Ctrl-C (SIGINT) interrupts a cell stopped at a breakpoint; the kernel stays usable',
    { timeout: 40000 },
    async () => {
      const child = spawn(process.execPath, [BIN, 'repl', '--connection-file', conn], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      const waitOut = (re: RegExp, what: string): Promise<void> =>
        waitFor(() => re.test(stdout + stderr), what).catch((e: Error) => {
          throw new Error(`${e.message}:\n${stdout}\n${stderr}`);
        });
      try {
        const k = 'function k()\n  local i = 0\n  while true do\n    i = i + 1\n  end\nend\n';
        const inc = lineIn(k, 'i = i + 1');
        child.stdin.write(k);
        child.stdin.write(`:break ${inc} if i == 1000\nk()\n`);
        await waitOut(new RegExp(`stopped at In \\[\\d+\\]:${inc}\\b`), 'stop');
        child.stdin.write('i\n');
        await waitOut(/\n1000\n/, 'evaluation in the stopped frame');
        child.kill('SIGINT');
        await waitOut(/Interrupted/, 'interrupt error');
        child.stdin.write(':clear\n40 + 2\n');
        await waitOut(/Out\[\d+\]: 42/, 'a later cell');
        child.stdin.end();
        // on pipes the exit status is 1 when a cell failed (the interrupted one)
        assert.equal(await closed, 1);
        assert.match(stdout, /Out\[\d+\]: 42/);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  );
});
