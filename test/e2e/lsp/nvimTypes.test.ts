import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { positionIn } from '../../support/positions';
import { nvimSteps, type Step } from './nvimRun';

const MAIN = [
  "local tbl = { 'p', name = 's', ['key'] = 'u' }",
  'for k, v in pairs(tbl) do end',
  "---@module 'conf'",
  'local cfg',
  'print(cfg)',
  '',
].join('\n');

const at = (method: string, needle: string, delta: number, extra: Partial<Step> = {}): Step => ({
  method,
  ...positionIn(MAIN, needle, delta),
  ...extra,
});

describe('lsp e2e: type-engine views in headless neovim', () => {
  it('hovers a table as LuaLS writes it, shows pairs<T> in signature help, follows ---@module across files', async () => {
    const [hover, signature, definition] = await nvimSteps(
      { 'conf.lua': 'local opts = { debug = true }\nreturn opts\n', 'main.lua': MAIN },
      'main.lua',
      [
        at('textDocument/hover', 'local tbl', 7),
        at('textDocument/signatureHelp', 'pairs(', 6),
        // the workspace file conf.lua is indexed in the background
        at('textDocument/definition', 'local cfg', 7, { untilFile: 'conf.lua' }),
      ],
    );
    const text = (hover.result as { contents: { value: string } }).contents.value;
    assert.ok(
      text.includes(
        "local tbl: {\n    name: string = 's',\n    ['key']: string = 'u',\n    [1]: string = 'p',\n}",
      ),
      text,
    );
    const sig = signature.result as {
      signatures: { label: string; activeParameter?: number }[];
      activeParameter?: number;
    };
    assert.equal(sig.signatures[0].label, 'function pairs(t: <T>)');
    assert.equal(sig.activeParameter ?? sig.signatures[0].activeParameter, 0);
    const locs = definition.result as { uri: string; range: { start: { line: number } } }[];
    const where = locs.map((l) => `${l.uri.split('/').pop()}:${l.range.start.line}`).sort();
    assert.deepEqual(where, ['conf.lua:0', 'conf.lua:1', 'main.lua:3']);
  });
});
