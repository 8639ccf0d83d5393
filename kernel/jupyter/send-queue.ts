/**
 * zeromq v6 allows one pending send per socket (EBUSY otherwise): every outgoing message of a socket
 * goes through one SendQueue, which sends in order and never lets one failure stop the queue.
 */
export interface FrameSink {
  send(frames: Buffer[]): Promise<void>;
}

export class SendQueue {
  private readonly pending: Buffer[][] = [];
  private running = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sink: FrameSink,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(frames: Buffer[]): void {
    if (this.closed) return;
    this.pending.push(frames);
    if (!this.running) void this.drain();
  }

  get size(): number {
    return this.pending.length;
  }

  /** Resolves once everything queued so far has been handed to the socket. */
  flushed(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.pending.length = 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.pending.length > 0 && !this.closed) {
      const frames = this.pending.shift() as Buffer[];
      try {
        await this.sink.send(frames);
      } catch (err) {
        this.onError(err);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
