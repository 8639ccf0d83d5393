import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jupyterEnv, type JupyterEnv, PY_DIR, PYTHON, runProcess } from './helpers';

describe('jupyter_kernel_test KernelTests against llmspell', () => {
  let env: JupyterEnv;
  before(async () => {
    env = await jupyterEnv();
  });
  after(() => env.cleanup());

  it(
    'passes every KernelTests test and the IopubWelcomeTests check with no skips',
    { timeout: 180000 },
    async () => {
      const r = await runProcess(PYTHON, [path.join(PY_DIR, 'kernel_tests.py')], {
        env: env.env,
        timeoutMs: 170000,
      });
      const out = r.stdout + r.stderr;
      assert.equal(r.timedOut, false, 'timed out');
      assert.match(out, /Ran (\d+) tests?/);
      const ran = Number(/Ran (\d+) tests?/.exec(out)?.[1]);
      assert.ok(ran >= 13, `expected all KernelTests tests and IopubWelcomeTests to run, ran ${ran}`);
      assert.match(out, /test_recv_iopub_welcome_msg/, 'the IopubWelcomeTests check ran');
      assert.doesNotMatch(out, /skipped/i, out);
      assert.equal(r.code, 0, out);
      assert.match(out, /\nOK\s*$/);
    },
  );
});
