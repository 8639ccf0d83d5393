/**
 * LlmspellDebugSession: DAP translation for one client. Each request handler converts DAP
 * arguments (convert.ts), calls the runtime's DebuggerApi and converts the answer back. The
 * lifecycle (launch/attach, runtime events, restart, disconnect) is in session-lifecycle.ts;
 * breakpoints held before a runtime exists and console breakpoints in client-breakpoints.ts,
 * watches in watches.ts, the console interpreter in console.ts, stop handles in inspect.ts.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as fs from 'fs';
import type { BreakpointSpec, RuntimeHandle } from '../kernel/runtime/types';
import { runConsoleCommand, type ConsoleContext } from './console';
import { isConsoleCommand, parseConsoleCommand } from './console-commands';
import { commandTargets, completionInput } from './inspect';
import { SessionLifecycle } from './session-lifecycle';

export type { LaunchArguments, RuntimeFactory } from './launch';
export type { AttachArguments, DapLog, SessionOptions } from './session-lifecycle';

export class LlmspellDebugSession extends SessionLifecycle {
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
      for (const t of this.threads.seen(threads.map((x) => x.id))) this.sendEvent(t);
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

  protected requireStopped(): RuntimeHandle {
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

  protected isStopped(rt: RuntimeHandle): boolean {
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

  protected consoleContext(rt: RuntimeHandle, frameId: number | undefined): ConsoleContext {
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
