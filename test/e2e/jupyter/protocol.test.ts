import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jupyterEnv, type JupyterEnv, scenario } from './helpers';

/** Protocol scenarios driven by Debian's jupyter_client (test/e2e/python/scenarios.py). */
describe('llmspell kernel with jupyter_client', () => {
  let env: JupyterEnv;
  before(async () => {
    env = await jupyterEnv();
    // the kernel's message size limit comes from the config file ([security] max_message_size_mb)
    const config = path.join(env.dir, 'kernel.toml');
    writeFileSync(config, '[security]\nmax_message_size_mb = 1\n');
    env.env.LLMSPELL_CONFIG = config;
  });
  after(() => env.cleanup());

  it(
    'interrupt_request stops `while true do end` quickly; heartbeat and control answer meanwhile',
    { timeout: 60000 },
    async () => {
      const r = await scenario<{
        heartbeat_while_spinning: boolean;
        control_kernel_info: string;
        control_parent_ok: boolean;
        reply_parent_ok: boolean;
        status: string;
        ename: string;
        after_status: string;
        after_result: string[];
      }>('interrupt', env.env);
      assert.equal(r.heartbeat_while_spinning, true);
      assert.equal(r.control_kernel_info, 'ok');
      assert.equal(r.control_parent_ok, true);
      assert.equal(r.reply_parent_ok, true);
      assert.equal(r.status, 'error');
      assert.equal(r.ename, 'Interrupted');
      // how long the interrupt took is bench/control.ts's business; here: that it ended the cell
      assert.equal(r.after_status, 'ok');
      assert.deepEqual(r.after_result, ['2']);
    },
  );

  it(
    'an interrupt sent as soon as execute_input arrives ends that cell, every time',
    { timeout: 60000 },
    async () => {
      // Before: the worker cleared the interrupt flag when a run started, so an interrupt that
      // overtook the start of the cell was lost (the kernel re-sent it every 100 ms to make up).
      const r = await scenario<{ enames: string[]; after_status: string; after_result: string[] }>(
        'interrupt_early',
        env.env,
      );
      assert.deepEqual(r.enames, Array(5).fill('Interrupted'));
      assert.equal(r.after_status, 'ok');
      assert.deepEqual(r.after_result, ['2']);
    },
  );

  it('io.read becomes input_request; allow_stdin false fails at once', { timeout: 60000 }, async () => {
    const r = await scenario<{
      status: string;
      prompts: Array<{ prompt: string; password: boolean }>;
      stdout: string;
      denied_status: string;
      denied_ename: string;
      denied_evalue: string;
      denied_error_outputs: number;
    }>('stdin', env.env);
    assert.equal(r.status, 'ok');
    assert.equal(r.prompts.length, 1);
    assert.equal(r.prompts[0].password, false);
    assert.match(r.stdout, /name\? /);
    assert.match(r.stdout, /hello Ada/);
    assert.equal(r.denied_status, 'error');
    assert.equal(r.denied_ename, 'InputError');
    assert.match(r.denied_evalue, /allow_stdin/);
    assert.equal(r.denied_error_outputs, 1);
  });

  it('forged and replayed messages are dropped; the kernel keeps serving', { timeout: 60000 }, async () => {
    const r = await scenario<{ replies_to_raw_socket: number; marker: string[]; alive: string }>(
      'forged',
      env.env,
    );
    assert.equal(r.replies_to_raw_socket, 1, 'only the first copy of the replayed message is answered');
    assert.deepEqual(r.marker, ['2'], 'forged cells did not run, the replayed one ran once');
    assert.equal(r.alive, 'ok');
  });

  it(
    'malformed and oversize messages are dropped; the kernel keeps serving',
    { timeout: 60000 },
    async () => {
      const r = await scenario<{ sent: number; alive: string; stdout: string; x_defined: string }>(
        'malformed',
        env.env,
      );
      assert.ok(r.sent >= 6);
      assert.equal(r.alive, 'ok');
      assert.equal(r.stdout, 'still alive\n');
      assert.equal(r.x_defined, 'true', 'the oversize cell did not run');
    },
  );

  it(
    'restart gives a fresh process and state; shutdown_request makes the kernel exit',
    { timeout: 60000 },
    async () => {
      const r = await scenario<{
        before: string;
        new_process: boolean;
        state_reset: string[];
        alive_after_restart: boolean;
        exited_after_shutdown: boolean;
      }>('restart', env.env);
      assert.equal(r.before, 'ok');
      assert.equal(r.new_process, true);
      assert.deepEqual(r.state_reset, ['true']);
      assert.equal(r.alive_after_restart, true);
      assert.equal(r.exited_after_shutdown, true, 'the kernel exited by itself after shutdown_request');
    },
  );

  it(
    'many clients execute concurrently against one kernel with shared state',
    { timeout: 90000 },
    async () => {
      const r = await scenario<{ statuses: string[]; all_replied: boolean; shared: string[] }>(
        'multiclient',
        env.env,
        80000,
      );
      assert.equal(r.all_replied, true);
      assert.deepEqual(r.statuses, ['ok']);
      assert.deepEqual(r.shared, ['40']);
    },
  );

  it(
    'execution_count, silent, store_history, user_expressions, stop_on_error',
    { timeout: 60000 },
    async () => {
      const r = await scenario<{
        counts: number[];
        silent_outputs: number;
        error_outputs: string[];
        error_status: string;
        error_traceback: string[];
        user_expressions: Record<string, string>;
        twice: string;
        abort_statuses: string[];
        a_after_abort: string[];
      }>('execute_rules', env.env);
      const [c1, c2, c3, c4, c5] = r.counts;
      assert.deepEqual([c2, c3, c4, c5], [c1, c1, c1 + 1, c1 + 2]);
      assert.equal(r.silent_outputs, 0);
      assert.deepEqual(r.error_outputs, ['error']);
      assert.equal(r.error_status, 'error');
      assert.ok(
        r.error_traceback.some((l) => l.includes('nosuch()')),
        'traceback shows the source line',
      );
      assert.deepEqual(r.user_expressions, { twice: 'ok', bad: 'error' });
      assert.equal(r.twice, '20');
      assert.deepEqual(r.abort_statuses, ['error', 'aborted', 'aborted']);
      assert.deepEqual(r.a_after_abort, ['3']);
    },
  );
});
