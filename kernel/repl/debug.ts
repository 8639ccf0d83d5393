import { readFileSync } from 'fs';
import * as path from 'path';
import { murmur2 } from '../shared/murmur2';
import {
  CONSOLE_HELP,
  type ConsoleCommand,
  isConsoleCommand,
  parseConsoleCommand,
} from '../../debug-adapter/console-commands';
import type { JsonObject, JupyterMessage } from '../jupyter/wire';
import type { KernelClient } from './client';

/**
 * The REPL's debugger: the debug console commands (`:break`, `:watch`, `:locals`, `:stack`,
 * `:continue`, `:step`, `:next`, `:finish`, `:clear`, `:help`) over the kernel's JupyterLab-style
 * `debug_request` (control channel) and `debug_event` (iopub). Commands are parsed by
 * debug-adapter/console-commands.ts and executed by the kernel's debug session (DAP `evaluate`
 * with context `repl`), so they behave exactly as in an editor's debug console.
 *
 * Cells run under `tmpFilePrefix + murmur2(code, hashSeed) + tmpFileSuffix` (from debugInfo);
 * `:break LINE` outside a stop means "in the last cell", `:break In[N]:LINE` names a cell.
 */
export { isConsoleCommand };

export interface DebugStop {
  threadId: number;
  reason: string;
  /** DAP frame id of the top frame (valid until the program resumes). */
  frameId?: number;
  path?: string;
  line?: number;
  name?: string;
}

interface DebugReply {
  success: boolean;
  message?: string;
  body?: JsonObject;
}

export interface ReplDebuggerOptions {
  client: KernelClient;
  /** Write a line of debugger output (location, results). */
  print(text: string): void;
  /** Write an error line. */
  printError(text: string): void;
  timeoutMs?: number;
}

interface CellInfo {
  count: number;
  code: string;
}

const RESUMING = new Set<ConsoleCommand['kind']>(['continue', 'step', 'next', 'finish']);

export class ReplDebugger {
  private seq = 0;
  private attaching: Promise<void> | undefined;
  private attachedHere = false;
  private scheme: { seed: number; prefix: string; suffix: string } | undefined;
  private readonly cells: CellInfo[] = [];
  private stop: DebugStop | undefined;
  private stopListeners = new Set<(stop: DebugStop | undefined) => void>();
  private readonly offIopub: () => void;
  /** Debug events are printed in arrival order even though a stop needs a stackTrace first. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ReplDebuggerOptions) {
    this.offIopub = opts.client.onIopub((m) => this.onIopub(m));
  }

  /** True once the REPL's debug session is attached to the kernel. */
  get attached(): boolean {
    return this.scheme !== undefined;
  }

  /** The current stop, while the program is stopped. */
  get stopped(): DebugStop | undefined {
    return this.stop;
  }

  /** Remember a cell the REPL executed (for `:break LINE` and locations shown as `In [n]`). */
  recordCell(count: number, code: string): void {
    this.cells.push({ count, code });
    if (this.cells.length > 1000) this.cells.shift();
  }

  /** Be told when the program stops (a DebugStop) or resumes (undefined). */
  onStop(listener: (stop: DebugStop | undefined) => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  async request(command: string, args: object = {}): Promise<DebugReply> {
    const content = { seq: ++this.seq, type: 'request', command, arguments: args };
    const reply = await this.opts.client.request(
      'control',
      'debug_request',
      content,
      this.opts.timeoutMs ?? 10000,
    );
    return reply.content as unknown as DebugReply;
  }

  /** initialize + attach + debugInfo + configurationDone, once. */
  ensureAttached(): Promise<void> {
    this.attaching ??= (async () => {
      const init = await this.request('initialize', {
        clientID: 'llmspell-repl',
        clientName: 'llmspell repl',
        adapterID: 'llmspell',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      if (!init.success) throw new Error(`debugger: initialize failed: ${init.message ?? ''}`);
      const attach = await this.request('attach', {});
      // another front end (JupyterLab, another REPL) may have attached the kernel's session already
      if (!attach.success && !/already has a debuggee/.test(attach.message ?? ''))
        throw new Error(`debugger: attach failed: ${attach.message ?? ''}`);
      this.attachedHere = attach.success;
      const info = await this.request('debugInfo');
      const b = info.body ?? {};
      this.scheme = {
        seed: Number(b.hashSeed),
        prefix: String(b.tmpFilePrefix ?? ''),
        suffix: String(b.tmpFileSuffix ?? '.lua'),
      };
      await this.request('configurationDone');
    })();
    this.attaching.catch(() => (this.attaching = undefined));
    return this.attaching;
  }

  /** The kernel's path of a cell (where its breakpoints live). */
  cellPath(code: string): string | undefined {
    const s = this.scheme;
    return s ? `${s.prefix}${murmur2(code, s.seed)}${s.suffix}` : undefined;
  }

  /** `In [n]` for a known cell path. */
  private cellOf(p: string | undefined): CellInfo | undefined {
    if (!p) return undefined;
    for (let i = this.cells.length - 1; i >= 0; i--) {
      if (this.cellPath(this.cells[i].code) === p) return this.cells[i];
    }
    return undefined;
  }

  /** `In [3]:2` or `file.lua:2`. */
  describe(p: string | undefined, line: number | undefined): string {
    const cell = this.cellOf(p);
    const where = cell ? `In [${cell.count}]` : p ? p : '?';
    return line !== undefined ? `${where}:${line}` : where;
  }

  private sourceLine(p: string | undefined, line: number | undefined): string | undefined {
    if (!p || line === undefined) return undefined;
    let text = this.cellOf(p)?.code;
    if (text === undefined) {
      try {
        text = readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    }
    return text.split('\n')[line - 1];
  }

  /** Rewrites `:break LINE` (not stopped) and `:break In[N]:LINE` to `:break PATH:LINE`. */
  private breakTarget(cmd: Extract<ConsoleCommand, { kind: 'break' }>): string | Error {
    const cond = cmd.condition ? ` if ${cmd.condition}` : '';
    if (cmd.file) {
      const m = /^In\s*\[\s*(\d+)\s*\]$/i.exec(cmd.file);
      if (m) {
        const cell = [...this.cells].reverse().find((c) => c.count === Number(m[1]));
        if (!cell) return new Error(`:break: no cell In [${m[1]}] was run from this REPL`);
        return `:break ${this.cellPath(cell.code)}:${cmd.line}${cond}`;
      }
      return `:break ${path.resolve(cmd.file)}:${cmd.line}${cond}`;
    }
    if (this.stop) return `:break ${cmd.line}${cond}`;
    const last = this.cells[this.cells.length - 1];
    if (!last) return new Error(':break LINE needs a cell: run one first, or use :break FILE:LINE');
    return `:break ${this.cellPath(last.code)}:${cmd.line}${cond}`;
  }

  /**
   * Run one colon command. Returns true when it resumed the program (`:continue`, `:step`,
   * `:next`, `:finish`).
   */
  async command(input: string): Promise<boolean> {
    const cmd = parseConsoleCommand(input);
    if (!cmd) return false;
    if (cmd.kind === 'error') {
      this.opts.printError(cmd.message);
      return false;
    }
    if (cmd.kind === 'help') {
      this.opts.print(
        `${CONSOLE_HELP}\n:break LINE outside a stop sets the breakpoint in the last cell; :break In[N]:LINE names a cell.\n` +
          'Ctrl-C interrupts the running cell.',
      );
      return false;
    }
    await this.ensureAttached();
    let expression = input.trim();
    if (cmd.kind === 'break') {
      const t = this.breakTarget(cmd);
      if (t instanceof Error) {
        this.opts.printError(t.message);
        return false;
      }
      expression = t;
    }
    if (RESUMING.has(cmd.kind) && !this.stop) {
      this.opts.printError(`:${cmd.kind}: the program is not stopped`);
      return false;
    }
    const stop = this.stop;
    const resuming = RESUMING.has(cmd.kind);
    // the next stop (after a step) may arrive before this reply: forget this one first
    if (resuming) this.setStop(undefined);
    const r = await this.request('evaluate', {
      expression,
      context: 'repl',
      ...(stop?.frameId !== undefined ? { frameId: stop.frameId } : {}),
    });
    const text = r.success ? String(r.body?.result ?? '') : (r.message ?? 'failed');
    if (text) (r.success ? this.opts.print : this.opts.printError)(this.relabel(text));
    if (resuming && !r.success && !this.stop) this.setStop(stop);
    return resuming && r.success;
  }

  /** Evaluate Lua in the stopped frame. */
  async evaluate(expression: string): Promise<void> {
    const r = await this.request('evaluate', {
      expression,
      context: 'repl',
      ...(this.stop?.frameId !== undefined ? { frameId: this.stop.frameId } : {}),
    });
    if (r.success) {
      const v = String(r.body?.result ?? '');
      if (v) this.opts.print(v);
    } else {
      this.opts.printError(r.message ?? 'evaluate failed');
    }
  }

  /** Cell paths in the session's messages become `In [n]`. */
  private relabel(text: string): string {
    const s = this.scheme;
    if (!s) return text;
    let out = text;
    for (const c of this.cells) {
      const p = this.cellPath(c.code);
      if (!p) continue;
      out = out.split(p).join(`In [${c.count}]`).split(path.basename(p)).join(`In [${c.count}]`);
    }
    return out;
  }

  private setStop(stop: DebugStop | undefined): void {
    this.stop = stop;
    for (const l of this.stopListeners) l(stop);
  }

  private onIopub(m: JupyterMessage): void {
    if (m.header.msg_type !== 'debug_event' || !this.attached) return;
    const ev = m.content as { event?: string; body?: JsonObject };
    const then = (f: () => Promise<void> | void): void => {
      this.chain = this.chain.then(f).catch(() => undefined);
    };
    if (ev.event === 'stopped') {
      then(() => this.onStopped(ev.body ?? {}));
    } else if (ev.event === 'continued') {
      then(() => {
        if (this.stop) this.setStop(undefined);
      });
    } else if (ev.event === 'output') {
      const b = ev.body ?? {};
      const text = b.output;
      if (b.category === 'console' && typeof text === 'string') {
        then(() => this.opts.print(this.relabel(text.replace(/\n$/, ''))));
      }
    }
  }

  private async onStopped(body: JsonObject): Promise<void> {
    const threadId = typeof body.threadId === 'number' ? body.threadId : 1;
    const stop: DebugStop = { threadId, reason: String(body.reason ?? 'pause') };
    try {
      const st = await this.request('stackTrace', { threadId, startFrame: 0, levels: 1 });
      const frames = (st.body?.stackFrames ?? []) as Array<{
        id: number;
        name: string;
        line: number;
        source?: { path?: string };
      }>;
      const top = frames[0];
      if (top) {
        stop.frameId = top.id;
        stop.path = top.source?.path;
        stop.line = top.line;
        stop.name = top.name;
      }
    } catch {
      // location unknown; commands still work
    }
    const text = body.text ? `: ${String(body.text)}` : '';
    const lines = [`[debug] stopped at ${this.describe(stop.path, stop.line)} (${stop.reason}${text})`];
    const src = this.sourceLine(stop.path, stop.line);
    if (src !== undefined) lines.push(`${String(stop.line).padStart(5)} | ${src}`);
    this.opts.print(lines.join('\n'));
    this.setStop(stop);
  }

  /** Detach (breakpoints of this REPL are removed, a stopped program resumes). */
  async close(): Promise<void> {
    this.offIopub();
    if (this.attachedHere) {
      await this.request('disconnect', { restart: false, terminateDebuggee: false }).catch(() => undefined);
    }
  }
}
