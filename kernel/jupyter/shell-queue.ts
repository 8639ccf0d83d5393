import type { JupyterMessage } from './wire';

/** How long after an error execute_requests sent before it are still aborted (stop_on_error). */
const ABORT_WINDOW_MS = 1000;

export interface ShellQueueHooks {
  /** Handle one request (the queue runs them one at a time, in order). */
  dispatch(msg: JupyterMessage): Promise<void>;
  /** Answer an execute_request with status "aborted". */
  abort(msg: JupyterMessage): void;
  /** Refuse a request from a client over the --max-clients limit. */
  refuse(msg: JupyterMessage, max: number): void;
  /** True once the kernel is stopping (queued requests are then left alone). */
  stopping(): boolean;
}

/**
 * The shell channel's admission and ordering: at most `maxClients` sessions, one request at a
 * time in arrival order, and stop_on_error's abort window (ipykernel's): after an error the
 * queued execute_requests are aborted, and for a short while so are those still on their way
 * that were sent before the error (header.date earlier than the error). A cell the client sends
 * after it saw the error is never aborted.
 */
export class ShellQueue {
  private readonly queue: JupyterMessage[] = [];
  private running = false;
  private abortBefore = 0;
  private abortUntil = 0;
  /** Session id -> last time seen. */
  private readonly sessions = new Map<string, number>();
  liveConnections = 0;

  constructor(
    private readonly maxClients: number,
    private readonly hooks: ShellQueueHooks,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.running;
  }

  /** A shell request arrived: admit, abort (late, within the window) or queue it. */
  push(msg: JupyterMessage): void {
    if (!this.admit(msg)) return;
    if (this.shouldAbortLate(msg)) {
      this.hooks.abort(msg);
      return;
    }
    this.queue.push(msg);
    void this.pump();
  }

  /** A shell connection came or went; sessions beyond the live connections are forgotten. */
  clientDelta(delta: 1 | -1): number {
    this.liveConnections = Math.max(0, this.liveConnections + delta);
    if (delta < 0) {
      const sorted = [...this.sessions.entries()].sort((a, b) => a[1] - b[1]);
      while (sorted.length > this.liveConnections) {
        const [s] = sorted.shift() as [string, number];
        this.sessions.delete(s);
      }
    }
    return this.liveConnections;
  }

  /**
   * stop_on_error: abort what is queued and open the abort window. The window starts at `errorAt`,
   * taken before the error reply was sent: a client can answer that reply with a new cell within
   * the same millisecond, and that cell was sent after the error, so it must run.
   */
  abortQueuedExecutes(errorAt = Date.now()): void {
    this.abortBefore = errorAt;
    this.abortUntil = this.abortBefore + ABORT_WINDOW_MS;
    const keep: JupyterMessage[] = [];
    for (const msg of this.queue.splice(0)) {
      if (msg.header.msg_type === 'execute_request') this.hooks.abort(msg);
      else keep.push(msg);
    }
    this.queue.push(...keep);
  }

  private admit(msg: JupyterMessage): boolean {
    const session = msg.header.session;
    const max = this.maxClients;
    if (!this.sessions.has(session) && this.sessions.size >= max && this.liveConnections > max) {
      this.hooks.refuse(msg, max);
      return false;
    }
    this.sessions.set(session, Date.now());
    return true;
  }

  private shouldAbortLate(msg: JupyterMessage): boolean {
    if (msg.header.msg_type !== 'execute_request' || Date.now() > this.abortUntil) return false;
    const sent = Date.parse(String(msg.header.date ?? ''));
    return Number.isFinite(sent) && sent < this.abortBefore;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.hooks.stopping()) {
        await this.hooks.dispatch(this.queue.shift() as JupyterMessage);
      }
    } finally {
      this.running = false;
    }
  }
}
