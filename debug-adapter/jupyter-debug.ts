/**
 * JupyterLab's visual debugger over the kernel's control channel: debug_request in, debug_reply
 * out, debug_event on iopub. Standard DAP requests go to an in-process LlmspellDebugSession
 * attached to the kernel's runtime; the Jupyter extensions (debugInfo, dumpCell,
 * inspectVariables, richInspectVariables, copyToGlobals, source) are answered here.
 *
 * Cells must run under `cellPath(code)` (prefix + murmur2(code, seed) + '.lua'), which is exactly
 * the path JupyterLab computes from our debugInfo reply, so breakpoints set in a cell are hit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RuntimeHandle } from '../kernel/runtime/types';
import { murmur2 } from '../kernel/shared/murmur2';
import { IdleInspector, type ModuleSource, modulesBody } from './jupyter-idle';
import { LlmspellDebugSession, type DapLog } from './session';

/** The seed ipykernel uses; any constant works because JupyterLab reads it from debugInfo. */
export const DEFAULT_HASH_SEED = 0xc70f6907;

/** The breakpoint owner name of JupyterLab's debugger in the runtime's debug state. */
const OWNER = 'jupyterlab';

export interface CellScheme {
  prefix: string;
  suffix: string;
  hash(code: string): string;
}

/** The cell path scheme JupyterLab's debugger computes (same shape as kernel/jupyter/cell-path.ts). */
export function jupyterCellScheme(seed = DEFAULT_HASH_SEED, prefix = defaultTmpPrefix()): CellScheme {
  return { prefix, suffix: '.lua', hash: (code) => String(murmur2(code, seed)) };
}

export function defaultTmpPrefix(): string {
  return path.join(os.tmpdir(), `llmspell_${process.pid}`) + path.sep;
}

/** The `content` of a debug_request (a DAP request). */
export interface DebugRequestContent {
  seq: number;
  type: 'request';
  command: string;
  arguments?: Record<string, unknown>;
}

/** The `content` of a debug_reply (a DAP response). */
export interface DebugReplyContent {
  seq: number;
  type: 'response';
  request_seq: number;
  success: boolean;
  command: string;
  message?: string;
  body?: unknown;
}

export interface JupyterDebugOptions {
  runtime: RuntimeHandle;
  /** Publish a debug_event on iopub with this content. */
  emitEvent: (content: DebugProtocol.Event) => void;
  hashSeed?: number;
  tmpFilePrefix?: string;
  /** Sources the kernel ran (its cells), for the `modules` request (the Kernel Sources panel). */
  modules?: () => ModuleSource[];
  log?: DapLog;
}

interface VariableOut {
  name: string;
  value: string;
  type: string;
  evaluateName: string;
  variablesReference: number;
}

export class JupyterDebugHandler {
  readonly scheme: CellScheme;
  private readonly seed: number;
  private session: LlmspellDebugSession | undefined;
  private readonly idle: IdleInspector;
  private started = false;
  private seq = 1;
  private readonly waiting = new Map<number, (r: DebugProtocol.Response) => void>();

  constructor(private readonly options: JupyterDebugOptions) {
    this.seed = options.hashSeed ?? DEFAULT_HASH_SEED;
    this.scheme = jupyterCellScheme(this.seed, options.tmpFilePrefix ?? defaultTmpPrefix());
    this.idle = new IdleInspector(options.runtime);
  }

  /** The chunk name a cell must run under while the debugger is on. */
  cellPath(code: string): string {
    return `${this.scheme.prefix}${this.scheme.hash(code)}${this.scheme.suffix}`;
  }

  /** True after JupyterLab attached (the kernel should then run cells under cellPath). */
  get isStarted(): boolean {
    return this.started;
  }

  private ensureSession(): LlmspellDebugSession {
    if (this.session) return this.session;
    const s = new LlmspellDebugSession({
      attachRuntime: this.options.runtime,
      log: this.options.log,
      owner: OWNER,
    });
    s.onDidSendMessage((m) => {
      const msg = m as DebugProtocol.ProtocolMessage;
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        const w = this.waiting.get(r.request_seq);
        if (w) {
          this.waiting.delete(r.request_seq);
          w(r);
        }
      } else if (msg.type === 'event') {
        const e = msg as DebugProtocol.Event;
        this.options.emitEvent(e);
      }
    });
    this.session = s;
    return s;
  }

  /** JupyterLab's breakpoints as the runtime records them (restored when the page reloads). */
  private breakpoints(): Array<{ source: string; breakpoints: DebugProtocol.SourceBreakpoint[] }> {
    return this.options.runtime.debugger.state.lineBreakpoints(OWNER).map((b) => ({
      source: b.path,
      breakpoints: b.specs.map((s) => {
        const bp: DebugProtocol.SourceBreakpoint = { line: s.line };
        if (s.condition) bp.condition = s.condition;
        if (s.hitCondition) bp.hitCondition = s.hitCondition;
        if (s.logMessage) bp.logMessage = s.logMessage;
        return bp;
      }),
    }));
  }

  private stoppedThreads(): number[] {
    const stop = this.options.runtime.debugger.state.stop;
    return stop ? [stop.threadId] : [];
  }

  private forward(req: DebugRequestContent): Promise<DebugProtocol.Response> {
    const s = this.ensureSession();
    const seq = this.seq++;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      const request: DebugProtocol.Request = {
        seq,
        type: 'request',
        command: req.command,
        arguments: req.arguments,
      };
      s.handleMessage(request);
    });
  }

  private reply(req: DebugRequestContent, body?: unknown, error?: string): DebugReplyContent {
    const r: DebugReplyContent = {
      seq: this.seq++,
      type: 'response',
      request_seq: req.seq,
      success: !error,
      command: req.command,
    };
    if (error) r.message = error;
    if (body !== undefined) r.body = body;
    return r;
  }

  /** Handle one debug_request content; resolves with the debug_reply content. Never throws. */
  async handle(req: DebugRequestContent): Promise<DebugReplyContent> {
    try {
      return await this.dispatch(req);
    } catch (err) {
      return this.reply(req, undefined, err instanceof Error ? err.message : String(err));
    }
  }

  private async dispatch(req: DebugRequestContent): Promise<DebugReplyContent> {
    const args = req.arguments ?? {};
    switch (req.command) {
      case 'debugInfo':
        return this.reply(req, {
          isStarted: this.started,
          hashMethod: 'Murmur2',
          hashSeed: this.seed,
          tmpFilePrefix: this.scheme.prefix,
          tmpFileSuffix: this.scheme.suffix,
          breakpoints: this.breakpoints(),
          stoppedThreads: this.stoppedThreads(),
          richRendering: true,
          copyToGlobals: true,
          exceptionPaths: [],
        });
      case 'modules':
        return this.reply(req, modulesBody(await this.moduleSources(), args));
      case 'variables': {
        const ref = Number(args.variablesReference);
        if (!this.options.runtime.debugger.isStopped() && this.idle.owns(ref)) {
          return this.reply(req, { variables: await this.idle.children(ref) });
        }
        return this.fromSession(req);
      }
      case 'dumpCell': {
        const code = String(args.code ?? '');
        const sourcePath = this.cellPath(code);
        fs.mkdirSync(path.dirname(sourcePath), { recursive: true });
        fs.writeFileSync(sourcePath, code, 'utf8');
        return this.reply(req, { sourcePath });
      }
      case 'source': {
        const src = (args.source ?? {}) as DebugProtocol.Source;
        if (src.path && fs.existsSync(src.path)) {
          return this.reply(req, { content: fs.readFileSync(src.path, 'utf8'), mimeType: 'text/x-lua' });
        }
        return this.fromSession(req);
      }
      case 'inspectVariables':
        return this.reply(req, { variables: await this.inspectVariables() });
      case 'richInspectVariables': {
        const name = String(args.variableName ?? '');
        const r = await this.evaluate(name, args.frameId as number | undefined);
        return this.reply(req, { data: { 'text/plain': r.result }, metadata: {} });
      }
      case 'copyToGlobals': {
        const src = String(args.srcVariableName ?? '');
        const dst = String(args.dstVariableName ?? '');
        if (!/^[A-Za-z_]\w*$/.test(dst)) throw new Error(`copyToGlobals: not a Lua name: ${dst}`);
        const frameId = args.srcFrameId as number | undefined;
        const value = await this.evaluate(src, frameId);
        await this.evaluate(`_G[${JSON.stringify(dst)}] = ${src}`, frameId);
        const { result, type, variablesReference } = value;
        return this.reply(req, { value: result, type: type ?? '', variablesReference });
      }
      case 'attach': {
        const r = await this.fromSession(req);
        if (r.success) this.started = true;
        return r;
      }
      case 'disconnect': {
        const r = await this.fromSession(req);
        this.started = false;
        this.session = undefined;
        return r;
      }
      default:
        return this.fromSession(req);
    }
  }

  private async fromSession(req: DebugRequestContent): Promise<DebugReplyContent> {
    const r = await this.forward(req);
    const out = this.reply(req, r.body, r.success ? undefined : (r.message ?? 'failed'));
    return out;
  }

  private async evaluate(
    expression: string,
    frameId?: number,
  ): Promise<DebugProtocol.EvaluateResponse['body']> {
    const r = await this.forward({
      seq: 0,
      type: 'request',
      command: 'evaluate',
      arguments: { expression, frameId, context: 'watch' },
    });
    if (!r.success) throw new Error(r.message ?? 'evaluate failed');
    return (r as DebugProtocol.EvaluateResponse).body;
  }

  /** The user's globals (JupyterLab's variable explorer when not stopped). */
  private async inspectVariables(): Promise<VariableOut[]> {
    const rt = this.options.runtime;
    const threadId = rt.debugger.state.stop?.threadId;
    if (rt.debugger.isStopped() && threadId !== undefined) {
      // Stopped: the Globals scope of the top frame (std lib folded away by the runtime).
      const st = (await this.forward({
        seq: 0,
        type: 'request',
        command: 'stackTrace',
        arguments: { threadId },
      })) as DebugProtocol.StackTraceResponse;
      const top = st.success ? st.body.stackFrames[0] : undefined;
      if (!top) return [];
      const sc = (await this.forward({
        seq: 0,
        type: 'request',
        command: 'scopes',
        arguments: { frameId: top.id },
      })) as DebugProtocol.ScopesResponse;
      const globals = sc.success ? sc.body.scopes.find((x) => x.name === 'Globals') : undefined;
      if (!globals) return [];
      const vr = (await this.forward({
        seq: 0,
        type: 'request',
        command: 'variables',
        arguments: { variablesReference: globals.variablesReference },
      })) as DebugProtocol.VariablesResponse;
      if (!vr.success) return [];
      return vr.body.variables
        .filter((v) => !v.name.startsWith('['))
        .map((v) => ({
          name: v.name,
          value: v.value,
          type: v.type ?? '',
          evaluateName: v.evaluateName ?? v.name,
          variablesReference: v.variablesReference,
        }));
    }
    if (rt.isBusy()) return [];
    return this.idle.globals();
  }

  /** The kernel's cells plus the files the debug session saw loaded (dofile, require). */
  private async moduleSources(): Promise<ModuleSource[]> {
    const all = new Map<string, ModuleSource>();
    for (const m of this.options.modules?.() ?? []) all.set(m.path, m);
    if (this.session) {
      const r = (await this.forward({
        seq: 0,
        type: 'request',
        command: 'loadedSources',
      })) as DebugProtocol.LoadedSourcesResponse;
      for (const src of r.success ? r.body.sources : []) {
        if (src.path && !all.has(src.path))
          all.set(src.path, { path: src.path, name: path.basename(src.path) });
      }
    }
    return [...all.values()];
  }
}
