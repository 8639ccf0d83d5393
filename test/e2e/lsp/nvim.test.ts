import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it } from 'node:test';
import { BIN, REPO } from './client';

const NVIM = spawnSync('sh', ['-c', 'command -v nvim']).stdout.toString().trim();

describe('lsp e2e: headless neovim with the guide cmd', () => {
  it('diagnostics, completion, hover, definition, references, rename and an edit that clears a diagnostic', async () => {
    assert.ok(NVIM, 'neovim (Debian package `neovim`) is required for this test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-nvim-'));
    const binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    fs.symlinkSync(BIN, path.join(binDir, 'llmspell'));
    fs.mkdirSync(path.join(dir, '.git'));
    const file = path.join(dir, 'script.lua');
    fs.writeFileSync(file, 'local message = "hi"\nprint(message)\nprint(notDefinedAnywhere)\nAgent.\n');
    const out = path.join(dir, 'out.json');
    const child = spawn(
      NVIM,
      ['--headless', '--clean', '-c', `luafile ${path.join(REPO, 'test', 'e2e', 'lsp', 'nvim.lua')}`],
      {
        env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, LSP_FILE: file, LSP_OUT: out },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 60000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    assert.ok(fs.existsSync(out), `nvim wrote no results (exit ${code}): ${stderr}`);
    const r = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      error?: string;
      client: boolean;
      gotDiagnostics: boolean;
      diagnostics: { code: string; lnum: number }[];
      completion: string[];
      hover: string;
      definition: number;
      references: number;
      afterRename: string[];
      cleared: boolean;
    };
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.error, undefined);
    assert.ok(r.client && r.gotDiagnostics);
    assert.ok(r.diagnostics.some((d) => d.code === 'undefined-global' && d.lnum === 2));
    assert.ok(r.diagnostics.some((d) => d.code === 'syntax-error' && d.lnum === 3));
    assert.ok(r.completion.includes('query') && r.completion.includes('builder'), r.completion.join(','));
    assert.match(r.hover, /local message: string/);
    assert.equal(r.definition, 0);
    assert.equal(r.references, 2);
    assert.deepEqual(r.afterRename, ['local renamed = "hi"', 'print(renamed)']);
    assert.equal(r.cleared, true);
  });
});
