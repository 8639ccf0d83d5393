/**
 * Waiting in tests: for a signal, never for a fixed time. Every wait has a generous deadline so a
 * broken build fails with a message instead of hanging; the deadline is a safety net, not a check.
 */

/** Rejects with "timed out ... waiting for <what>" if `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/**
 * Resolves once `condition()` holds, checking it after each turn of the event loop (a state the
 * test observes, such as "the fake server saw the request"), within `ms` as a safety net.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve function, for signals raised by fakes ("the slow call started"). */
export function signal<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Resolves with the first value `get()` returns other than undefined (a file another process
 * writes, an entry that appears), checked like waitFor's condition, within `ms` as a safety net.
 */
export async function waitForValue<T>(
  get: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 20_000,
): Promise<T> {
  let value: T | undefined;
  await waitFor(
    async () => {
      value = await get();
      return value !== undefined;
    },
    what,
    ms,
  );
  return value as T;
}
