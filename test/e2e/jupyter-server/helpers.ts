import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const BIN = path.join(REPO, 'bin', 'llmspell');

export interface RunningService {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  /** The token printed on the ready line (the generated one), or the configured one. */
  token: string;
  kernelId: string;
  home: string;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * `llmspell kernel start --port 0 --dap-port 0` in a private LLMSPELL_HOME; resolves when the ready
 * lines (control URL, jupyter server URL) were printed. `env` adds e.g. LLMSPELL_AUTH_TOKEN.
 */
export function startService(env: NodeJS.ProcessEnv = {}, timeoutMs = 30000): Promise<RunningService> {
  const home = mkdtempSync(path.join(tmpdir(), 'llmspell-jserver-'));
  const child = spawn(process.execPath, [BIN, 'kernel', 'start', '--port', '0', '--dap-port', '0'], {
    env: { ...process.env, LLMSPELL_HOME: home, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(home, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`kernel start did not get ready:\n${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /jupyter server: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=(\S+)/.exec(err);
      const id = /llmspell kernel (\S+) ready/.exec(err);
      if (m && id) {
        clearTimeout(timer);
        const token = env.LLMSPELL_AUTH_TOKEN ?? m[3];
        resolve({
          child,
          base: m[1],
          port: Number(m[2]),
          token,
          kernelId: id[1],
          home,
          stderr: () => err,
          stop,
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kernel start exited with ${code}:\n${err}`));
    });
  });
}

export interface HttpResult {
  status: number;
  body: string;
  json(): unknown;
}

/** A plain HTTP request (no client library): for status codes and headers. */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) as unknown }),
      );
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Resolve with `p`, or reject naming `what` after `ms` (so a stuck step fails clearly and cleanup runs). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
