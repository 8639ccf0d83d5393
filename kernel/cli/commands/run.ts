import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import type * as Readline from 'readline';
import type { LuaRuntime } from '../../runtime/runtime';
import type * as FactoryModule from '../../hostapi/factory';
import type { ExecResult, RuntimeEvent } from '../../runtime/types';

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
  globals: { profile?: string; config?: string },
  scriptName?: string,
) {
  // Loaded here, not at the top: the other commands do not pay for the runtime and the host API.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createRuntime } = require('../../hostapi/factory') as typeof FactoryModule;
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

export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('run a Lua 5.4 script (ARGS are visible as `arg` and `...`)')
    .argument('<file>', 'the script')
    .argument('[args...]', 'arguments for the script')
    .passThroughOptions()
    .action(async (file: string, args: string[]) => {
      const abs = path.resolve(file);
      let code: Buffer;
      try {
        code = fs.readFileSync(abs);
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
        throw new Error(`cannot open ${file}: ${reason}`, { cause: err });
      }
      // The chunk is named as given, as `lua FILE` names it (messages read `FILE:line:`).
      await runAndExit(code, file, 'file', args, program.opts(), file);
    });
  program
    .command('exec')
    .description('run a snippet of Lua code (an expression prints its value)')
    .argument('<code>', 'Lua code')
    .action(async (code: string) => {
      await runAndExit(code, '(exec)', 'cell', [], program.opts());
    });
}
