import type * as Commander from 'commander';
import type * as ProgramModule from './program';
import { plainRunOrExec } from './run-exec';

export type { GlobalOptions } from './program';

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`llmspell: ${message}\n`);
  process.exit(1);
}

/**
 * The CLI. A plain `run FILE [ARGS...]` or `exec CODE` starts without loading commander and the
 * other commands (start-up, docs/ARCHITECTURE.md); every other command line goes through
 * commander, with the same errors either way.
 */
export function main(argv: string[]): void {
  const plain = plainRunOrExec(argv);
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
