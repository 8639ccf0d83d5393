import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

const NVIM_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'clients', 'nvim');

test('clients/nvim llmspell.dap registers the adapter and the guide configurations (headless neovim)', () => {
  const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-nvim-'));
  // A stand-in for nvim-dap's module table (adapters/configurations are plain tables there too).
  fs.writeFileSync(path.join(stub, 'dap.lua'), 'return { adapters = {}, configurations = {} }\n');
  const script = [
    `package.path = '${stub}/?.lua;' .. package.path`,
    "local d = require('llmspell.dap')",
    "assert(d.setup({ port = 9556 }), 'setup returns true when nvim-dap is present')",
    "local dap = require('dap')",
    // the adapter is a function nvim-dap calls per session (callback, config)
    'local a',
    "dap.adapters.llmspell(function(resolved) a = resolved end, { request = 'attach' })",
    'a.enrich_config = nil',
    'local c = dap.configurations.lua',
    'd.setup()',
    "io.stdout:write(vim.json.encode({ adapter = a, n = #dap.configurations.lua, first = c[1], exe = d.resolve({ mode = 'executable' }, {}) }))",
  ].join('\n');
  const luaFile = path.join(stub, 'check.lua');
  fs.writeFileSync(luaFile, script);
  const r = spawnSync(
    'nvim',
    ['--headless', '-u', 'NONE', '--cmd', `set rtp+=${NVIM_DIR}`, '-c', `luafile ${luaFile}`, '-c', 'qa!'],
    {
      encoding: 'utf8',
      timeout: 20000,
    },
  );
  fs.rmSync(stub, { recursive: true, force: true });
  const out = (r.stdout + r.stderr).trim();
  const json = JSON.parse(out.slice(out.indexOf('{'))) as {
    adapter: { type: string; port: number; host: string };
    n: number;
    first: { type: string; request: string; program: string; cwd: string; stopOnEntry: boolean };
    exe: { type: string; command: string; args: string[] };
  };
  assert.deepEqual(json.adapter, { type: 'server', host: '127.0.0.1', port: 9556 });
  assert.equal(json.n, 3, 'setup twice does not duplicate configurations');
  assert.deepEqual(json.first, {
    type: 'llmspell',
    request: 'launch',
    name: 'Launch LLMSpell Script',
    program: '${file}',
    cwd: '${workspaceFolder}',
    stopOnEntry: false,
  } as unknown as typeof json.first);
  assert.deepEqual(json.exe, { type: 'executable', command: 'llmspell', args: ['dap'] });
});
