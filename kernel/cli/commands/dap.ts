import { Command } from 'commander';
import { runStdioAdapter } from '../../../debug-adapter/stdio';

/** `llmspell dap`: serve one Debug Adapter Protocol session on stdin/stdout (for editors that spawn adapters). */
export function registerDapCommand(program: Command): void {
  program
    .command('dap')
    .description('serve one Debug Adapter Protocol session on stdin/stdout (logs go to stderr)')
    .action(() => {
      runStdioAdapter();
      return new Promise<void>(() => undefined);
    });
}
