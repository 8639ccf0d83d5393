import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';

/**
 * PID files: a live process named by the file blocks a second start; a stale file (process gone)
 * is replaced. The file is removed on a clean exit only if it still names this process.
 */

export class PidFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PidFileError';
  }
}

/** Is the process alive (zombies count as dead: they only wait for their parent to reap them)? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no procfs (macOS): trust kill(0)
  }
}

/** The pid in the file, or undefined when the file is missing or holds no pid. */
export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Throws PidFileError when the file names another live process. Returns the stale pid it found, if any. */
export function checkPidFile(file: string, self = process.pid): { stalePid?: number } {
  const pid = readPidFile(file);
  if (pid === undefined || pid === self) return {};
  if (processAlive(pid)) {
    throw new PidFileError(
      `pid file ${file} names a running process (pid ${pid}); stop it first (llmspell kernel stop --pid-file ${file})`,
    );
  }
  return { stalePid: pid };
}

/** Check, then write our pid (atomically, mode 0644). */
export function writePidFile(file: string, pid = process.pid): { stalePid?: number } {
  const result = checkPidFile(file, pid);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${pid}.tmp`;
    writeFileSync(tmp, `${pid}\n`, { mode: 0o644 });
    renameSync(tmp, file);
  } catch (err) {
    throw new PidFileError(`cannot create pid file ${file}: ${(err as Error).message}`);
  }
  return result;
}

/** Remove the file if it still names `pid`. */
export function removePidFile(file: string, pid = process.pid): void {
  if (readPidFile(file) === pid) rmSync(file, { force: true });
}
