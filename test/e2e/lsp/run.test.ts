import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { BIN, spawnServer, type Served } from './client';
import { registryEntry } from '../../support/kernels';

/**
 * llmspell.enableDebug: code lenses and the Run file / Run selection / Debug file commands, through
 * a real stdio server, first with no kernel (embedded runtime), then with a real kernel registered
 * under a temporary LLMSPELL_HOME.
 */

interface Msg {
  type: number;
  message: string;
}

interface RunResult {
  ok: boolean;
  target?: string;
  kernelId?: string;
  output?: string;
  values?: string[];
  message: string;
  port?: number;
  error?: { line?: number; message: string };
}

const FILES: Record<string, string> = {
  'ok.lua': 'local greeting = "hello " .. "lua"\nprint(greeting)\nreturn 42\n',
  'bad.lua': 'print("before the error")\nlocal x = nil\nlocal y = x.field\n',
  'sel.lua': 'local a = error("line 1 must not run")\nprint("sel " .. 40 + 2)\nsel_global = 41\n',
  'state.lua': 'print("from state " .. (sel_global + 1))\n',
};

describe('lsp run/debug commands (enableDebug)', () => {
  let dir: string;
  let home: string;
  let s: Served;
  let kernel: ChildProcess | undefined;
  const logs: Msg[] = [];
  const shown: Msg[] = [];
  const uri = (name: string) => 'file://' + path.join(dir, name);
  const run = (command: string, args: unknown[]) =>
    s.conn.sendRequest('workspace/executeCommand', { command, arguments: args }) as Promise<RunResult>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-lsp-run-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-lsp-home-'));
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    s = spawnServer(['kernel', 'start', '--lsp'], dir, { ...process.env, LLMSPELL_HOME: home });
    s.conn.onNotification('window/logMessage', (m: unknown) => void logs.push(m as Msg));
    s.conn.onNotification('window/showMessage', (m: unknown) => void shown.push(m as Msg));
    const init = (await s.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: 'file://' + dir,
      capabilities: {},
      initializationOptions: { settings: { llmspell: { enableDebug: true } } },
    })) as { capabilities: { executeCommandProvider: { commands: string[] }; codeLensProvider: unknown } };
    assert.ok(init.capabilities.codeLensProvider);
    for (const c of ['llmspell.runFile', 'llmspell.runSelection', 'llmspell.debugFile'])
      assert.ok(init.capabilities.executeCommandProvider.commands.includes(c), c);
    await s.conn.sendNotification('initialized', {});
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uri('ok.lua'), languageId: 'lua', version: 1, text: FILES['ok.lua'] },
    });
  });

  after(async () => {
    await s.stop();
    if (kernel?.pid && kernel.exitCode === null) {
      const exited = new Promise((r) => kernel?.once('exit', r));
      process.kill(kernel.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (kernel.exitCode === null) process.kill(kernel.pid, 'SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('shows "▶ Run file" and "Debug file" lenses on Lua files only', async () => {
    const lenses = (await s.conn.sendRequest('textDocument/codeLens', {
      textDocument: { uri: uri('ok.lua') },
    })) as { command: { title: string; command: string; arguments: unknown[] } }[];
    assert.deepEqual(
      lenses.map((l) => [l.command.title, l.command.command]),
      [
        ['▶ Run file', 'llmspell.runFile'],
        ['Debug file', 'llmspell.debugFile'],
      ],
    );
    assert.deepEqual(lenses[0].command.arguments, [uri('ok.lua')]);
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uri('app.js'), languageId: 'javascript', version: 1, text: 'let x = 1;\n' },
    });
    assert.deepEqual(
      await s.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: uri('app.js') } }),
      [],
    );
  });

  it('runs a file in an embedded runtime when no kernel runs, output to logMessage', async () => {
    const r = await run('llmspell.runFile', [uri('ok.lua')]);
    assert.equal(r.ok, true, r.message);
    assert.equal(r.target, 'embedded');
    assert.match(r.output ?? '', /hello lua/);
    assert.ok(
      logs.some((m) => m.message === 'hello lua'),
      JSON.stringify(logs),
    );
    assert.ok(shown.some((m) => m.type === 3 && m.message === 'Ran ok.lua in an embedded runtime'));
  });

  it('reports an error with file:line in showMessage', async () => {
    const r = await run('llmspell.runFile', [uri('bad.lua')]);
    assert.equal(r.ok, false);
    assert.equal(r.error?.line, 3);
    const err = shown.find((m) => m.type === 1 && m.message.includes('bad.lua'));
    assert.ok(err, JSON.stringify(shown));
    assert.match(err.message, new RegExp(`${path.join(dir, 'bad.lua')}:3: attempt to index`));
    assert.ok(logs.some((m) => m.message === 'before the error'));
  });

  it('runs a selection (lines keep their numbers)', async () => {
    const r = await run('llmspell.runSelection', [
      { uri: uri('sel.lua'), range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } } },
    ]);
    assert.equal(r.ok, true, r.message);
    assert.equal(r.output, 'sel 42\n');
    const bad = await run('llmspell.runSelection', [
      uri('sel.lua'),
      { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
    ]);
    assert.equal(bad.ok, false);
    assert.match(bad.message, /sel\.lua:1: line 1 must not run/);
  });

  it('"Debug file" tells how to attach on the default DAP port', async () => {
    const r = await run('llmspell.debugFile', [uri('ok.lua')]);
    assert.equal(r.port, 9556);
    assert.match(r.message, /no kernel is running/);
    assert.match(r.message, /nvim-dap/);
    assert.match(r.message, /VS Code/);
  });

  it('runs in the running kernel found in the registry, keeping its state', async () => {
    const conn = path.join(home, 'conn.json');
    kernel = spawn(
      process.execPath,
      [BIN, 'kernel', 'start', '--connection-file', conn, '--port', '0', '--no-dap'],
      { env: { ...process.env, LLMSPELL_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    kernel.stderr?.resume();
    const entry = await registryEntry<{ id: string; pid: number }>(home);
    assert.equal(entry.pid, kernel.pid);
    const r = await run('llmspell.runFile', [uri('ok.lua')]);
    assert.equal(r.target, 'kernel', r.message);
    assert.equal(r.kernelId, entry.id);
    assert.equal(r.ok, true, r.message);
    assert.match(r.output ?? '', /hello lua/);
    assert.ok(shown.some((m) => m.message === `Ran ok.lua in kernel ${entry.id}`));
    // a selection defines a global in the kernel; the next run sees it
    const sel = await run('llmspell.runSelection', [
      uri('sel.lua'),
      { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } },
    ]);
    assert.equal(sel.ok, true, sel.message);
    const st = await run('llmspell.runFile', [uri('state.lua')]);
    assert.equal(st.output, 'from state 42\n');
    const bad = await run('llmspell.runFile', [uri('bad.lua')]);
    assert.equal(bad.ok, false);
    assert.match(
      bad.message,
      new RegExp(`kernel ${entry.id}: ${path.join(dir, 'bad.lua')}:3: attempt to index`),
    );
    const dbg = await run('llmspell.debugFile', [uri('ok.lua')]);
    assert.equal(dbg.kernelId, entry.id);
    assert.equal(dbg.port, 9556);
    assert.match(dbg.message, new RegExp(`kernel ${entry.id} \\(pid ${entry.pid}\\) serves DAP`));
  });

  it('refuses to run when enableDebug is off', async () => {
    await s.conn.sendNotification('workspace/didChangeConfiguration', {
      settings: { llmspell: { enableDebug: false } },
    });
    const r = await run('llmspell.runFile', [uri('ok.lua')]);
    assert.equal(r.ok, false);
    assert.match(r.message, /enableDebug/);
    assert.deepEqual(
      await s.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: uri('ok.lua') } }),
      [],
    );
  });
});
