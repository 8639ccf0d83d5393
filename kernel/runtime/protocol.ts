/** Messages between the main thread (LuaRuntime) and the VM worker. Internal to kernel/runtime. */
import type { MessagePort } from 'worker_threads';
import type { BreakpointSpec, RuntimeEvent, RuntimeOptions } from './types';

export interface WorkerInit {
  port: MessagePort;
  /** SharedArrayBuffer with one Int32: the wake-up flag for Atomics.wait while stopped. */
  signal: SharedArrayBuffer;
  preludePath: string;
  options: Omit<RuntimeOptions, 'hostModules'> & { env?: Record<string, string | undefined> };
  /** Lua sources of the host modules, in load order. */
  hostLua: Array<{ name: string; lua: string }>;
}

/** A command the Lua agent executes (A.command): scalars only, plus one plain object in c. */
export interface LuaCommand {
  cmd: string;
  id?: number;
  a?: unknown;
  b?: unknown;
  c?: unknown;
}

export type ToWorker =
  | {
      t: 'exec';
      id: number;
      code: string;
      chunkName: string;
      mode: 'cell' | 'file';
      args?: string[];
      scriptName?: string;
    }
  | { t: 'cmd'; cmd: LuaCommand }
  | { t: 'setbps'; id: number; path: string; specs: BreakpointSpec[]; owner: string }
  | { t: 'setfbps'; id: number; names: string[]; owner: string }
  | { t: 'bplocations'; id: number; path: string; line: number; endLine?: number }
  | { t: 'input'; text: string | null; error?: string }
  | { t: 'complete'; id: number; text: string }
  | { t: 'inspect'; id: number; expr: string }
  | { t: 'globals'; id: number }
  | { t: 'hostreply'; id: number; result?: string; error?: string }
  | { t: 'hostchunk'; id: number; chunk: string };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'fatal'; message: string }
  | { t: 'event'; event: RuntimeEvent }
  | { t: 'reply'; id: number; result?: unknown; error?: string; syntaxColumn?: number }
  | { t: 'hostcall'; id: number; name: string; args: string }
  | { t: 'hostcancel'; id: number };

/** What the agent's A.run returns, after normalisation. */
export interface RawRunResult {
  ok: boolean;
  values?: string[];
  n?: number;
  syntax?: boolean;
  message?: string;
  traceback?: string[];
  interrupted?: boolean;
  exit?: boolean;
  code?: number;
  terminated?: boolean;
}

/**
 * wasmoon turns Lua tables into plain objects keyed "1", "2", ...; turn sequences back into arrays
 * (recursively) so results read naturally on the JS side.
 */
export function normalizeLuaValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(normalizeLuaValue);
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length > 0 && keys.every((k, i) => k === String(i + 1))) {
    return keys.map((k) => normalizeLuaValue(obj[k]));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalizeLuaValue(obj[k]);
  return out;
}
