import type { KernelLogger } from './log';
import { isProcessAlive } from './registry';

/** How often the parent is checked (ipykernel polls once a second). */
const POLL_MS = 1000;
/** After the parent died, the process exits even if the graceful stop hangs. */
const HARD_EXIT_MS = 5000;

/**
 * The parent to watch: an explicit pid, or (as ipykernel does) our parent when JPY_PARENT_PID is
 * set, which jupyter_client sets for the kernels it launches. PID 1 is never watched: a process
 * already re-parented to init cannot tell when its launcher dies.
 */
export function parentToWatch(explicit: number | undefined, env = process.env): number {
  if (explicit !== undefined) return explicit > 1 ? explicit : 0;
  const jpy = Number(env.JPY_PARENT_PID ?? 0);
  if (!Number.isInteger(jpy) || jpy <= 0 || jpy === 1) return 0;
  return process.ppid > 1 ? process.ppid : 0;
}

/**
 * Stop the kernel when the process that launched it is gone (our parent: its pid stops being our
 * parent pid as we are re-parented to init or a subreaper; another pid: it no longer exists).
 * Returns a function that ends the watch.
 */
export function watchParentProcess(
  explicit: number | undefined,
  logger: KernelLogger,
  stop: () => Promise<void>,
): () => void {
  const parent = parentToWatch(explicit);
  if (parent === 0) return () => undefined;
  logger.debug({ parent }, 'watching the parent process');
  const ours = parent === process.ppid;
  const alive = (): boolean => (ours ? process.ppid === parent : isProcessAlive(parent));
  const timer = setInterval(() => {
    if (alive()) return;
    clearInterval(timer);
    logger.warn({ parent }, 'the parent process exited; stopping');
    setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
    void stop();
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
