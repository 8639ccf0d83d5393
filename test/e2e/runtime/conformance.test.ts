/**
 * Conformance with the reference interpreter: each case under test/fixtures/conformance runs under
 * Debian's lua5.4 (the oracle), `llmspell run`, as a kernel cell, and under the debugger with a
 * never-true conditional breakpoint on every line; stdout must be the same bytes every time.
 * Cases print no addresses; a case names its own chunk through `clean` (MAIN), since a cell's chunk
 * name is the cell's path.
 */
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { RuntimeEvent } from '../../../kernel/runtime/types';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'llmspell');
const DIR = path.join(ROOT, 'test', 'fixtures', 'conformance');
/** One case per bullet of issue 10 (helpers: hash_mod.lua, hash_err.lua, latin1.lua). */
const CASES = [
  'shebang',
  'bytes',
  'loadmodes',
  'builtins',
  'coroutines',
  'iohandles',
  'packages',
  'tracebacks',
  'files',
  'debuglevels',
  'exit',
  'hooks',
  'debugthreads',
  'stripped',
  'errmsgs',
  'loading',
  'threads',
  'collector',
  'iofiles',
  'gotolabels',
  'upvalues',
];

function reference(name: string): string {
  const r = spawnSync('lua5.4', [`${name}.lua`], { cwd: DIR, timeout: 30_000 });
  assert.equal(r.status, 0, `lua5.4 ${name}.lua failed: ${r.stderr?.toString()}`);
  return r.stdout.toString('latin1');
}

/** Run code in a fresh runtime and collect stdout as bytes (latin1 so every byte shows). */
async function inRuntime(
  code: string | Uint8Array,
  chunkName: string,
  mode: 'cell' | 'file',
  breakpointsEverywhere: boolean,
): Promise<string> {
  const rt = await LuaRuntime.create({ cwd: DIR });
  const chunks: Buffer[] = [];
  rt.onEvent((e: RuntimeEvent) => {
    if (e.type === 'output' && e.stream === 'stdout')
      chunks.push(Buffer.from(e.bytes ?? Buffer.from(e.text)));
  });
  try {
    if (breakpointsEverywhere) {
      for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.lua'))) {
        const p = path.join(DIR, file);
        const n = fs.readFileSync(p).toString('latin1').split('\n').length;
        const specs = Array.from({ length: n }, (_, i) => ({ line: i + 1, condition: 'false' }));
        const res = await rt.debugger.setBreakpoints(p, specs);
        if (file === path.basename(chunkName)) {
          assert.ok(
            res.some((b) => b.verified),
            `no verified breakpoint in ${file}`,
          );
        }
      }
    }
    const r = await rt.execute(code, { chunkName, mode });
    assert.ok(r.ok, `${chunkName}: ${r.ok ? '' : r.error.message}`);
  } finally {
    await rt.dispose();
  }
  return Buffer.concat(chunks).toString('latin1');
}

describe('conformance with lua5.4', { concurrency: 1 }, () => {
  const expected = new Map<string, string>();
  before(() => {
    for (const c of CASES) expected.set(c, reference(c));
  });
  after(() => expected.clear());

  for (const name of CASES) {
    it(
      `${name}: llmspell run, a kernel cell and the debugger print what lua5.4 prints`,
      { timeout: 120_000 },
      async () => {
        const want = expected.get(name)!;
        assert.ok(want.length > 0, 'the reference printed something');
        const file = path.join(DIR, `${name}.lua`);
        const bytes = fs.readFileSync(file);

        const run = spawnSync(process.execPath, [BIN, 'run', `${name}.lua`], { cwd: DIR, timeout: 60_000 });
        assert.equal(run.status, 0, run.stderr.toString());
        assert.equal(run.stdout.toString('latin1'), want, 'llmspell run');

        // A cell is text as a front end sends it; a case that is a script ('#' first line) is dofile'd.
        const cell = bytes[0] === 0x23 ? `dofile('${name}.lua')` : bytes;
        assert.equal(await inRuntime(cell, path.join(DIR, '[cell 1]'), 'cell', false), want, 'kernel cell');

        assert.equal(await inRuntime(bytes, file, 'file', true), want, 'under the debugger');
      },
    );
  }
});
