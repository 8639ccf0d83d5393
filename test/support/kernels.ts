/**
 * Kernels started by tests: `llmspell kernel start` as a process (ready when its ready line was
 * printed and its connection file written; stopped by its pid), and registry entries under
 * LLMSPELL_HOME.
 */
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ConnectionInfo } from '../../kernel/jupyter/connection';
import { waitForValue, withTimeout } from './wait';

/** The launcher, from the compiled file's place in dist/test/support. */
export const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'llmspell');

export interface KernelProcess {
  child: ChildProcess;
  connectionFile: string;
  info: ConnectionInfo;
  /** The kernel id from the ready line. */
  id: string;
  /** The HTTP control port from the ready line (also the Jupyter server's). */
  controlPort: number;
  /** Everything the process wrote to stdout and stderr so far. */
  log(): string;
  /** SIGTERM, SIGKILL after 10 s as a safety net; resolves with the exit code (null: a signal). */
  stop(): Promise<number | null>;
}

let started = 0;

/**
 * `llmspell kernel start --connection-file <dir>/kernel-N.json --port 0 ...args` with `env`;
 * resolves once the ready lines (through `stop:`) are printed and the connection file written. `readyMs` is only a
 * safety net for a broken build.
 */
export async function startKernelProcess(opts: {
  dir: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  readyMs?: number;
}): Promise<KernelProcess> {
  const connectionFile = path.join(opts.dir, `kernel-${process.pid}-${++started}.json`);
  const child = spawn(
    process.execPath,
    [BIN, 'kernel', 'start', '--connection-file', connectionFile, '--port', '0', ...(opts.args ?? [])],
    { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      const m =
        /llmspell kernel (\S+) ready[\s\S]*?control: https?:\/\/[^:]+:(\d+)\/[\s\S]*\n {2}stop: /.exec(log);
      if (m && fs.existsSync(connectionFile)) resolve(m);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the kernel exited (${code}) before it was ready:\n${log}`)));
  });
  let m: RegExpExecArray;
  try {
    m = await withTimeout(ready, opts.readyMs ?? 60_000, "the kernel's ready line");
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    child,
    connectionFile,
    info: JSON.parse(fs.readFileSync(connectionFile, 'utf8')) as ConnectionInfo,
    id: m[1],
    controlPort: Number(m[2]),
    log: () => log,
    stop,
  };
}

/**
 * The first kernel registry entry (`<home>/kernels/<id>.json`) once it exists and parses (a file
 * being written is read again), optionally once `ready(entry)` holds (its DAP port is known).
 */
export function registryEntry<T>(home: string, ready: (entry: T) => boolean = () => true): Promise<T> {
  const dir = path.join(home, 'kernels');
  return waitForValue(() => {
    const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => n.endsWith('.json')) : undefined;
    if (!file) return undefined;
    try {
      const entry = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
      return ready(entry) ? entry : undefined;
    } catch {
      return undefined; // being written
    }
  }, `a kernel registry entry in ${dir}`);
}
