/**
 * LuaRuntime: the main-thread handle of one Lua VM running in a worker thread.
 * It owns the worker, forwards commands, correlates replies and emits typed RuntimeEvents.
 */
import { Worker, MessageChannel, MessagePort } from 'worker_threads';
import * as path from 'path';
import * as fs from 'fs';
import { interrupter } from './interrupter';
import { adoptPrestartedWorker, workerName } from './prestart';
import { DebugState } from './debug-state';
import type { FromWorker, ToWorker, AgentCommand, RawRunResult, WorkerInit } from './protocol';
import type {
  BreakpointResult,
  BreakpointSpec,
  CompletionResult,
  DebuggerApi,
  EvalResult,
  ExceptionFilters,
  ExecOptions,
  ExecResult,
  FrameInfo,
  HostCallContext,
  HostCallHandler,
  HostModule,
  InspectResult,
  LuaErrorInfo,
  RuntimeEvent,
  RuntimeHandle,
  RuntimeOptions,
  ScopeInfo,
  StepKind,
  ThreadInfo,
  VariableInfo,
} from './types';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Request = DistributiveOmit<Exclude<ToWorker, { t: 'cmd' } | { t: 'input' }>, 'id'>;

function findAgent(): string {
  const candidates = [
    path.join(__dirname, 'lua', 'agent'),
    path.join(__dirname, '..', '..', '..', 'kernel', 'runtime', 'lua', 'agent'),
  ];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'core.lua'))) return c;
  throw new Error(`llmspell: cannot find the Lua agent (looked in ${candidates.join(', ')})`);
}

function asArray<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (v && typeof v === 'object') return Object.values(v as Record<string, T>);
  return [];
}

export class RuntimeError extends Error {}

export class LuaRuntime implements RuntimeHandle {
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private readonly pending = new Map<number, { resolve: (r: FromWorker & { t: 'reply' }) => void }>();
  private nextId = 1;
  private busy = 0;
  /** Request ids of the executions sent and not answered yet, oldest (the running one) first. */
  private readonly execs: number[] = [];
  /** Stopped at a breakpoint/step/pause: read from the debugger state, the one record of it. */
  private get stopped(): boolean {
    return this.debugger.state.stop !== undefined;
  }
  private disposed = false;
  private exitError: string | undefined;
  readonly debugger: RuntimeDebugger;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
  ) {
    this.debugger = new RuntimeDebugger(this);
  }

  static async create(
    options: RuntimeOptions & { env?: Record<string, string | undefined> } = {},
  ): Promise<LuaRuntime> {
    const { port1, port2 } = new MessageChannel();
    const sab = new SharedArrayBuffer(4);
    interrupter.prepare();
    const { hostModules = [], ...workerOptions } = options;
    const init: WorkerInit = {
      port: port2,
      signal: sab,
      agentDir: findAgent(),
      options: workerOptions,
      hostLua: hostModules.map((m) => ({ name: m.name, lua: m.lua })),
    };
    const worker =
      adoptPrestartedWorker(workerOptions, init) ??
      new Worker(path.join(__dirname, 'worker.js'), {
        workerData: init,
        transferList: [port2],
        name: workerName(options.name),
        stdout: false,
        stderr: false,
      });
    const rt = new LuaRuntime(worker, port1, new Int32Array(sab));
    rt.hostModules = hostModules;
    for (const m of hostModules)
      for (const [name, h] of Object.entries(m.handlers)) rt.hostHandlers.set(name, h);
    const attached = interrupter.whenAttached(worker);
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: FromWorker): void => {
        if (m.t === 'ready') {
          worker.off('message', onMsg);
          resolve();
        } else if (m.t === 'fatal') {
          worker.off('message', onMsg);
          reject(new RuntimeError(m.message));
        }
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
    });
    await attached;
    worker.on('message', (m: FromWorker) => rt.onWorkerMessage(m));
    worker.on('error', (err) => rt.onWorkerExit(err.message));
    worker.on('exit', (code) => rt.onWorkerExit(`the Lua worker exited (code ${code})`));
    return rt;
  }

  private readonly hostHandlers = new Map<string, HostCallHandler>();
  /** Owned by this runtime: closed when it is disposed (see kernel/hostapi/factory.ts). */
  private hostModules: HostModule[] = [];
  private readonly hostAborts = new Map<number, AbortController>();

  /** A blocking call from Lua: run the handler here, post chunks and the result, wake the VM. */
  private onHostCall(id: number, name: string, rawArgs: string): void {
    const send = (msg: ToWorker): void => {
      if (this.disposed) return;
      this.port.postMessage(msg);
      this.wake();
    };
    const handler = this.hostHandlers.get(name);
    if (!handler) {
      send({ t: 'hostreply', id, error: `no host function '${name}'` });
      return;
    }
    const ac = new AbortController();
    this.hostAborts.set(id, ac);
    let args: unknown;
    try {
      args = JSON.parse(rawArgs);
    } catch {
      args = null;
    }
    const ctx: HostCallContext = {
      signal: ac.signal,
      emit: (chunk) => send({ t: 'hostchunk', id, chunk: JSON.stringify(chunk ?? null) }),
    };
    Promise.resolve()
      .then(() => handler(args, ctx))
      .then(
        (result) => send({ t: 'hostreply', id, result: JSON.stringify(result ?? null) }),
        (err: unknown) =>
          send({ t: 'hostreply', id, error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => this.hostAborts.delete(id));
  }

  private onWorkerMessage(m: FromWorker): void {
    if (m.t === 'hostcall') {
      this.onHostCall(m.id, m.name, m.args);
      return;
    }
    if (m.t === 'hostcancel') {
      this.hostAborts.get(m.id)?.abort();
      return;
    }
    if (m.t === 'reply') {
      const at = this.execs.indexOf(m.id);
      if (at >= 0) this.execs.splice(at, 1);
      const p = this.pending.get(m.id);
      if (p) {
        this.pending.delete(m.id);
        p.resolve(m);
      }
      return;
    }
    if (m.t === 'event') {
      this.debugger.state.observe(m.event);
      this.emit(m.event);
    }
  }

  private onWorkerExit(message: string): void {
    if (this.disposed || this.exitError) return;
    this.exitError = message;
    for (const [, p] of this.pending) p.resolve({ t: 'reply', id: -1, error: message });
    this.pending.clear();
    this.execs.length = 0;
    this.debugger.state.clearStop();
    this.emit({ type: 'crashed', message });
  }

  private emit(e: RuntimeEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A failing listener must not break the runtime or other listeners.
      }
    }
  }

  onEvent(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private wake(): void {
    Atomics.store(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  /** Send a request that the worker answers with a reply. */
  request(msg: Request): Promise<FromWorker & { t: 'reply' }> {
    if (this.exitError) return Promise.resolve({ t: 'reply', id: -1, error: this.exitError });
    const id = this.nextId++;
    const p = new Promise<FromWorker & { t: 'reply' }>((resolve) => this.pending.set(id, { resolve }));
    if (msg.t === 'exec') this.execs.push(id);
    this.port.postMessage({ ...msg, id } as ToWorker);
    this.wake();
    if (this.busy && !this.stopped && msg.t !== 'exec') interrupter.request(this.worker);
    return p;
  }

  /** Send an agent command; with `reply` the promise resolves with the agent's answer. */
  command(cmd: AgentCommand, reply = false): Promise<FromWorker & { t: 'reply' }> | undefined {
    if (this.exitError)
      return reply ? Promise.resolve({ t: 'reply', id: -1, error: this.exitError }) : undefined;
    let p: Promise<FromWorker & { t: 'reply' }> | undefined;
    if (reply) {
      const id = this.nextId++;
      cmd.id = id;
      p = new Promise((resolve) => this.pending.set(id, { resolve }));
    }
    this.port.postMessage({ t: 'cmd', cmd } satisfies ToWorker);
    this.wake();
    if (this.busy && !this.stopped) interrupter.request(this.worker);
    return p;
  }

  isBusy(): boolean {
    return this.busy > 0;
  }

  isStopped(): boolean {
    return this.stopped;
  }

  async execute(code: string | Uint8Array, opts: ExecOptions): Promise<ExecResult> {
    this.busy++;
    try {
      const reply = await this.request({
        t: 'exec',
        code,
        chunkName: opts.chunkName,
        mode: opts.mode,
        args: opts.args,
        scriptName: opts.scriptName,
      });
      if (reply.error) {
        return { ok: false, error: { ename: 'RuntimeError', message: reply.error, traceback: [] } };
      }
      return toExecResult(reply.result as RawRunResult, opts.chunkName, reply.syntaxColumn);
    } finally {
      this.busy--;
      this.debugger.state.clearStop();
    }
  }

  /**
   * Interrupt the running execution (the oldest one sent: the worker runs them in order), or the
   * completion/inspection/evaluation in flight. The command names the execution, so it is neither
   * lost when it reaches the worker before that execution starts nor applied to a later one.
   */
  interrupt(): void {
    if (!this.busy && !this.queries) return;
    this.command({ cmd: 'interrupt', exec: this.execs[0] });
    if (this.stopped) this.command({ cmd: 'continue' });
  }

  provideInput(text: string | null): void {
    this.port.postMessage({ t: 'input', text } satisfies ToWorker);
    this.wake();
  }

  rejectInput(message: string): void {
    this.port.postMessage({ t: 'input', text: null, error: message } satisfies ToWorker);
    this.wake();
  }

  /** Completion and inspection in flight: they run user code (metamethods), so interrupt ends them too. */
  private queries = 0;

  private async query(msg: Request): Promise<FromWorker & { t: 'reply' }> {
    this.queries++;
    try {
      return await this.request(msg);
    } finally {
      this.queries--;
    }
  }

  /** True while completion, inspection or a debugger evaluation runs user code. */
  isQuerying(): boolean {
    return this.queries > 0;
  }

  async complete(prefix: string): Promise<CompletionResult> {
    const r = await this.query({ t: 'complete', text: prefix });
    return { matches: asArray<string>(r.result) };
  }

  async inspect(expression: string): Promise<InspectResult> {
    const r = await this.query({ t: 'inspect', expr: expression });
    const v = r.result as { type?: string; text?: string } | null | undefined;
    if (!v || !v.type) return { found: false, text: '', type: 'nil' };
    return { found: true, text: v.text ?? '', type: v.type };
  }

  async globals(): Promise<string[]> {
    const r = await this.request({ t: 'globals' });
    return asArray<string>(r.result);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const ac of this.hostAborts.values()) ac.abort();
    for (const [, p] of this.pending) p.resolve({ t: 'reply', id: -1, error: 'the runtime was disposed' });
    this.pending.clear();
    interrupter.forget(this.worker);
    this.port.close();
    await this.worker.terminate();
    await Promise.allSettled(this.hostModules.map((m) => m.close?.()));
  }
}

const ERROR_NAMES: Array<[RegExp, string]> = [
  [/not enough memory/, 'MemoryError'],
  [/instruction limit exceeded/, 'InstructionLimit'],
];

function toExecResult(r: RawRunResult, chunkName: string, syntaxColumn: number | undefined): ExecResult {
  if (r.ok) {
    return { ok: true, values: asArray<string>(r.values) };
  }
  if (r.exit) {
    return { ok: true, values: [], exitCode: r.code ?? 0 };
  }
  const message = r.message ?? 'unknown error';
  let ename = 'LuaError';
  if (r.syntax) ename = 'SyntaxError';
  else if (r.interrupted) ename = 'Interrupted';
  else for (const [re, name] of ERROR_NAMES) if (re.test(message)) ename = name;
  const error: LuaErrorInfo = { ename, message, traceback: asArray<string>(r.traceback) };
  const m = /^(.*?):(\d+): /.exec(message);
  if (m) error.location = { path: m[1], line: Number(m[2]) };
  if (r.syntax && syntaxColumn !== undefined && m && m[1].endsWith(path.basename(chunkName).slice(0, 40))) {
    error.column = syntaxColumn;
  } else if (r.syntax && syntaxColumn !== undefined) {
    error.column = syntaxColumn;
  }
  return { ok: false, error };
}

/** The debugger facade: each call becomes an agent command or a worker request. */
class RuntimeDebugger implements DebuggerApi {
  readonly state = new DebugState();

  constructor(private readonly rt: LuaRuntime) {}

  async setBreakpoints(p: string, specs: BreakpointSpec[], owner = 'default'): Promise<BreakpointResult[]> {
    this.state.setLines(owner, p, specs);
    const r = await this.rt.request({ t: 'setbps', path: p, specs, owner });
    return asArray<BreakpointResult>(r.result);
  }

  async breakpointLocations(p: string, line: number, endLine?: number): Promise<number[]> {
    const r = await this.rt.request({ t: 'bplocations', path: p, line, endLine });
    return asArray<number>(r.result);
  }

  async setFunctionBreakpoints(names: string[], owner = 'default'): Promise<BreakpointResult[]> {
    this.state.setFunctions(owner, names);
    const r = await this.rt.request({ t: 'setfbps', names, owner });
    return asArray<BreakpointResult>(r.result);
  }

  async setExceptionFilters(filters: ExceptionFilters): Promise<void> {
    this.state.setFilters(filters);
    await this.rt.command({ cmd: 'filters', uncaught: filters.uncaught, all: filters.all }, true);
  }

  setStopOnEntry(on: boolean): void {
    this.rt.command({ cmd: 'entry', on });
  }

  pause(): void {
    // an evaluation in progress (stopped or idle) is ended by a pause too
    if ((this.rt.isBusy() && !this.rt.isStopped()) || this.evaluating > 0 || this.rt.isQuerying())
      this.rt.command({ cmd: 'pause' });
  }

  private evaluating = 0;

  resume(): void {
    if (!this.rt.isStopped()) return;
    this.rt.command({ cmd: 'continue' });
    // Running from now on: a pause sent right after this must reach the agent, not be dropped.
    this.state.clearStop();
  }

  step(kind: StepKind): void {
    if (!this.rt.isStopped()) return;
    this.rt.command({ cmd: 'step', kind });
    this.state.clearStop();
  }

  isStopped(): boolean {
    return this.rt.isStopped();
  }

  private async ask<T>(cmd: AgentCommand): Promise<T> {
    if (!this.rt.isStopped()) throw new RuntimeError('not stopped');
    const r = await this.rt.command(cmd, true)!;
    if (r.error) throw new RuntimeError(r.error);
    return r.result as T;
  }

  async threads(): Promise<ThreadInfo[]> {
    if (!this.rt.isStopped()) return [{ id: 1, name: 'main' }];
    return asArray<ThreadInfo>(await this.ask<unknown>({ cmd: 'threads' }));
  }

  async stackTrace(
    threadId: number,
    startFrame = 0,
    levels = 0,
  ): Promise<{ frames: FrameInfo[]; total: number }> {
    const raw = asArray<{ id: number; name: string; source?: string; line: number; kind: string }>(
      await this.ask<unknown>({ cmd: 'stack', threadId }),
    );
    const all: FrameInfo[] = raw.map((f) => ({
      id: f.id,
      name: f.name,
      path: f.source && f.source.startsWith('@') ? f.source.slice(1) : undefined,
      line: f.line ?? 0,
      kind: f.kind === 'main' ? 'main' : f.kind === 'C' ? 'C' : 'lua',
    }));
    const end = levels > 0 ? startFrame + levels : all.length;
    return { frames: all.slice(startFrame, end), total: all.length };
  }

  async scopes(frameId: number): Promise<ScopeInfo[]> {
    const raw = asArray<{ name: string; kind: ScopeInfo['kind']; ref: number }>(
      await this.ask<unknown>({ cmd: 'scopes', frameId }),
    );
    return raw.map((s) => ({ name: s.name, kind: s.kind, ref: s.ref, expensive: s.kind === 'globals' }));
  }

  async variables(ref: number, start = 0, count = 0): Promise<VariableInfo[]> {
    const all = asArray<VariableInfo>(await this.ask<unknown>({ cmd: 'vars', ref }));
    return count > 0 ? all.slice(start, start + count) : all.slice(start);
  }

  async setVariable(ref: number, name: string, value: string): Promise<EvalResult> {
    return this.ask<EvalResult>({ cmd: 'setvar', ref, name, value });
  }

  async evaluate(expression: string, frameId?: number): Promise<EvalResult> {
    if (!this.rt.isStopped()) {
      if (this.rt.isBusy()) throw new RuntimeError('the program is running; pause it to evaluate');
      const r = await this.rt.inspect(expression);
      return { value: r.text, type: r.type, ref: 0 };
    }
    this.evaluating++;
    try {
      return await this.ask<EvalResult>({ cmd: 'eval', expr: expression, frameId });
    } finally {
      this.evaluating--;
    }
  }

  async completions(text: string, frameId?: number): Promise<string[]> {
    if (!this.rt.isStopped()) return (await this.rt.complete(text)).matches;
    return asArray<string>(await this.ask<unknown>({ cmd: 'completions', text, frameId }));
  }
}
