/**
 * The typed contract of the Lua runtime. Nothing here knows about DAP, LSP or Jupyter:
 * protocol layers translate these events and results into their own messages.
 */

export type OutputStream = 'stdout' | 'stderr';

export interface SourceLocation {
  /** Chunk path without the leading '@' (an absolute file path or a stable cell path). */
  path: string;
  /** 1-based line. */
  line: number;
}

export interface RuntimeOptions {
  /** Host API modules (Lua code + main-thread handlers) loaded after the agent. */
  hostModules?: HostModule[];
  /** Memory cap for the Lua heap in bytes; exceeding it raises a Lua "not enough memory" error. */
  memoryLimitBytes?: number;
  /** Instruction budget per execution; exceeding it raises a Lua error. */
  instructionLimit?: number;
  /** Working directory scripts see (io.open relative paths, require). Defaults to process.cwd(). */
  cwd?: string;
  /** Extra entries for package.path (e.g. the script's folder). */
  packagePath?: string[];
  /** Name used in logs. */
  name?: string;
}

/** A Lua error as the runtime reports it. */
export interface LuaErrorInfo {
  /** 'LuaError' | 'SyntaxError' | 'Interrupted' | 'MemoryError' | 'InstructionLimit' | 'InputError' */
  ename: string;
  /** The message as Lua produced it, e.g. "/abs/file.lua:3: attempt to index a nil value". */
  message: string;
  /** Traceback lines, innermost first, runtime-internal frames removed ("file:line: in function 'f'"). */
  traceback: string[];
  /** Where the error happened, when known. */
  location?: SourceLocation;
  /** Column (1-based) for syntax errors. */
  column?: number;
}

export type ExecResult =
  | {
      ok: true;
      /** readable renderings of the returned values (empty when nothing was returned) */
      values: string[];
      /** set when the script called os.exit(code) */
      exitCode?: number;
    }
  | { ok: false; error: LuaErrorInfo };

export interface ExecOptions {
  /** Chunk name without '@': a file path or a cell path. Lines in errors and stacks refer to it. */
  chunkName: string;
  /**
   * 'cell': try the code as an expression first (so `1+1` shows 2), as a REPL does.
   * 'file': run as a script chunk; `args` become `arg` and `...`.
   */
  mode: 'cell' | 'file';
  args?: string[];
  /** Script name for arg[0] (mode 'file'). */
  scriptName?: string;
}

/** A display request from Lua's display API (Jupyter display_data / update_display_data). */
export interface DisplayEvent {
  type: 'display';
  /** MIME bundle, e.g. {'text/html': '<b>x</b>', 'text/plain': 'x'}. */
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** display_id when the script asked for an updatable display. */
  displayId?: string;
  update: boolean;
}

export interface ClearOutputEvent {
  type: 'clear';
  wait: boolean;
}

export interface OutputEvent {
  type: 'output';
  stream: OutputStream;
  /** The output as text (UTF-8 decoded; invalid bytes become U+FFFD). */
  text: string;
  /** The exact bytes Lua wrote, when they come from Lua's print/io.write. */
  bytes?: Uint8Array;
  /** Where the print/io.write/log point happened, when known. */
  source?: SourceLocation;
}

export interface InputRequestEvent {
  type: 'input';
  prompt: string;
  password: boolean;
}

export type StopReason = 'breakpoint' | 'step' | 'pause' | 'exception' | 'entry' | 'function breakpoint';

export interface StoppedEvent {
  type: 'stopped';
  reason: StopReason;
  threadId: number;
  /** Error message for reason 'exception'. */
  text?: string;
  /** Runtime breakpoint ids that caused the stop. */
  hitBreakpointIds: number[];
  location?: SourceLocation;
}

export interface ContinuedEvent {
  type: 'continued';
  threadId: number;
}

export interface ThreadEvent {
  type: 'thread';
  reason: 'started' | 'exited';
  threadId: number;
}

export interface BreakpointChangedEvent {
  type: 'breakpoint';
  breakpoint: BreakpointResult;
}

export interface WorkerExitEvent {
  type: 'crashed';
  message: string;
}

export type RuntimeEvent =
  | OutputEvent
  | DisplayEvent
  | ClearOutputEvent
  | InputRequestEvent
  | StoppedEvent
  | ContinuedEvent
  | ThreadEvent
  | BreakpointChangedEvent
  | WorkerExitEvent;

export interface BreakpointSpec {
  line: number;
  column?: number;
  condition?: string;
  /** '>= 3', '% 2', '== 5' or a plain number (meaning '>= n'). */
  hitCondition?: string;
  /** Text with {expr} interpolations; a log point prints instead of stopping. */
  logMessage?: string;
}

export interface BreakpointResult {
  id: number;
  verified: boolean;
  /** The line the breakpoint was moved to (next line with a statement). */
  line: number;
  /** Why it is unverified or was moved. */
  message?: string;
  path: string;
}

export interface ExceptionFilters {
  /** Stop on errors no pcall catches (before the stack unwinds). */
  uncaught: boolean;
  /** Stop on every error(), caught or not. */
  all: boolean;
}

export interface ThreadInfo {
  id: number;
  name: string;
}

export interface FrameInfo {
  /** Opaque id valid while stopped. */
  id: number;
  name: string;
  /** Chunk source without '@' (file path or cell path); absent for C functions. */
  path?: string;
  line: number;
  /** 'lua' | 'C' | 'main' */
  kind: string;
}

export type ScopeKind = 'locals' | 'upvalues' | 'globals' | 'varargs';

export interface ScopeInfo {
  name: string;
  kind: ScopeKind;
  /** Opaque reference for variables(); valid while stopped. */
  ref: number;
  expensive: boolean;
}

export interface VariableInfo {
  name: string;
  value: string;
  type: string;
  /** Non-zero when the value can be expanded (tables, functions with upvalues, userdata with metatables). */
  ref: number;
  /** Lua expression that reads this value from the frame (for watch/copy). */
  evaluateName?: string;
}

export interface EvalResult {
  value: string;
  type: string;
  ref: number;
}

export type StepKind = 'in' | 'over' | 'out';

export interface CompletionResult {
  /** Candidate names (members after '.'/':' or globals/locals for a bare word). */
  matches: string[];
}

export interface InspectResult {
  found: boolean;
  /** Readable rendering of the value (type, value, for functions their source location). */
  text: string;
  type: string;
}

/** Where the program is stopped (a runtime is stopped on one thread at a time). */
export interface StopState {
  threadId: number;
  reason: StopReason;
}

/** The debugger state of a runtime as every front end reads it (kernel/runtime/debug-state.ts). */
export interface DebugStateView {
  /** Set while the program is stopped. */
  readonly stop: StopState | undefined;
  readonly filters: ExceptionFilters;
  /** Line breakpoints as owners asked for them (all owners, or one). */
  lineBreakpoints(owner?: string): Array<{ owner: string; path: string; specs: BreakpointSpec[] }>;
  functionBreakpoints(owner?: string): Array<{ owner: string; names: string[] }>;
}

/** Debugger operations on a runtime. Valid thread/frame/variable ids come from the runtime while it is stopped. */
export interface DebuggerApi {
  /** The one record of breakpoints, filters and stop state for this runtime. */
  readonly state: DebugStateView;
  /** Replace the breakpoints of one source for one owner (a DAP client id); owners' sets are unioned. */
  setBreakpoints(path: string, specs: BreakpointSpec[], owner?: string): Promise<BreakpointResult[]>;
  /** Lines of `path` in [line, endLine] where a breakpoint can be set. */
  breakpointLocations(path: string, line: number, endLine?: number): Promise<number[]>;
  setFunctionBreakpoints(names: string[], owner?: string): Promise<BreakpointResult[]>;
  setExceptionFilters(filters: ExceptionFilters): Promise<void>;
  /** Stop before the first statement of the next execution. */
  setStopOnEntry(on: boolean): void;
  pause(): void;
  resume(): void;
  step(kind: StepKind, threadId?: number): void;
  isStopped(): boolean;
  threads(): Promise<ThreadInfo[]>;
  stackTrace(
    threadId: number,
    startFrame?: number,
    levels?: number,
  ): Promise<{ frames: FrameInfo[]; total: number }>;
  scopes(frameId: number): Promise<ScopeInfo[]>;
  variables(ref: number, start?: number, count?: number): Promise<VariableInfo[]>;
  setVariable(ref: number, name: string, value: string): Promise<EvalResult>;
  /** Evaluate Lua in a stopped frame (reads and writes its locals/upvalues), or globally when frameId is absent. */
  evaluate(expression: string, frameId?: number): Promise<EvalResult>;
  /** Completion candidates for debug console input. */
  completions(text: string, frameId?: number): Promise<string[]>;
}

/** The runtime as protocol layers see it. Implemented by LuaRuntime (kernel/runtime/runtime.ts). */
export interface RuntimeHandle {
  /** Run code; resolves when it finishes (including time spent stopped in the debugger). */
  /** `code`: source text, or the exact bytes of a file (sources stay bytes end to end). */
  execute(code: string | Uint8Array, opts: ExecOptions): Promise<ExecResult>;
  /** Raise an "interrupted" Lua error in the running code (kernel interrupt). No-op when idle. */
  interrupt(): void;
  /** Answer the pending input request; null means "no input" (EOF). */
  provideInput(text: string | null): void;
  /** Refuse the pending input request: io.read raises a Lua error with this message at the caller's line. */
  rejectInput(message: string): void;
  /** Subscribe to events; returns an unsubscribe function. */
  onEvent(listener: (event: RuntimeEvent) => void): () => void;
  /** True while an execute() is in progress. */
  isBusy(): boolean;
  /** Complete a dotted/colon expression prefix ("string.fo", "t:me", "pri") against live values. */
  complete(prefix: string): Promise<CompletionResult>;
  /** Render the value of an expression (a name or dotted path) without side effects. */
  inspect(expression: string): Promise<InspectResult>;
  /** Names of the user's globals (not the standard library). */
  globals(): Promise<string[]>;
  readonly debugger: DebuggerApi;
  dispose(): Promise<void>;
}

/** Context of one host call made from Lua (e.g. an HTTP request for Agent.query). */
export interface HostCallContext {
  /** Aborted when the Lua code is interrupted or the runtime is disposed. */
  signal: AbortSignal;
  /** Send a chunk to a streaming call (Lua receives it before the call returns). */
  emit(chunk: unknown): void;
}

/** Runs on the main thread (which owns sockets); Lua blocks until the promise settles. */
export type HostCallHandler = (args: unknown, ctx: HostCallContext) => Promise<unknown>;

/**
 * A piece of the host API: Lua code that defines globals (run once in the VM, hidden from stacks,
 * receiving the HOST table: HOST.call(name, args), HOST.stream(name, args, fn), HOST.json_encode,
 * HOST.json_decode, HOST.level()) and the JavaScript handlers its HOST.call names refer to.
 */
export interface HostModule {
  name: string;
  lua: string;
  handlers: Record<string, HostCallHandler>;
  /** Releases what the module holds (a database pool); the runtime calls it when disposed. */
  close?(): Promise<void>;
}

/** Options of a runtime a front end asks for (env: variables the script sees on top of the process's). */
export type RuntimeRequest = RuntimeOptions & { env?: Record<string, string | undefined> };

/** How a front end gets a fresh runtime (kernels at start and after a crash, DAP launch, Run). */
export type RuntimeFactory = (options?: RuntimeRequest) => Promise<RuntimeHandle>;
