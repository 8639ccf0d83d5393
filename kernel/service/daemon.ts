import { spawn } from 'child_process';
import { closeSync, mkdirSync, openSync } from 'fs';
import * as path from 'path';
import { llmspellHome } from '../jupyter/registry';

/**
 * Daemon mode: the foreground process re-runs the same command detached (setsid: a new session
 * without a controlling terminal), stdin from /dev/null and stdout/stderr appended to the log file.
 * The child reports readiness (or its startup error) over an IPC channel, then drops it; the parent
 * exits 0 only after the child is ready, as systemd's Type=forking expects.
 */

/** Set in the daemon child: do not daemonize again; the cwd the user started from. */
export const DAEMON_ENV = 'LLMSPELL_DAEMON_CHILD';
export const DAEMON_CWD_ENV = 'LLMSPELL_DAEMON_CWD';

export type DaemonMessage =
  | {
      type: 'ready';
      pid: number;
      id: string;
      httpPort: number | null;
      connectionFile: string;
      logFile: string;
    }
  | { type: 'error'; message: string };

export function isDaemonChild(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[DAEMON_ENV] === '1';
}

export function defaultDaemonLogFile(): string {
  return path.join(llmspellHome(), 'logs', 'kernel.log');
}

export interface SpawnDaemonOptions {
  /** CLI arguments after `llmspell` (without --daemon). */
  args: string[];
  logFile: string;
  workingDir?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Start the daemon and wait for it to be ready; rejects with the child's error message. */
export function spawnDaemon(opts: SpawnDaemonOptions): Promise<Extract<DaemonMessage, { type: 'ready' }>> {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = openSync(opts.logFile, 'a', 0o640);
  const script = process.argv[1];
  const child = spawn(process.execPath, [...process.execArgv, script, ...opts.args], {
    detached: true,
    cwd: opts.workingDir ?? process.cwd(),
    stdio: ['ignore', out, out, 'ipc'],
    env: { ...(opts.env ?? process.env), [DAEMON_ENV]: '1', [DAEMON_CWD_ENV]: process.cwd() },
  });
  closeSync(out);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(
          `the daemon (pid ${child.pid}) did not report ready within ${opts.readyTimeoutMs ?? 30000} ms; see ${opts.logFile}`,
        ),
      );
    }, opts.readyTimeoutMs ?? 30_000);
    const finish = () => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
    };
    child.on('message', (msg: DaemonMessage) => {
      finish();
      if (msg.type === 'ready') resolve(msg);
      else reject(new Error(msg.message));
    });
    child.on('exit', (code, signal) => {
      finish();
      reject(
        new Error(`the daemon exited during startup (${signal ?? `code ${code}`}); see ${opts.logFile}`),
      );
    });
    child.on('error', (err) => {
      finish();
      reject(err);
    });
  });
}

/** In the daemon child: tell the parent (if it still listens) and drop the channel. */
export function notifyParent(msg: DaemonMessage): Promise<void> {
  if (!process.send || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    process.send!(msg, undefined, {}, () => {
      if (process.connected) process.disconnect();
      resolve();
    });
  });
}
