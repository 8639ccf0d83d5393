import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jupyterEnv, type JupyterEnv, scenario } from './helpers';

/** Notebook behaviours through Debian's jupyter_client (test/e2e/python/notebook.py). */
describe('notebook behaviours with jupyter_client', () => {
  let env: JupyterEnv;
  before(async () => {
    env = await jupyterEnv();
  });
  after(() => env.cleanup());

  it(
    'cells: display calls show no value, a trailing bare expression is shown, exit/quit ask to quit',
    { timeout: 90000 },
    async () => {
      const r = await scenario<{
        display_types: string[];
        last_values: string[];
        semi_values: string[];
        multi_values: string[];
        syntax_status: string;
        syntax_ename: string;
        magic_evalue: string;
        page_sources: string[];
        exit_payload: object[];
        exit_outputs: number;
        quit_payload: object[];
        user_quit: string[];
      }>('cells', env.env, 90000, 'notebook.py');
      assert.deepEqual(r.display_types, ['display_data'], 'no execute_result with the display id');
      assert.deepEqual(r.last_values, ['42']);
      assert.deepEqual(r.semi_values, ['"AB!"']);
      assert.deepEqual(r.multi_values, ['{2, 3}']);
      assert.equal(r.syntax_status, 'error');
      assert.equal(r.syntax_ename, 'SyntaxError');
      assert.match(
        r.magic_evalue,
        /\.lua:3: boom$/,
        'a %%lua cell reports the line as the notebook shows it',
      );
      assert.deepEqual(r.page_sources, ['page']);
      assert.deepEqual(r.exit_payload, [{ source: 'ask_exit', keepkernel: false }]);
      assert.equal(r.exit_outputs, 0);
      assert.deepEqual(r.quit_payload, [{ source: 'ask_exit', keepkernel: false }]);
      assert.deepEqual(r.user_quit, ['"mine"'], 'a user-defined quit() runs');
    },
  );

  it(
    "completion of members on values of the cell's locals and on parenthesized strings",
    { timeout: 90000 },
    async () => {
      type Reply = { matches: string[]; start: number; end: number };
      const r = await scenario<Record<string, Reply> & { alive: string[] }>(
        'complete',
        env.env,
        90000,
        'notebook.py',
      );
      assert.deepEqual(r.local_method.matches, ['upper']);
      assert.deepEqual(r.paren_string.matches, ['rep', 'reverse']);
      assert.deepEqual(r.local_table.matches, ['alpha']);
      assert.deepEqual(r.local_alias.matches, ['format']);
      assert.deepEqual(r.global_still.matches, ['upper']);
      assert.deepEqual(r.call_not_run.matches, [], 'an initializer with a call is never evaluated');
      assert.deepEqual(r.alive, ['2']);
      assert.equal(r.local_method.end - r.local_method.start, 2, 'the partial name is replaced');
    },
  );

  it(
    'connect_request, usage_request (control) and iopub_welcome for a new subscriber',
    { timeout: 90000 },
    async () => {
      const r = await scenario<{
        connect_type: string;
        connect_ports_ok: boolean;
        usage_type: string;
        usage_keys: string[];
        usage_pid: number;
        kernel_pid: number;
        welcome_content: { subscription: string } | null;
      }>('requests', env.env, 90000, 'notebook.py');
      assert.equal(r.connect_type, 'connect_reply');
      assert.equal(r.connect_ports_ok, true);
      assert.equal(r.usage_type, 'usage_reply');
      for (const k of [
        'hostname',
        'pid',
        'kernel_cpu',
        'kernel_memory',
        'cpu_count',
        'host_virtual_memory',
      ]) {
        assert.ok(r.usage_keys.includes(k), `usage_reply has ${k}`);
      }
      assert.equal(r.usage_pid, r.kernel_pid);
      assert.deepEqual(r.welcome_content, { subscription: '' });
    },
  );

  it(
    'debugger: copyToGlobals advertised, expandable inspectVariables when not stopped, modules',
    { timeout: 90000 },
    async () => {
      const r = await scenario<{
        copy_to_globals: boolean;
        t_ref: number;
        children: string[][];
        inner_ref: number;
        grandchildren: string[][];
        modules_success: boolean;
        module_names: string[];
        module_paths_exist: boolean;
        total_modules: number;
      }>('debugger', env.env, 90000, 'notebook.py');
      assert.equal(r.copy_to_globals, true);
      assert.ok(r.t_ref > 0, 'a table global is expandable');
      assert.deepEqual(r.children, [
        ['[1]', '10', 't[1]'],
        ['[2]', '20', 't[2]'],
        ['alpha', '1', 't.alpha'],
        ['inner', '{x = 2}', 't.inner'],
      ]);
      assert.ok(r.inner_ref > 0);
      assert.deepEqual(r.grandchildren, [['x', '2']]);
      assert.equal(r.modules_success, true);
      assert.deepEqual(r.module_names, ['In [1]']);
      assert.equal(r.module_paths_exist, true);
      assert.equal(r.total_modules, 1);
    },
  );

  it(
    'the kernel exits when the process that launched it dies (JPY_PARENT_PID)',
    { timeout: 90000 },
    async () => {
      const r = await scenario<{ alive_before: boolean; exited: boolean }>(
        'parent_dies',
        env.env,
        90000,
        'notebook.py',
      );
      assert.equal(r.alive_before, true);
      assert.equal(r.exited, true);
    },
  );
});
