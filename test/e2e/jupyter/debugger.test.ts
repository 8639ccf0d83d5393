import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { jupyterEnv, type JupyterEnv, PY_DIR, PYTHON, runProcess } from './helpers';
import { lineIn } from '../../support/positions';
import { waitFor, withTimeout } from '../../support/wait';

const within = <T>(p: Promise<T>, what: string, ms = 20000): Promise<T> => withTimeout(p, ms, what);

describe('debugging the kernel: JupyterLab debug_request and DAP attach', () => {
  let env: JupyterEnv;
  before(async () => {
    env = await jupyterEnv();
  });
  after(() => env.cleanup());

  it(
    'a JupyterLab-style debug_request session stops in a cell and inspects it',
    { timeout: 90000 },
    async () => {
      const r = await runProcess(PYTHON, [path.join(PY_DIR, 'debugger.py'), 'jupyterlab'], {
        env: env.env,
        timeoutMs: 80000,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      assert.equal(out.kernel_info_debugger, true);
      assert.deepEqual(out.supported_features, ['debugger']);
      assert.equal(out.initialize, true);
      assert.equal(out.attach, true);
      assert.deepEqual(out.debug_info, { isStarted: true, hashMethod: 'Murmur2', tmpFileSuffix: '.lua' });
      assert.equal(out.tmp_prefix_ok, true);
      assert.deepEqual((out.breakpoint as { verified: boolean; line: number }).verified, true);
      assert.equal(out.stopped_reason, 'breakpoint');
      assert.equal((out.breakpoint as { line: number }).line, lineIn(String(out.code), 'print(y)'));
      assert.deepEqual(out.top_frame, { line: lineIn(String(out.code), 'print(y)'), path: out.cell_path });
      assert.deepEqual(out.locals, { x: '1', y: '42' });
      assert.equal(out.evaluate, '43');
      assert.equal(out.inspect_ok, true);
      assert.equal(out.execute_status, 'ok');
      assert.equal(out.disconnect, true);
    },
  );

  it(
    'a DAP client attached on the dap port stops in code a Jupyter cell runs',
    { timeout: 90000 },
    async () => {
      const script = path.join(env.dir, 'work.lua');
      const source =
        'local function work(n)\n  local total = n * 2\n  return total\nend\nlocal r = work(21)\nreturn r\n';
      const line = lineIn(source, 'return total');
      writeFileSync(script, source);
      const py = spawn(PYTHON, [path.join(PY_DIR, 'debugger.py'), 'cell', script], {
        env: env.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      py.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      py.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => py.on('exit', (c) => resolve(c)));
      try {
        await waitFor(() => stdout.includes('"ready"'), 'kernel ready', 40000);
        const reg = path.join(env.dir, 'home', 'kernels');
        assert.ok(existsSync(reg));
        const entry = JSON.parse(readFileSync(path.join(reg, readdirSync(reg)[0]), 'utf8')) as {
          ports: { dap?: number };
          dapToken?: string;
        };
        assert.ok(entry.ports.dap && entry.ports.dap > 0, 'the registry names the DAP port');
        assert.ok(entry.dapToken, 'the registry holds the DAP token');
        const dc = new DebugClient('node', '', 'llmspell');
        await dc.start(entry.ports.dap);
        try {
          await within(dc.initializeRequest(), 'initialize');
          await assert.rejects(
            within(dc.attachRequest({ request: 'attach' } as never), 'attach without a token'),
            /authentication required/,
          );
          await within(dc.attachRequest({ request: 'attach', token: entry.dapToken } as never), 'attach');
          const bps = await within(
            dc.setBreakpointsRequest({ source: { path: script }, breakpoints: [{ line }] }),
            'setBreakpoints',
          );
          assert.equal(bps.body.breakpoints[0].verified, true);
          await within(dc.configurationDoneRequest(), 'configurationDone');
          const stopped = dc.waitForEvent('stopped', 30000);
          py.stdin.write('go\n');
          const ev = await within(stopped, 'stopped', 30000);
          const st = await within(dc.stackTraceRequest({ threadId: ev.body.threadId }), 'stackTrace');
          assert.equal(st.body.stackFrames[0].name, 'work');
          assert.equal(st.body.stackFrames[0].line, line);
          assert.equal(st.body.stackFrames[0].source?.path, script);
          const ev2 = await within(
            dc.evaluateRequest({ expression: 'total', frameId: st.body.stackFrames[0].id, context: 'repl' }),
            'evaluate',
          );
          assert.equal(ev2.body.result, '42');
          await within(dc.continueRequest({ threadId: ev.body.threadId }), 'continue');
          await waitFor(() => stdout.includes('"status"'), 'the cell result', 40000);
        } finally {
          // the kernel stays up until this client has disconnected (the scenario waits for a line)
          await within(dc.stop(), 'disconnect');
          py.stdin.write('done\n');
        }
        const code = await within(exited, 'python exit', 40000);
        assert.equal(code, 0, stderr);
        const line2 = stdout.split('\n').find((l) => l.includes('"status"')) ?? '{}';
        const res = JSON.parse(line2) as { status: string; result: string };
        assert.deepEqual(res, { status: 'ok', result: '42' });
      } finally {
        if (py.exitCode === null) py.kill();
      }
    },
  );
});
