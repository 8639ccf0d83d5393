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

export async function runRepl(opts: ReplOptions = {}): Promise<number> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const errOut = opts.errorOutput ?? process.stderr;
  const tty = (output as NodeJS.WriteStream).isTTY === true && (input as NodeJS.ReadStream).isTTY === true;
  const color = (s: string, code: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
  const plain = (s: string) => (tty ? s : stripAnsi(s));
  const historyFile = opts.historyFile ?? path.join(llmspellHome(), 'repl_history');

  const resolved = await resolveKernel(opts);
  const client = await KernelClient.connect(resolved.info);
  let info;
  try {
    info = await client.waitForReady(10000);
  } catch (err) {
    client.close();
    await resolved.embedded?.stop();
    throw new Error(`the kernel did not answer (${resolved.description}): ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (tty)
    output.write(
      `${String(info.banner ?? 'LLMSpell')}\nConnected to ${resolved.description}. Ctrl-D exits.\n`,
    );

  let buffer: string[] = [];
  const rl = readline.createInterface({
    input,
    output: tty ? output : undefined,
    terminal: tty,
    history: tty ? loadHistory(historyFile) : [],
    historySize: 1000,
    completer: tty ? kernelCompleter(client, () => buffer) : undefined,
  });
  // One line queue for every reader (cells, input requests, the debug prompt); a reader that
  // gives up (the stop ended) puts its line back.
  const queued: string[] = [];
  const waiters: Array<(line: string | undefined) => void> = [];
  let eof = false;
  rl.on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queued.push(l);
  });
  rl.on('close', () => {
    eof = true;
    for (const w of waiters.splice(0)) w(undefined);
  });
  const take = (): { line: Promise<string | undefined>; cancel(): void } => {
    if (queued.length) return { line: Promise.resolve(queued.shift()), cancel: () => undefined };
    if (eof) return { line: Promise.resolve(undefined), cancel: () => undefined };
    let got: { v: string | undefined } | undefined;
    let waiter!: (l: string | undefined) => void;
    const line = new Promise<string | undefined>((resolve) => {
      waiter = (l) => {
        got = { v: l };
        resolve(l);
      };
      waiters.push(waiter);
    });
    return {
      line,
      cancel: () => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
        else if (got?.v !== undefined) queued.unshift(got.v);
      },
    };
  };
  let executing: string | undefined;
  let count = (await currentExecutionCount(client)) + 1;
  let exitCode = 0;
  let askedExit = false;

  rl.on('SIGINT', () => {
    if (executing) {
      client.send('control', 'interrupt_request', {});
    } else {
      buffer = [];
      output.write('^C\n');
      rl.setPrompt(color(`In [${count}]: `, '32'));
      rl.prompt();
    }
  });
  const onProcessSigint = () => {
    if (executing) client.send('control', 'interrupt_request', {});
  };
  if (!tty) process.on('SIGINT', onProcessSigint);

  const readLine = async (prompt: string): Promise<string | undefined> => {
    if (tty) {
      rl.setPrompt(prompt);
      rl.prompt();
    }
    return take().line;
  };

  const dbg = new ReplDebugger({
    client,
    print: (text) => output.write(text + '\n'),
    printError: (text) => errOut.write(plain(color(text, '31')) + '\n'),
  });
  const debugCommand = async (line: string): Promise<boolean> => {
    try {
      return await dbg.command(line);
    } catch (err) {
      errOut.write(`debugger: ${(err as Error).message}\n`);
      return false;
    }
  };

  /** While the running cell is stopped: debug commands and Lua in the stopped frame. */
  let inDebugLoop = false;
  const debugLoop = async (): Promise<void> => {
    if (inDebugLoop) return;
    inDebugLoop = true;
    try {
      while (dbg.stopped && executing) {
        if (tty) {
          rl.setPrompt(color(`(debug ${dbg.describe(dbg.stopped.path, dbg.stopped.line)}) `, '33'));
          rl.prompt();
        }
        const t = take();
        let offStop: () => void = () => undefined;
        const ended = new Promise<null>((resolve) => {
          offStop = dbg.onStop((s) => {
            if (!s) resolve(null);
          });
        });
        const line = await Promise.race([t.line, ended]);
        offStop();
        if (line === null) {
          t.cancel();
          break;
        }
        if (line === undefined) {
          // end of input while stopped: let the cell finish
          await debugCommand(':continue');
          break;
        }
        if (!line.trim()) continue;
        if (isConsoleCommand(line)) {
          if (await debugCommand(line)) break;
        } else {
          try {
            await dbg.evaluate(line);
          } catch (err) {
            errOut.write(`debugger: ${(err as Error).message}\n`);
          }
        }
      }
    } finally {
      inDebugLoop = false;
    }
  };
  const offStop = dbg.onStop((stop) => {
    if (stop && executing) void debugLoop();
  });

  const saveHistory = (code: string) => {
    if (!tty) return;
    try {
      mkdirSync(path.dirname(historyFile), { recursive: true });
      appendFileSync(historyFile, code.replace(/\n/g, ' ') + '\n');
    } catch {
      // history is best effort
    }
  };

  const execute = async (code: string): Promise<void> => {
    const msgId = client.send('shell', 'execute_request', {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: true,
      stop_on_error: false,
    });
    executing = msgId;
    let idle!: () => void;
    const idleSeen = new Promise<void>((r) => (idle = r));
    const offIopub = client.onIopub((m: JupyterMessage) => {
      if (m.parent_header.msg_id !== msgId) return;
      const c = m.content;
      switch (m.header.msg_type) {
        case 'execute_input':
          if (typeof c.execution_count === 'number') dbg.recordCell(c.execution_count, String(c.code));
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
        case 'status':
          if (c.execution_state === 'idle') idle();
          break;
        default:
          break;
      }
    });
    const offStdin = client.onStdin((m) => {
      if (m.header.msg_type !== 'input_request') return;
      void (async () => {
        const answer = await readLine(String(m.content.prompt ?? ''));
        if (!tty && m.content.prompt) output.write(String(m.content.prompt));
        client.inputReply(answer ?? '', m.header);
      })();
    });
    try {
      const reply = await client.waitReply(msgId, 0);
      await Promise.race([idleSeen, new Promise((r) => setTimeout(r, 1000))]);
      if (typeof reply.content.execution_count === 'number') count = reply.content.execution_count + 1;
      for (const p of replyPayloads(reply.content)) {
        if (p.source === 'page') output.write(plain(pageText(p.data)) + '\n');
        else if (p.source === 'ask_exit') askedExit = true;
      }
      if (reply.content.status !== 'ok' && !tty) exitCode = 1;
    } finally {
      executing = undefined;
      offIopub();
      offStdin();
    }
  };

  try {
    for (;;) {
      const prompt = buffer.length === 0 ? color(`In [${count}]: `, '32') : color('   ...: ', '32');
      const line = await readLine(prompt);
      if (line === undefined) {
        if (buffer.join('').trim() !== '') await execute(buffer.join('\n'));
        break;
      }
      if (buffer.length === 0 && isConsoleCommand(line)) {
        await debugCommand(line);
        continue;
      }
      buffer.push(line);
      const code = buffer.join('\n');
      if (code.trim() === '') {
        buffer = [];
        continue;
      }
      if (buffer.length === 1 && /^\s*(exit|quit)\s*(\(\s*\))?\s*$/.test(code)) break;
      const ic = await client.request('shell', 'is_complete_request', { code }, 10000);
      if (ic.content.status === 'incomplete') {
        if (tty && typeof ic.content.indent === 'string')
          setImmediate(() => rl.write(String(ic.content.indent)));
        continue;
      }
      buffer = [];
      saveHistory(code);
      await execute(code);
      if (askedExit) break;
    }
  } finally {
    if (!tty) process.off('SIGINT', onProcessSigint);
    offStop();
    if (dbg.attached) await Promise.race([dbg.close(), new Promise((r) => setTimeout(r, 2000))]);
    rl.close();
    client.close();
    if (resolved.embedded) await resolved.embedded.stop();
    if (tty) output.write('\n');
  }
  return exitCode;
}
