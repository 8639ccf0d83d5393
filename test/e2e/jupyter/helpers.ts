import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installKernelspec } from '../../../kernel/jupyter/kernelspec';

export const PYTHON = '/usr/bin/python3';
export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const PY_DIR = path.join(REPO, 'test', 'e2e', 'python');
export const BIN = path.join(REPO, 'bin', 'llmspell');

export interface JupyterEnv {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Kill kernels that are still registered in this env's LLMSPELL_HOME (only ones our tests started). */
  cleanup(): void;
}

/** A private Jupyter environment: kernelspec in a temp JUPYTER_PATH, temp runtime dir and llmspell home. */
export async function jupyterEnv(extra: NodeJS.ProcessEnv = {}): Promise<JupyterEnv> {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-jupyter-e2e-'));
  await installKernelspec({ prefix: dir });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_PLATFORM_DIRS: '1',
    IPYTHONDIR: path.join(dir, 'ipython'),
    LLMSPELL_HOME: path.join(dir, 'home'),
    // kernels started by tests (directly or through the kernelspec) take free ports
    LLMSPELL_PORT: '0',
    LLMSPELL_DAP_PORT: '0',
    PYTHONPATH: PY_DIR,
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
  for (const d of ['data', 'runtime', 'config', 'home']) mkdirSync(path.join(dir, d), { recursive: true });
  return {
    dir,
    env,
    cleanup() {
      const reg = path.join(dir, 'home', 'kernels');
      try {
        for (const f of readdirSync(reg)) {
          const { pid } = JSON.parse(readFileSync(path.join(reg, f), 'utf8')) as { pid: number };
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      } catch {
        // no registry
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Run a command with a hard timeout (the child is killed by its pid when the time is up). */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs: number },
): Promise<ProcResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd ?? REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    // a child that exits without reading its input (`python3 -c ...`) closes the pipe first: EPIPE
    // on our write is expected then, its exit code and output are what the caller checks
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') stderr += `stdin: ${e.message}\n`;
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Run scenarios.py NAME (or another script of test/e2e/python) and parse its JSON line. */
export async function scenario<T>(
  name: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 60000,
  script = 'scenarios.py',
): Promise<T> {
  const r = await runProcess(PYTHON, [path.join(PY_DIR, script), name], { env, timeoutMs });
  if (r.code !== 0) {
    throw new Error(
      `scenario ${name} failed (code ${r.code}, timedOut ${r.timedOut}):\n${r.stdout}\n${r.stderr}`,
    );
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as T;
}
