#!/usr/bin/env node
'use strict';
// Draws images/icon.png (128x128 RGBA): a rounded indigo square, a white planet with a hole and
// a small orbiting moon. Pure Node (zlib) so it needs no image tools: `node scripts/make-icon.js`.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const N = 128;
const S = 4; // supersampling per axis
const px = Buffer.alloc(N * N * 4);

function inRoundedSquare(x, y) {
  const r = 24;
  const cx = Math.min(Math.max(x, r), N - r);
  const cy = Math.min(Math.max(y, r), N - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

function sample(x, y) {
  if (!inRoundedSquare(x, y)) return [0, 0, 0, 0];
  const bg = [48, 38, 140, 255];
  const planet = inCircle(x, y, 58, 70, 38) && !inCircle(x, y, 72, 56, 13);
  const moon = inCircle(x, y, 100, 26, 11);
  const orbit = Math.abs(Math.hypot(x - 58, y - 70) - 55) < 1.6 && !(x > 80 && y < 50);
  if (planet || moon) return [255, 255, 255, 255];
  if (orbit) return [150, 140, 230, 255];
  return bg;
}

for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < S; sy++) {
      for (let sx = 0; sx < S; sx++) {
        const c = sample(x + (sx + 0.5) / S, y + (sy + 0.5) / S);
        for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3];
        acc[3] += c[3];
      }
    }
    const o = (y * N + x) * 4;
    const a = acc[3] / (S * S);
    for (let i = 0; i < 3; i++) px[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
    px[o + 3] = Math.round(a);
  }
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(__dirname, '..', 'images', 'icon.png');
fs.writeFileSync(out, png);
process.stdout.write(`wrote ${out} (${png.length} bytes)\n`);
