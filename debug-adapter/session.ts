/**
 * LlmspellDebugSession: DAP bookkeeping for one client. It owns every DAP handle (frame ids,
 * variablesReference, source references, 1-based line conversion) and translates typed runtime
 * events into DAP events. The runtime never sees a DAP type.
 */
import { hostModules, loadHostConfig } from '../kernel/hostapi';
import * as fs from 'fs';
import * as path from 'path';
import {
  BreakpointEvent,
  ContinuedEvent,
  DebugSession,
  ExitedEvent,
  InitializedEvent,
  OutputEvent,
  Source,
  StoppedEvent,
  TerminatedEvent,
  ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LuaRuntime } from '../kernel/runtime/runtime';
import type {
  BreakpointResult,
  BreakpointSpec,
  ExecResult,
  RuntimeEvent,
  RuntimeHandle,
  RuntimeOptions,
} from '../kernel/runtime/types';
import { capabilities } from './capabilities';
import { CONSOLE_HELP, isConsoleCommand, parseConsoleCommand, type ConsoleCommand } from './console-commands';
import { Gate, HandleTable } from './handles';
import { PathMapper, parsePathMappings } from './paths';

export type DapLog = (message: string) => void;

export type RuntimeFactory = (
  options: RuntimeOptions & { env?: Record<string, string | undefined> },
) => Promise<RuntimeHandle>;

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
}

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  stopOnEntry?: boolean;
  pathMappings?: unknown;
}

export interface AttachArguments extends DebugProtocol.AttachRequestArguments {
  pathMappings?: unknown;
}

interface RunState {
  generation: number;
  program: string;
  runtimePath: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  stopOnEntry: boolean;
}

let sessionCounter = 0;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class LlmspellDebugSession extends DebugSession {
  private rt: RuntimeHandle | undefined;
  private mode: 'launch' | 'attach' | undefined;
  private readonly configDone = new Gate();
  private unsubscribe: (() => void) | undefined;
  private mapper = new PathMapper();
  private readonly owner: string;
  private readonly consoleOwner: string;
  private readonly log: DapLog;

  // Breakpoints as this client asked for them (runtime paths), for restart and cleanup.
  private readonly clientBps = new Map<string, BreakpointSpec[]>();
  private readonly consoleBps = new Map<string, BreakpointSpec[]>();
  /** Runtime breakpoint id -> DAP breakpoint id (only this client's breakpoints). */
  private readonly bpIds = new Map<number, number>();
  private nextBpId = 1;
  /** Breakpoints a client set before launch/attach gave us a runtime: DAP ids promised per path. */
  private readonly pendingBps = new Map<string, number[]>();
  private pendingApplied: Promise<void> = Promise.resolve();
  /** Set while launch creates the runtime: breakpoint requests wait for it instead of going pending. */
  private creating: Promise<RuntimeHandle> | undefined;
  private fnBps: string[] = [];
  private filters = { uncaught: false, all: false };
  private readonly watches: string[] = [];

  // Handles valid while stopped.
  private readonly frames = new HandleTable<number>(1000);
  private readonly varRefs = new HandleTable<number>(1);
  // Source references live for the whole session.
  private readonly sourceRefs = new HandleTable<string>(1);
  private readonly loaded = new Set<string>();

  private stoppedThread: number | undefined;
  private lastException: string | undefined;
  private inputPending = false;
  private run: RunState | undefined;
  private generation = 0;
  private ended = false;

  constructor(private readonly options: SessionOptions = {}) {
    super();
    this.owner = options.owner ?? `dap-${++sessionCounter}`;
    this.consoleOwner = `${this.owner}/console`;
    this.log = options.log ?? (() => undefined);
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

  // ---- lifecycle -------------------------------------------------------------------------------

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    this.log(`<- ${request.command}`);
    // Some clients omit pathFormat; native paths are the default the protocol documents.
    if (request.command === 'initialize') {
      const args = (request.arguments ?? {}) as DebugProtocol.InitializeRequestArguments;
      if (args.pathFormat === undefined) request.arguments = { ...args, pathFormat: 'path' };
    }
    super.dispatchRequest(request);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = capabilities();
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configDone.open();
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): void {
    this.handle(response, async () => {
      if (this.mode) throw new Error('this session already has a debuggee');
      if (!args?.program || typeof args.program !== 'string')
        throw new Error('launch: "program" is required');
      this.mode = 'launch';
      this.mapper = new PathMapper(parsePathMappings(args?.pathMappings));
      const cwd = path.resolve(args.cwd || path.dirname(path.resolve(args.program)));
      const program = path.resolve(cwd, args.program);
      if (!fs.existsSync(program)) throw new Error(`launch: program not found: ${program}`);
      const env: Record<string, string | undefined> = { ...process.env };
      for (const [k, v] of Object.entries(args.env ?? {})) env[k] = v === null ? undefined : v;
      this.run = {
        generation: 0,
        program,
        runtimePath: this.mapper.toRuntime(program),
        args: (args.args ?? []).map(String),
        cwd,
        env,
        stopOnEntry: !!args.stopOnEntry,
      };
      this.loaded.add(this.run.runtimePath);
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
      this.mapper = new PathMapper(parsePathMappings(args?.pathMappings));
      this.bindRuntime(rt);
      this.sendResponse(response);
    });
  }

  private async startRuntime(): Promise<void> {
    const run = this.run!;
    const factory = this.options.createRuntime ?? ((o) => LuaRuntime.create(o));
    const env = { ...process.env, ...run.env };
    this.creating = Promise.resolve().then(() =>
      factory({
        cwd: run.cwd,
        env: run.env,
        packagePath: [path.dirname(run.program)],
        name: 'dap',
        hostModules: hostModules(loadHostConfig({ cwd: run.cwd, env })),
      }),
    );
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
    this.pendingApplied = this.applyPending(rt).catch((err: unknown) =>
      this.log(`applying early breakpoints failed: ${message(err)}`),
    );
  }

  /** Apply breakpoints and filters a client sent before there was a runtime; report them as changed. */
  private async applyPending(rt: RuntimeHandle): Promise<void> {
    for (const [p, ids] of this.pendingBps) {
      const results = await rt.debugger.setBreakpoints(p, this.clientBps.get(p) ?? [], this.owner);
      this.log(`applied pending ${p}: ${JSON.stringify(results)}`);
      results.forEach((r, i) => {
        if (ids[i] !== undefined) this.bpIds.set(r.id, ids[i]);
      });
      this.announce(results);
    }
    this.pendingBps.clear();
    if (this.fnBps.length) await rt.debugger.setFunctionBreakpoints(this.fnBps, this.owner);
    if (this.filters.uncaught || this.filters.all) await rt.debugger.setExceptionFilters(this.filters);
  }

  private dapBpId(rtId: number): number {
    let id = this.bpIds.get(rtId);
    if (id === undefined) {
      id = this.nextBpId++;
      this.bpIds.set(rtId, id);
    }
    return id;
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
    if (run.stopOnEntry) rt.debugger.setStopOnEntry(true);
    let code: string;
    try {
      code = fs.readFileSync(run.program, 'utf8');
    } catch (err) {
      this.sendEvent(new OutputEvent(`cannot read ${run.program}: ${message(err)}\n`, 'stderr'));
      this.finish(1);
      return;
    }
    this.log(`execute ${run.runtimePath}`);
    void rt
      .execute(code, {
        chunkName: run.runtimePath,
        mode: 'file',
        args: run.args,
        scriptName: run.program,
      })
      .then((result) => {
        this.log(`execute finished: ${result.ok ? 'ok' : result.error.message}`);
        if (gen !== this.generation) return;
        this.finish(this.reportResult(result));
      });
  }

  private reportResult(result: ExecResult): number {
    if (result.ok) return result.exitCode ?? 0;
    const e = result.error;
    const tb = e.traceback.length ? `\nstack traceback:\n\t${e.traceback.join('\n\t')}` : '';
    const ev = new OutputEvent(`${e.message}${tb}\n`, 'stderr') as DebugProtocol.OutputEvent;
    if (e.location) {
      ev.body.source = this.source(e.location.path);
      ev.body.line = this.convertDebuggerLineToClient(e.location.line);
    }
    this.sendEvent(ev);
    return 1;
  }

  private finish(exitCode: number): void {
    if (this.ended) return;
    this.ended = true;
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
      this.stoppedThread = undefined;
      await old?.dispose();
      await this.startRuntime();
      const rt = this.rt!;
      for (const [p, specs] of this.clientBps)
        this.announce(await rt.debugger.setBreakpoints(p, specs, this.owner));
      for (const [p, specs] of this.consoleBps)
        this.announce(await rt.debugger.setBreakpoints(p, specs, this.consoleOwner));
      if (this.fnBps.length) await rt.debugger.setFunctionBreakpoints(this.fnBps, this.owner);
      await rt.debugger.setExceptionFilters(this.filters);
      this.ended = false;
      this.sendResponse(response);
      this.execute();
    });
  }

  private announce(results: BreakpointResult[]): void {
    for (const r of results) {
      this.sendEvent(new BreakpointEvent('changed', this.toDapBreakpoint(r) as DebugProtocol.Breakpoint));
    }
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
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    try {
      for (const p of this.clientBps.keys()) await rt.debugger.setBreakpoints(p, [], this.owner);
      for (const p of this.consoleBps.keys()) await rt.debugger.setBreakpoints(p, [], this.consoleOwner);
      if (this.fnBps.length) await rt.debugger.setFunctionBreakpoints([], this.owner);
    } catch (err) {
      this.log(`releasing breakpoints failed: ${message(err)}`);
    }
    this.clientBps.clear();
    this.consoleBps.clear();
    this.watches.length = 0;
    if (rt.debugger.isStopped()) rt.debugger.resume();
  }

  // ---- runtime events --------------------------------------------------------------------------

  private onRuntimeEvent(e: RuntimeEvent): void {
    if (e.type !== 'output') this.log(`runtime ${e.type}`);
    switch (e.type) {
      case 'output': {
        const ev = new OutputEvent(e.text, e.stream) as DebugProtocol.OutputEvent;
        if (e.source) {
          this.loaded.add(e.source.path);
          ev.body.source = this.source(e.source.path);
          ev.body.line = this.convertDebuggerLineToClient(e.source.line);
        }
        this.sendEvent(ev);
        break;
      }
      case 'stopped': {
        this.resetHandles();
        this.stoppedThread = e.threadId;
        this.lastException = e.reason === 'exception' ? e.text : undefined;
        if (e.location) this.loaded.add(e.location.path);
        const ev = new StoppedEvent(e.reason, e.threadId, e.text) as DebugProtocol.StoppedEvent;
        ev.body.allThreadsStopped = true;
        const hits = e.hitBreakpointIds.filter((id) => this.bpIds.has(id)).map((id) => this.dapBpId(id));
        if (hits.length) ev.body.hitBreakpointIds = hits;
        if (e.reason === 'exception' && e.text) ev.body.description = `Paused on error: ${e.text}`;
        this.sendEvent(ev);
        if (this.watches.length) void this.showWatches();
        break;
      }
      case 'continued': {
        this.resetHandles();
        this.stoppedThread = undefined;
        const ev = new ContinuedEvent(e.threadId, true);
        this.sendEvent(ev);
        break;
      }
      case 'thread':
        this.sendEvent(new ThreadEvent(e.reason, e.threadId));
        break;
      case 'breakpoint':
        if (this.bpIds.has(e.breakpoint.id)) {
          this.sendEvent(
            new BreakpointEvent('changed', this.toDapBreakpoint(e.breakpoint) as DebugProtocol.Breakpoint),
          );
        }
        break;
      case 'input':
        if (this.mode === 'launch') {
          this.inputPending = true;
          this.sendEvent(
            new OutputEvent(
              `${e.prompt}[the program waits for input: type a line in the debug console]\n`,
              'console',
            ),
          );
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
    this.frames.clear();
    this.varRefs.clear();
  }

  private async showWatches(): Promise<void> {
    const rt = this.rt;
    if (!rt) return;
    const lines: string[] = [];
    for (const w of this.watches) {
      try {
        const r = await rt.debugger.evaluate(w);
        lines.push(`${w} = ${r.value}`);
      } catch (err) {
        lines.push(`${w} = <${message(err)}>`);
      }
    }
    this.sendEvent(new OutputEvent(`[watch] ${lines.join('\n[watch] ')}\n`, 'console'));
  }

  // ---- sources and breakpoints -----------------------------------------------------------------

  private source(runtimePath: string): DebugProtocol.Source {
    const clientPath = this.mapper.toClient(runtimePath);
    const isFile = clientPath !== runtimePath || fs.existsSync(runtimePath);
    if (isFile) return new Source(path.basename(clientPath), this.convertDebuggerPathToClient(clientPath));
    const ref = this.sourceRefs.add(runtimePath, runtimePath);
    return new Source(path.basename(runtimePath), runtimePath, ref, undefined, 'llmspell');
  }

  private runtimePathOf(source: DebugProtocol.Source): string {
    if (source.sourceReference) {
      const p = this.sourceRefs.get(source.sourceReference);
      if (p) return p;
    }
    if (!source.path) throw new Error('the source has no path');
    return this.mapper.toRuntime(this.convertClientPathToDebugger(source.path));
  }

  private toDapBreakpoint(r: BreakpointResult): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.Breakpoint = {
      id: this.dapBpId(r.id),
      verified: r.verified,
      line: this.convertDebuggerLineToClient(r.line),
      source: this.source(r.path),
    };
    if (r.message) bp.message = r.message;
    return bp;
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const p = this.runtimePathOf(args.source);
      const specs: BreakpointSpec[] = (args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }))).map(
        (b) => {
          const s: BreakpointSpec = { line: this.convertClientLineToDebugger(b.line) };
          const sb = b as DebugProtocol.SourceBreakpoint;
          if (sb.condition) s.condition = sb.condition;
          if (sb.hitCondition) s.hitCondition = sb.hitCondition;
          if (sb.logMessage) s.logMessage = sb.logMessage;
          return s;
        },
      );
      if (specs.length) this.clientBps.set(p, specs);
      else this.clientBps.delete(p);
      if (this.creating) await this.creating.catch(() => undefined);
      const rt = this.rt;
      this.log(`setBreakpoints ${p} ${JSON.stringify(specs)} runtime=${!!rt}`);
      if (!rt) {
        // No runtime yet (setBreakpoints before launch/attach): promise ids now, verify on bind.
        const ids = specs.map(() => this.nextBpId++);
        this.pendingBps.set(p, ids);
        response.body = {
          breakpoints: specs.map((s, i) => ({
            id: ids[i],
            verified: false,
            line: this.convertDebuggerLineToClient(s.line),
            message: 'pending until the program starts',
          })),
        };
        this.sendResponse(response);
        return;
      }
      const results = await rt.debugger.setBreakpoints(p, specs, this.owner);
      response.body = { breakpoints: results.map((r) => this.toDapBreakpoint(r)) };
      this.sendResponse(response);
    });
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      this.fnBps = args.breakpoints.map((b) => b.name);
      if (this.creating) await this.creating.catch(() => undefined);
      const rt = this.rt;
      if (!rt) {
        response.body = { breakpoints: this.fnBps.map(() => ({ verified: false, message: 'pending' })) };
        this.sendResponse(response);
        return;
      }
      const results = await rt.debugger.setFunctionBreakpoints(this.fnBps, this.owner);
      response.body = {
        breakpoints: results.map((r) => {
          const bp: DebugProtocol.Breakpoint = { id: this.dapBpId(r.id), verified: r.verified };
          if (r.verified && r.path) {
            bp.line = this.convertDebuggerLineToClient(r.line);
            bp.source = this.source(r.path);
          }
          if (r.message) bp.message = r.message;
          return bp;
        }),
      };
      this.sendResponse(response);
    });
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const names = new Set([...(args.filters ?? []), ...(args.filterOptions ?? []).map((f) => f.filterId)]);
      this.filters = { uncaught: names.has('uncaught'), all: names.has('all') };
      if (this.creating) await this.creating.catch(() => undefined);
      if (this.rt) await this.rt.debugger.setExceptionFilters(this.filters);
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
      const p = this.runtimePathOf(args.source);
      const from = this.convertClientLineToDebugger(args.line);
      const to = args.endLine !== undefined ? this.convertClientLineToDebugger(args.endLine) : from;
      const lines = await rt.debugger.breakpointLocations(p, from, to);
      response.body = { breakpoints: lines.map((l) => ({ line: this.convertDebuggerLineToClient(l) })) };
      this.sendResponse(response);
    });
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: [...this.loaded].map((p) => this.source(p)) };
    this.sendResponse(response);
  }

  protected override sourceRequest(
    response: DebugProtocol.SourceResponse,
    args: DebugProtocol.SourceArguments,
  ): void {
    this.handle(response, () => {
      const ref = args.source?.sourceReference ?? args.sourceReference;
      const p = (ref && this.sourceRefs.get(ref)) || args.source?.path;
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
    if (!this.rt || this.stoppedThread === undefined || !this.rt.debugger.isStopped()) {
      throw new Error('the program is not stopped');
    }
    return this.rt;
  }

  protected override stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    this.handle(response, async () => {
      if (this.stoppedThread === undefined || args.threadId !== this.stoppedThread || !this.rt) {
        response.body = { stackFrames: [], totalFrames: 0 };
        this.sendResponse(response);
        return;
      }
      const { frames, total } = await this.rt.debugger.stackTrace(
        args.threadId,
        args.startFrame ?? 0,
        args.levels ?? 0,
      );
      response.body = {
        stackFrames: frames.map((f) => {
          const id = this.frames.add(f.id, String(f.id));
          const sf: DebugProtocol.StackFrame = {
            id,
            name: f.name,
            line: f.path ? this.convertDebuggerLineToClient(f.line) : 0,
            column: f.path ? this.convertDebuggerColumnToClient(1) : 0,
          };
          if (f.path) sf.source = this.source(f.path);
          else sf.presentationHint = 'subtle';
          return sf;
        }),
        totalFrames: total,
      };
      this.sendResponse(response);
    });
  }

  protected override scopesRequest(
    response: DebugProtocol.ScopesResponse,
    args: DebugProtocol.ScopesArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.requireStopped();
      const frame = this.frames.get(args.frameId);
      if (frame === undefined) throw new Error('unknown or stale frame id');
      const scopes = await rt.debugger.scopes(frame);
      response.body = {
        scopes: scopes.map((s) => {
          const scope: DebugProtocol.Scope = {
            name: s.name,
            variablesReference: this.varRefs.add(s.ref, String(s.ref)),
            expensive: s.expensive,
          };
          if (s.kind === 'locals') scope.presentationHint = 'locals';
          return scope;
        }),
      };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.requireStopped();
      const ref = this.varRefs.get(args.variablesReference);
      if (ref === undefined) throw new Error('unknown or stale variablesReference');
      const vars = await rt.debugger.variables(ref, args.start ?? 0, args.count ?? 0);
      response.body = {
        variables: vars.map((v) => {
          const dv: DebugProtocol.Variable = {
            name: v.name,
            value: v.value,
            type: v.type,
            variablesReference: v.ref ? this.varRefs.add(v.ref, String(v.ref)) : 0,
          };
          if (v.evaluateName) dv.evaluateName = v.evaluateName;
          return dv;
        }),
      };
      this.sendResponse(response);
    });
  }

  protected override setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.requireStopped();
      const ref = this.varRefs.get(args.variablesReference);
      if (ref === undefined) throw new Error('unknown or stale variablesReference');
      const r = await rt.debugger.setVariable(ref, args.name, args.value);
      response.body = {
        value: r.value,
        type: r.type,
        variablesReference: r.ref ? this.varRefs.add(r.ref, String(r.ref)) : 0,
      };
      this.sendResponse(response);
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    response.body = {
      exceptionId: 'LuaError',
      description: this.lastException ?? 'no error',
      breakMode: this.filters.all ? 'always' : 'unhandled',
    };
    this.sendResponse(response);
  }

  private rtFrame(frameId: number | undefined): number | undefined {
    if (frameId === undefined) return undefined;
    const f = this.frames.get(frameId);
    if (f === undefined) throw new Error('unknown or stale frame id');
    return f;
  }

  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.runtime();
      if (args.context === 'repl' && isConsoleCommand(args.expression)) {
        const text = await this.consoleCommand(rt, parseConsoleCommand(args.expression)!, args.frameId);
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
      const stopped = this.stoppedThread !== undefined && rt.debugger.isStopped();
      const r = await rt.debugger.evaluate(args.expression, stopped ? this.rtFrame(args.frameId) : undefined);
      response.body = {
        result: r.value,
        type: r.type,
        variablesReference: r.ref && stopped ? this.varRefs.add(r.ref, String(r.ref)) : 0,
      };
      this.sendResponse(response);
    });
  }

  protected override completionsRequest(
    response: DebugProtocol.CompletionsResponse,
    args: DebugProtocol.CompletionsArguments,
  ): void {
    this.handle(response, async () => {
      const rt = this.runtime();
      const col = this.convertClientColumnToDebugger(args.column) - 1;
      const before = args.text.slice(0, Math.max(0, col));
      const base = this.convertDebuggerColumnToClient(1) - 1;
      if (/^\s*:\w*$/.test(before)) {
        const partial = before.trim().slice(1);
        const names = [
          'break',
          'watch',
          'locals',
          'stack',
          'continue',
          'step',
          'next',
          'finish',
          'clear',
          'help',
        ];
        response.body = {
          targets: names
            .filter((n) => n.startsWith(partial))
            .map((n) => ({ label: n, start: before.length - partial.length + base, length: partial.length })),
        };
        this.sendResponse(response);
        return;
      }
      const expr = /[A-Za-z_][\w]*(?:\s*[.:]\s*[A-Za-z_]?[\w]*)*$/.exec(before)?.[0] ?? '';
      const partial = /[\w]*$/.exec(expr)?.[0] ?? '';
      const stopped = this.stoppedThread !== undefined && rt.debugger.isStopped();
      const names = await rt.debugger.completions(expr, stopped ? this.rtFrame(args.frameId) : undefined);
      response.body = {
        targets: names.map((n) => ({
          label: n,
          type: 'variable' as const,
          start: before.length - partial.length + base,
          length: partial.length,
        })),
      };
      this.sendResponse(response);
    });
  }

  // ---- debug console commands ------------------------------------------------------------------

  private async topFrame(rt: RuntimeHandle, frameId: number | undefined): Promise<number> {
    if (frameId !== undefined) return this.rtFrame(frameId)!;
    const { frames } = await rt.debugger.stackTrace(this.stoppedThread ?? 1, 0, 1);
    if (!frames.length) throw new Error('no frames');
    return frames[0].id;
  }

  private async currentPath(rt: RuntimeHandle, frameId: number | undefined): Promise<string | undefined> {
    if (this.stoppedThread !== undefined && rt.debugger.isStopped()) {
      const { frames } = await rt.debugger.stackTrace(this.stoppedThread, 0, 0);
      const wanted = frameId !== undefined ? this.frames.get(frameId) : undefined;
      const f = frames.find((x) => x.id === wanted) ?? frames.find((x) => x.path);
      if (f?.path) return f.path;
    }
    return this.run?.runtimePath;
  }

  private async consoleCommand(rt: RuntimeHandle, cmd: ConsoleCommand, frameId?: number): Promise<string> {
    switch (cmd.kind) {
      case 'error':
        return cmd.message;
      case 'help':
        return CONSOLE_HELP;
      case 'break': {
        let p: string | undefined;
        if (cmd.file) {
          const base = (await this.currentPath(rt, frameId)) ?? this.run?.cwd ?? process.cwd();
          const dir = this.run && !path.isAbsolute(cmd.file) ? this.run.cwd : path.dirname(base);
          p = this.mapper.toRuntime(path.resolve(dir, cmd.file));
          if (!fs.existsSync(p) && fs.existsSync(path.resolve(path.dirname(base), cmd.file))) {
            p = path.resolve(path.dirname(base), cmd.file);
          }
        } else {
          p = await this.currentPath(rt, frameId);
        }
        if (!p) return ':break: no current file; use :break FILE:LINE';
        const specs = this.consoleBps.get(p) ?? [];
        const spec: BreakpointSpec = { line: cmd.line };
        if (cmd.condition) spec.condition = cmd.condition;
        specs.push(spec);
        this.consoleBps.set(p, specs);
        const results = await rt.debugger.setBreakpoints(p, specs, this.consoleOwner);
        const r = results[results.length - 1];
        this.sendEvent(new BreakpointEvent('new', this.toDapBreakpoint(r) as DebugProtocol.Breakpoint));
        const where = `${path.basename(r.path)}:${r.line}`;
        if (!r.verified)
          return `breakpoint ${r.id} at ${where} not verified${r.message ? `: ${r.message}` : ''}`;
        return `breakpoint ${r.id} at ${where}${cmd.condition ? ` if ${cmd.condition}` : ''}${r.line !== cmd.line ? ` (moved from line ${cmd.line})` : ''}`;
      }
      case 'watch': {
        this.watches.push(cmd.expression);
        if (this.stoppedThread === undefined) return `watching ${cmd.expression}`;
        try {
          const v = await rt.debugger.evaluate(cmd.expression, await this.topFrame(rt, frameId));
          return `watching ${cmd.expression} = ${v.value}`;
        } catch (err) {
          return `watching ${cmd.expression} (${message(err)})`;
        }
      }
      case 'clear': {
        const n = [...this.consoleBps.values()].reduce((a, s) => a + s.length, 0);
        for (const p of this.consoleBps.keys()) {
          await rt.debugger.setBreakpoints(p, [], this.consoleOwner);
        }
        this.consoleBps.clear();
        const w = this.watches.length;
        this.watches.length = 0;
        return `cleared ${n} console breakpoint(s) and ${w} watch(es)`;
      }
      case 'locals': {
        this.requireStopped();
        const scopes = await rt.debugger.scopes(await this.topFrame(rt, frameId));
        const locals = scopes.find((s) => s.kind === 'locals');
        if (!locals) return '(no locals)';
        const vars = await rt.debugger.variables(locals.ref);
        return vars.length ? vars.map((v) => `${v.name} = ${v.value}`).join('\n') : '(no locals)';
      }
      case 'stack': {
        this.requireStopped();
        const { frames } = await rt.debugger.stackTrace(this.stoppedThread!, 0, 0);
        return frames
          .map(
            (f, i) => `#${i} ${f.name}${f.path ? ` at ${this.mapper.toClient(f.path)}:${f.line}` : ' [C]'}`,
          )
          .join('\n');
      }
      case 'continue':
        this.requireStopped();
        rt.debugger.resume();
        return 'continuing';
      case 'step':
      case 'next':
      case 'finish': {
        this.requireStopped();
        const kind = cmd.kind === 'step' ? 'in' : cmd.kind === 'next' ? 'over' : 'out';
        rt.debugger.step(kind, this.stoppedThread);
        return '';
      }
    }
  }
}
