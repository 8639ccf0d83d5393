/** The command-line parser: every command and its flags, registered with commander. */
import { Command } from 'commander';
import { registerRunCommands } from './commands/run';
import { registerKernelCommands } from './commands/kernel';
import { registerDapCommand } from './commands/dap';
import { registerReplCommand } from './commands/repl';
import { registerServiceCommands } from './commands/service';
import { registerMetaCommand } from './commands/meta';
import { VERSION } from '../shared/version';

/** Global options every command sees (`-p`, `-c`, `--trace`). */
export interface GlobalOptions {
  profile?: string;
  config?: string;
  trace?: string;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('llmspell')
    .description(
      'Lua scripting toolkit: Jupyter kernel, Language Server and Debug Adapter on one Lua 5.4 runtime',
    )
    .version(VERSION, '-V, --version')
    .option('-p, --profile <name>', 'builtin profile (see `llmspell profiles list`)')
    .option('-c, --config <file>', 'config file (TOML); also LLMSPELL_CONFIG')
    .option('--trace <level>', 'log level: trace, debug, info, warn, error')
    .enablePositionalOptions()
    .showHelpAfterError();
  registerRunCommands(program);
  registerKernelCommands(program);
  registerServiceCommands(program);
  registerDapCommand(program);
  registerMetaCommand(program);
  registerReplCommand(program);
  return program;
}
