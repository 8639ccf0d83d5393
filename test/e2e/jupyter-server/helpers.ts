import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type KernelProcess, startKernelProcess } from '../../support/kernels';

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
export async function startService(env: NodeJS.ProcessEnv = {}, timeoutMs = 30000): Promise<RunningService> {
  const home = mkdtempSync(path.join(tmpdir(), 'llmspell-jserver-'));
  let k: KernelProcess;
  try {
    k = await startKernelProcess({
      dir: home,
      args: ['--dap-port', '0'],
      env: { ...process.env, LLMSPELL_HOME: home, ...env },
      readyMs: timeoutMs,
    });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const m = /jupyter server: http:\/\/127\.0\.0\.1:\d+\/\?token=(\S+)/.exec(k.log());
  return {
    child: k.child,
    base: `http://127.0.0.1:${k.controlPort}`,
    port: k.controlPort,
    token: env.LLMSPELL_AUTH_TOKEN ?? m?.[1] ?? '',
    kernelId: k.id,
    home,
    stderr: () => k.log(),
    stop: async () => {
      await k.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
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
