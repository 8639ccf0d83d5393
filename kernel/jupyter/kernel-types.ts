import type { RuntimeHandle } from '../runtime/types';
import type { CellPathScheme } from './cell-path';
import type { Channel, ConnectionInfo } from './connection';
import type { MessageHandler } from './handlers';
import type { KernelLogger } from './log';
import type { RuntimeFactory } from './runtime-slot';
import type { WireErrorReason } from './wire';

/** The kernel's public surface: options, events, statistics and the handle other layers hold. */

/** Options of startKernel(). Everything but the runtime has a default. */
export interface KernelOptions {
  /** Bind exactly this file's ports/key when it exists with all ports; otherwise write it (0600). */
  connectionFile?: string;
  /** Interface to bind (default 127.0.0.1). */
  ip?: string;
  /** Maximum concurrent clients (shell connections); default 50. */
  maxClients?: number;
  /** Stop after this many idle seconds; 0 = never (default). */
  idleTimeoutSec?: number;
  /** Messages larger than this are dropped (default 64 MiB). */
  maxMessageBytes?: number;
  /** DAP TCP port (0 = a free port, null/undefined = no DAP server). */
  dapPort?: number | null;
  /** True when dapPort is only the 9556 default: a busy port then logs a warning instead of failing. */
  dapPortIsDefault?: boolean;
  /** The Lua runtime; by default a LuaRuntime is created (and disposed on stop). */
  runtime?: RuntimeHandle;
  /**
   * Creates the kernel's runtime at start (unless `runtime` is given) and a fresh one when it
   * crashes or restarts (kernel/hostapi/factory.ts builds them with the host API). Default: a
   * LuaRuntime without host API; with an injected `runtime` and no factory a crash stops the kernel.
   */
  createRuntime?: RuntimeFactory;
  logger?: KernelLogger;
  /** Write a registry entry under ~/.llmspell/kernels (default true). */
  register?: boolean;
  /** Extra registry fields (HTTP port, pid file, log file) known to the caller. */
  registryExtras?: { http?: number; pidFile?: string; logFile?: string };
  /** Chunk naming scheme for cells (the debugger may switch to JupyterLab's murmur2 scheme). */
  cellScheme?: CellPathScheme;
  /** The DAP secret (default: derived from the connection key; see debug-adapter/auth.ts). */
  dapToken?: string;
  /**
   * History file (JSON lines, shared by the user's kernels). Default: `history.jsonl` under
   * LLMSPELL_HOME or ~/.llmspell; null keeps history in memory only.
   */
  historyFile?: string | null;
  /** Cells of history kept (default 10,000). */
  historyMaxEntries?: number;
  /** Kernel id (default: random UUID). */
  id?: string;
  /**
   * Stop when the process that launched us dies, as ipykernel does: the parent pid to watch
   * (default: our parent when JPY_PARENT_PID is set, as jupyter_client sets it; 0 = never).
   */
  parentPid?: number;
}

export type StopReason =
  'shutdown' | 'idle-timeout' | 'signal' | 'stop' | 'runtime-crashed' | 'parent-exited';

export type DropReason = WireErrorReason | 'too-many-clients' | 'unknown-type';

/** Typed events for the service layer (metrics, health, logs). */
export interface KernelEvents {
  request: [{ channel: 'shell' | 'control'; msgType: string; session: string }];
  execution: [{ ok: boolean; durationMs: number; executionCount: number }];
  aborted: [{ msgId: string }];
  clients: [{ action: 'connected' | 'disconnected'; clients: number }];
  dropped: [{ channel: Channel; reason: DropReason; detail: string }];
  status: [{ state: 'busy' | 'idle' }];
  stopping: [{ reason: StopReason; restart: boolean }];
}

export interface KernelStats {
  id: string;
  startedAt: string;
  uptimeSec: number;
  executionCount: number;
  executions: number;
  executionErrors: number;
  abortedExecutions: number;
  messagesReceived: number;
  messagesDropped: number;
  messagesSent: number;
  clients: number;
  busy: boolean;
  queuedRequests: number;
  lastActivity: string;
  /** Time from startKernel() to sockets bound and runtime ready, in ms. */
  startupMs: number;
  /** Connected Debug Adapter clients (TCP). */
  dapClients: number;
  /** The bound DAP port, when the debug adapter runs. */
  dapPort?: number;
  /** Fresh runtimes started after the Lua worker crashed. */
  runtimeRestarts?: number;
}

/** The running kernel as other layers (CLI, service, debugger) see it. */
export interface KernelHandle {
  readonly id: string;
  readonly connection: ConnectionInfo;
  readonly connectionFile: string;
  readonly runtime: RuntimeHandle;
  readonly options: Readonly<KernelOptions>;
  /** The secret DAP clients present as `token` (also in the registry entry). */
  readonly dapToken: string;
  stats(): KernelStats;
  on<E extends keyof KernelEvents>(event: E, listener: (...args: KernelEvents[E]) => void): this;
  off<E extends keyof KernelEvents>(event: E, listener: (...args: KernelEvents[E]) => void): this;
  /** Register an extra handler (e.g. debug_request on control) without touching the wiring table. */
  registerHandler(channel: 'shell' | 'control', msgType: string, handler: MessageHandler): void;
  /** Interrupt the running cell (SIGINT, REPL). */
  interrupt(): void;
  /** A fresh runtime (globals reset) and execution count 0; sockets and clients stay (REST restart). */
  restart(): Promise<void>;
  /** Graceful stop: close sockets, dispose the runtime, remove registry entry and own files. */
  stop(reason?: StopReason): Promise<void>;
  /** Resolves when the kernel stopped, with the reason and whether a restart was requested. */
  readonly stopped: Promise<{ reason: StopReason; restart: boolean }>;
}
