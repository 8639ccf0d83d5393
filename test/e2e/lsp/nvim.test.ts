import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNvim } from './nvimRun';

describe('lsp e2e: headless neovim with the guide cmd', () => {
  it('diagnostics, completion, hover, definition, references, rename and an edit that clears a diagnostic', async () => {
    const r = await runNvim<{
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
    }>({
      driver: 'nvim.lua',
      files: { 'script.lua': 'local message = "hi"\nprint(message)\nprint(notDefinedAnywhere)\nAgent.\n' },
      open: 'script.lua',
      timeoutMs: 60000,
    });
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
