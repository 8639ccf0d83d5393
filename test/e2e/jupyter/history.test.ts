import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jupyterEnv, type JupyterEnv, PY_DIR, PYTHON, runProcess } from './helpers';

type Tuple = [number, number, string | [string, string | null]];

/** history_request across two kernel starts (jupyter_client, test/e2e/python/history.py). */
describe('history persists across kernel sessions', () => {
  let env: JupyterEnv;
  before(async () => {
    env = await jupyterEnv();
  });
  after(() => env.cleanup());

  it(
    'tail, range (session -1 / 0) and search return the earlier session cells',
    { timeout: 90000 },
    async () => {
      const r = await runProcess(PYTHON, [path.join(PY_DIR, 'history.py')], {
        env: env.env,
        timeoutMs: 80000,
      });
      assert.equal(r.code, 0, `history.py failed:\n${r.stdout}\n${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
        first: { tail: Tuple[] };
        second: { tail: Tuple[]; previous: Tuple[]; current: Tuple[]; search: Tuple[] };
      };
      const [s1] = out.first.tail[0];
      assert.deepEqual(out.first.tail.slice(-3), [
        [s1, 1, 'a = 1'],
        [s1, 2, 'a + 41'],
        [s1, 3, 'print("first")'],
      ]);
      const s2 = s1 + 1;
      assert.deepEqual(out.second.tail.slice(-5), [
        [s1, 1, 'a = 1'],
        [s1, 2, 'a + 41'],
        [s1, 3, 'print("first")'],
        [s2, 1, 'b = 2'],
        [s2, 2, 'b * 10'],
      ]);
      assert.deepEqual(out.second.previous, [
        [s1, 1, ['a = 1', null]],
        [s1, 2, ['a + 41', '42']],
        [s1, 3, ['print("first")', null]],
      ]);
      assert.deepEqual(out.second.current, [
        [s2, 1, 'b = 2'],
        [s2, 2, 'b * 10'],
      ]);
      assert.deepEqual(out.second.search, [
        [s1, 1, 'a = 1'],
        [s1, 2, 'a + 41'],
      ]);
      const file = path.join(env.dir, 'home', 'history.jsonl');
      assert.ok(existsSync(file), 'history file under LLMSPELL_HOME');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.ok(
        lines.every((l) => JSON.parse(l) !== null),
        'every line is JSON',
      );
    },
  );
});
