import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileModule, currentBundle, stamp, type BundleInputs } from '../../../kernel/cli/lsp-entry';

/** A fake dist/server: one input file, a bundle made from it, a code cache and the inputs list. */
function fakeServerDir(): { dir: string; input: string; write: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-bundle-'));
  const input = path.join(dir, 'main.js');
  fs.writeFileSync(input, 'exports.answer = 42;\n');
  fs.writeFileSync(path.join(dir, 'main.bundle.js'), 'module.exports = { answer: 42, dir: __dirname };\n');
  fs.writeFileSync(path.join(dir, 'main.bundle.v8cache'), 'not really a cache');
  const write = (): void => {
    const inputs: BundleInputs = {
      files: { 'main.js': stamp(input)! },
      bundle: stamp(path.join(dir, 'main.bundle.js')),
      cache: stamp(path.join(dir, 'main.bundle.v8cache')),
    };
    fs.writeFileSync(path.join(dir, 'main.bundle.inputs.json'), JSON.stringify(inputs));
  };
  write();
  return { dir, input, write };
}

test('the bundle is used only while its inputs, the bundle and the cache are as built', () => {
  const { dir, input, write } = fakeServerDir();
  assert.deepEqual(currentBundle(dir), {
    bundle: path.join(dir, 'main.bundle.js'),
    cache: path.join(dir, 'main.bundle.v8cache'),
  });
  // A later `tsc` rewrote an input: the bundle is stale and main.js is loaded instead.
  fs.utimesSync(input, new Date(), new Date(Date.now() + 5000));
  assert.equal(currentBundle(dir), undefined);
  write();
  // A cache that is not the one written with the bundle is not given to V8.
  fs.writeFileSync(path.join(dir, 'main.bundle.v8cache'), 'another cache');
  assert.deepEqual(currentBundle(dir), { bundle: path.join(dir, 'main.bundle.js'), cache: undefined });
  fs.rmSync(path.join(dir, 'main.bundle.inputs.json'));
  assert.equal(currentBundle(dir), undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a module compiled with a code cache runs like require() and V8 accepts the cache', () => {
  const { dir } = fakeServerDir();
  const file = path.join(dir, 'main.bundle.js');
  const first = compileModule(file);
  assert.deepEqual(first.exports, { answer: 42, dir });
  const again = compileModule(file, first.script.createCachedData());
  assert.equal(again.script.cachedDataRejected, false);
  assert.deepEqual(again.exports, { answer: 42, dir });
  fs.rmSync(dir, { recursive: true, force: true });
});
