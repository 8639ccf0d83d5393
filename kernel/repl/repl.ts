import { mkdirSync, readFileSync, appendFileSync } from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import type { Readable, Writable } from 'stream';
import { type ConnectionInfo, readConnectionFile } from '../jupyter/connection';
import { type KernelHandle, startKernel } from '../jupyter/kernel';
import { findKernel, listKernels, llmspellHome } from '../jupyter/registry';
import type { JupyterMessage } from '../jupyter/wire';
import { KernelClient } from './client';
import { isConsoleCommand, ReplDebugger } from './debug';
import { currentExecutionCount, kernelCompleter, pageText, replyPayloads } from './kernel-requests';
import { LineQueue } from './lines';
import { renderMimeBundle, stripAnsi } from './render';

/**
 * The terminal REPL (`llmspell repl`, `llmspell kernel connect`): multi-line input decided by
 * is_complete, history file, Ctrl-C sends interrupt_request, outputs rendered as text.
 * Works on a TTY (prompts, colours, Tab completion from complete_request, `?name` help pages) and
 * on pipes (one cell per complete input, no prompts echoed). Prompts continue the kernel's
 * execution count; `exit`/`quit` (or a kernel's ask_exit payload) leave.
 * Debugging: `:break`, `:watch`, ... (kernel/repl/debug.ts); while a cell is stopped the REPL
 * reads debug commands and Lua expressions evaluated in the stopped frame until it resumes.
 */
export interface ReplOptions {
  connectionFile?: string;
  /** HOST:PORT or kernel id of a registered kernel. */
  kernel?: string;
  input?: Readable;
  output?: Writable;
  errorOutput?: Writable;
  historyFile?: string;
}

export interface ResolvedKernel {
  info: ConnectionInfo;
  /** A kernel the REPL started itself (no running kernel was found). */
  embedded?: KernelHandle;
  description: string;
}

/** Find the kernel to talk to: a connection file, a registered HOST:PORT/id, the newest registered one, or a new one. */
export async function resolveKernel(opts: ReplOptions): Promise<ResolvedKernel> {
  if (opts.connectionFile) {
    const info = await readConnectionFile(opts.connectionFile);
    if (!info) throw new Error(`connection file not found: ${opts.connectionFile}`);
    return { info, description: opts.connectionFile };
  }
  if (opts.kernel) {
    const entry = await findKernel(opts.kernel);
    if (!entry) {
      const known = (await listKernels()).map(
        (k) => `${k.id.slice(0, 8)} (${k.ip}:${k.ports.http ?? k.ports.shell})`,
      );
      throw new Error(
        `no running kernel matches ${opts.kernel}` +
          (known.length ? `; running: ${known.join(', ')}` : '; none is running'),
      );
    }
    const info = await readConnectionFile(entry.connectionFile);
    if (!info)
      throw new Error(`kernel ${entry.id} has no readable connection file (${entry.connectionFile})`);
    return { info, description: `kernel ${entry.id.slice(0, 8)}` };
  }
  const [latest] = await listKernels();
  if (latest) {
    const info = await readConnectionFile(latest.connectionFile);
    if (info) return { info, description: `kernel ${latest.id.slice(0, 8)}` };
  }
  const embedded = await startKernel({});
  return { info: embedded.connection, embedded, description: 'a new in-process kernel' };
}

function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000);
  } catch {
    return [];
  }
}

/** The terminal's streams and how to write to them (colours only on a TTY). */
interface Terminal {
  input: Readable;
  output: Writable;
  errOut: Writable;
  tty: boolean;
  color(s: string, code: string): string;
  plain(s: string): string;
}

function terminalOf(opts: ReplOptions): Terminal {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const tty = (output as NodeJS.WriteStream).isTTY === true && (input as NodeJS.ReadStream).isTTY === true;
  return {
    input,
    output,
    errOut: opts.errorOutput ?? process.stderr,
    tty,
    color: (s, code) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s),
    plain: (s) => (tty ? s : stripAnsi(s)),
  };
}

async function connect(resolved: ResolvedKernel): Promise<{ client: KernelClient; banner: string }> {
  const client = await KernelClient.connect(resolved.info);
  try {
    const info = await client.waitForReady(10000);
    return { client, banner: String(info.banner ?? 'LLMSpell') };
  } catch (err) {
    client.close();
    await resolved.embedded?.stop();
    throw new Error(`the kernel did not answer (${resolved.description}): ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export async function runRepl(opts: ReplOptions = {}): Promise<number> {
  const term = terminalOf(opts);
  const resolved = await resolveKernel(opts);
  const { client, banner } = await connect(resolved);
  if (term.tty) term.output.write(`${banner}\nConnected to ${resolved.description}. Ctrl-D exits.\n`);
  const historyFile = opts.historyFile ?? path.join(llmspellHome(), 'repl_history');
  const session = new ReplSession(client, term, historyFile, (await currentExecutionCount(client)) + 1);
  try {
    await session.loop();
  } finally {
    await session.close();
    if (resolved.embedded) await resolved.embedded.stop();
    if (term.tty) term.output.write('\n');
  }
  return session.exitCode;
}

/** One REPL on one kernel: reading cells, executing them, and the debug prompt while stopped. */
class ReplSession {
  exitCode = 0;
  private buffer: string[] = [];
  private executing: string | undefined;
  private askedExit = false;
  private inDebugLoop = false;
  private readonly rl: readline.Interface;
  private readonly lines: LineQueue;
  private readonly dbg: ReplDebugger;
  private readonly offStop: () => void;
  private readonly onProcessSigint = (): void => {
    if (this.executing) this.client.send('control', 'interrupt_request', {});
  };

  constructor(
    private readonly client: KernelClient,
    private readonly term: Terminal,
    private readonly historyFile: string,
    private count: number,
  ) {
    const tty = term.tty;
    this.rl = readline.createInterface({
      input: term.input,
      output: tty ? term.output : undefined,
      terminal: tty,
      history: tty ? loadHistory(historyFile) : [],
      historySize: 1000,
      completer: tty ? kernelCompleter(client, () => this.buffer) : undefined,
    });
    this.lines = new LineQueue(this.rl);
    this.rl.on('SIGINT', () => this.onSigint());
    if (!tty) process.on('SIGINT', this.onProcessSigint);
    this.dbg = new ReplDebugger({
      client,
      print: (text) => term.output.write(text + '\n'),
      printError: (text) => term.errOut.write(term.plain(term.color(text, '31')) + '\n'),
    });
    this.offStop = this.dbg.onStop((stop) => {
      if (stop && this.executing) void this.debugLoop();
    });
  }

  private prompt(): string {
    return this.term.color(this.buffer.length === 0 ? `In [${this.count}]: ` : '   ...: ', '32');
  }

  private onSigint(): void {
    if (this.executing) {
      this.client.send('control', 'interrupt_request', {});
      return;
    }
    this.buffer = [];
    this.term.output.write('^C\n');
    this.rl.setPrompt(this.prompt());
    this.rl.prompt();
  }

  private readLine(prompt: string): Promise<string | undefined> {
    if (this.term.tty) {
      this.rl.setPrompt(prompt);
      this.rl.prompt();
    }
    return this.lines.take().line;
  }

  private async debugCommand(line: string): Promise<boolean> {
    try {
      return await this.dbg.command(line);
    } catch (err) {
      this.term.errOut.write(`debugger: ${(err as Error).message}\n`);
      return false;
    }
  }

  /** The cell loop: multi-line input by is_complete, `exit`/`quit`, console commands. */
  async loop(): Promise<void> {
    for (;;) {
      const line = await this.readLine(this.prompt());
      if (line === undefined) {
        if (this.buffer.join('').trim() !== '') await this.execute(this.buffer.join('\n'));
        return;
      }
      if (this.buffer.length === 0 && isConsoleCommand(line)) {
        await this.debugCommand(line);
        continue;
      }
      this.buffer.push(line);
      const code = this.buffer.join('\n');
      if (code.trim() === '') {
        this.buffer = [];
        continue;
      }
      if (this.buffer.length === 1 && /^\s*(exit|quit)\s*(\(\s*\))?\s*$/.test(code)) return;
      const ic = await this.client.request('shell', 'is_complete_request', { code }, 10000);
      if (ic.content.status === 'incomplete') {
        if (this.term.tty && typeof ic.content.indent === 'string')
          setImmediate(() => this.rl.write(String(ic.content.indent)));
        continue;
      }
      this.buffer = [];
      this.saveHistory(code);
      await this.execute(code);
      if (this.askedExit) return;
    }
  }

  /** While the running cell is stopped: debug commands and Lua in the stopped frame. */
  private async debugLoop(): Promise<void> {
    if (this.inDebugLoop) return;
    this.inDebugLoop = true;
    try {
      while (this.dbg.stopped && this.executing) {
        const line = await this.nextDebugLine();
        if (line === null) break;
        if (line === undefined) {
          // end of input while stopped: let the cell finish
          await this.debugCommand(':continue');
          break;
        }
        if (!line.trim()) continue;
        if (isConsoleCommand(line)) {
          if (await this.debugCommand(line)) break;
        } else {
          await this.dbg.evaluate(line).catch((err: Error) => {
            this.term.errOut.write(`debugger: ${err.message}\n`);
          });
        }
      }
    } finally {
      this.inDebugLoop = false;
    }
  }

  /** The next line at the debug prompt; null when the stop ended before one came. */
  private async nextDebugLine(): Promise<string | undefined | null> {
    const stopped = this.dbg.stopped!;
    if (this.term.tty) {
      this.rl.setPrompt(this.term.color(`(debug ${this.dbg.describe(stopped.path, stopped.line)}) `, '33'));
      this.rl.prompt();
    }
    const t = this.lines.take();
    let offStop: () => void = () => undefined;
    const ended = new Promise<null>((resolve) => {
      offStop = this.dbg.onStop((s) => {
        if (!s) resolve(null);
      });
    });
    const line = await Promise.race([t.line, ended]);
    offStop();
    if (line === null) t.cancel();
    return line;
  }

  private saveHistory(code: string): void {
    if (!this.term.tty) return;
    try {
      mkdirSync(path.dirname(this.historyFile), { recursive: true });
      appendFileSync(this.historyFile, code.replace(/\n/g, ' ') + '\n');
    } catch {
      // history is best effort
    }
  }

  /** Run one cell: outputs as they come, input requests answered from the terminal, then the reply. */
  private async execute(code: string): Promise<void> {
    const offStdin = this.client.onStdin((m) => {
      if (m.header.msg_type !== 'input_request') return;
      void (async () => {
        const answer = await this.readLine(String(m.content.prompt ?? ''));
        if (!this.term.tty && m.content.prompt) this.term.output.write(String(m.content.prompt));
        this.client.inputReply(answer ?? '', m.header);
      })();
    });
    try {
      const { reply } = await this.client.execute(code, {
        allow_stdin: true,
        stop_on_error: false,
        idleWaitMs: 1000,
        onSent: (msgId) => (this.executing = msgId),
        onIopub: (m) => this.showIopub(m),
      });
      if (typeof reply.content.execution_count === 'number') this.count = reply.content.execution_count + 1;
      for (const p of replyPayloads(reply.content)) {
        if (p.source === 'page') this.term.output.write(this.term.plain(pageText(p.data)) + '\n');
        else if (p.source === 'ask_exit') this.askedExit = true;
      }
      if (reply.content.status !== 'ok' && !this.term.tty) this.exitCode = 1;
    } finally {
      this.executing = undefined;
      offStdin();
    }
  }

  /** One IOPub message of the running cell, rendered as text. */
  private showIopub(m: JupyterMessage): void {
    const { output, errOut, color, plain } = this.term;
    const c = m.content;
    switch (m.header.msg_type) {
      case 'execute_input':
        if (typeof c.execution_count === 'number') this.dbg.recordCell(c.execution_count, String(c.code));
        break;
      case 'stream':
        (c.name === 'stderr' ? errOut : output).write(String(c.text));
        break;
      case 'execute_result':
        output.write(
          `${color(`Out[${String(c.execution_count)}]:`, '31')} ${renderMimeBundle(c.data as Record<string, unknown>)}\n`,
        );
        break;
      case 'display_data':
      case 'update_display_data':
        output.write(renderMimeBundle(c.data as Record<string, unknown>) + '\n');
        break;
      case 'error':
        errOut.write(plain((c.traceback as string[]).join('\n')) + '\n');
        break;
      default:
        break;
    }
  }

  async close(): Promise<void> {
    if (!this.term.tty) process.off('SIGINT', this.onProcessSigint);
    this.offStop();
    if (this.dbg.attached) await Promise.race([this.dbg.close(), new Promise((r) => setTimeout(r, 2000))]);
    this.rl.close();
    this.client.close();
  }
}
