import { rmSync } from 'fs';
import * as http from 'http';
import * as https from 'https';
import { findKernel, listKernels, type RegistryEntry, unregisterKernel } from '../jupyter/registry';
import { processAlive, readPidFile } from './pidfile';

/** `kernel status` and `kernel stop`: read the registry, ask /health, signal processes. */

export interface KernelStatus {
  id: string;
  pid: number;
  ip: string;
  ports: RegistryEntry['ports'];
  connection_file: string;
  pid_file: string | null;
  log_file: string | null;
  started: string;
  uptime_seconds: number;
  clients: number | null;
  state: string | null;
  /** ok, unreachable, unauthorized, no-http, or the HTTP status. */
  health: string;
  /** The secret DAP clients present as `token` in attach/launch (null without a DAP server). */
  dap_token: string | null;
}

function getJson(url: string, timeoutMs: number): Promise<{ code: number; body: unknown }> {
  const get = url.startsWith('https:') ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        try {
          resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ code: res.statusCode ?? 0, body: undefined });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function probe(entry: RegistryEntry): Promise<Pick<KernelStatus, 'clients' | 'state' | 'health'>> {
  const port = entry.ports.http;
  if (!port) return { clients: null, state: null, health: 'no-http' };
  for (const scheme of ['http', 'https']) {
    try {
      const { code, body } = await getJson(`${scheme}://127.0.0.1:${port}/health`, 1500);
      if (code === 401) return { clients: null, state: null, health: 'unauthorized' };
      if (body && typeof body === 'object') {
        const b = body as { status?: string; clients?: number; state?: string };
        return { clients: b.clients ?? null, state: b.state ?? null, health: b.status ?? String(code) };
      }
      if (code) return { clients: null, state: null, health: String(code) };
    } catch {
      // try the other scheme
    }
  }
  return { clients: null, state: null, health: 'unreachable' };
}

/** Every running kernel (stale registry entries are pruned by listKernels). */
export async function kernelStatuses(): Promise<KernelStatus[]> {
  const entries = (await listKernels()).filter((e) => processAlive(e.pid));
  return Promise.all(
    entries.map(async (e) => ({
      id: e.id,
      pid: e.pid,
      ip: e.ip,
      ports: e.ports,
      connection_file: e.connectionFile,
      pid_file: e.pidFile ?? null,
      log_file: e.logFile ?? null,
      started: e.started,
      dap_token: e.dapToken ?? null,
      uptime_seconds: Math.max(0, Math.round((Date.now() - Date.parse(e.started)) / 1000)),
      ...(await probe(e)),
    })),
  );
}

function fmtUptime(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return h ? `${h}h${m}m` : m ? `${m}m${s}s` : `${s}s`;
}

export function formatStatusTable(list: KernelStatus[]): string {
  if (list.length === 0) return 'no running kernels\n';
  const rows = [['ID', 'PID', 'SHELL', 'HTTP', 'DAP', 'UPTIME', 'CLIENTS', 'HEALTH', 'CONNECTION FILE']];
  for (const k of list) {
    rows.push([
      k.id.slice(0, 8),
      String(k.pid),
      String(k.ports.shell),
      k.ports.http ? String(k.ports.http) : '-',
      k.ports.dap ? String(k.ports.dap) : '-',
      fmtUptime(k.uptime_seconds),
      k.clients === null ? '-' : String(k.clients),
      k.state ? `${k.health} (${k.state})` : k.health,
      k.connection_file,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') +
    '\n'
  );
}

export interface StopTarget {
  pid: number;
  id?: string;
  entry?: RegistryEntry;
  pidFile?: string;
}

export class NothingToStopError extends Error {}

/** Resolve `kernel stop ID | --pid-file F | --all` to processes. */
export async function resolveStopTargets(opts: {
  id?: string;
  pidFile?: string;
  all?: boolean;
}): Promise<StopTarget[]> {
  const kernels = await listKernels();
  if (opts.all) {
    if (!kernels.length) throw new NothingToStopError('no running kernels');
    return kernels.map((e) => ({ pid: e.pid, id: e.id, entry: e, pidFile: e.pidFile }));
  }
  if (opts.pidFile) {
    const pid = readPidFile(opts.pidFile);
    if (pid === undefined)
      throw new NothingToStopError(`no kernel to stop: pid file ${opts.pidFile} is missing or empty`);
    if (!processAlive(pid)) {
      rmSync(opts.pidFile, { force: true });
      throw new NothingToStopError(
        `no kernel to stop: pid file ${opts.pidFile} names pid ${pid}, which is not running (stale file removed)`,
      );
    }
    const entry = kernels.find((e) => e.pid === pid);
    return [{ pid, id: entry?.id, entry, pidFile: opts.pidFile }];
  }
  if (opts.id) {
    const entry = await findKernel(opts.id);
    if (!entry) {
      const known = kernels.map((k) => k.id.slice(0, 8)).join(', ') || 'none running';
      throw new NothingToStopError(`no running kernel matches '${opts.id}' (running: ${known})`);
    }
    return [{ pid: entry.pid, id: entry.id, entry, pidFile: entry.pidFile }];
  }
  throw new NothingToStopError('say which kernel to stop: an ID, --pid-file FILE or --all');
}

/** SIGTERM, wait for the exit, SIGKILL after timeoutMs (then clean up the files it left). */
export async function stopProcess(target: StopTarget, timeoutMs = 10_000): Promise<'terminated' | 'killed'> {
  try {
    process.kill(target.pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'terminated';
    throw new Error(`cannot signal pid ${target.pid}: ${(err as Error).message}`, { cause: err });
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(target.pid)) return 'terminated';
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(target.pid, 'SIGKILL');
  } catch {
    // exited meanwhile
  }
  for (let i = 0; i < 40 && processAlive(target.pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (target.id) await unregisterKernel(target.id);
  if (target.pidFile && readPidFile(target.pidFile) === target.pid) rmSync(target.pidFile, { force: true });
  if (target.entry) rmSync(target.entry.connectionFile, { force: true });
  return 'killed';
}
