import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { promises as fs } from 'fs';
import { LuaRuntime } from '../runtime/runtime';
import type { RuntimeEvent, RuntimeFactory } from '../runtime/types';
import { defaultCellScheme } from './cell-path';
import { CellFiles } from './cells';
import { CommManager } from './comms';
import { type Channel, type ConnectionInfo, writeConnectionFile } from './connection';
import { dapToken } from '../../debug-adapter/auth';
import { startKernelDebugger, type KernelDebugger } from './debugger';
import { controlHandlers, shellHandlers, type KernelServices, type MessageHandler } from './handlers';
import { connectionBase, idleTimer, openHistory, portsOf, writeRegistry } from './bootstrap';
import { runHandler } from './dispatch';
import { HistoryStore } from './history';
import type { DropReason, KernelHandle, KernelOptions, KernelStats, StopReason } from './kernel-types';
import { kernelInfoContent } from './kernel-info';
import { KernelCounters } from './kernel-stats';
import { type KernelLogger, silentLogger } from './log';
import { Outbox } from './outbox';
import { ParentRouter } from './parent';
import { watchParentProcess } from './parent-watch';
import { unregisterKernel } from './registry';
import { RuntimeSlot } from './runtime-slot';
import { ShellQueue } from './shell-queue';
import { KernelSockets, type RequestChannel } from './sockets';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeMessage,
  type JsonObject,
  type JupyterMessage,
  type MessageHeader,
  ReplayGuard,
  Signer,
  WireError,
} from './wire';

export type {
  DropReason,
  KernelEvents,
  KernelHandle,
  KernelOptions,
  KernelStats,
  StopReason,
} from './kernel-types';

/** Without a factory the kernel's runtime has no host API (the service passes one that has). */
const createPlainRuntime: RuntimeFactory = () => LuaRuntime.create({ name: 'jupyter' });

/**
 * The kernel core: it composes the sockets (sockets.ts), signing and sending (outbox.ts), the
 * shell queue with admission and the abort window (shell-queue.ts), the named current request
 * that side effects are routed to (parent.ts), cell files (cells.ts) and the runtime slot, and
 * dispatches each request to its handler (handlers/). Start reading at start() and onFrames().
 */
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
  cells: CellFiles;
  dapToken = '';

  private signer!: Signer;
  private outbox!: Outbox;
  private router!: ParentRouter;
  private readonly replay = new ReplayGuard();
  private readonly maxMessageBytes: number;
  private readonly sockets: KernelSockets;
  private readonly shell: ShellQueue;
  private readonly shellHandlers: Record<string, MessageHandler> = { ...shellHandlers };
  private readonly controlHandlers: Record<string, MessageHandler> = { ...controlHandlers };
  private debuggers: KernelDebugger | undefined;
  private ownsConnectionFile = false;
  private ownsRuntime = false;
  private unsubscribeRuntime: (() => void) | undefined;
  private unwatchParent: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private resolveStopped!: (v: { reason: StopReason; restart: boolean }) => void;
  private restartRequested = false;
  private readonly counters = new KernelCounters();

  constructor(readonly options: KernelOptions) {
    super();
    this.id = options.id ?? randomUUID();
    this.logger = (options.logger ?? silentLogger()).child({ kernel: this.id.slice(0, 8) });
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.cells = new CellFiles(options.cellScheme ?? defaultCellScheme, this.logger);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.sockets = new KernelSockets(this.logger, this.maxMessageBytes);
    this.shell = new ShellQueue(options.maxClients ?? 50, {
      dispatch: (msg) => this.dispatch('shell', msg),
      abort: (msg) => this.abortOne(msg),
      refuse: (msg, max) => this.refuse(msg, max),
      stopping: () => this.stopping !== undefined,
    });
  }

  // ---- startup -------------------------------------------------------------------------------

  async start(): Promise<void> {
    const t0 = performance.now();
    const { file, base, useExisting } = await connectionBase(this.options, this.id);
    this.connectionFile = file;
    this.signer = new Signer(base.key);
    this.dapToken = dapToken({ configured: this.options.dapToken, connectionKey: base.key });
    this.outbox = new Outbox(this.sockets, this.signer, this.id);
    this.history = openHistory(this.options, this.logger);
    const runtimePromise = this.options.runtime
      ? Promise.resolve(this.options.runtime)
      : (this.options.createRuntime ?? createPlainRuntime)();
    this.ownsRuntime = !this.options.runtime;
    try {
      const ports = await this.sockets.bindAll(base, useExisting);
      this.connection = { ...base, ...ports, kernel_name: base.kernel_name ?? 'llmspell' };
      // No `starting` status at start: a client that connected before we bound (jupyter_client
      // starts its channels while the kernel starts) is registered by ZeroMQ's I/O thread, and a
      // status sent then could reach it before its iopub_welcome (JEP 65: the welcome comes first).
    } catch (err) {
      this.sockets.close();
      runtimePromise.then((r) => (this.ownsRuntime ? r.dispose() : undefined)).catch(() => undefined);
      throw err;
    }
    const factory = this.options.createRuntime ?? (this.options.runtime ? undefined : createPlainRuntime);
    this.runtime = new RuntimeSlot(await runtimePromise, this.ownsRuntime, factory);
    this.ownsRuntime = true;
    this.router = new ParentRouter(this.outbox, () => this.runtime, this.logger);
    this.unsubscribeRuntime = this.runtime.onEvent((e) => this.onRuntimeEvent(e));
    await this.startDebuggers();
    if (!useExisting) {
      await writeConnectionFile(this.connectionFile, this.connection);
      this.ownsConnectionFile = true;
    }
    this.serveSockets();
    if (this.options.register ?? true) {
      const info = { id: this.id, connection: this.connection, connectionFile: this.connectionFile };
      await writeRegistry(
        {
          ...info,
          startedAt: this.counters.startedAt,
          dapPort: this.debuggers?.dapPort,
          dapToken: this.dapToken,
        },
        this.options,
        this.logger,
      );
    }
    this.idleTimer = idleTimer(
      this.options.idleTimeoutSec ?? 0,
      () => (this.runtime.isBusy() || this.shell.busy ? undefined : Date.now() - this.counters.lastActivity),
      (idleSec) => {
        this.logger.info({ idleSec }, 'idle timeout reached; stopping');
        void this.stop('idle-timeout');
      },
    );
    this.unwatchParent = watchParentProcess(this.options.parentPid, this.logger, () =>
      this.stop('parent-exited'),
    );
    this.counters.startupMs = performance.now() - t0;
    this.logger.info(
      {
        connectionFile: this.connectionFile,
        ports: portsOf(this.connection),
        startupMs: Math.round(this.counters.startupMs),
      },
      'kernel ready',
    );
  }

  private async startDebuggers(): Promise<void> {
    try {
      this.debuggers = await startKernelDebugger({
        runtime: this.runtime,
        ip: this.connection.ip,
        dapPort: this.options.dapPort,
        dapPortIsDefault: this.options.dapPortIsDefault ?? false,
        logger: this.logger,
        registerHandler: (channel, msgType, handler) => this.registerHandler(channel, msgType, handler),
        chunkSource: (p) => this.chunkSource(p),
        cells: () => this.cells.chunkNames().map((p) => ({ path: p, name: this.cells.label(p) ?? p })),
        dapToken: this.dapToken,
      });
    } catch (err) {
      this.sockets.close();
      this.unsubscribeRuntime?.();
      if (this.ownsRuntime) await this.runtime.dispose().catch(() => undefined);
      throw err;
    }
    if (!this.options.cellScheme) this.cells.scheme = this.debuggers.cellScheme;
  }

  private serveSockets(): void {
    this.sockets.serve({
      onFrames: (channel, frames) => this.onFrames(channel, frames),
      onSubscribe: (topic) => this.onSubscribe(topic),
      onClient: (delta) => {
        const clients = this.shell.clientDelta(delta);
        const action = delta > 0 ? 'connected' : 'disconnected';
        this.emit('clients', { action, clients });
        this.logger.debug({ clients }, `client ${action}`);
      },
      stopping: () => this.stopping !== undefined,
    });
  }

  // ---- receiving ---------------------------------------------------------------------------------

  private drop(channel: Channel, reason: DropReason, detail: string): void {
    this.counters.dropped++;
    this.logger.warn({ channel, reason, detail }, 'message dropped');
    this.emit('dropped', { channel, reason, detail });
  }

  private onFrames(channel: RequestChannel, frames: Buffer[]): void {
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
    this.counters.touch();
    if (channel === 'stdin') {
      const problem = this.router.onInputReply(msg);
      if (problem) this.drop('stdin', 'unknown-type', problem);
      return;
    }
    this.logger.debug({ channel, msgType: msg.header.msg_type }, 'request');
    this.emit('request', { channel, msgType: msg.header.msg_type, session: msg.header.session });
    if (channel === 'control') void this.dispatch('control', msg);
    else this.shell.push(msg);
  }

  /** JEP 65: a new IOPub subscriber learns that its subscription is live (also while stopping). */
  private onSubscribe(topic: Buffer): void {
    this.outbox.publish('iopub_welcome', { subscription: topic.toString('utf8') }, {}, {}, topic);
  }

  private refuse(msg: JupyterMessage, max: number): void {
    this.drop('shell', 'too-many-clients', `session ${msg.header.session} refused: ${max} clients connected`);
    this.outbox.reply('shell', msg, msg.header.msg_type.replace(/_request$/, '_reply'), {
      status: 'error',
      ename: 'TooManyClients',
      evalue: `the kernel accepts at most ${max} clients (--max-clients)`,
      traceback: [],
    });
  }

  private async dispatch(channel: 'shell' | 'control', msg: JupyterMessage): Promise<void> {
    const table = channel === 'shell' ? this.shellHandlers : this.controlHandlers;
    const handler = table[msg.header.msg_type];
    if (!handler) {
      this.drop(channel, 'unknown-type', `no handler for ${msg.header.msg_type} on ${channel}`);
      return;
    }
    this.emit('status', { state: 'busy' });
    try {
      await runHandler(handler, channel, msg, this, this.outbox, this.logger);
    } finally {
      this.emit('status', { state: 'idle' });
      this.counters.touch();
    }
  }

  // ---- sending -------------------------------------------------------------------------------------

  publish(msgType: string, content: object, parent: Partial<MessageHeader>, metadata: JsonObject = {}): void {
    this.outbox.publish(msgType, content, parent, metadata);
  }

  private publishStatus(state: 'busy' | 'idle' | 'starting', parent: Partial<MessageHeader>): void {
    this.publish('status', { execution_state: state }, parent);
    if (state !== 'starting') this.emit('status', { state });
  }

  // ---- runtime events --------------------------------------------------------------------------------

  private onRuntimeEvent(e: RuntimeEvent): void {
    if (this.router.route(e)) return;
    if (e.type === 'crashed') this.onRuntimeCrashed(e.message);
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
    this.router.cancelInput();
    this.counters.runtimeRestarts++;
    const text =
      `[llmspell] the Lua runtime crashed (${message}). A fresh runtime is starting: ` +
      'globals and loaded modules were reset.\n';
    this.publish('stream', { name: 'stderr', text }, this.router.parentHeader());
    this.runtime.restart().then(
      () => this.logger.info('fresh runtime ready'),
      (err: unknown) => {
        this.logger.error({ err: String(err) }, 'could not start a fresh runtime; stopping');
        void this.stop('runtime-crashed');
      },
    );
  }

  // ---- KernelServices --------------------------------------------------------------------------------

  kernelInfo(): JsonObject {
    return kernelInfoContent();
  }

  cellChunkName(code: string, executionCount: number): string {
    return this.cells.chunkName(code, executionCount);
  }

  chunkLabel(chunkName: string): string | undefined {
    return this.cells.label(chunkName);
  }

  chunkSource(chunkName: string): string | undefined {
    return this.cells.source(chunkName);
  }

  beginExecution(req: JupyterMessage, opts: { silent: boolean; allowStdin: boolean }): void {
    this.router.setParent({ msg: req, ...opts });
  }

  endExecution(): void {
    this.router.clearParent();
  }

  get displayIds(): ReadonlySet<string> {
    return this.router.displayIds;
  }

  get lastInputDenied(): boolean {
    return this.router.lastInputDenied;
  }

  abortQueuedExecutes(errorAt?: number): void {
    this.shell.abortQueuedExecutes(errorAt);
  }

  private abortOne(msg: JupyterMessage): void {
    this.counters.aborted++;
    this.publishStatus('busy', msg.header);
    const content = { status: 'aborted', execution_count: this.executionCount };
    this.outbox.reply('shell', msg, 'execute_reply', content, { status: 'aborted', engine: 'llmspell' });
    this.publishStatus('idle', msg.header);
    this.emit('aborted', { msgId: msg.header.msg_id });
  }

  interrupts = 0;

  interrupt(): void {
    this.interrupts++;
    if (!this.runtime) return;
    this.logger.info({ busy: this.runtime.isBusy() }, 'interrupt');
    // The runtime also ends a pending io.read (it watches for interrupts while waiting for input).
    // The runtime names the execution it interrupts, so the interrupt is never lost on the way
    // (kernel/runtime/exec-interrupts.ts); one that came before the cell's code started is applied
    // when it starts (handlers/execute.ts reads `interrupts`).
    this.runtime.interrupt();
    this.router.cancelInput();
  }

  async restart(): Promise<void> {
    if (this.stopping) throw new Error('the kernel is stopping');
    this.logger.info('restart: a fresh runtime, execution count 0');
    if (this.runtime.isBusy()) this.interrupt();
    this.router.clearParent();
    await this.runtime.restart();
    this.executionCount = 0;
    this.publishStatus('starting', {});
  }

  requestShutdown(restart: boolean): void {
    this.restartRequested = restart;
    // let the reply and the idle status go out first
    setImmediate(() => void this.stop('shutdown'));
  }

  recordExecution(ok: boolean, durationMs: number): void {
    this.counters.recordExecution(ok);
    this.emit('execution', { ok, durationMs, executionCount: this.executionCount });
  }

  // ---- KernelHandle ----------------------------------------------------------------------------------

  registerHandler(channel: 'shell' | 'control', msgType: string, handler: MessageHandler): void {
    (channel === 'shell' ? this.shellHandlers : this.controlHandlers)[msgType] = handler;
  }

  stats(): KernelStats {
    return this.counters.stats({
      id: this.id,
      executionCount: this.executionCount,
      messagesSent: this.outbox?.sent ?? 0,
      clients: this.shell.liveConnections,
      busy: this.runtime?.isBusy() ?? false,
      queuedRequests: this.shell.length,
      dapClients: this.debuggers?.clients() ?? 0,
      dapPort: this.debuggers?.dapPort,
    });
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
    this.unwatchParent?.();
    if (this.runtime?.isBusy()) this.runtime.interrupt();
    await this.sockets.flush(300);
    this.sockets.close();
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
    await this.cells.removeOwnDir();
    this.logger.info({ reason }, 'kernel stopped');
    this.resolveStopped({ reason, restart });
  }
}

/** Bind the sockets, create (or adopt) the runtime, write the connection file and registry entry. */
export async function startKernel(options: KernelOptions = {}): Promise<KernelHandle> {
  const kernel = new JupyterKernel(options);
  await kernel.start();
  return kernel;
}
