/** Leveled logger writing to stderr (stdout is the protocol channel). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createLogger(
  level: string | undefined,
  sink: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const min = ORDER[(level as LogLevel) ?? 'info'] ?? ORDER.info;
  const log = (lvl: LogLevel, msg: string) => {
    if (ORDER[lvl] >= min) sink(`[llmspell-lsp ${lvl}] ${msg}\n`);
  };
  return {
    debug: (m) => log('debug', m),
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
  };
}
