import type { KernelStartFlags } from '../cli/commands/kernel';
import { type KernelHandle, type KernelOptions, startKernel } from './kernel';
import { createKernelLogger, type KernelLogger } from './log';

/**
 * `llmspell kernel start` without --lsp: flags -> KernelOptions -> startKernel(), then wait for the
 * stop. The HTTP control port, daemon mode, pid file and config files are the service layer's
 * (kernel/service); it can build on kernelOptionsFromFlags() and startKernel() the same way.
 */

function intFlag(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

export function kernelOptionsFromFlags(
  flags: KernelStartFlags,
  logger: KernelLogger,
): KernelOptions & { dapPort: number | null } {
  return {
    connectionFile: flags.connectionFile,
    idleTimeoutSec: intFlag(flags.idleTimeout, 'idle-timeout', 0) ?? 0,
    maxClients: intFlag(flags.maxClients, 'max-clients', 1) ?? 50,
    dapPort: flags.dap === false ? null : (intFlag(flags.dapPort, 'dap-port', 0) ?? 9556),
    logger,
    registryExtras: { pidFile: flags.pidFile, logFile: flags.logFile },
  };
}

/** SIGINT interrupts a running cell (and stops an idle kernel); SIGTERM stops gracefully. */
export function installSignalHandlers(kernel: KernelHandle, logger: KernelLogger): () => void {
  const onInt = () => {
    if (kernel.stats().busy) {
      logger.info('SIGINT: interrupting the running cell');
      kernel.interrupt();
    } else {
      logger.info('SIGINT: stopping');
      void kernel.stop('signal');
    }
  };
  const onTerm = () => {
    logger.info('SIGTERM: stopping');
    void kernel.stop('signal');
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

export async function startKernelFromCli(
  flags: KernelStartFlags,
  globals: { profile?: string; config?: string; trace?: string },
): Promise<void> {
  if (process.env.LLMSPELL_PLAIN_KERNEL !== '1') {
    // config, daemon, logging, pid file, HTTP control port and signals: the service layer (kernel/service)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const service = require('../cli/commands/service') as typeof import('../cli/commands/service');
    return service.runKernelStart(flags, globals);
  }
  const level = flags.trace ?? globals.trace ?? (flags.logFile ? 'info' : 'warn');
  const logger = createKernelLogger(level, flags.logFile);
  const kernel = await startKernel(kernelOptionsFromFlags(flags, logger));
  installSignalHandlers(kernel, logger);
  const { reason } = await kernel.stopped;
  logger.info({ reason }, 'exiting');
  logger.flush();
  process.exit(0);
}
