import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it } from 'node:test';
import { BIN, REPO } from './client';

const NVIM = spawnSync('sh', ['-c', 'command -v nvim']).stdout.toString().trim();

const MAIN = [
  "local tbl = { 'p', name = 's', ['key'] = 'u' }",
  'for k, v in pairs(tbl) do end',
  "---@module 'conf'",
  'local cfg',
  'print(cfg)',
  '',
].join('\n');

describe('lsp e2e: type-engine views in headless neovim', () => {
  it('hovers a table as LuaLS writes it, shows pairs<T> in signature help, follows ---@module across files', async () => {
    assert.ok(NVIM, 'neovim (Debian package `neovim`) is required for this test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-nvim-types-'));
    const binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    fs.symlinkSync(BIN, path.join(binDir, 'llmspell'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, 'conf.lua'), 'local opts = { debug = true }\nreturn opts\n');
    const file = path.join(dir, 'main.lua');
    fs.writeFileSync(file, MAIN);
    const out = path.join(dir, 'out.json');
    const child = spawn(
      NVIM,
      ['--headless', '--clean', '-c', `luafile ${path.join(REPO, 'test', 'e2e', 'lsp', 'nvim-types.lua')}`],
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
      ready: boolean;
      hover: string;
      signature: string;
      activeParameter: number;
      definition: string[];
    };
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.error, undefined);
    assert.ok(r.client && r.ready);
    assert.ok(
      r.hover.includes(
        "local tbl: {\n    name: string = 's',\n    ['key']: string = 'u',\n    [1]: string = 'p',\n}",
      ),
      r.hover,
    );
    assert.equal(r.signature, 'function pairs(t: <T>)');
    assert.equal(r.activeParameter, 0);
    assert.deepEqual([...r.definition].sort(), ['conf.lua:0', 'conf.lua:1', 'main.lua:3']);
  });
});
