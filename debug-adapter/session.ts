/**
 * LlmspellDebugSession: DAP translation for one client. Each request handler converts DAP
 * arguments (convert.ts), calls the runtime's DebuggerApi and converts the answer back; runtime
 * events become DAP events here. Everything else has its own module: the launch lifecycle
 * (launch.ts), breakpoints held before a runtime exists and console breakpoints
 * (client-breakpoints.ts), watches (watches.ts), the console interpreter (console.ts). Breakpoint
 * and stop state is read from the runtime's one record, `rt.debugger.state`.
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
import * as fs from 'fs';
import type { BreakpointSpec, RuntimeEvent, RuntimeHandle } from '../kernel/runtime/types';
import { capabilities } from './capabilities';
import { ClientBreakpoints } from './client-breakpoints';
import { runConsoleCommand, type ConsoleContext } from './console';
import { isConsoleCommand, parseConsoleCommand } from './console-commands';
import { Convert } from './convert';
import { Gate } from './handles';
import { StopHandles, commandTargets, completionInput } from './inspect';
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

/** The main Lua thread's id (coroutines get larger ids). */
const MAIN_THREAD = 1;
let sessionCounter = 0;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class LlmspellDebugSession extends DebugSession {
  private rt: RuntimeHandle | undefined;
  private mode: 'launch' | 'attach' | undefined;
  private readonly configDone = new Gate();
  private unsubscribe: (() => void) | undefined;
  private readonly convert = new Convert();
  private readonly log: DapLog;
  private readonly auth: DapAuth;
  /** Evaluate requests of this client in flight. */
  private evaluating = 0;
  private readonly bps: ClientBreakpoints;
  private readonly watches = new Watches();
  private pendingApplied: Promise<void> = Promise.resolve();
  /** Set while launch creates the runtime: breakpoint requests wait for it instead of being held. */
  private creating: Promise<RuntimeHandle> | undefined;

  /** DAP handles valid while stopped. */
  private readonly handles = new StopHandles(this.convert);
  private readonly loaded = new Set<string>();

  private lastException: string | undefined;
  private inputPending = false;
  private run: RunConfig | undefined;
  private generation = 0;
  private ended = false;

  constructor(private readonly options: SessionOptions = {}) {
    super();
    const owner = options.owner ?? `dap-${++sessionCounter}`;
    this.bps = new ClientBreakpoints(owner, `${owner}/console`);
    this.log = options.log ?? (() => undefined);
    this.auth = new DapAuth(options.authToken);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** Run a request handler, turning any exception into an error response (one bad request never kills the session). */
  private handle<R extends DebugProtocol.Response>(response: R, fn: () => Promise<void> | void): void {
    Promise.resolve()
      .then(fn)
      .catch((err: unknown) => {
        this.log(`${response.command} failed: ${message(err)}`);
        this.sendErrorResponse(response, 1, message(err));
      });
  }

  /** The thread the program is stopped on (the runtime's record), if any. */
  private stoppedThread(): number | undefined {
    return this.rt?.debugger.state.stop?.threadId;
  }

  private console(text: string): void {
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
  private setMappings(raw: unknown): void {
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

  private async startRuntime(): Promise<void> {
    this.creating = createLaunchRuntime(this.run!, this.options.createRuntime);
    try {
      this.bindRuntime(await this.creating);
    } finally {
      this.creating = undefined;
    }
  }

  private bindRuntime(rt: RuntimeHandle): void {
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

  private runtime(): RuntimeHandle {
    if (!this.rt) throw new Error('no program yet: send launch or attach first');
    return this.rt;
  }

  /** Run the launched program; reports output, exited and terminated. */
  private execute(): void {
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

  private finish(exitCode: number): void {
    if (this.ended) return;
    this.ended = true;
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
  private async release(): Promise<void> {
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

  private onRuntimeEvent(e: RuntimeEvent): void {
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
        this.sendEvent(ev);
        if (this.watches.size) void this.showWatches();
        break;
      }
      case 'continued':
        this.resetHandles();
        this.sendEvent(new ContinuedEvent(e.threadId, true));
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

  private resetHandles(): void {
    this.handles.reset();
  }

  private async showWatches(): Promise<void> {
    const text = this.rt ? await this.watches.render(this.rt) : undefined;
    if (text) this.sendEvent(new OutputEvent(text, 'console'));
  }

  private announce(reason: 'changed' | 'new', r: Parameters<Convert['breakpoint']>[0]): void {
    this.sendEvent(new BreakpointEvent(reason, this.convert.breakpoint(r) as DebugProtocol.Breakpoint));
  }

  // ---- sources and breakpoints -----------------------------------------------------------------

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const p = this.convert.runtimePathOf(args.source);
      const given = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
      const specs = given.map((b: DebugProtocol.SourceBreakpoint): BreakpointSpec => {
        const s: BreakpointSpec = { line: this.convert.lineToRuntime(b.line) };
        if (b.condition) s.condition = b.condition;
        if (b.hitCondition) s.hitCondition = b.hitCondition;
        if (b.logMessage) s.logMessage = b.logMessage;
        return s;
      });
      if (this.creating) await this.creating.catch(() => undefined);
      const rt = this.rt;
      this.log(`setBreakpoints ${p} ${JSON.stringify(specs)} runtime=${!!rt}`);
      if (!rt) {
        // No runtime yet (setBreakpoints before launch/attach): promise ids now, verify on bind.
        const ids = this.convert.promiseIds(specs.length);
        this.bps.holdLines(p, specs, ids);
        response.body = {
          breakpoints: specs.map((s, i) => ({
            id: ids[i],
            verified: false,
            line: this.convert.lineToClient(s.line),
            message: 'pending until the program starts',
          })),
        };
        this.sendResponse(response);
        return;
      }
      const results = await rt.debugger.setBreakpoints(p, specs, this.bps.owner);
      response.body = { breakpoints: results.map((r) => this.convert.breakpoint(r)) };
      this.sendResponse(response);
    });
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const names = args.breakpoints.map((b) => b.name);
      if (this.creating) await this.creating.catch(() => undefined);
      const rt = this.rt;
      if (!rt) {
        this.bps.holdFunctions(names);
        response.body = { breakpoints: names.map(() => ({ verified: false, message: 'pending' })) };
        this.sendResponse(response);
        return;
      }
      const results = await rt.debugger.setFunctionBreakpoints(names, this.bps.owner);
      response.body = { breakpoints: results.map((r) => this.convert.breakpoint(r)) };
      this.sendResponse(response);
    });
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const names = new Set([...(args.filters ?? []), ...(args.filterOptions ?? []).map((f) => f.filterId)]);
      const filters = { uncaught: names.has('uncaught'), all: names.has('all') };
      if (this.creating) await this.creating.catch(() => undefined);
      if (this.rt) await this.rt.debugger.setExceptionFilters(filters);
      else this.bps.holdFilters(filters);
      response.body = { breakpoints: [...names].map(() => ({ verified: true })) };
      this.sendResponse(response);
    });
  }

  protected override breakpointLocationsRequest(
    response: DebugProtocol.BreakpointLocationsResponse,
    args: DebugProtocol.BreakpointLocationsArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.rt;
      if (!rt) {
        response.body = { breakpoints: [] };
        this.sendResponse(response);
        return;
      }
      const p = this.convert.runtimePathOf(args.source);
      const from = this.convert.lineToRuntime(args.line);
      const to = args.endLine !== undefined ? this.convert.lineToRuntime(args.endLine) : from;
      const lines = await rt.debugger.breakpointLocations(p, from, to);
      response.body = { breakpoints: lines.map((l) => ({ line: this.convert.lineToClient(l) })) };
      this.sendResponse(response);
    });
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: [...this.loaded].map((p) => this.convert.source(p)) };
    this.sendResponse(response);
  }

  protected override sourceRequest(
    response: DebugProtocol.SourceResponse,
    args: DebugProtocol.SourceArguments,
  ): void {
    this.handle(response, () => {
      const ref = args.source?.sourceReference ?? args.sourceReference;
      const p = this.convert.sourceRefPath(ref) || args.source?.path;
      if (!p) throw new Error('unknown source');
      const text =
        this.options.readSource?.(p) ?? (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined);
      if (text === undefined) throw new Error(`no source text for ${p}`);
      response.body = { content: text, mimeType: 'text/x-lua' };
      this.sendResponse(response);
    });
  }

  // ---- execution control -----------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    this.handle(response, async () => {
      const threads = this.rt ? await this.rt.debugger.threads() : [{ id: 1, name: 'main' }];
      response.body = { threads: threads.map((t) => ({ id: t.id, name: t.name })) };
      this.sendResponse(response);
    });
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.rt?.debugger.resume();
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
  }

  protected override nextRequest(
    response: DebugProtocol.NextResponse,
    args: DebugProtocol.NextArguments,
  ): void {
    this.rt?.debugger.step('over', args.threadId);
    this.sendResponse(response);
  }

  protected override stepInRequest(
    response: DebugProtocol.StepInResponse,
    args: DebugProtocol.StepInArguments,
  ): void {
    this.rt?.debugger.step('in', args.threadId);
    this.sendResponse(response);
  }

  protected override stepOutRequest(
    response: DebugProtocol.StepOutResponse,
    args: DebugProtocol.StepOutArguments,
  ): void {
    this.rt?.debugger.step('out', args.threadId);
    this.sendResponse(response);
  }

  protected override stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse): void {
    response.body = { targets: [{ id: 1, label: 'the next call on this line' }] };
    this.sendResponse(response);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.rt?.debugger.pause();
    this.sendResponse(response);
  }

  // ---- inspection ------------------------------------------------------------------------------

  private requireStopped(): RuntimeHandle {
    if (!this.rt || this.stoppedThread() === undefined || !this.rt.debugger.isStopped()) {
      throw new Error('the program is not stopped');
    }
    return this.rt;
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    this.handle(response, async () => {
      if (!this.rt || args.threadId !== this.stoppedThread()) {
        response.body = { stackFrames: [], totalFrames: 0 };
        this.sendResponse(response);
        return;
      }
      const { frames, total } = await this.rt.debugger.stackTrace(
        args.threadId,
        args.startFrame ?? 0,
        args.levels ?? 0,
      );
      response.body = { stackFrames: this.handles.stackFrames(frames), totalFrames: total };
      this.sendResponse(response);
    });
  }

  protected override scopesRequest(
    response: DebugProtocol.ScopesResponse,
    args: DebugProtocol.ScopesArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.requireStopped();
      const scopes = await rt.debugger.scopes(this.handles.frame(args.frameId)!);
      response.body = { scopes: this.handles.scopes(scopes) };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.requireStopped();
      const ref = this.handles.ref(args.variablesReference);
      const vars = await rt.debugger.variables(ref, args.start ?? 0, args.count ?? 0);
      response.body = { variables: this.handles.variables(vars) };
      this.sendResponse(response);
    });
  }

  protected override setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.requireStopped();
      const r = await rt.debugger.setVariable(
        this.handles.ref(args.variablesReference),
        args.name,
        args.value,
      );
      response.body = this.handles.value(r, true);
      this.sendResponse(response);
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    response.body = {
      exceptionId: 'LuaError',
      description: this.lastException ?? 'no error',
      breakMode: this.rt?.debugger.state.filters.all ? 'always' : 'unhandled',
    };
    this.sendResponse(response);
  }

  private isStopped(rt: RuntimeHandle): boolean {
    return this.stoppedThread() !== undefined && rt.debugger.isStopped();
  }

  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.runtime();
      if (args.context === 'repl' && isConsoleCommand(args.expression)) {
        const cmd = parseConsoleCommand(args.expression)!;
        const text = await runConsoleCommand(this.consoleContext(rt, args.frameId), cmd);
        response.body = { result: text, variablesReference: 0 };
        this.sendResponse(response);
        return;
      }
      if (args.context === 'repl' && this.inputPending) {
        this.inputPending = false;
        rt.provideInput(args.expression);
        response.body = { result: '', variablesReference: 0 };
        this.sendResponse(response);
        return;
      }
      if (typeof args.expression !== 'string') throw new Error('evaluate: "expression" must be a string');
      const stopped = this.isStopped(rt);
      this.evaluating++;
      const r = await rt.debugger
        .evaluate(args.expression, stopped ? this.handles.frame(args.frameId) : undefined)
        .finally(() => this.evaluating--);
      const v = this.handles.value(r, stopped);
      response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference };
      this.sendResponse(response);
    });
  }

  protected override completionsRequest(
    response: DebugProtocol.CompletionsResponse,
    args: DebugProtocol.CompletionsArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.runtime();
      const input = completionInput(args.text, this.convert.columnToRuntime(args.column));
      const base = this.convert.firstColumn() - 1;
      if (input.command !== undefined) {
        response.body = { targets: commandTargets(input.command, input.before, base) };
        this.sendResponse(response);
        return;
      }
      const frame = this.isStopped(rt) ? this.handles.frame(args.frameId) : undefined;
      const names = await rt.debugger.completions(input.expression, frame);
      const start = input.before.length - input.partial.length + base;
      response.body = {
        targets: names.map((n) => ({
          label: n,
          type: 'variable' as const,
          start,
          length: input.partial.length,
        })),
      };
      this.sendResponse(response);
    });
  }

  // ---- debug console ---------------------------------------------------------------------------

  private consoleContext(rt: RuntimeHandle, frameId: number | undefined): ConsoleContext {
    return {
      rt,
      frameId,
      rtFrame: (id) => this.handles.frame(id)!,
      stoppedThread: () => (rt.debugger.isStopped() ? this.stoppedThread() : undefined),
      toRuntimePath: (p) => this.convert.pathToRuntime(p),
      toClientPath: (p) => this.convert.displayPath(p),
      programDir: this.run?.cwd,
      programPath: this.run?.runtimePath,
      addBreakpoint: async (p, spec) => {
        const r = await this.bps.addConsole(rt, p, spec);
        this.announce('new', r);
        return r;
      },
      clearBreakpoints: () => this.bps.clearConsole(rt),
      watches: this.watches,
    };
  }
}
