import { Command } from 'commander';
import { DEFAULT_CONTROL_PORT } from '../../shared/ports';
import { DEFAULT_DAP_FLAG, type KernelStartFlags } from '../../service/flags';

/**
 * `llmspell kernel ...` and `llmspell repl`.
 * Owned by the Jupyter kernel work (issue 3); `--lsp` dispatches to the language server (issue 4).
 */

type LspModule = typeof import('../../../server/main');
type ServiceCommands = typeof import('./service');
type LspEntryModule = typeof import('../lsp-entry');
type ReplModule = typeof import('../../repl/repl');
type KernelspecModule = typeof import('../../jupyter/kernelspec');

export function registerKernelCommands(program: Command): void {
  const kernel = program.command('kernel').description('run and manage llmspell kernels');
  kernel
    .command('start')
    .description(
      'start a Jupyter kernel (ZeroMQ) with HTTP control port and DAP server; --lsp serves LSP on stdio',
    )
    .option('--connection-file <file>', 'Jupyter connection file (bound if it exists, written otherwise)')
    .option(
      '--port <n>',
      `HTTP control port (/health, /metrics; default ${DEFAULT_CONTROL_PORT}); with --lsp an extra LSP TCP port`,
    )
    .option('--dap-port <n>', 'Debug Adapter TCP port (0 = free port)', DEFAULT_DAP_FLAG)
    .option('--no-dap', 'do not start the Debug Adapter server')
    .option('--daemon', 'detach and run in the background')
    .option('--pid-file <file>', 'write the process id to this file')
    .option('--log-file <file>', 'log to this file')
    .option('--idle-timeout <seconds>', 'stop after this many idle seconds (0 = never)')
    .option('--max-clients <n>', 'maximum concurrent clients')
    .option('--trace <level>', 'log level')
    .option('--config <file>', 'config file (TOML)')
    .option('--dry-run', 'validate config and flags, print the effective settings, exit')
    .option('--lsp', 'serve the Language Server Protocol on stdin/stdout')
    .option('--stdio', 'with --lsp: use stdio (the default)')
    .action(async (flags: KernelStartFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<KernelStartFlags & { profile?: string }>();
      if (flags.lsp) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { loadLanguageServer } = require('../lsp-entry') as LspEntryModule;
        const { startLanguageServerFromCli } = loadLanguageServer<LspModule>();
        await startLanguageServerFromCli({ port: flags.port, trace: globals.trace });
        return;
      }
      // config, daemon, logging, pid file, HTTP control port and signals: the service layer
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runKernelStart } = require('./service') as ServiceCommands;
      await runKernelStart(flags, globals);
    });
  kernel
    .command('connect')
    .description('open a terminal REPL to a running kernel')
    .requiredOption('--connection-file <file>', "the kernel's Jupyter connection file")
    .action(async (flags: { connectionFile: string }) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runRepl } = require('../../repl/repl') as ReplModule;
      process.exitCode = await runRepl({ connectionFile: flags.connectionFile });
    });
  kernel
    .command('install-kernelspec')
    .description('install the Jupyter kernelspec (JupyterLab, jupyter console --kernel llmspell)')
    .option('--user', 'install for the current user (default)')
    .option('--prefix <dir>', 'install under DIR/share/jupyter/kernels')
    .option('--name <name>', 'kernel name', 'llmspell')
    .action(async (flags: { user?: boolean; prefix?: string; name: string }) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { installKernelspec } = require('../../jupyter/kernelspec') as KernelspecModule;
      const dir = await installKernelspec({ user: flags.user, prefix: flags.prefix, name: flags.name });
      process.stdout.write(`Installed kernelspec ${flags.name} in ${dir}\n`);
    });
}
