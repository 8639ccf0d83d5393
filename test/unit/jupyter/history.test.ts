import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { HistoryStore } from '../../../kernel/jupyter/history';

function tmpFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'llmspell-history-')), 'sub', 'history.jsonl');
}

describe('persistent history (JSON lines)', () => {
  it('numbers sessions, reloads earlier sessions and answers tail/range/search across them', () => {
    const file = tmpFile();
    const a = HistoryStore.open({ file });
    assert.equal(a.session, 1);
    a.add(1, 'x = 1');
    a.setOutput(a.add(2, 'x + 1'), '2');
    const b = HistoryStore.open({ file });
    assert.equal(b.session, 2);
    b.add(1, 'y = x');
    assert.deepEqual(b.query({ hist_access_type: 'tail', n: 3 }), [
      [1, 1, 'x = 1'],
      [1, 2, 'x + 1'],
      [2, 1, 'y = x'],
    ]);
    assert.deepEqual(b.query({ hist_access_type: 'range', session: -1, start: 2, stop: 3, output: true }), [
      [1, 2, ['x + 1', '2']],
    ]);
    assert.deepEqual(b.query({ hist_access_type: 'range', session: 1, start: 1 }), [
      [1, 1, 'x = 1'],
      [1, 2, 'x + 1'],
    ]);
    assert.deepEqual(b.query({ hist_access_type: 'range', session: 0, start: 1 }), [[2, 1, 'y = x']]);
    assert.deepEqual(b.query({ hist_access_type: 'search', pattern: 'x*' }), [
      [1, 1, 'x = 1'],
      [1, 2, 'x + 1'],
    ]);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('two kernels writing at once keep every line; torn lines are skipped', () => {
    const file = tmpFile();
    const a = HistoryStore.open({ file });
    const b = HistoryStore.open({ file });
    assert.notEqual(a.session, b.session);
    for (let i = 1; i <= 50; i++) {
      a.add(i, `a${i}`);
      b.add(i, `b${i}`);
    }
    appendFileSync(file, '{"s":1,"l":99,"i":"torn\n');
    const c = HistoryStore.open({ file });
    const all = c.query({ hist_access_type: 'search', pattern: '*' });
    assert.equal(all.length, 100);
    assert.equal(c.session, Math.max(a.session, b.session) + 1);
  });

  it('is bounded: keeps the newest cells and compacts the file', () => {
    const file = tmpFile();
    const a = HistoryStore.open({ file, maxEntries: 10 });
    for (let i = 1; i <= 30; i++) a.add(i, `cell ${i}`);
    assert.equal(a.size, 10);
    const b = HistoryStore.open({ file, maxEntries: 10 });
    assert.equal(b.session, 2);
    const tail = b.query({ hist_access_type: 'tail', n: 100 });
    assert.equal(tail.length, 10);
    assert.deepEqual(tail[0], [1, 21, 'cell 21']);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 12, 'ten cells and two session records after compaction');
    const c = HistoryStore.open({ file, maxEntries: 10 });
    assert.equal(c.session, 3);
  });

  it('keeps working in memory when the file cannot be written', () => {
    const errors: string[] = [];
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'llmspell-history-')), 'a-file');
    writeFileSync(blocker, '');
    const s = HistoryStore.open({
      file: path.join(blocker, 'history.jsonl'),
      onError: (e) => errors.push(e.message),
    });
    assert.equal(s.path, undefined);
    assert.equal(errors.length, 1);
    s.add(1, 'z = 3');
    assert.deepEqual(s.query({ hist_access_type: 'tail', n: 1 }), [[1, 1, 'z = 3']]);
  });
});
