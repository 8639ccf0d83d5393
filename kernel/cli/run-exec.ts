/**
 * `llmspell run` and `llmspell exec`: the terminal front end of a runtime. Free of commander, so a
 * plain `run FILE [ARGS...]` or `exec CODE` starts without loading the command-line parser (see
 * `plainRunOrExec`, docs/ARCHITECTURE.md "Start-up"); kernel/cli/commands/run.ts registers the same
 * functions with commander for every other form (global options, help).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as Readline from 'readline';
import type { LuaRuntime } from '../runtime/runtime';
import type * as FactoryModule from '../hostapi/factory';
import type { ExecResult, RuntimeEvent } from '../runtime/types';

/** The global options a run uses (`-p`, `-c`). */
export interface GlobalSettings {
  profile?: string;
  config?: string;
}

/** Terminal front end for a runtime: stdout/stderr passthrough, io.read from the terminal's stdin. */
function attachTerminal(rt: LuaRuntime): () => void {
  let lines: AsyncIterableIterator<string> | undefined;
  let rl: Readline.Interface | undefined;
  const unsubscribe = rt.onEvent((e: RuntimeEvent) => {
    switch (e.type) {
      case 'output':
        (e.stream === 'stderr' ? process.stderr : process.stdout).write(e.bytes ?? e.text);
        break;
      case 'display': {
        const text = e.data['text/plain'] ?? e.data['text/markdown'] ?? JSON.stringify(e.data);
        process.stdout.write(String(text) + '\n');
        break;
      }
      case 'input': {
        if (e.prompt) process.stdout.write(e.prompt);
        if (!rl) {
          // readline only when a script reads input (start-up)
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const readline = require('readline') as typeof Readline;
          rl = readline.createInterface({ input: process.stdin, terminal: false });
          lines = rl[Symbol.asyncIterator]();
        }
        void lines!.next().then((r) => rt.provideInput(r.done ? null : r.value));
        break;
      }
      case 'crashed':
        process.stderr.write(`llmspell: ${e.message}\n`);
        break;
      default:
        break;
    }
  });
  return () => {
    unsubscribe();
    rl?.close();
  };
}

/** Print an error the way Lua users expect: `file:line: message` and a traceback of source lines. */
export function formatError(result: ExecResult): string {
  if (result.ok) return '';
  const e = result.error;
  let text = e.message;
  if (e.ename === 'SyntaxError' && e.column !== undefined && e.location) {
    text = `${e.message} (column ${e.column})`;
  }
  const tb = e.traceback.length ? `\nstack traceback:\n\t${e.traceback.join('\n\t')}` : '';
  return `${text}${tb}\n`;
}

async function runAndExit(
  code: string | Uint8Array,
  chunkName: string,
  mode: 'file' | 'cell',
  args: string[],
  globals: GlobalSettings,
  scriptName?: string,
) {
  // Loaded here, not at the top: the other commands do not pay for the runtime and the host API.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createRuntime } = require('../hostapi/factory') as typeof FactoryModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const rt = await createRuntime(
    { globals: { profile: globals.profile, config: globals.config } },
    { cwd: process.cwd(), packagePath: scriptName ? [path.dirname(path.resolve(scriptName))] : [] },
  );
  const detach = attachTerminal(rt);
  const onSigint = (): void => rt.interrupt();
  process.on('SIGINT', onSigint);
  let status = 0;
  try {
    const result = await rt.execute(code, { chunkName, mode, args, scriptName });
    if (!result.ok) {
      process.stderr.write(`llmspell: ${formatError(result)}`);
      status = 1;
    } else if (result.exitCode !== undefined) {
      status = result.exitCode;
    } else if (mode === 'cell' && result.values.length) {
      process.stdout.write(result.values.join('\t') + '\n');
    }
  } finally {
    process.off('SIGINT', onSigint);
    detach();
    await rt.dispose();
  }
  exitWhenFlushed(status);
}

/**
 * End the process as soon as stdout and stderr have flushed. Nothing is left to run, and letting
 * Node wind down by itself waits for V8's background compile jobs (the VM's WebAssembly tier-up)
 * and the worker's teardown: 20-50 ms per run on a loaded machine.
 */
function exitWhenFlushed(status: number): void {
  process.exitCode = status;
  const streams = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  let pending = streams.length;
  if (pending === 0) process.exit(status);
  for (const s of streams) s.once('drain', () => --pending === 0 && process.exit(status));
}

/** `llmspell run FILE [ARGS...]`: the chunk is named as given, as `lua FILE` names it. */
export async function runFile(file: string, args: string[], globals: GlobalSettings): Promise<void> {
  const abs = path.resolve(file);
  let code: Buffer;
  try {
    code = fs.readFileSync(abs);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    throw new Error(`cannot open ${file}: ${reason}`, { cause: err });
  }
  // The chunk is named as given, as `lua FILE` names it (messages read `FILE:line:`).
  await runAndExit(code, file, 'file', args, globals, file);
}

/** `llmspell exec CODE`. */
export async function execCode(code: string, globals: GlobalSettings): Promise<void> {
  await runAndExit(code, '(exec)', 'cell', [], globals);
}

/**
 * The forms commander would parse to `run`/`exec` with no global option, no help and no error:
 * `run FILE [ARGS...]` (everything after FILE is the script's, as with passThroughOptions) and
 * `exec CODE`. Anything else (an option first, a missing or extra argument) goes to commander.
 */
export function plainRunOrExec(argv: string[]): Promise<void> | undefined {
  const [cmd, first] = argv;
  if (first === undefined || first.startsWith('-')) return undefined;
  if (cmd === 'run') return runFile(first, argv.slice(2), {});
  if (cmd === 'exec' && argv.length === 2) return execCode(first, {});
  return undefined;
}
