import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { existsSync, mkdirSync, promises as fs, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as zmq from 'zeromq';
import { LuaRuntime } from '../runtime/runtime';
import type { HostModule, RuntimeEvent, RuntimeHandle } from '../runtime/types';
import { VERSION } from '../cli/version';
import { cellPath, type CellPathScheme, defaultCellScheme } from './cell-path';
import { startKernelDebugger, type KernelDebugger } from './debugger';
import { CommManager } from './comms';
import {
  type Channel,
  type ConnectionInfo,
  endpoint,
  hasAllPorts,
  newKey,
  readConnectionFile,
  writeConnectionFile,
} from './connection';
import {
  controlHandlers,
  shellHandlers,
  type KernelServices,
  type MessageHandler,
  type RequestContext,
} from './handlers';
import { HistoryStore } from './history';
import { type RuntimeFactory, RuntimeSlot } from './runtime-slot';
import { type KernelLogger, silentLogger } from './log';
import { defaultConnectionFile, llmspellHome, registerKernel, unregisterKernel } from './registry';
import { SendQueue } from './send-queue';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeMessage,
  encodeMessage,
  type JsonObject,
  type JupyterMessage,
  makeHeader,
  type MessageHeader,
  PROTOCOL_VERSION,
  ReplayGuard,
  Signer,
  WireError,
  type WireErrorReason,
} from './wire';

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
  /** Host API modules for the default runtime (Agent, Tool, State, ...). */
  hostModules?: HostModule[];
  /**
   * Creates a fresh runtime when the current one crashes (the Lua worker died). Default: a new
   * LuaRuntime with `hostModules` when the kernel created its runtime itself; with an injected
   * `runtime` and no factory a crash stops the kernel.
   */
  createRuntime?: RuntimeFactory;
  logger?: KernelLogger;
  /** Write a registry entry under ~/.llmspell/kernels (default true). */
  register?: boolean;
  /** Extra registry fields (HTTP port, pid file, log file) known to the caller. */
  registryExtras?: { http?: number; pidFile?: string; logFile?: string };
  /** Chunk naming scheme for cells (the debugger may switch to JupyterLab's murmur2 scheme). */
  cellScheme?: CellPathScheme;
  /**
   * History file (JSON lines, shared by the user's kernels). Default: `history.jsonl` under
   * LLMSPELL_HOME or ~/.llmspell; null keeps history in memory only.
   */
  historyFile?: string | null;
  /** Cells of history kept (default 10,000). */
  historyMaxEntries?: number;
  /** Kernel id (default: random UUID). */
  id?: string;
}

export type StopReason = 'shutdown' | 'idle-timeout' | 'signal' | 'stop' | 'runtime-crashed';

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
  stats(): KernelStats;
  on<E extends keyof KernelEvents>(event: E, listener: (...args: KernelEvents[E]) => void): this;
  off<E extends keyof KernelEvents>(event: E, listener: (...args: KernelEvents[E]) => void): this;
  /** Register an extra handler (e.g. debug_request on control) without touching the wiring table. */
  registerHandler(channel: 'shell' | 'control', msgType: string, handler: MessageHandler): void;
  /** Interrupt the running cell (SIGINT, REPL). */
  interrupt(): void;
  /** Graceful stop: close sockets, dispose the runtime, remove registry entry and own files. */
  stop(reason?: StopReason): Promise<void>;
  /** Resolves when the kernel stopped, with the reason and whether a restart was requested. */
  readonly stopped: Promise<{ reason: StopReason; restart: boolean }>;
}

interface CurrentExecution {
  msg: JupyterMessage;
  silent: boolean;
  allowStdin: boolean;
}

interface PendingInput {
  requestId: string;
}

async function createDefaultRuntime(hostModules: HostModule[] | undefined): Promise<RuntimeHandle> {
  return LuaRuntime.create({ name: 'jupyter', hostModules });
}

/** Cells whose source and label stay in memory (older ones are read back from their files). */
const MAX_CELLS_IN_MEMORY = 2000;

/** How long after an error execute_requests sent before it are still aborted (stop_on_error). */
const ABORT_WINDOW_MS = 1000;

function bindError(err: unknown, channel: string, ep: string): Error {
  const e = err as NodeJS.ErrnoException;
  const port = ep.split(':').pop();
  if (e.code === 'EADDRINUSE' || /in use/i.test(String(e.message))) {
    return new Error(`port ${port} (${channel}) is already in use: ${ep}`);
  }
  return new Error(`cannot bind ${channel} to ${ep}: ${e.message}`);
}

class JupyterKernel extends EventEmitter implements KernelHandle, KernelServices {
  readonly id: string;
  history: HistoryStore = new HistoryStore();
  readonly comms = new CommManager();
  readonly logger: KernelLogger;
  readonly stopped: Promise<{ reason: StopReason; restart: boolean }>;
  executionCount = 0;
  connection!: ConnectionInfo;
  connectionFile!: string;
  runtime!: RuntimeSlot;

  private readonly session = randomUUID();
  private signer!: Signer;
  private readonly replay = new ReplayGuard();
  private readonly maxMessageBytes: number;
  private readonly sockets = {
    shell: new zmq.Router({ linger: 0 }),
    control: new zmq.Router({ linger: 0 }),
    stdin: new zmq.Router({ linger: 0 }),
    hb: new zmq.Router({ linger: 0 }),
    iopub: new zmq.Publisher({ linger: 0, sendHighWaterMark: 100000 }),
  };
  private readonly queues: Record<Channel, SendQueue>;
  private readonly shellHandlers: Record<string, MessageHandler> = { ...shellHandlers };
  private readonly controlHandlers: Record<string, MessageHandler> = { ...controlHandlers };
  private readonly shellQueue: JupyterMessage[] = [];
  private shellRunning = false;
  private current: CurrentExecution | undefined;
  private pendingInput: PendingInput | undefined;
  private inputDenied = false;
  private abortBefore = 0;
  private abortUntil = 0;
  private readonly cellSources = new Map<string, { code: string; count: number }>();
  /** Whether this kernel created the cell directory (removed again on stop). */
  private createdCellDir: string | undefined;
  private cellScheme: CellPathScheme;
  private debuggers: KernelDebugger | undefined;
  private ownsConnectionFile = false;
  private ownsRuntime = false;
  private unsubscribeRuntime: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private resolveStopped!: (v: { reason: StopReason; restart: boolean }) => void;
  private restartRequested = false;
  private liveConnections = 0;
  private readonly sessions = new Map<string, number>();
  private readonly counters = {
    executions: 0,
    executionErrors: 0,
    aborted: 0,
    received: 0,
    dropped: 0,
    sent: 0,
    runtimeRestarts: 0,
  };
  private readonly startedAt = new Date();
  private lastActivity = Date.now();
  private startupMs = 0;

  constructor(readonly options: KernelOptions) {
    super();
    this.id = options.id ?? randomUUID();
    this.logger = (options.logger ?? silentLogger()).child({ kernel: this.id.slice(0, 8) });
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.cellScheme = options.cellScheme ?? defaultCellScheme;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    const onError = (channel: Channel) => (err: unknown) =>
      this.logger.warn({ channel, err: (err as Error).message }, 'send failed');
    this.queues = {
      shell: new SendQueue(this.sockets.shell, onError('shell')),
      control: new SendQueue(this.sockets.control, onError('control')),
      stdin: new SendQueue(this.sockets.stdin, onError('stdin')),
      hb: new SendQueue(this.sockets.hb, onError('hb')),
      iopub: new SendQueue(this.sockets.iopub, onError('iopub')),
    };
    for (const s of Object.values(this.sockets)) s.maxMessageSize = this.maxMessageBytes + 1024 * 1024;
  }

  // ---- startup -------------------------------------------------------------------------------

  async start(): Promise<void> {
    const t0 = performance.now();
    const ip = this.options.ip ?? '127.0.0.1';
    const file = this.options.connectionFile ?? defaultConnectionFile(this.id);
    this.connectionFile = path.resolve(file);
    const existing = await readConnectionFile(this.connectionFile);
    const useExisting = existing !== undefined && hasAllPorts(existing);
    const base: ConnectionInfo = useExisting
      ? existing
      : {
          transport: 'tcp',
          ip: existing?.ip && this.options.ip === undefined ? existing.ip : ip,
          shell_port: 0,
          iopub_port: 0,
          stdin_port: 0,
          control_port: 0,
          hb_port: 0,
          key: existing?.key || newKey(),
          signature_scheme: 'hmac-sha256',
          kernel_name: 'llmspell',
        };
    this.signer = new Signer(base.key);
    this.openHistory();
    const runtimePromise = this.options.runtime
      ? Promise.resolve(this.options.runtime)
      : createDefaultRuntime(this.options.hostModules);
    this.ownsRuntime = !this.options.runtime;
    try {
      const ports = await this.bindAll(base, useExisting);
      this.connection = { ...base, ...ports, kernel_name: base.kernel_name ?? 'llmspell' };
    } catch (err) {
      await this.closeSockets();
      runtimePromise.then((r) => (this.ownsRuntime ? r.dispose() : undefined)).catch(() => undefined);
      throw err;
    }
    const factory =
      this.options.createRuntime ??
      (this.options.runtime ? undefined : () => createDefaultRuntime(this.options.hostModules));
    this.runtime = new RuntimeSlot(await runtimePromise, this.ownsRuntime, factory);
    this.ownsRuntime = true;
    this.unsubscribeRuntime = this.runtime.onEvent((e) => this.onRuntimeEvent(e));
    try {
      this.debuggers = await startKernelDebugger({
        runtime: this.runtime,
        ip: this.connection.ip,
        dapPort: this.options.dapPort,
        dapPortIsDefault: this.options.dapPortIsDefault ?? false,
        logger: this.logger,
        registerHandler: (channel, msgType, handler) => this.registerHandler(channel, msgType, handler),
        chunkSource: (p) => this.chunkSource(p),
      });
    } catch (err) {
      await this.closeSockets();
      this.unsubscribeRuntime();
      if (this.ownsRuntime) await this.runtime.dispose().catch(() => undefined);
      throw err;
    }
    if (!this.options.cellScheme) this.cellScheme = this.debuggers.cellScheme;
    if (!useExisting) {
      await writeConnectionFile(this.connectionFile, this.connection);
      this.ownsConnectionFile = true;
    }
    this.watchClients();
    for (const ch of ['shell', 'control', 'stdin'] as const) void this.receiveLoop(ch);
    void this.heartbeatLoop();
    this.publishStatus('starting', {});
    if (this.options.register ?? true) await this.writeRegistry();
    this.armIdleTimer();
    this.startupMs = performance.now() - t0;
    this.logger.info(
      {
        connectionFile: this.connectionFile,
        ports: this.portsSummary(),
        startupMs: Math.round(this.startupMs),
      },
      'kernel ready',
    );
  }

  private openHistory(): void {
    const file =
      this.options.historyFile === undefined
        ? path.join(llmspellHome(), 'history.jsonl')
        : this.options.historyFile;
    if (file === null) return;
    this.history = HistoryStore.open({
      file,
      maxEntries: this.options.historyMaxEntries,
      onError: (err) =>
        this.logger.warn({ file, err: err.message }, 'history is not persisted (kept in memory)'),
    });
    this.logger.debug({ file, session: this.history.session }, 'history session');
  }

  private async bindAll(
    base: ConnectionInfo,
    exact: boolean,
  ): Promise<Pick<ConnectionInfo, `${Channel}_port`>> {
    const order: Channel[] = ['shell', 'iopub', 'stdin', 'control', 'hb'];
    const out = {} as Pick<ConnectionInfo, `${Channel}_port`>;
    for (const ch of order) {
      const want = exact ? base[`${ch}_port`] : '*';
      const ep = endpoint(base, want);
      try {
        await this.sockets[ch].bind(ep);
      } catch (err) {
        throw bindError(err, ch, ep);
      }
      const last = this.sockets[ch].lastEndpoint ?? ep;
      out[`${ch}_port`] = Number(last.split(':').pop());
    }
    return out;
  }

  private portsSummary(): Record<Channel, number> {
    const c = this.connection;
    return {
      shell: c.shell_port,
      iopub: c.iopub_port,
      stdin: c.stdin_port,
      control: c.control_port,
      hb: c.hb_port,
    };
  }

  private async writeRegistry(): Promise<void> {
    const p = this.portsSummary();
    const extras = this.options.registryExtras ?? {};
    try {
      await registerKernel({
        id: this.id,
        pid: process.pid,
        ip: this.connection.ip,
        ports: {
          ...p,
          ...(extras.http !== undefined ? { http: extras.http } : {}),
          ...(this.debuggers?.dapPort !== undefined ? { dap: this.debuggers.dapPort } : {}),
        },
        connectionFile: this.connectionFile,
        started: this.startedAt.toISOString(),
        pidFile: extras.pidFile,
        logFile: extras.logFile,
        version: VERSION,
      });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not write the kernel registry entry');
    }
  }

  private watchClients(): void {
    const events = this.sockets.shell.events;
    events.on('accept', () => {
      this.liveConnections++;
      this.emit('clients', { action: 'connected', clients: this.liveConnections });
      this.logger.debug({ clients: this.liveConnections }, 'client connected');
    });
    events.on('disconnect', () => {
      this.liveConnections = Math.max(0, this.liveConnections - 1);
      // forget the least recently seen sessions beyond the live connection count
      const sorted = [...this.sessions.entries()].sort((a, b) => a[1] - b[1]);
      while (sorted.length > Math.max(this.liveConnections, 0) && sorted.length > 0) {
        const [s] = sorted.shift() as [string, number];
        this.sessions.delete(s);
      }
      this.emit('clients', { action: 'disconnected', clients: this.liveConnections });
      this.logger.debug({ clients: this.liveConnections }, 'client disconnected');
    });
  }

  // ---- receiving ---------------------------------------------------------------------------------

  private async receiveLoop(channel: 'shell' | 'control' | 'stdin'): Promise<void> {
    const sock = this.sockets[channel];
    try {
      for await (const frames of sock) {
        this.onFrames(channel, frames);
      }
    } catch (err) {
      if (!this.stopping) this.logger.error({ channel, err: (err as Error).message }, 'receive loop ended');
    }
  }

  private async heartbeatLoop(): Promise<void> {
    try {
      for await (const frames of this.sockets.hb) {
        if (frames.length > 8 || frames.reduce((n, f) => n + f.length, 0) > 65536) continue;
        this.queues.hb.push(frames);
      }
    } catch (err) {
      if (!this.stopping) this.logger.error({ err: (err as Error).message }, 'heartbeat loop ended');
    }
  }

  private drop(channel: Channel, reason: DropReason, detail: string): void {
    this.counters.dropped++;
    this.logger.warn({ channel, reason, detail }, 'message dropped');
    this.emit('dropped', { channel, reason, detail });
  }

  private onFrames(channel: 'shell' | 'control' | 'stdin', frames: Buffer[]): void {
    this.counters.received++;
    let msg: JupyterMessage;
    try {
      msg = decodeMessage(frames, this.signer, { maxMessageBytes: this.maxMessageBytes });
    } catch (err) {
      if (err instanceof WireError) this.drop(channel, err.reason, err.message);
      else this.drop(channel, 'bad-json', String(err));
      return;
    }
    // Replays: an identical signed message (same header, date included, and content) seen before.
    // Clients may reuse msg_ids across Session objects (jupyter_client's KernelManager does), so the
    // signature, not the msg_id, identifies a message.
    if (msg.signature && !this.replay.admit(msg.signature)) {
      this.drop(channel, 'duplicate', `replayed message ${msg.header.msg_type} ${msg.header.msg_id}`);
      return;
    }
    if (this.stopping) return;
    this.lastActivity = Date.now();
    if (channel === 'stdin') {
      this.onStdin(msg);
      return;
    }
    this.logger.debug({ channel, msgType: msg.header.msg_type }, 'request');
    this.emit('request', { channel, msgType: msg.header.msg_type, session: msg.header.session });
    if (channel === 'control') {
      void this.dispatch('control', msg);
      return;
    }
    if (!this.admitClient(msg)) return;
    if (this.shouldAbortLate(msg)) {
      this.abortOne(msg);
      return;
    }
    this.shellQueue.push(msg);
    void this.pumpShell();
  }

  private admitClient(msg: JupyterMessage): boolean {
    const session = msg.header.session;
    const max = this.options.maxClients ?? 50;
    if (!this.sessions.has(session) && this.sessions.size >= max && this.liveConnections > max) {
      this.drop('shell', 'too-many-clients', `session ${session} refused: ${max} clients connected`);
      this.sendReply('shell', msg, msg.header.msg_type.replace(/_request$/, '_reply'), {
        status: 'error',
        ename: 'TooManyClients',
        evalue: `the kernel accepts at most ${max} clients (--max-clients)`,
        traceback: [],
      });
      return false;
    }
    this.sessions.set(session, Date.now());
    return true;
  }

  private async pumpShell(): Promise<void> {
    if (this.shellRunning) return;
    this.shellRunning = true;
    try {
      while (this.shellQueue.length > 0 && !this.stopping) {
        const msg = this.shellQueue.shift() as JupyterMessage;
        await this.dispatch('shell', msg);
      }
    } finally {
      this.shellRunning = false;
    }
  }

  private async dispatch(channel: 'shell' | 'control', msg: JupyterMessage): Promise<void> {
    const table = channel === 'shell' ? this.shellHandlers : this.controlHandlers;
    const handler = table[msg.header.msg_type];
    if (!handler) {
      this.drop(channel, 'unknown-type', `no handler for ${msg.header.msg_type} on ${channel}`);
      return;
    }
    const ctx = this.makeContext(channel, msg);
    this.publishStatus('busy', msg.header);
    try {
      await handler(ctx);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.logger.error({ msgType: msg.header.msg_type, err: e.message, stack: e.stack }, 'handler failed');
      if (!ctx.replied && msg.header.msg_type.endsWith('_request')) {
        ctx.reply(msg.header.msg_type.replace(/_request$/, '_reply'), {
          status: 'error',
          ename: e.name || 'KernelError',
          evalue: e.message,
          traceback: [],
        });
      }
    } finally {
      this.publishStatus('idle', msg.header);
      this.lastActivity = Date.now();
    }
  }

  private makeContext(channel: 'shell' | 'control', msg: JupyterMessage): RequestContext {
    let replied = false;
    return {
      msg,
      channel,
      kernel: this,
      reply: (msgType, content, metadata) => {
        replied = true;
        this.sendReply(channel, msg, msgType, content, metadata);
      },
      publish: (msgType, content, metadata) => this.publish(msgType, content, msg.header, metadata),
      get replied() {
        return replied;
      },
    };
  }

  // ---- sending -------------------------------------------------------------------------------------

  private sendReply(
    channel: 'shell' | 'control' | 'stdin',
    req: JupyterMessage,
    msgType: string,
    content: object,
    metadata: JsonObject = {},
  ): MessageHeader {
    const header = makeHeader(msgType, this.session);
    this.counters.sent++;
    this.queues[channel].push(
      encodeMessage(
        { identities: req.identities, header, parent_header: req.header, metadata, content },
        this.signer,
      ),
    );
    return header;
  }

  publish(msgType: string, content: object, parent: Partial<MessageHeader>, metadata: JsonObject = {}): void {
    this.counters.sent++;
    const topic = Buffer.from(`kernel.${this.id}.${msgType}`);
    this.queues.iopub.push(
      encodeMessage(
        {
          identities: [topic],
          header: makeHeader(msgType, this.session),
          parent_header: parent,
          metadata,
          content,
        },
        this.signer,
      ),
    );
  }

  private publishStatus(state: 'busy' | 'idle' | 'starting', parent: Partial<MessageHeader>): void {
    this.publish('status', { execution_state: state }, parent);
    if (state !== 'starting') this.emit('status', { state });
  }

  // ---- runtime events, stdin -------------------------------------------------------------------

  private onRuntimeEvent(e: RuntimeEvent): void {
    const cur = this.current;
    const parent = cur?.msg.header ?? {};
    switch (e.type) {
      case 'output':
        if (cur?.silent) return;
        this.publish('stream', { name: e.stream, text: e.text }, parent);
        return;
      case 'display': {
        if (cur?.silent) return;
        const transient = e.displayId !== undefined ? { display_id: e.displayId } : {};
        this.publish(
          e.update ? 'update_display_data' : 'display_data',
          { data: e.data, metadata: e.metadata, transient },
          parent,
        );
        return;
      }
      case 'clear':
        if (cur?.silent) return;
        this.publish('clear_output', { wait: e.wait }, parent);
        return;
      case 'input':
        this.onInputRequest(e.prompt, e.password);
        return;
      case 'crashed':
        this.onRuntimeCrashed(e.message);
        return;
      default:
        return;
    }
  }

  /**
   * The Lua worker died (a wasm abort, out of memory in the VM thread): the running cell is
   * answered with a RuntimeCrashed error (RuntimeSlot), clients are told on stderr that state was
   * reset, and a fresh runtime takes over. Without a runtime factory the kernel stops.
   */
  private onRuntimeCrashed(message: string): void {
    if (this.stopping) return;
    if (!this.runtime.canRestart) {
      this.logger.error({ message }, 'runtime crashed; no way to start a new one, stopping');
      void this.stop('runtime-crashed');
      return;
    }
    this.logger.error({ message }, 'runtime crashed; starting a fresh runtime');
    this.pendingInput = undefined;
    this.counters.runtimeRestarts++;
    this.publish(
      'stream',
      {
        name: 'stderr',
        text:
          `[llmspell] the Lua runtime crashed (${message}). A fresh runtime is starting: ` +
          'globals and loaded modules were reset.\n',
      },
      this.current?.msg.header ?? {},
    );
    this.runtime.restart().then(
      () => this.logger.info('fresh runtime ready'),
      (err: unknown) => {
        this.logger.error({ err: String(err) }, 'could not start a fresh runtime; stopping');
        void this.stop('runtime-crashed');
      },
    );
  }

  private onInputRequest(prompt: string, password: boolean): void {
    const cur = this.current;
    if (!cur || !cur.allowStdin) {
      this.logger.info('input requested but the front end does not allow stdin');
      // io.read must fail at once with a Lua error at its line; execute names it InputError.
      this.inputDenied = true;
      this.runtime.rejectInput(
        'io.read: no input available: this front end does not accept input (allow_stdin is false)',
      );
      return;
    }
    const header = this.sendReply('stdin', cur.msg, 'input_request', { prompt, password });
    this.pendingInput = { requestId: header.msg_id };
  }

  private onStdin(msg: JupyterMessage): void {
    if (msg.header.msg_type !== 'input_reply') {
      this.drop('stdin', 'unknown-type', `unexpected ${msg.header.msg_type} on stdin`);
      return;
    }
    const pending = this.pendingInput;
    if (!pending) {
      this.drop('stdin', 'unknown-type', 'input_reply without a pending input_request');
      return;
    }
    this.pendingInput = undefined;
    const value = msg.content.value;
    this.runtime.provideInput(typeof value === 'string' ? value : null);
  }

  // ---- KernelServices --------------------------------------------------------------------------------

  kernelInfo(): JsonObject {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'llmspell',
      implementation_version: VERSION,
      language_info: {
        name: 'lua',
        version: '5.4',
        mimetype: 'text/x-lua',
        file_extension: '.lua',
        pygments_lexer: 'lua',
        codemirror_mode: 'lua',
      },
      banner: `LLMSpell ${VERSION} - Lua 5.4 (wasmoon) kernel. Type ?name for help on a name.`,
      help_links: [
        { text: 'Lua 5.4 Reference Manual', url: 'https://www.lua.org/manual/5.4/' },
        { text: 'LLMSpell', url: 'https://github.com/lexlapax/rs-llmspell' },
      ],
      debugger: true,
      supported_features: ['debugger'],
    };
  }

  cellChunkName(code: string, executionCount: number): string {
    const chunk = cellPath(code, this.cellScheme);
    const known = this.cellSources.has(chunk);
    // Most recent cells first out: a long-lived kernel fed distinct cells keeps a bounded map; older
    // cells keep their file (debuggers and tracebacks read it from disk).
    this.cellSources.delete(chunk);
    this.cellSources.set(chunk, { code, count: executionCount });
    while (this.cellSources.size > MAX_CELLS_IN_MEMORY) {
      this.cellSources.delete(this.cellSources.keys().next().value as string);
    }
    if (!known) {
      try {
        const dir = path.dirname(chunk);
        if (this.createdCellDir === undefined && !existsSync(dir)) this.createdCellDir = dir;
        mkdirSync(dir, { recursive: true });
        writeFileSync(chunk, code);
      } catch (err) {
        this.logger.debug({ chunk, err: (err as Error).message }, 'could not write the cell file');
      }
    }
    return chunk;
  }

  chunkLabel(chunkName: string): string | undefined {
    const cell = this.cellSources.get(chunkName);
    return cell ? `In [${cell.count}]` : undefined;
  }

  chunkSource(chunkName: string): string | undefined {
    const cell = this.cellSources.get(chunkName);
    if (cell) return cell.code;
    if (!chunkName.startsWith(this.cellScheme.prefix)) return undefined;
    try {
      return readFileSync(chunkName, 'utf8');
    } catch {
      return undefined;
    }
  }

  beginExecution(req: JupyterMessage, opts: { silent: boolean; allowStdin: boolean }): void {
    this.current = { msg: req, ...opts };
    this.inputDenied = false;
  }

  endExecution(): void {
    this.current = undefined;
    this.pendingInput = undefined;
  }

  /** True when the last execution asked for input that the front end does not allow. */
  get lastInputDenied(): boolean {
    return this.inputDenied;
  }

  /**
   * stop_on_error: abort the queued execute_requests and, for a short window, those still on their way
   * that were sent before the error (header.date earlier than the error), as ipykernel's abort
   * window does. A cell the client sends after it saw the error is never aborted.
   */
  abortQueuedExecutes(): void {
    this.abortBefore = Date.now();
    this.abortUntil = this.abortBefore + ABORT_WINDOW_MS;
    this.abortQueued();
  }

  private shouldAbortLate(msg: JupyterMessage): boolean {
    if (msg.header.msg_type !== 'execute_request' || Date.now() > this.abortUntil) return false;
    const sent = Date.parse(String(msg.header.date ?? ''));
    return Number.isFinite(sent) && sent < this.abortBefore;
  }

  private abortQueued(): void {
    const keep: JupyterMessage[] = [];
    for (const msg of this.shellQueue.splice(0)) {
      if (msg.header.msg_type === 'execute_request') this.abortOne(msg);
      else keep.push(msg);
    }
    this.shellQueue.push(...keep);
  }

  private abortOne(msg: JupyterMessage): void {
    this.counters.aborted++;
    this.publishStatus('busy', msg.header);
    const content = { status: 'aborted', execution_count: this.executionCount };
    this.sendReply('shell', msg, 'execute_reply', content, { status: 'aborted', engine: 'llmspell' });
    this.publishStatus('idle', msg.header);
    this.emit('aborted', { msgId: msg.header.msg_id });
  }

  interrupt(): void {
    if (!this.runtime) return;
    this.logger.info({ busy: this.runtime.isBusy() }, 'interrupt');
    // The runtime also ends a pending io.read (it watches for interrupts while waiting for input).
    this.runtime.interrupt();
    this.pendingInput = undefined;
  }

  requestShutdown(restart: boolean): void {
    this.restartRequested = restart;
    // let the reply and the idle status go out first
    setImmediate(() => void this.stop('shutdown'));
  }

  recordExecution(ok: boolean, durationMs: number): void {
    this.counters.executions++;
    if (!ok) this.counters.executionErrors++;
    this.emit('execution', { ok, durationMs, executionCount: this.executionCount });
  }

  // ---- KernelHandle ----------------------------------------------------------------------------------

  registerHandler(channel: 'shell' | 'control', msgType: string, handler: MessageHandler): void {
    (channel === 'shell' ? this.shellHandlers : this.controlHandlers)[msgType] = handler;
  }

  stats(): KernelStats {
    return {
      id: this.id,
      startedAt: this.startedAt.toISOString(),
      uptimeSec: (Date.now() - this.startedAt.getTime()) / 1000,
      executionCount: this.executionCount,
      executions: this.counters.executions,
      executionErrors: this.counters.executionErrors,
      abortedExecutions: this.counters.aborted,
      messagesReceived: this.counters.received,
      messagesDropped: this.counters.dropped,
      messagesSent: this.counters.sent,
      clients: this.liveConnections,
      busy: this.runtime?.isBusy() ?? false,
      queuedRequests: this.shellQueue.length,
      lastActivity: new Date(this.lastActivity).toISOString(),
      startupMs: this.startupMs,
      dapClients: this.debuggers?.clients() ?? 0,
      dapPort: this.debuggers?.dapPort,
      runtimeRestarts: this.counters.runtimeRestarts,
    };
  }

  private armIdleTimer(): void {
    const timeout = this.options.idleTimeoutSec ?? 0;
    if (timeout <= 0) return;
    const period = Math.min(1000, timeout * 1000);
    this.idleTimer = setInterval(() => {
      const idleMs = Date.now() - this.lastActivity;
      if (!this.runtime.isBusy() && !this.shellRunning && idleMs >= timeout * 1000) {
        this.logger.info({ idleSec: Math.round(idleMs / 1000) }, 'idle timeout reached; stopping');
        void this.stop('idle-timeout');
      }
    }, period);
    this.idleTimer.unref();
  }

  stop(reason: StopReason = 'stop'): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = this.doStop(reason);
    return this.stopping;
  }

  private async doStop(reason: StopReason): Promise<void> {
    const restart = this.restartRequested;
    this.logger.info({ reason, restart }, 'kernel stopping');
    this.emit('stopping', { reason, restart });
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.runtime?.isBusy()) this.runtime.interrupt();
    const flush = Promise.all(Object.values(this.queues).map((q) => q.flushed()));
    await Promise.race([flush, new Promise((r) => setTimeout(r, 300))]);
    await this.closeSockets();
    await this.debuggers?.close().catch(() => undefined);
    this.unsubscribeRuntime?.();
    if (this.ownsRuntime && this.runtime) {
      await Promise.race([
        this.runtime
          .dispose()
          .catch((err: unknown) => this.logger.warn({ err: String(err) }, 'runtime dispose failed')),
        new Promise((r) => setTimeout(r, 1000)),
      ]);
    }
    if (this.options.register ?? true) await unregisterKernel(this.id).catch(() => undefined);
    if (this.ownsConnectionFile) await fs.rm(this.connectionFile, { force: true }).catch(() => undefined);
    // The cell directory is per process (JupyterLab's dumpCell writes there too): remove it when it
    // is ours, so no cell files outlive the kernel.
    const cellDir = path.dirname(this.cellScheme.prefix + 'x');
    const ours =
      this.createdCellDir ?? (path.basename(cellDir) === `llmspell_${process.pid}` ? cellDir : undefined);
    if (ours) await fs.rm(ours, { recursive: true, force: true }).catch(() => undefined);
    this.logger.info({ reason }, 'kernel stopped');
    this.resolveStopped({ reason, restart });
  }

  private async closeSockets(): Promise<void> {
    for (const q of Object.values(this.queues)) q.close();
    for (const s of Object.values(this.sockets)) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }
}

/** Bind the sockets, create (or adopt) the runtime, write the connection file and registry entry. */
export async function startKernel(options: KernelOptions = {}): Promise<KernelHandle> {
  const kernel = new JupyterKernel(options);
  await kernel.start();
  return kernel;
}
