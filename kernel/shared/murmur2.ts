/**
 * MurmurHash2 (32-bit, x86) over the UTF-8 bytes of a string, as JupyterLab's debugger computes a
 * cell's id: `tmpFilePrefix + murmur2(code, hashSeed) + tmpFileSuffix` (the number in decimal).
 */
const M = 0x5bd1e995;

export function murmur2(text: string, seed: number): number {
  const data = Buffer.from(text, 'utf8');
  let len = data.length;
  let h = (seed ^ len) >>> 0;
  let i = 0;
  while (len >= 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
    i += 4;
    len -= 4;
  }
  if (len === 3) h ^= data[i + 2] << 16;
  if (len >= 2) h ^= data[i + 1] << 8;
  if (len >= 1) {
    h ^= data[i];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h >>> 0;
}
