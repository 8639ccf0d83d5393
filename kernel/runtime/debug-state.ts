/**
 * The one record of a runtime's debugger state on the main thread: the breakpoints every owner
 * (a DAP client, JupyterLab, the console) asked for, the exception filters, and whether and where
 * the program is stopped. The DAP session, JupyterLab's handler and the restartable runtime read
 * it here instead of keeping copies; the worker's BreakpointBook resolves it against the code.
 */
import type {
  BreakpointSpec,
  DebuggerApi,
  DebugStateView,
  ExceptionFilters,
  RuntimeEvent,
  StopState,
} from './types';

export class DebugState implements DebugStateView {
  /** owner -> path -> specs */
  private readonly lineBps = new Map<string, Map<string, BreakpointSpec[]>>();
  /** owner -> function names */
  private readonly fnBps = new Map<string, string[]>();
  private filterState: ExceptionFilters = { uncaught: false, all: false };
  private stopState: StopState | undefined;

  get stop(): StopState | undefined {
    return this.stopState;
  }

  get filters(): ExceptionFilters {
    return { ...this.filterState };
  }

  lineBreakpoints(owner?: string): Array<{ owner: string; path: string; specs: BreakpointSpec[] }> {
    const out: Array<{ owner: string; path: string; specs: BreakpointSpec[] }> = [];
    for (const [o, byPath] of this.lineBps) {
      if (owner !== undefined && o !== owner) continue;
      for (const [path, specs] of byPath) out.push({ owner: o, path, specs: [...specs] });
    }
    return out;
  }

  functionBreakpoints(owner?: string): Array<{ owner: string; names: string[] }> {
    const out: Array<{ owner: string; names: string[] }> = [];
    for (const [o, names] of this.fnBps)
      if (owner === undefined || o === owner) out.push({ owner: o, names });
    return out;
  }

  setLines(owner: string, path: string, specs: BreakpointSpec[]): void {
    let byPath = this.lineBps.get(owner);
    if (!byPath) {
      byPath = new Map();
      this.lineBps.set(owner, byPath);
    }
    if (specs.length) byPath.set(path, [...specs]);
    else byPath.delete(path);
    if (!byPath.size) this.lineBps.delete(owner);
  }

  setFunctions(owner: string, names: string[]): void {
    if (names.length) this.fnBps.set(owner, [...names]);
    else this.fnBps.delete(owner);
  }

  setFilters(filters: ExceptionFilters): void {
    this.filterState = { uncaught: filters.uncaught, all: filters.all };
  }

  /** Follow the runtime's stop/continue events. */
  observe(e: RuntimeEvent): void {
    if (e.type === 'stopped') this.stopState = { threadId: e.threadId, reason: e.reason };
    else if (e.type === 'continued' || e.type === 'crashed') this.stopState = undefined;
  }

  /** The program finished or was replaced: it cannot be stopped any more. */
  clearStop(): void {
    this.stopState = undefined;
  }
}

/** Set every breakpoint and filter recorded in `from` on another runtime (a restarted one). */
export async function replayDebugState(from: DebugStateView, to: DebuggerApi): Promise<void> {
  for (const b of from.lineBreakpoints()) await to.setBreakpoints(b.path, b.specs, b.owner);
  for (const f of from.functionBreakpoints()) await to.setFunctionBreakpoints(f.names, f.owner);
  const filters = from.filters;
  if (filters.all || filters.uncaught) await to.setExceptionFilters(filters);
}
