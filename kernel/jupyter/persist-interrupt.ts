/** A running cell's interrupt is repeated this often, this many times. */
const INTERRUPT_RETRY_MS = 100;
const INTERRUPT_RETRIES = 20;

/**
 * The Lua worker drops an interrupt that reaches it before it began running the cell (it
 * discards interrupts while idle), so one sent the instant a cell starts could be lost. Repeat
 * it while that same cell still runs (`stillRunning`), a few times, so the interrupt the user
 * asked for happens.
 */
export function persistInterrupt(stillRunning: () => boolean, interrupt: () => void): void {
  let tries = 0;
  const timer = setInterval(() => {
    if (!stillRunning() || ++tries > INTERRUPT_RETRIES) {
      clearInterval(timer);
      return;
    }
    interrupt();
  }, INTERRUPT_RETRY_MS);
  timer.unref();
}
