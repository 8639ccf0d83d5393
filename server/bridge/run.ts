import * as path from 'path';
import type { RegistryEntry } from '../../kernel/jupyter/registry';
import { DEFAULT_DAP_PORT } from '../../kernel/shared/ports';

/**
 * Run Lua code for the "Run file" / "Run selection" commands: in the newest running kernel of the
 * registry (`$LLMSPELL_HOME/kernels`, through the Jupyter client) or, when none runs, in an
 * embedded runtime. Nothing here knows LSP; the server turns outcomes into messages. The kernel
 * client and the runtime are loaded on first use only.
 */

export type { RunFailure, RunOutcome, RunOutput, RunRequest, RunTarget } from './types';
import type { RunFailure, RunTarget } from './types';

type RegistryModule = typeof import('../../kernel/jupyter/registry');

/** The newest live kernel of the registry, if any (stale entries are left alone). */
export async function runningKernel(): Promise<RegistryEntry | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { listKernels } = require('../../kernel/jupyter/registry') as RegistryModule;
  return (await listKernels({ prune: false }))[0];
}

/** The kernel when one runs, else the embedded runtime. */
export async function chooseTarget(): Promise<RunTarget> {
  const entry = await runningKernel();
  if (entry) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KernelTarget } = require('./kernelTarget') as typeof import('./kernelTarget');
    return new KernelTarget(entry);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EmbeddedTarget } = require('./embeddedTarget') as typeof import('./embeddedTarget');
  return new EmbeddedTarget();
}

/**
 * The code of lines [startLine, endLine] (0-based, inclusive of a partial last line) preceded by
 * as many empty lines as come before it, so line numbers in errors are the file's.
 */
export function selectionCode(text: string, start: number, end: number, startLine: number): string {
  return '\n'.repeat(startLine) + text.slice(start, end);
}

/** "file:line: message" for the user, without the chunk prefix Lua puts in messages. */
export function describeFailure(file: string, e: RunFailure): string {
  const msg = e.message.replace(/^[^\s:]*(?::[^\s:]+)*?:\d+:\s*/, '');
  const where = e.file ?? file;
  return e.line !== undefined ? `${where}:${e.line}: ${msg}` : `${where}: ${msg}`;
}

/** How to attach a debugger, for "Debug file". */
export function debugInstructions(
  file: string,
  entry: RegistryEntry | undefined,
): { message: string; port: number } {
  const port = entry?.ports.dap ?? DEFAULT_DAP_PORT;
  const where = entry
    ? `kernel ${entry.id} (pid ${entry.pid}) serves DAP on 127.0.0.1:${port}`
    : `no kernel is running: start one with \`llmspell kernel start\` (DAP on port ${port})`;
  const message =
    `Debug ${path.basename(file)}: ${where}. ` +
    `nvim-dap: dap.adapters.llmspell = { type = 'server', host = '127.0.0.1', port = ${port} } ` +
    `and a configuration { type = 'llmspell', request = 'launch', program = '${file}' }; ` +
    `VS Code: a launch.json entry { "type": "llmspell", "request": "attach", "host": "127.0.0.1", "port": ${port} }. ` +
    `Set breakpoints, then run the file.`;
  return { message, port };
}
