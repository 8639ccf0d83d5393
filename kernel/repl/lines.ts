import type * as readline from 'readline';

/** A line someone is waiting for; cancel() gives up and puts a line that arrived meanwhile back. */
export interface PendingLine {
  line: Promise<string | undefined>;
  cancel(): void;
}

/**
 * One queue of input lines for every reader of the REPL (cells, input requests, the debug
 * prompt). Lines typed before anyone asks are kept; end of input answers `undefined`.
 */
export class LineQueue {
  private readonly queued: string[] = [];
  private readonly waiters: Array<(line: string | undefined) => void> = [];
  private eof = false;

  constructor(rl: readline.Interface) {
    rl.on('line', (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.queued.push(l);
    });
    rl.on('close', () => {
      this.eof = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    });
  }

  take(): PendingLine {
    if (this.queued.length) return { line: Promise.resolve(this.queued.shift()), cancel: () => undefined };
    if (this.eof) return { line: Promise.resolve(undefined), cancel: () => undefined };
    let got: { v: string | undefined } | undefined;
    let waiter!: (l: string | undefined) => void;
    const line = new Promise<string | undefined>((resolve) => {
      waiter = (l) => {
        got = { v: l };
        resolve(l);
      };
      this.waiters.push(waiter);
    });
    return {
      line,
      cancel: () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        else if (got?.v !== undefined) this.queued.unshift(got.v);
      },
    };
  }
}
