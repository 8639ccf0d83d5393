/**
 * The running kernels, read from the registry the kernel writes: one JSON file per kernel in
 * `$LLMSPELL_HOME/kernels` (default `~/.llmspell/kernels`, see kernel/jupyter/registry.ts).
 * Entries whose process is gone are skipped (the kernel CLI prunes them).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface KernelEntry {
  id: string;
  pid: number;
  ip: string;
  ports: { shell: number; http?: number; dap?: number };
  connectionFile: string;
  started: string;
  /** Token the kernel's DAP server expects in launch/attach arguments, when it asks for one. */
  dapToken?: string;
}

export function llmspellHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.LLMSPELL_HOME || path.join(os.homedir(), '.llmspell');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** One registry file's JSON as an entry, or undefined when it is not one. */
export function parseEntry(raw: unknown): KernelEntry | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  const ports = (o.ports && typeof o.ports === 'object' ? o.ports : {}) as Record<string, unknown>;
  const id = str(o.id);
  const pid = num(o.pid);
  const shell = num(ports.shell);
  if (!id || !pid || shell === undefined) return undefined;
  const dap = (o.dap && typeof o.dap === 'object' ? o.dap : {}) as Record<string, unknown>;
  return {
    id,
    pid,
    ip: str(o.ip) ?? '127.0.0.1',
    ports: { shell, http: num(ports.http), dap: num(ports.dap) },
    connectionFile: str(o.connectionFile) ?? '',
    started: str(o.started) ?? '',
    dapToken: str(o.dapToken) ?? str(dap.token),
  };
}

/** Live kernels, newest first. */
export function runningKernels(env: NodeJS.ProcessEnv = process.env): KernelEntry[] {
  const dir = path.join(llmspellHome(env), 'kernels');
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: KernelEntry[] = [];
  for (const name of names) {
    let entry: KernelEntry | undefined;
    try {
      entry = parseEntry(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
    } catch {
      entry = undefined;
    }
    if (entry && alive(entry.pid)) out.push(entry);
  }
  return out.sort((a, b) => b.started.localeCompare(a.started));
}

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '']);

/** The kernel serving DAP on host:port, when it is one of ours. */
export function kernelForDap(host: string, port: number, kernels: KernelEntry[]): KernelEntry | undefined {
  return kernels.find((k) => k.ports.dap === port && (k.ip === host || (LOCAL.has(host) && LOCAL.has(k.ip))));
}
