import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { murmur2 } from '../../../kernel/shared/murmur2';
import { jupyterCellScheme, DEFAULT_HASH_SEED } from '../../../debug-adapter/jupyter-debug';

/** An independent BigInt implementation of MurmurHash2 (x86, 32-bit) over UTF-8 bytes. */
function reference(text: string, seed: number): number {
  const M = 0x5bd1e995n;
  const MASK = 0xffffffffn;
  const data = Buffer.from(text, 'utf8');
  let h = BigInt((seed ^ data.length) >>> 0);
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = BigInt(data.readUInt32LE(i));
    k = (k * M) & MASK;
    k ^= k >> 24n;
    k = (k * M) & MASK;
    h = ((h * M) & MASK) ^ k;
  }
  const rest = data.length - i;
  if (rest === 3) h ^= BigInt(data[i + 2]) << 16n;
  if (rest >= 2) h ^= BigInt(data[i + 1]) << 8n;
  if (rest >= 1) {
    h ^= BigInt(data[i]);
    h = (h * M) & MASK;
  }
  h ^= h >> 13n;
  h = (h * M) & MASK;
  h ^= h >> 15n;
  return Number(h);
}

test('murmur2 matches the reference on many inputs and seeds', () => {
  const inputs = [
    '',
    'a',
    'ab',
    'abc',
    'abcd',
    'abcde',
    'i = 0',
    'print("héllo wörld") -- ünïcode ✓',
    'x'.repeat(1001),
  ];
  for (const seed of [0, 1, DEFAULT_HASH_SEED, 0xffffffff]) {
    for (const s of inputs)
      assert.equal(murmur2(s, seed), reference(s, seed), `${JSON.stringify(s)} seed ${seed}`);
  }
});

test('murmur2 known values', () => {
  assert.equal(murmur2('', 0), 0);
  // The well-known MurmurHash2 test vector for "Hello, world!" with seed 1234... computed independently:
  assert.equal(murmur2('Hello, world!', 1234), reference('Hello, world!', 1234));
  assert.equal(typeof murmur2('abc', 1), 'number');
  assert.ok(murmur2('abc', 1) >= 0 && murmur2('abc', 1) <= 0xffffffff);
});

test('cell path = prefix + murmur2(code, seed) in decimal + .lua', () => {
  const scheme = jupyterCellScheme(7, '/tmp/llmspell_1/');
  assert.equal(scheme.suffix, '.lua');
  assert.equal(
    `${scheme.prefix}${scheme.hash('x = 1')}${scheme.suffix}`,
    `/tmp/llmspell_1/${murmur2('x = 1', 7)}.lua`,
  );
});
