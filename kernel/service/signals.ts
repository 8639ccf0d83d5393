import type pino from 'pino';

/**
 * Unix signals of a running kernel service:
 *   SIGHUP  reload the config (logging level, limits, security) and log the result
 *   SIGUSR1 write statistics to the log (and reopen the log file, for logrotate's postrotate)
 *   SIGUSR2 toggle debug logging
 *   SIGTERM graceful stop: let the running cell finish (up to graceMs), then stop
 *   SIGINT  interrupt the running cell; stop when idle
 */
export interface SignalTarget {
  logger: pino.Logger;
  /** Reload the config; returns a description of what changed (or throws). */
  reload(): { changed: string[]; needsRestart: string[] };
  stats(): Record<string, unknown>;
  reopenLog(): void;
  toggleDebug(): string;
  isBusy(): boolean;
  interrupt(): void;
  stop(): void;
}

export function installServiceSignals(target: SignalTarget, opts: { graceMs?: number } = {}): () => void {
  const { logger } = target;
  const graceMs = opts.graceMs ?? 5000;
  let stopping = false;
  const gracefulStop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second stop signal: stopping now');
      target.stop();
      return;
    }
    stopping = true;
    if (!target.isBusy()) {
      logger.info({ signal }, 'shutting down');
      target.stop();
      return;
    }
    logger.info({ signal, graceMs }, 'shutting down after the running cell finishes');
    const started = Date.now();
    const poll = setInterval(() => {
      const waited = Date.now() - started;
      if (!target.isBusy() || waited >= graceMs) {
        clearInterval(poll);
        if (target.isBusy())
          logger.warn({ waitedMs: waited }, 'running cell did not finish in time; interrupting');
        target.stop();
      }
    }, 20);
  };
  const handlers: Record<string, () => void> = {
    SIGHUP: () => {
      try {
        const { changed, needsRestart } = target.reload();
        logger.info({ signal: 'SIGHUP', changed, needsRestart }, 'configuration reloaded');
        if (needsRestart.length)
          logger.warn({ keys: needsRestart }, 'these settings take effect after a restart');
      } catch (err) {
        logger.error(
          { signal: 'SIGHUP', err: (err as Error).message },
          'configuration reload failed; keeping the old settings',
        );
      }
    },
    SIGUSR1: () => {
      target.reopenLog();
      logger.info({ signal: 'SIGUSR1', stats: target.stats() }, 'statistics');
    },
    SIGUSR2: () => {
      const level = target.toggleDebug();
      logger.warn(
        { signal: 'SIGUSR2', logLevel: level },
        level === 'debug' ? 'debug logging enabled' : 'debug logging disabled',
      );
    },
    SIGTERM: () => gracefulStop('SIGTERM'),
    SIGINT: () => {
      if (target.isBusy() && !stopping) {
        logger.info({ signal: 'SIGINT' }, 'interrupting the running cell');
        target.interrupt();
      } else {
        gracefulStop('SIGINT');
      }
    },
  };
  for (const [sig, fn] of Object.entries(handlers)) process.on(sig, fn);
  return () => {
    for (const [sig, fn] of Object.entries(handlers)) process.off(sig, fn);
  };
}
