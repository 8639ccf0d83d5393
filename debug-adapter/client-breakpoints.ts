/**
 * One client's breakpoints as the session needs them beyond the runtime's record
 * (kernel/runtime/debug-state.ts): breakpoints and filters a client sent before launch/attach gave
 * it a runtime (applied when one is bound), and the console's own breakpoints. Once a runtime is
 * bound, what is set lives in `rt.debugger.state` under this client's owner names.
 */
import type {
  BreakpointResult,
  BreakpointSpec,
  ExceptionFilters,
  RuntimeHandle,
} from '../kernel/runtime/types';

export class ClientBreakpoints {
  /** Breakpoints sent before there was a runtime: specs and the DAP ids promised for them, per path. */
  private readonly pending = new Map<string, { specs: BreakpointSpec[]; ids: number[] }>();
  private pendingFunctions: string[] | undefined;
  private pendingFilters: ExceptionFilters | undefined;

  constructor(
    /** Owner name of the client's own breakpoints in the runtime. */
    readonly owner: string,
    /** Owner name of the breakpoints set with `:break` in the debug console. */
    readonly consoleOwner: string,
  ) {}

  holdLines(path: string, specs: BreakpointSpec[], ids: number[]): void {
    if (specs.length) this.pending.set(path, { specs, ids });
    else this.pending.delete(path);
  }

  holdFunctions(names: string[]): void {
    this.pendingFunctions = names;
  }

  holdFilters(filters: ExceptionFilters): void {
    this.pendingFilters = filters;
  }

  /**
   * Apply what was held on a newly bound runtime; `onResult` gets each line breakpoint's result
   * with the DAP id promised for it, so the client can be told about the change.
   */
  async applyHeld(
    rt: RuntimeHandle,
    onResult: (r: BreakpointResult, dapId: number | undefined) => void,
  ): Promise<void> {
    for (const [p, { specs, ids }] of this.pending) {
      const results = await rt.debugger.setBreakpoints(p, specs, this.owner);
      results.forEach((r, i) => onResult(r, ids[i]));
    }
    this.pending.clear();
    if (this.pendingFunctions?.length)
      await rt.debugger.setFunctionBreakpoints(this.pendingFunctions, this.owner);
    this.pendingFunctions = undefined;
    const f = this.pendingFilters;
    if (f && (f.uncaught || f.all)) await rt.debugger.setExceptionFilters(f);
    this.pendingFilters = undefined;
  }

  /** Set this client's breakpoints recorded in `from` (a runtime being replaced) on `to`. */
  async replay(
    from: RuntimeHandle,
    to: RuntimeHandle,
    onResult: (r: BreakpointResult) => void,
  ): Promise<void> {
    const state = from.debugger.state;
    for (const owner of [this.owner, this.consoleOwner]) {
      for (const b of state.lineBreakpoints(owner)) {
        for (const r of await to.debugger.setBreakpoints(b.path, b.specs, owner)) onResult(r);
      }
    }
    for (const f of state.functionBreakpoints(this.owner))
      await to.debugger.setFunctionBreakpoints(f.names, f.owner);
    await to.debugger.setExceptionFilters(state.filters);
  }

  /** Add one console breakpoint; returns the runtime's result for it. */
  async addConsole(rt: RuntimeHandle, path: string, spec: BreakpointSpec): Promise<BreakpointResult> {
    const current = rt.debugger.state.lineBreakpoints(this.consoleOwner).find((b) => b.path === path);
    const specs = [...(current?.specs ?? []), spec];
    const results = await rt.debugger.setBreakpoints(path, specs, this.consoleOwner);
    return results[results.length - 1];
  }

  /** Remove the console's breakpoints; returns how many there were. */
  async clearConsole(rt: RuntimeHandle): Promise<number> {
    let n = 0;
    for (const b of rt.debugger.state.lineBreakpoints(this.consoleOwner)) {
      n += b.specs.length;
      await rt.debugger.setBreakpoints(b.path, [], this.consoleOwner);
    }
    return n;
  }

  /** Remove everything this client set in a shared runtime. */
  async release(rt: RuntimeHandle): Promise<void> {
    const state = rt.debugger.state;
    for (const owner of [this.owner, this.consoleOwner]) {
      for (const b of state.lineBreakpoints(owner)) await rt.debugger.setBreakpoints(b.path, [], owner);
    }
    if (state.functionBreakpoints(this.owner).length)
      await rt.debugger.setFunctionBreakpoints([], this.owner);
    this.pending.clear();
  }
}
