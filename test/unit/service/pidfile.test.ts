import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  PidFileError,
  processAlive,
  readPidFile,
  removePidFile,
  writePidFile,
} from '../../../kernel/service/pidfile';

const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-pid-'));

test('a pid file naming a live process is refused', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    const file = path.join(dir, 'live.pid');
    writeFileSync(file, `${child.pid}\n`);
    assert.ok(processAlive(child.pid!));
    assert.throws(
      () => writePidFile(file),
      (err: unknown) => {
        assert.ok(err instanceof PidFileError);
        assert.match(err.message, new RegExp(`names a running process \\(pid ${child.pid}\\)`));
        return true;
      },
    );
    assert.equal(readPidFile(file), child.pid);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
});

test('a stale pid file is replaced and reported', async () => {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  const file = path.join(dir, 'sub', 'stale.pid');
  mkdirSync(path.dirname(file), { recursive: true });
  const stalePid = child.pid!;
  writeFileSync(file, `${stalePid}\n`);
  assert.equal(processAlive(stalePid), false);
  assert.deepEqual(writePidFile(file), { stalePid });
  assert.equal(readFileSync(file, 'utf8'), `${process.pid}\n`);
  removePidFile(file, 12345);
  assert.ok(existsSync(file), 'another pid must not remove it');
  removePidFile(file);
  assert.ok(!existsSync(file));
});
