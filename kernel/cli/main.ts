import type * as Commander from 'commander';
import type * as ProgramModule from './program';
import { plainRunOrExec } from './run-exec';

type LspModule = typeof import('../../server/main');
type LspEntryModule = typeof import('./lsp-entry');

export type { GlobalOptions } from './program';

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`llmspell: ${message}\n`);
  process.exit(1);
}

/**
 * The editors' command line, `kernel start --lsp` (nvim-lspconfig's and VS Code's `cmd`, with or
 * without `--stdio`), starts the language server without commander; any other flag goes through it.
 */
function plainLanguageServer(argv: string[]): Promise<void> | undefined {
  const [cmd, sub, ...flags] = argv;
  if (cmd !== 'kernel' || sub !== 'start' || !flags.includes('--lsp')) return undefined;
  if (flags.some((f) => f !== '--lsp' && f !== '--stdio')) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadLanguageServer } = require('./lsp-entry') as LspEntryModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loadLanguageServer<LspModule>().startLanguageServerFromCli({});
}

/**
 * The CLI. A plain `run FILE [ARGS...]`, `exec CODE` or `kernel start --lsp` starts without loading
 * commander and the other commands (start-up, docs/ARCHITECTURE.md); every other command line goes
 * through commander, with the same errors either way.
 */
export function main(argv: string[]): void {
  const plain = plainRunOrExec(argv) ?? plainLanguageServer(argv);
  if (plain) {
    plain.catch(fail);
    return;
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { CommanderError } = require('commander') as typeof Commander;
  const { buildProgram } = require('./program') as typeof ProgramModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const program = buildProgram();
  program.exitOverride();
  program.parseAsync(argv, { from: 'user' }).catch((err: unknown) => {
    if (err instanceof CommanderError) {
      process.exit(err.exitCode);
    }
    fail(err);
  });
}
