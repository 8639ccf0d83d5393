import * as zmq from 'zeromq';
import { type Channel, type ConnectionInfo, endpoint } from './connection';
import type { KernelLogger } from './log';
import { SendQueue } from './send-queue';

/**
 * The kernel's five ZeroMQ sockets and their send queues: ROUTER shell/control/stdin, XPUB iopub
 * (new subscriptions are reported, for JEP 65's iopub_welcome), ROUTER heartbeat echo. This module
 * knows frames, not messages: decoding and signing are the kernel's (wire.ts).
 */

export type RequestChannel = 'shell' | 'control' | 'stdin';

export interface SocketCallbacks {
  /** Raw frames of a request on shell, control or stdin. */
  onFrames(channel: RequestChannel, frames: Buffer[]): void;
  /** A client subscribed to iopub with this topic (verbose: every subscription, duplicates included). */
  onSubscribe(topic: Buffer): void;
  /** A shell connection was accepted (+1) or lost (-1). */
  onClient(delta: 1 | -1): void;
  /** True once the kernel is stopping (loop errors are then expected and not logged). */
  stopping(): boolean;
}

function bindError(err: unknown, channel: string, ep: string): Error {
  const e = err as NodeJS.ErrnoException;
  const port = ep.split(':').pop();
  if (e.code === 'EADDRINUSE' || /in use/i.test(String(e.message))) {
    return new Error(`port ${port} (${channel}) is already in use: ${ep}`);
  }
  return new Error(`cannot bind ${channel} to ${ep}: ${e.message}`);
}

export class KernelSockets {
  private readonly shell = new zmq.Router({ linger: 0 });
  private readonly control = new zmq.Router({ linger: 0 });
  private readonly stdin = new zmq.Router({ linger: 0 });
  private readonly hb = new zmq.Router({ linger: 0 });
  private readonly iopub = new zmq.XPublisher({ linger: 0, sendHighWaterMark: 100000 });
  private readonly queues: Record<Channel, SendQueue>;

  constructor(
    private readonly logger: KernelLogger,
    maxMessageBytes: number,
  ) {
    this.iopub.verbosity = 'allSubs';
    const onError = (channel: Channel) => (err: unknown) =>
      this.logger.warn({ channel, err: (err as Error).message }, 'send failed');
    const all = this.all();
    this.queues = {
      shell: new SendQueue(all.shell, onError('shell')),
      control: new SendQueue(all.control, onError('control')),
      stdin: new SendQueue(all.stdin, onError('stdin')),
      hb: new SendQueue(all.hb, onError('hb')),
      iopub: new SendQueue(all.iopub, onError('iopub')),
    };
    for (const s of Object.values(all)) s.maxMessageSize = maxMessageBytes + 1024 * 1024;
  }

  private all(): Record<Channel, zmq.Socket & { send(frames: Buffer[]): Promise<void> }> {
    return { shell: this.shell, control: this.control, stdin: this.stdin, hb: this.hb, iopub: this.iopub };
  }

  /** Bind every channel: exactly the file's ports when `exact`, otherwise free ports. */
  async bindAll(base: ConnectionInfo, exact: boolean): Promise<Pick<ConnectionInfo, `${Channel}_port`>> {
    const order: Channel[] = ['shell', 'iopub', 'stdin', 'control', 'hb'];
    const out = {} as Pick<ConnectionInfo, `${Channel}_port`>;
    const all = this.all();
    for (const ch of order) {
      const want = exact ? base[`${ch}_port`] : '*';
      const ep = endpoint(base, want);
      try {
        await all[ch].bind(ep);
      } catch (err) {
        throw bindError(err, ch, ep);
      }
      const last = all[ch].lastEndpoint ?? ep;
      out[`${ch}_port`] = Number(last.split(':').pop());
    }
    return out;
  }

  /** Start the receive loops, the heartbeat echo and the client watch. */
  serve(cb: SocketCallbacks): void {
    this.shell.events.on('accept', () => cb.onClient(1));
    this.shell.events.on('disconnect', () => cb.onClient(-1));
    for (const ch of ['shell', 'control', 'stdin'] as const) void this.receiveLoop(ch, cb);
    void this.heartbeatLoop(cb);
    void this.subscriptionLoop(cb);
  }

  send(channel: Channel, frames: Buffer[]): void {
    this.queues[channel].push(frames);
  }

  /** Resolves when every queue handed its messages to its socket (or after `maxMs`). */
  async flush(maxMs: number): Promise<void> {
    const flush = Promise.all(Object.values(this.queues).map((q) => q.flushed()));
    await Promise.race([flush, new Promise((r) => setTimeout(r, maxMs))]);
  }

  close(): void {
    for (const q of Object.values(this.queues)) q.close();
    for (const s of Object.values(this.all())) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }

  private async receiveLoop(channel: RequestChannel, cb: SocketCallbacks): Promise<void> {
    try {
      for await (const frames of this[channel]) cb.onFrames(channel, frames);
    } catch (err) {
      if (!cb.stopping()) this.logger.error({ channel, err: (err as Error).message }, 'receive loop ended');
    }
  }

  private async heartbeatLoop(cb: SocketCallbacks): Promise<void> {
    try {
      for await (const frames of this.hb) {
        if (frames.length > 8 || frames.reduce((n, f) => n + f.length, 0) > 65536) continue;
        this.queues.hb.push(frames);
      }
    } catch (err) {
      if (!cb.stopping()) this.logger.error({ err: (err as Error).message }, 'heartbeat loop ended');
    }
  }

  /** XPUB delivers subscriptions as one frame: 0x01 (subscribe) or 0x00 (unsubscribe) + topic. */
  private async subscriptionLoop(cb: SocketCallbacks): Promise<void> {
    try {
      for await (const [frame] of this.iopub) {
        if (frame && frame.length >= 1 && frame[0] === 1) cb.onSubscribe(frame.subarray(1));
      }
    } catch (err) {
      if (!cb.stopping()) this.logger.error({ err: (err as Error).message }, 'iopub subscription loop ended');
    }
  }
}
