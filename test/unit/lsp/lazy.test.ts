import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, it } from 'node:test';

describe('lsp startup', () => {
  it('does not load the Lua runtime, the Jupyter client or the registry until a command runs', () => {
    const server = path.join(__dirname, '..', '..', '..', 'server', 'server.js');
    const r = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(server)}); console.log(JSON.stringify(Object.keys(require.cache)))`],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    // kernel/runtime/syntax.js (luaparse helpers, the keyword list) and kernel/shared (constants) are
    // light; the runtime itself, the Jupyter client and the registry must wait for a command.
    const loaded = (JSON.parse(r.stdout) as string[]).filter(
      (f) =>
        /[\\/]kernel[\\/]/.test(f) &&
        !/[\\/]kernel[\\/]runtime[\\/]syntax\.js$/.test(f) &&
        !/[\\/]kernel[\\/]shared[\\/]/.test(f) &&
        !/[\\/]kernel[\\/]syntax[\\/]/.test(f),
    );
    assert.deepEqual(loaded, []);
  });
});
