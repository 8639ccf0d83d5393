/**
 * The lifecycle half of a debug session (session.ts holds the request translation): initialize,
 * launch / attach, binding a runtime and translating its events into DAP events, restart,
 * terminate, disconnect. The launch steps themselves are in launch.ts; breakpoint and stop state
 * is read from the runtime's one record, `rt.debugger.state`.
 */
import {
  BreakpointEvent,
  ContinuedEvent,
  DebugSession,
  ExitedEvent,
  InitializedEvent,
  OutputEvent,
  Response,
  StoppedEvent,
  TerminatedEvent,
  ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RuntimeEvent, RuntimeHandle } from '../kernel/runtime/types';
import { capabilities } from './capabilities';
import { ClientBreakpoints } from './client-breakpoints';
import { Convert } from './convert';
import { Gate } from './handles';
import { StopHandles } from './inspect';
import {
  createLaunchRuntime,
  describeResult,
  resolveLaunch,
  runProgram,
  type LaunchArguments,
  type RunConfig,
  type RuntimeFactory,
} from './launch';
import { parsePathMappings } from './paths';
import { Watches } from './watches';
import { ClientThreads, MAIN_THREAD } from './threads';
import { DAP_AUTH_ERROR, DapAuth } from './auth';

export type { LaunchArguments, RuntimeFactory } from './launch';
export type DapLog = (message: string) => void;

export interface SessionOptions {
  /** The shared runtime `attach` joins (the kernel's). Without it, attach fails with a message. */
  attachRuntime?: RuntimeHandle;
  /** How `launch` creates a fresh runtime (default: LuaRuntime.create). */
  createRuntime?: RuntimeFactory;
  /** Source text for chunk names that are not files (cells, exec strings). */
  readSource?: (runtimePath: string) => string | undefined;
  /** Diagnostics go here (never stdout). */
  log?: DapLog;
  /** Breakpoint owner name in the runtime; unique per session. */
  owner?: string;
  /** When set, requests other than initialize/disconnect need this secret (see auth.ts). */
  authToken?: string;
  /** True when other clients are attached to the same runtime: leaving then does not resume it. */
  othersAttached?: () => boolean;
}

export interface AttachArguments extends DebugProtocol.AttachRequestArguments {
  pathMappings?: unknown;
}

let sessionCounter = 0;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export abstract class SessionLifecycle extends DebugSession {
  protected rt: RuntimeHandle | undefined;
  protected mode: 'launch' | 'attach' | undefined;
  protected readonly configDone = new Gate();
  protected unsubscribe: (() => void) | undefined;
  protected readonly convert = new Convert();
  protected readonly log: DapLog;
  protected readonly auth: DapAuth;
  /** Evaluate requests of this client in flight. */
  protected evaluating = 0;
  protected readonly bps: ClientBreakpoints;
  protected readonly watches = new Watches();
  protected readonly threads = new ClientThreads();
  protected pendingApplied: Promise<void> = Promise.resolve();
  /** Set while launch creates the runtime: breakpoint requests wait for it instead of being held. */
  protected creating: Promise<RuntimeHandle> | undefined;

  /** DAP handles valid while stopped. */
  protected readonly handles = new StopHandles(this.convert);
  protected readonly loaded = new Set<string>();

  protected lastException: string | undefined;
  protected inputPending = false;
  protected run: RunConfig | undefined;
  protected generation = 0;
  protected ended = false;

  constructor(protected readonly options: SessionOptions = {}) {
    super();
    const owner = options.owner ?? `dap-${++sessionCounter}`;
    this.bps = new ClientBreakpoints(owner, `${owner}/console`);
    this.log = options.log ?? (() => undefined);
    this.auth = new DapAuth(options.authToken);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** Run a request handler, turning any exception into an error response (one bad request never kills the session). */
  protected handle<R extends DebugProtocol.Response>(response: R, fn: () => Promise<void> | void): void {
    Promise.resolve()
      .then(fn)
      .catch((err: unknown) => {
        this.log(`${response.command} failed: ${message(err)}`);
        this.sendErrorResponse(response, 1, message(err));
      });
  }

  /** The thread the program is stopped on (the runtime's record), if any. */
  protected stoppedThread(): number | undefined {
    return this.rt?.debugger.state.stop?.threadId;
  }

  protected console(text: string): void {
    this.sendEvent(new OutputEvent(text.endsWith('\n') ? text : `${text}\n`, 'console'));
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    this.log(`<- ${request.command}`);
    const refusal = this.auth.check(request);
    if (refusal) {
      this.log(`refused ${request.command}: ${refusal}`);
      this.sendErrorResponse(new Response(request), DAP_AUTH_ERROR, refusal);
      return;
    }
    // Some clients omit pathFormat; native paths are the default the protocol documents.
    if (request.command === 'initialize') {
      const args = (request.arguments ?? {}) as DebugProtocol.InitializeRequestArguments;
      if (args.pathFormat === undefined) request.arguments = { ...args, pathFormat: 'path' };
    }
    super.dispatchRequest(request);
  }

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    args: DebugProtocol.InitializeRequestArguments,
  ): void {
    this.convert.initialize(args ?? {});
    response.body = capabilities();
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configDone.open();
    this.sendResponse(response);
  }

  /** Install pathMappings; mappings that cannot apply here are dropped with one console message. */
  protected setMappings(raw: unknown): void {
    for (const note of this.convert.setMappings(parsePathMappings(raw))) {
      this.log(note);
      this.console(note);
    }
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): void {
    this.handle(response, async () => {
      if (this.mode) throw new Error('this session already has a debuggee');
      this.setMappings(args?.pathMappings);
      const run = resolveLaunch(args, this.convert);
      this.mode = 'launch';
      this.run = run;
      this.loaded.add(run.runtimePath);
      await this.startRuntime();
      await this.configDone.promise;
      await this.pendingApplied;
      this.sendResponse(response);
      this.execute();
    });
  }

  protected override attachRequest(response: DebugProtocol.AttachResponse, args: AttachArguments): void {
    this.handle(response, () => {
      if (this.mode) throw new Error('this session already has a debuggee');
      const rt = this.options.attachRuntime;
      if (!rt)
        throw new Error('attach: no kernel runtime here (start `llmspell kernel start`, or use launch)');
      this.mode = 'attach';
      this.setMappings(args?.pathMappings);
      this.bindRuntime(rt);
      this.sendResponse(response);
      this.sendEvent(new ThreadEvent('started', MAIN_THREAD));
    });
  }

  protected async startRuntime(): Promise<void> {
    this.creating = createLaunchRuntime(this.run!, this.options.createRuntime);
    try {
      this.bindRuntime(await this.creating);
    } finally {
      this.creating = undefined;
    }
  }

  protected bindRuntime(rt: RuntimeHandle): void {
    this.rt = rt;
    this.unsubscribe?.();
    this.unsubscribe = rt.onEvent((e) => this.onRuntimeEvent(e));
    this.pendingApplied = this.bps
      .applyHeld(rt, (r, dapId) => {
        if (dapId !== undefined) this.convert.bindId(r.id, dapId);
        this.announce('changed', r);
      })
      .catch((err: unknown) => this.log(`applying early breakpoints failed: ${message(err)}`));
  }

  protected runtime(): RuntimeHandle {
    if (!this.rt) throw new Error('no program yet: send launch or attach first');
    return this.rt;
  }

  /** Run the launched program; reports output, exited and terminated. */
  protected execute(): void {
    const run = this.run!;
    const rt = this.rt!;
    const gen = ++this.generation;
    this.log(`execute ${run.runtimePath}`);
    this.sendEvent(new ThreadEvent('started', MAIN_THREAD));
    void runProgram(rt, run).then((result) => {
      this.log(`execute finished: ${result.ok ? 'ok' : result.error.message}`);
      if (gen !== this.generation) return;
      const { exitCode, output } = describeResult(result, this.convert);
      if (output) this.sendEvent(output);
      this.finish(exitCode);
    });
  }

  protected finish(exitCode: number): void {
    if (this.ended) return;
    this.ended = true;
    for (const t of this.threads.resumed()) this.sendEvent(t);
    this.sendEvent(new ThreadEvent('exited', MAIN_THREAD));
    this.sendEvent(new ExitedEvent(exitCode));
    this.sendEvent(new TerminatedEvent());
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.handle(response, async () => {
      if (this.mode !== 'launch' || !this.run) throw new Error('restart is only supported for launch');
      this.generation++;
      const old = this.rt;
      this.unsubscribe?.();
      this.resetHandles();
      await old?.dispose();
      await this.startRuntime();
      if (old) await this.bps.replay(old, this.rt!, (r) => this.announce('changed', r));
      this.ended = false;
      this.sendResponse(response);
      this.execute();
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.handle(response, async () => {
      if (this.mode === 'launch') {
        this.generation++;
        await this.rt?.dispose();
        this.sendResponse(response);
        this.finish(0);
      } else {
        await this.release();
        this.sendResponse(response);
        this.sendEvent(new TerminatedEvent());
      }
    });
  }

  protected override disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    args: DebugProtocol.DisconnectArguments,
  ): void {
    this.handle(response, async () => {
      await this.shutdownDebuggee(args?.terminateDebuggee);
      this.sendResponse(response);
    });
  }

  /**
   * End this client's involvement: launch terminates its runtime (unless told otherwise),
   * attach removes this client's breakpoints and resumes a stopped program. Safe to call twice.
   */
  async shutdownDebuggee(terminateDebuggee?: boolean): Promise<void> {
    if (this.mode === 'launch' && terminateDebuggee !== false) {
      this.generation++;
      this.ended = true;
      this.unsubscribe?.();
      await this.rt?.dispose();
    } else if (this.mode) {
      await this.release();
    }
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.configDone.open();
  }

  /** Remove everything this client put into a shared runtime and let the program run on. */
  protected async release(): Promise<void> {
    const rt = this.rt;
    if (!rt) return;
    // this client's evaluation still running (`while true do end` in its console) ends with it
    if (this.evaluating > 0) rt.debugger.pause();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    try {
      await this.bps.release(rt);
    } catch (err) {
      this.log(`releasing breakpoints failed: ${message(err)}`);
    }
    this.watches.clear();
    // another client still debugging this runtime keeps it as it is
    if (rt.debugger.isStopped() && !this.options.othersAttached?.()) rt.debugger.resume();
  }

  /** Attached to a shared runtime and listening to it (false after disconnect). */
  get attachedToShared(): boolean {
    return this.mode === 'attach' && this.unsubscribe !== undefined;
  }

  // ---- runtime events --------------------------------------------------------------------------

  protected onRuntimeEvent(e: RuntimeEvent): void {
    if (e.type !== 'output') this.log(`runtime ${e.type}`);
    switch (e.type) {
      case 'output': {
        const ev = new OutputEvent(e.text, e.stream) as DebugProtocol.OutputEvent;
        if (e.source) {
          this.loaded.add(e.source.path);
          ev.body.source = this.convert.source(e.source.path);
          ev.body.line = this.convert.lineToClient(e.source.line);
        }
        this.sendEvent(ev);
        break;
      }
      case 'stopped': {
        this.resetHandles();
        this.lastException = e.reason === 'exception' ? e.text : undefined;
        if (e.location) this.loaded.add(e.location.path);
        const ev = new StoppedEvent(e.reason, e.threadId, e.text) as DebugProtocol.StoppedEvent;
        ev.body.allThreadsStopped = true;
        const hits = e.hitBreakpointIds
          .filter((id) => this.convert.ownsBreakpoint(id))
          .map((id) => this.convert.bpId(id));
        if (hits.length) ev.body.hitBreakpointIds = hits;
        if (e.reason === 'exception' && e.text) ev.body.description = `Paused on error: ${e.text}`;
        for (const t of this.threads.seen([e.threadId])) this.sendEvent(t);
        this.sendEvent(ev);
        if (this.watches.size) void this.showWatches();
        break;
      }
      case 'continued':
        this.resetHandles();
        this.sendEvent(new ContinuedEvent(e.threadId, true));
        for (const t of this.threads.resumed()) this.sendEvent(t);
        break;
      case 'thread':
        this.sendEvent(new ThreadEvent(e.reason, e.threadId));
        break;
      case 'breakpoint':
        if (this.convert.ownsBreakpoint(e.breakpoint.id)) this.announce('changed', e.breakpoint);
        break;
      case 'input':
        if (this.mode === 'launch') {
          this.inputPending = true;
          this.console(`${e.prompt}[the program waits for input: type a line in the debug console]`);
        }
        break;
      case 'crashed':
        this.sendEvent(new OutputEvent(`llmspell: ${e.message}\n`, 'stderr'));
        if (this.mode === 'launch') this.finish(1);
        break;
      default:
        break;
    }
  }

  protected resetHandles(): void {
    this.handles.reset();
  }

  protected async showWatches(): Promise<void> {
    const text = this.rt ? await this.watches.render(this.rt) : undefined;
    if (text) this.sendEvent(new OutputEvent(text, 'console'));
  }

  protected announce(reason: 'changed' | 'new', r: Parameters<Convert['breakpoint']>[0]): void {
    this.sendEvent(new BreakpointEvent(reason, this.convert.breakpoint(r) as DebugProtocol.Breakpoint));
  }
}
