import * as path from 'path';
import { VERSION } from '../shared/version';
import { type Channel, type ConnectionInfo, hasAllPorts, newKey, readConnectionFile } from './connection';
import { HistoryStore } from './history';
import type { KernelOptions } from './kernel-types';
import type { KernelLogger } from './log';
import { defaultConnectionFile, llmspellHome, registerKernel } from './registry';

/**
 * Start-up steps of a kernel that need no kernel state: which connection to bind, the history
 * store, the registry entry, the idle timer. kernel.ts composes them.
 */

/** The connection to bind: the file's ports and key when it has all ports, else free ports. */
export async function connectionBase(
  options: KernelOptions,
  id: string,
): Promise<{ file: string; base: ConnectionInfo; useExisting: boolean }> {
  const ip = options.ip ?? '127.0.0.1';
  const file = path.resolve(options.connectionFile ?? defaultConnectionFile(id));
  const existing = await readConnectionFile(file);
  const useExisting = existing !== undefined && hasAllPorts(existing);
  const base: ConnectionInfo = useExisting
    ? existing
    : {
        transport: 'tcp',
        ip: existing?.ip && options.ip === undefined ? existing.ip : ip,
        shell_port: 0,
        iopub_port: 0,
        stdin_port: 0,
        control_port: 0,
        hb_port: 0,
        key: existing?.key || newKey(),
        signature_scheme: 'hmac-sha256',
        kernel_name: 'llmspell',
      };
  return { file, base, useExisting };
}

/** The persistent history (in memory only with `historyFile: null` or when the file cannot be written). */
export function openHistory(options: KernelOptions, logger: KernelLogger): HistoryStore {
  const file =
    options.historyFile === undefined ? path.join(llmspellHome(), 'history.jsonl') : options.historyFile;
  if (file === null) return new HistoryStore();
  const history = HistoryStore.open({
    file,
    maxEntries: options.historyMaxEntries,
    onError: (err) => logger.warn({ file, err: err.message }, 'history is not persisted (kept in memory)'),
  });
  logger.debug({ file, session: history.session }, 'history session');
  return history;
}

export function portsOf(c: ConnectionInfo): Record<Channel, number> {
  return {
    shell: c.shell_port,
    iopub: c.iopub_port,
    stdin: c.stdin_port,
    control: c.control_port,
    hb: c.hb_port,
  };
}

/** Write the registry entry (`kernel status`, `kernel stop ID`); a failure is logged, not fatal. */
export async function writeRegistry(
  k: {
    id: string;
    connection: ConnectionInfo;
    connectionFile: string;
    startedAt: Date;
    dapPort?: number;
    /** The secret DAP clients present (recorded only when the DAP server runs). */
    dapToken: string;
  },
  options: KernelOptions,
  logger: KernelLogger,
): Promise<void> {
  const extras = options.registryExtras ?? {};
  try {
    await registerKernel({
      id: k.id,
      pid: process.pid,
      ip: k.connection.ip,
      ports: {
        ...portsOf(k.connection),
        ...(extras.http !== undefined ? { http: extras.http } : {}),
        ...(k.dapPort !== undefined ? { dap: k.dapPort } : {}),
      },
      connectionFile: k.connectionFile,
      started: k.startedAt.toISOString(),
      pidFile: extras.pidFile,
      logFile: extras.logFile,
      version: VERSION,
      ...(k.dapPort !== undefined ? { dapToken: k.dapToken } : {}),
    });
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not write the kernel registry entry');
  }
}

/** `--idle-timeout S`: calls onIdle once nothing ran for S seconds (checked every second at most). */
export function idleTimer(
  timeoutSec: number,
  idleMs: () => number | undefined,
  onIdle: (idleSec: number) => void,
): NodeJS.Timeout | undefined {
  if (timeoutSec <= 0) return undefined;
  const timer = setInterval(
    () => {
      const ms = idleMs();
      if (ms !== undefined && ms >= timeoutSec * 1000) onIdle(Math.round(ms / 1000));
    },
    Math.min(1000, timeoutSec * 1000),
  );
  timer.unref();
  return timer;
}
