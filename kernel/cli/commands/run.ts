import { Command } from 'commander';
import { execCode, runFile } from '../run-exec';

export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('run a Lua 5.4 script (ARGS are visible as `arg` and `...`)')
    .argument('<file>', 'the script')
    .argument('[args...]', 'arguments for the script')
    .passThroughOptions()
    .action(async (file: string, args: string[]) => {
      await runFile(file, args, program.opts());
    });
  program
    .command('exec')
    .description('run a snippet of Lua code (an expression prints its value)')
    .argument('<code>', 'Lua code')
    .action(async (code: string) => {
      await execCode(code, program.opts());
    });
}
