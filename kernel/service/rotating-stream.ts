import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * A size-rotated log file for pino. Writes are synchronous appends (a log line is never lost or
 * torn by a crash between lines). When a write would push the file past maxBytes, the file becomes
 * FILE.1 (gzipped to FILE.1.gz when compress is set), older backups shift up, and backups past
 * maxBackups are deleted. Compression runs synchronously at rotation time, so at most one rotation
 * is ever in flight and backup names never race.
 */
export interface RotatingOptions {
  file: string;
  maxBytes: number;
  maxBackups: number;
  compress: boolean;
  /** File mode of a new log file (default 0640). */
  mode?: number;
}

export class RotatingFileStream {
  private fd: number;
  private size: number;
  private opts: RotatingOptions;
  /** Called after each rotation (for a log line in the new file). */
  onRotate?: (backup: string) => void;

  constructor(opts: RotatingOptions) {
    this.opts = { ...opts };
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    this.fd = this.open();
    this.size = fs.fstatSync(this.fd).size;
  }

  get file(): string {
    return this.opts.file;
  }

  /** Change the limits (SIGHUP reload). */
  configure(limits: { maxBytes?: number; maxBackups?: number; compress?: boolean }): void {
    this.opts = {
      ...this.opts,
      ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
    };
  }

  private open(): number {
    return fs.openSync(this.opts.file, 'a', this.opts.mode ?? 0o640);
  }

  write(chunk: string | Buffer): boolean {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.size > 0 && this.size + buf.length > this.opts.maxBytes) this.rotate();
    fs.writeSync(this.fd, buf);
    this.size += buf.length;
    return true;
  }

  /** Reopen the file (after an external logrotate moved it). */
  reopen(): void {
    fs.closeSync(this.fd);
    this.fd = this.open();
    this.size = fs.fstatSync(this.fd).size;
  }

  private backupName(n: number, gz: boolean): string {
    return `${this.opts.file}.${n}${gz ? '.gz' : ''}`;
  }

  private rotate(): void {
    const { maxBackups, compress } = this.opts;
    fs.closeSync(this.fd);
    if (maxBackups === 0) {
      fs.rmSync(this.opts.file, { force: true });
    } else {
      for (const gz of [true, false]) fs.rmSync(this.backupName(maxBackups, gz), { force: true });
      for (let n = maxBackups - 1; n >= 1; n--) {
        for (const gz of [true, false]) {
          const from = this.backupName(n, gz);
          if (fs.existsSync(from)) fs.renameSync(from, this.backupName(n + 1, gz));
        }
      }
      const first = this.backupName(1, false);
      fs.renameSync(this.opts.file, first);
      if (compress) {
        fs.writeFileSync(this.backupName(1, true), zlib.gzipSync(fs.readFileSync(first)), { mode: 0o640 });
        fs.rmSync(first);
      }
    }
    this.fd = this.open();
    this.size = 0;
    this.onRotate?.(this.backupName(1, compress));
  }

  /** pino calls flushSync on exit; writes are already synchronous. */
  flushSync(): void {}

  end(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
