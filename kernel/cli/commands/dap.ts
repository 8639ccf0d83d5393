import { Command } from 'commander';
import type * as StdioModule from '../../../debug-adapter/stdio';

/** `llmspell dap`: serve one Debug Adapter Protocol session on stdin/stdout (for editors that spawn adapters). */
export function registerDapCommand(program: Command): void {
  program
    .command('dap')
    .description('serve one Debug Adapter Protocol session on stdin/stdout (logs go to stderr)')
    .action(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runStdioAdapter } = require('../../../debug-adapter/stdio') as typeof StdioModule;
      runStdioAdapter();
      return new Promise<void>(() => undefined);
    });
}
