import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createServiceLogging } from '../../../kernel/service/logging';
import { RotatingFileStream } from '../../../kernel/service/rotating-stream';

test('size rotation keeps max_backups gzip files, newest first', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-rot-'));
  const file = path.join(dir, 'kernel.log');
  const s = new RotatingFileStream({ file, maxBytes: 1000, maxBackups: 3, compress: true });
  for (let i = 0; i < 100; i++) s.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(90)}\n`);
  s.end();
  assert.deepEqual(readdirSync(dir).sort(), [
    'kernel.log',
    'kernel.log.1.gz',
    'kernel.log.2.gz',
    'kernel.log.3.gz',
  ]);
  const current = readFileSync(file, 'utf8');
  assert.ok(current.length <= 1000);
  assert.match(current, /line 099/);
  const b1 = gunzipSync(readFileSync(`${file}.1.gz`)).toString();
  const b3 = gunzipSync(readFileSync(`${file}.3.gz`)).toString();
  assert.ok(b1.length <= 1000 && b1.length > 800, String(b1.length));
  const first = (t: string) => Number(/line (\d+)/.exec(t)![1]);
  assert.ok(first(b3) < first(b1));
  assert.ok(first(current) > first(b1));
});

test('without compress, backups are plain; max_backups 0 keeps none', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-rot-'));
  const file = path.join(dir, 'a.log');
  const s = new RotatingFileStream({ file, maxBytes: 100, maxBackups: 2, compress: false });
  for (let i = 0; i < 10; i++) s.write('y'.repeat(60) + '\n');
  s.end();
  assert.deepEqual(readdirSync(dir).sort(), ['a.log', 'a.log.1', 'a.log.2']);
  const file2 = path.join(dir, 'b.log');
  const s2 = new RotatingFileStream({ file: file2, maxBytes: 100, maxBackups: 0, compress: true });
  for (let i = 0; i < 10; i++) s2.write('z'.repeat(60) + '\n');
  s2.end();
  assert.ok(!existsSync(`${file2}.1.gz`));
});

test('the pino logger rotates with max_size_mb and logs the rotation; toggleDebug flips the level', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-rot-'));
  const file = path.join(dir, 'k.log');
  const logging = createServiceLogging({
    log_file: file,
    max_size_mb: 0.002,
    max_backups: 2,
    compress: true,
  });
  assert.equal(logging.logger.level, 'info');
  logging.logger.debug('hidden');
  for (let i = 0; i < 50; i++) logging.logger.info({ i }, 'message');
  assert.equal(logging.toggleDebug(), 'debug');
  logging.logger.debug('now visible');
  assert.equal(logging.toggleDebug(), 'info');
  logging.apply({ log_level: 'warn', max_size_mb: 1, max_backups: 2, compress: true });
  assert.equal(logging.logger.level, 'warn');
  logging.close();
  assert.ok(existsSync(`${file}.1.gz`));
  const all = [readFileSync(file, 'utf8'), gunzipSync(readFileSync(`${file}.1.gz`)).toString()].join('');
  assert.doesNotMatch(all, /hidden/);
  assert.match(readFileSync(file, 'utf8'), /now visible/);
  assert.match(all, /log file rotated/);
});
