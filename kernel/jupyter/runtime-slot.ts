import type {
  BreakpointResult,
  CompletionResult,
  DebuggerApi,
  DebugStateView,
  ExecOptions,
  ExecResult,
  InspectResult,
  RuntimeEvent,
  RuntimeFactory,
  RuntimeHandle,
} from '../runtime/types';
import { replayDebugState } from '../runtime/debug-state';

/** Creates a fresh runtime (same host modules) after a crash. */
export type { RuntimeFactory } from '../runtime/types';

/** The error a cell gets when the Lua worker died while it ran. */
export const RUNTIME_CRASHED = 'RuntimeCrashed';

/**
 * The kernel's runtime as every layer sees it (handlers, the DAP server, JupyterLab's debugger):
 * a stable RuntimeHandle that delegates to the current runtime and can swap it for a fresh one
 * when the Lua worker dies. The execution that was running when the worker died resolves with a
 * `RuntimeCrashed` error; breakpoints, function breakpoints and exception filters set through
 * `debugger` are replayed on the new runtime, so attached debug clients keep working.
 */
export class RuntimeSlot implements RuntimeHandle {
  private inner: RuntimeHandle;
  private ownsInner: boolean;
  private unsubscribe: () => void;
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private generation = 0;
  private crashes = new Map<number, string>();
  private readonly crashWaiters = new Set<() => void>();
  private ready: Promise<void> = Promise.resolve();
  private disposed = false;
  readonly debugger: DebuggerApi;

  constructor(
    initial: RuntimeHandle,
    owned: boolean,
    private readonly factory: RuntimeFactory | undefined,
  ) {
    this.inner = initial;
    this.ownsInner = owned;
    this.unsubscribe = this.subscribe(initial, 0);
    this.debugger = this.makeDebugger();
  }

  /** True when a crashed runtime can be replaced (a factory is known). */
  get canRestart(): boolean {
    return this.factory !== undefined && !this.disposed;
  }

  /** The runtime currently in use. */
  get current(): RuntimeHandle {
    return this.inner;
  }

  private subscribe(rt: RuntimeHandle, gen: number): () => void {
    return rt.onEvent((e) => {
      if (gen !== this.generation) return;
      if (e.type === 'crashed' && !this.crashes.has(gen)) {
        this.crashes.set(gen, e.message);
        for (const w of [...this.crashWaiters]) w();
        this.crashWaiters.clear();
      }
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          // one failing listener must not hide the event from the others
        }
      }
    });
  }

  /**
   * Start a fresh runtime and make it current; requests made meanwhile wait for it. Resolves when
   * the new runtime is ready (breakpoints replayed). Rejects when the factory fails.
   */
  restart(): Promise<void> {
    const factory = this.factory;
    if (!factory) return Promise.reject(new Error('no runtime factory'));
    const old = this.inner;
    const oldOwned = this.ownsInner;
    const gen = ++this.generation;
    this.unsubscribe();
    this.ready = (async () => {
      if (oldOwned) await Promise.race([old.dispose().catch(() => undefined), delay(1000)]);
      const next = await factory();
      if (this.disposed) {
        await next.dispose().catch(() => undefined);
        return;
      }
      this.inner = next;
      this.ownsInner = true;
      this.unsubscribe = this.subscribe(next, gen);
      await this.replayDebuggerState(old, next);
    })();
    return this.ready;
  }

  /** Breakpoints and filters live in the runtime's debugger state: copy the old one's onto the new. */
  private async replayDebuggerState(old: RuntimeHandle, rt: RuntimeHandle): Promise<void> {
    try {
      await replayDebugState(old.debugger.state, rt.debugger);
    } catch {
      // a runtime without a debugger (tests) or one that failed again: nothing to replay
    }
  }

  private crashResult(message: string): ExecResult {
    return {
      ok: false,
      error: {
        ename: RUNTIME_CRASHED,
        message:
          `the Lua runtime crashed (${message}); a fresh runtime was started: ` +
          'globals, loaded modules and running coroutines of earlier cells are gone',
        traceback: [],
      },
    };
  }

  async execute(code: string, opts: ExecOptions): Promise<ExecResult> {
    await this.ready.catch(() => undefined);
    const gen = this.generation;
    const crashedMessage = this.crashes.get(gen);
    if (crashedMessage !== undefined) return this.crashResult(crashedMessage);
    let wake!: () => void;
    const crashed = new Promise<undefined>((resolve) => (wake = () => resolve(undefined)));
    this.crashWaiters.add(wake);
    let result: ExecResult | undefined;
    try {
      result = await Promise.race([this.inner.execute(code, opts), crashed]);
    } finally {
      this.crashWaiters.delete(wake);
    }
    const crash = this.crashes.get(gen);
    if (crash !== undefined) return this.crashResult(crash);
    return result ?? this.crashResult('the runtime stopped');
  }

  interrupt(): void {
    this.inner.interrupt();
  }

  provideInput(text: string | null): void {
    this.inner.provideInput(text);
  }

  rejectInput(message: string): void {
    this.inner.rejectInput(message);
  }

  onEvent(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isBusy(): boolean {
    return this.inner.isBusy();
  }

  async complete(prefix: string): Promise<CompletionResult> {
    await this.ready.catch(() => undefined);
    return this.inner.complete(prefix);
  }

  async inspect(expression: string): Promise<InspectResult> {
    await this.ready.catch(() => undefined);
    return this.inner.inspect(expression);
  }

  async globals(): Promise<string[]> {
    await this.ready.catch(() => undefined);
    return this.inner.globals();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.ready.catch(() => undefined);
    this.unsubscribe();
    if (this.ownsInner) await this.inner.dispose();
    this.listeners.clear();
  }

  private makeDebugger(): DebuggerApi {
    const d = (): DebuggerApi => this.inner.debugger;
    const whenReady = async (): Promise<DebuggerApi> => {
      await this.ready.catch(() => undefined);
      return d();
    };
    return {
      get state(): DebugStateView {
        return d().state;
      },
      setBreakpoints: async (path, specs, owner): Promise<BreakpointResult[]> =>
        (await whenReady()).setBreakpoints(path, specs, owner),
      breakpointLocations: async (path, line, endLine) =>
        (await whenReady()).breakpointLocations(path, line, endLine),
      setFunctionBreakpoints: async (names, owner) =>
        (await whenReady()).setFunctionBreakpoints(names, owner),
      setExceptionFilters: async (filters) => (await whenReady()).setExceptionFilters(filters),
      setStopOnEntry: (on) => d().setStopOnEntry(on),
      pause: () => d().pause(),
      resume: () => d().resume(),
      step: (kind, threadId) => d().step(kind, threadId),
      isStopped: () => d().isStopped(),
      threads: async () => (await whenReady()).threads(),
      stackTrace: async (threadId, startFrame, levels) =>
        (await whenReady()).stackTrace(threadId, startFrame, levels),
      scopes: async (frameId) => (await whenReady()).scopes(frameId),
      variables: async (ref, start, count) => (await whenReady()).variables(ref, start, count),
      setVariable: async (ref, name, value) => (await whenReady()).setVariable(ref, name, value),
      evaluate: async (expression, frameId) => (await whenReady()).evaluate(expression, frameId),
      completions: async (text, frameId) => (await whenReady()).completions(text, frameId),
    };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
