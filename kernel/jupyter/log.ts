import pino from 'pino';

/** The leveled logger the Jupyter layer writes to (pino's interface; stdout is never used). */
export type KernelLogger = pino.Logger;

/** A logger writing JSON lines to stderr (fd 2) or to a file. */
export function createKernelLogger(level = 'info', file?: string): KernelLogger {
  const dest = file ? pino.destination({ dest: file, mkdir: true, sync: false }) : pino.destination(2);
  return pino({ name: 'llmspell-kernel', level }, dest);
}

/** A logger that discards everything (tests, embedded use). */
export function silentLogger(): KernelLogger {
  return pino({ level: 'silent' });
}
