/** Messages between the main thread (LuaRuntime) and the VM worker. Internal to kernel/runtime. */
import type { MessagePort } from 'worker_threads';
import type { LuaMultiReturn } from 'wasmoon';
import type { BreakpointSpec, RuntimeEvent, RuntimeOptions, StepKind } from './types';

/**
 * The Lua agent's modules (kernel/runtime/lua/agent/<name>.lua), in load order. Each is loaded under
 * the chunk name "=[llmspell]" and called with (H, A, I); see docs/ARCHITECTURE.md.
 */
export const AGENT_MODULES = [
  'core',
  'render',
  'json',
  'output',
  'hostapi',
  'display',
  'io',
  'load',
  'coroutine',
  'eval',
  'stop',
  'variables',
  'breakpoints',
  'hooks',
  'relive',
  'errors',
  'debuglib',
  'commands',
  'run',
] as const;

export interface WorkerInit {
  port: MessagePort;
  /** SharedArrayBuffer with one Int32: the wake-up flag for Atomics.wait while stopped. */
  signal: SharedArrayBuffer;
  /** Directory holding the agent's modules (AGENT_MODULES). */
  agentDir: string;
  options: Omit<RuntimeOptions, 'hostModules'> & { env?: Record<string, string | undefined> };
  /** Lua sources of the host modules, in load order. */
  hostLua: Array<{ name: string; lua: string }>;
}

/** A breakpoint as the agent stores it (computed by breakpoints.ts). */
export interface AgentBreakpointSpec {
  id: number;
  cond?: string;
  hitop?: string;
  hitn?: number;
  log?: string;
  /** The line has no probe in an already loaded chunk: the line hook must watch it. */
  late: boolean;
}

/**
 * One function of a loaded chunk to re-instrument (lua/agent/relive.lua): Lua's linedefined for it
 * (`def`), the line of its '(' (`line`) and of its `end` (`last`), and its text from '(' to `end`
 * with probes on the breakpoint lines.
 */
export interface ReliveFunction {
  def: number;
  line: number;
  last: number;
  text: string;
}

/**
 * Every command the Lua agent executes (A.command; lua/agent/commands.lua has one handler per
 * `cmd`). `id` asks for an answer: the agent calls H.reply(id, ...). Fields are passed to Lua as a
 * table with these names.
 */
export type AgentCommand = { id?: number } & (
  | { cmd: 'stack'; threadId?: number }
  | { cmd: 'scopes'; frameId: number }
  | { cmd: 'vars'; ref: number }
  | { cmd: 'setvar'; ref: number; name: string; value: string }
  | { cmd: 'eval'; expr: string; frameId?: number }
  | { cmd: 'completions'; text: string; frameId?: number }
  | { cmd: 'threads' }
  | { cmd: 'continue' }
  | { cmd: 'step'; kind: StepKind }
  | { cmd: 'terminate' }
  | { cmd: 'pause' }
  /** `exec`: the request id of the execution it is for (none: whatever runs, e.g. an evaluation). */
  | { cmd: 'interrupt'; exec?: number }
  | { cmd: 'bp'; source: string; line: number; spec: AgentBreakpointSpec }
  | { cmd: 'fbp'; source: string; line: number; bpId: number }
  | { cmd: 'clearbps'; source?: string; kind: 'line' | 'function' }
  | { cmd: 'late'; source: string; line: number }
  | { cmd: 'relive'; source: string; functions: ReliveFunction[]; lines: number[]; late: number[] }
  /** Register a guarded probe method (kernel/runtime/probe-guard.ts): `code` is its Lua loader. */
  | { cmd: 'guard'; source: string; line: number; method: string; cond: string; code: string }
  | { cmd: 'filters'; uncaught: boolean; all: boolean }
  | { cmd: 'entry'; on: boolean }
  | { cmd: 'budget'; ticks: number }
);

/** Every command name, exactly once (the compiler checks this against AgentCommand). */
export const AGENT_COMMAND_NAMES: Readonly<Record<AgentCommand['cmd'], true>> = {
  stack: true,
  scopes: true,
  vars: true,
  setvar: true,
  eval: true,
  completions: true,
  threads: true,
  continue: true,
  step: true,
  terminate: true,
  pause: true,
  interrupt: true,
  bp: true,
  fbp: true,
  clearbps: true,
  late: true,
  relive: true,
  guard: true,
  filters: true,
  entry: true,
  budget: true,
};

/** Values a host function returns to Lua: several values go as a LuaMultiReturn. */
type LuaRet<T> = T | LuaMultiReturn;

/**
 * The host functions the agent calls (its `H`), implemented by the worker. Declared for Lua in
 * lua/host.meta.lua; the raw C functions `fread` and `fwrite` are added by the worker beside these.
 */
export interface AgentHost {
  log(text: string, path: string, line: number): void;
  input(prompt: string, password: boolean): LuaRet<string | undefined>;
  stmtline(chunkname: string, line: number): boolean;
  display(mime: string, data: string, plain: string, displayId: string, update: boolean): void;
  clear(wait: boolean): void;
  sessionid(): string;
  call(name: string, args: string): LuaRet<string>;
  stream_start(name: string, args: string): number;
  stream_next(id: number): LuaMultiReturn;
  stopped(reason: string, threadId: number, text?: string, hit?: number, src?: string, line?: number): void;
  next(): AgentCommand | undefined;
  poll(): AgentCommand | undefined;
  abort_eval(): boolean;
  reply(id: number, result: unknown, error?: string): void;
  fopen(path: string, mode: string): LuaRet<number>;
  fseek(id: number, whence: string, offset: number): LuaRet<number>;
  fclose(id: number): void;
  abspath(path: string): string;
  searchpath(name: string, template: string, sep?: string, rep?: string): LuaRet<string>;
  getenv(name: string): string | undefined;
  tmpname(): string;
  remove(path: string): LuaRet<boolean>;
  rename(from: string, to: string): LuaRet<boolean>;
}

/** Every host function name (checked by the compiler against AgentHost, by a test against the meta file). */
export const AGENT_HOST_NAMES: Readonly<Record<keyof AgentHost, true>> = {
  log: true,
  input: true,
  stmtline: true,
  display: true,
  clear: true,
  sessionid: true,
  call: true,
  stream_start: true,
  stream_next: true,
  stopped: true,
  next: true,
  poll: true,
  abort_eval: true,
  reply: true,
  fopen: true,
  fseek: true,
  fclose: true,
  abspath: true,
  searchpath: true,
  getenv: true,
  tmpname: true,
  remove: true,
  rename: true,
};
/** Raw lua_CFunctions the worker adds to H (bytes, C functions; see lua-raw.ts). */
export { RAW_HOST_FUNCTIONS as AGENT_RAW_HOST_NAMES } from './lua-raw';

export type ToWorker =
  | {
      t: 'exec';
      id: number;
      /** Source text (a cell, sent as UTF-8) or the exact bytes of a file. */
      code: string | Uint8Array;
      chunkName: string;
      mode: 'cell' | 'file';
      args?: string[];
      scriptName?: string;
    }
  | { t: 'cmd'; cmd: AgentCommand }
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
