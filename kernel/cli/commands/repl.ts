import { Command } from 'commander';

/** `llmspell repl [--kernel HOST:PORT | --connection-file F]`: terminal REPL to a kernel. */
export function registerReplCommand(program: Command): void {
  program
    .command('repl')
    .description('interactive Lua REPL connected to a kernel (a running one, or a new in-process kernel)')
    .option('--kernel <host:port>', 'a registered kernel: HOST:PORT (any of its ports) or its id')
    .option('--connection-file <file>', 'a Jupyter connection file')
    .option('--history-file <file>', 'history file (default ~/.llmspell/repl_history)')
    .action(async (flags: { kernel?: string; connectionFile?: string; historyFile?: string }) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runRepl } = require('../../repl/repl') as typeof import('../../repl/repl');
      process.exitCode = await runRepl(flags);
    });
}
