/**
 * `llmspell repl` in a pseudo-terminal (test/e2e/clients/repl_pty.py, python3's pty module)
 * against a real kernel: the prompt continues the kernel's execution count, Tab completes through
 * complete_request, `?name` shows the kernel's help page, `exit` leaves. Every step waits for the
 * text it needs (prompts), never for time.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { BIN, PYTHON, REPO, runProcess } from '../jupyter/helpers';
import { type KernelProcess, startKernelProcess } from '../../support/kernels';

const PTY = path.join(REPO, 'test', 'e2e', 'clients', 'repl_pty.py');

type Step = ['send' | 'expect', string];
interface PtyResult {
  ok: boolean;
  matches: string[][];
  output: string;
  exit: number | null;
  error?: string;
}

describe('llmspell repl in a terminal', { timeout: 180000 }, () => {
  let dir: string;
  let conn: string;
  let env: NodeJS.ProcessEnv;
  let kernel: KernelProcess | undefined;

  const pty = async (steps: Step[]): Promise<PtyResult> => {
    const r = await runProcess(PYTHON, [PTY, JSON.stringify(steps), BIN, 'repl', '--connection-file', conn], {
      env,
      timeoutMs: 150000,
    });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as PtyResult;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-repl-pty-'));
    env = { ...process.env, LLMSPELL_HOME: path.join(dir, 'home') };
    kernel = await startKernelProcess({ dir, args: ['--dap-port', '0'], env });
    conn = kernel.connectionFile;
    // two cells through a piped REPL first: the kernel's count is 2 afterwards
    const piped = await runProcess(process.execPath, [BIN, 'repl', '--connection-file', conn], {
      env,
      input: 'greeting = "hi"\nanswer = 41\nanswer + 1\n',
      timeoutMs: 60000,
    });
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /Out\[3\]: 42/);
  });

  after(async () => {
    await kernel?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('continues the kernel count, completes with Tab, shows ?name help and leaves on exit', async () => {
    const r = await pty([
      ['expect', 'In \\[(\\d+)\\]: '],
      // Tab: one match completes in place
      ['send', 'string.for\t'],
      ['expect', 'string\\.format'],
      ['send', '("%d!", answer + 1)\r'],
      ['expect', 'Out\\[(\\d+)\\]: (.*)\n'],
      ['expect', 'In \\[(\\d+)\\]: '],
      // Tab on a global the earlier cells defined
      ['send', 'greet\t'],
      ['expect', '(greeting)'],
      ['send', '\r'],
      ['expect', 'Out\\[\\d+\\]: (.*)\n'],
      ['expect', 'In \\[\\d+\\]: '],
      // help page from the kernel (the execute_reply's page payload)
      ['send', '?print\r'],
      ['expect', '\\?print\n([^\n]+)\n'],
      ['expect', 'In \\[\\d+\\]: '],
      ['send', 'exit\r'],
    ]);
    assert.equal(r.error, undefined, r.output);
    assert.ok(r.ok, r.output);
    const [[first], , [outCount, outValue], [next], [completed], [greeting], , [help]] = r.matches;
    assert.equal(first, '4', 'the first prompt continues after the kernel count (3 cells ran)');
    assert.equal(outCount, '4');
    assert.equal(outValue.trim(), '"42!"');
    assert.equal(next, '5');
    assert.equal(completed, 'greeting');
    assert.equal(greeting.trim(), '"hi"');
    assert.match(help, /print/, r.output);
    assert.doesNotMatch(help, /No documentation/);
    assert.equal(r.exit, 0, 'exit leaves with status 0');
  });

  it('quit leaves too, and a new session keeps counting', async () => {
    const r = await pty([
      ['expect', 'In \\[(\\d+)\\]: '],
      ['send', 'quit\r'],
    ]);
    assert.equal(r.error, undefined, r.output);
    // 3 piped cells + 3 in the first session (`exit` itself runs nothing)
    assert.equal(r.matches[0][0], '7');
    assert.equal(r.exit, 0);
  });
});
