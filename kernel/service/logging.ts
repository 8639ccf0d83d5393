import pino from 'pino';
import { RotatingFileStream } from './rotating-stream';
import type { LogLevel, ServiceConfig } from '../config/schema';

/**
 * The service logger: pino JSON lines to a size-rotated file (logging.log_file) or stderr.
 * The level comes from the effective config (flags --trace > LLMSPELL_LOG > file > profile); without
 * one it is info with a log file and warn on stderr. SIGUSR2 toggles debug via toggleDebug().
 */
export interface ServiceLogging {
  readonly logger: pino.Logger;
  /** The rotating file, when logging to a file. */
  readonly stream?: RotatingFileStream;
  /** The configured (non-toggled) level. */
  readonly baseLevel: string;
  /** Switch between debug and the configured level; returns the new level. */
  toggleDebug(): string;
  /** Apply reloaded [logging] settings (level, rotation limits). The file itself is not changed. */
  apply(logging: ServiceConfig['logging']): void;
  /** Reopen the log file (after an external logrotate). */
  reopen(): void;
  close(): void;
}

export function effectiveLevel(logging: ServiceConfig['logging']): LogLevel {
  return logging.log_level ?? (logging.log_file ? 'info' : 'warn');
}

function limits(logging: ServiceConfig['logging']): {
  maxBytes: number;
  maxBackups: number;
  compress: boolean;
} {
  return {
    maxBytes: Math.max(1, Math.round((logging.max_size_mb ?? 100) * 1024 * 1024)),
    maxBackups: logging.max_backups ?? 5,
    compress: logging.compress ?? true,
  };
}

export function createServiceLogging(
  logging: ServiceConfig['logging'],
  name = 'llmspell-kernel',
): ServiceLogging {
  const stream = logging.log_file
    ? new RotatingFileStream({ file: logging.log_file, ...limits(logging) })
    : undefined;
  const logger = pino(
    { name, level: effectiveLevel(logging) },
    stream ?? pino.destination({ dest: 2, sync: true }),
  );
  if (stream) stream.onRotate = (backup) => logger.info({ backup }, 'log file rotated');
  let baseLevel: string = effectiveLevel(logging);
  let debugOn = false;
  return {
    logger,
    stream,
    get baseLevel() {
      return baseLevel;
    },
    toggleDebug() {
      debugOn = !debugOn;
      logger.level = debugOn ? 'debug' : baseLevel;
      return logger.level;
    },
    apply(next) {
      baseLevel = effectiveLevel({ ...next, log_file: logging.log_file });
      if (!debugOn) logger.level = baseLevel;
      stream?.configure(limits(next));
    },
    reopen() {
      stream?.reopen();
    },
    close() {
      logger.flush();
      stream?.end();
    },
  };
}
