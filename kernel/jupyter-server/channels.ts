import type { WebSocket } from 'ws';
import * as zmq from 'zeromq';
import { endpoint } from '../jupyter/connection';
import type { KernelLogger } from '../jupyter/log';
import { decodeMessage, encodeMessage, makeHeader, Signer, WireError } from '../jupyter/wire';
import type { ManagedKernel } from './kernels';
import { type ChannelMessage, decodeFrame, encodeFrame, type Framing, FramingError } from './ws-framing';

/** How long to wait for the kernel's iopub_welcome before serving anyway. */
const WELCOME_TIMEOUT_MS = 5000;
/** Largest message relayed in either direction. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

type RequestChannel = 'shell' | 'control' | 'stdin';
const REQUEST_CHANNELS: readonly RequestChannel[] = ['shell', 'control', 'stdin'];

/**
 * One WebSocket on /api/kernels/{id}/channels, relayed to the kernel's ZeroMQ sockets as a
 * jupyter_client would connect: a DEALER each for shell, control and stdin and a SUB for iopub.
 * Messages from the browser are signed with the kernel's key; the kernel's messages are verified
 * and sent on in the client's framing. The WebSocket opens at once; the client's messages are held
 * until the kernel's iopub_welcome (JEP 65) confirmed the IOPub subscription, so no output of a
 * first request is lost. Then the client gets an IOPub `status` with the kernel's execution state
 * (as jupyter_server's "nudge" makes a kernel publish one): a proxy in between (jupyter_server
 * --gateway-url) has relayed a message, so its own connection to us is up (see
 * docs/JUPYTER.md, "Jupyter server").
 */
export class ChannelBridge {
  private readonly dealers: Record<RequestChannel, zmq.Dealer>;
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly signer: Signer;
  private readonly queues = new Map<string, Buffer[][]>();
  private readonly sending = new Set<string>();
  private ws: WebSocket | undefined;
  private closed = false;
  /** Client messages that arrived before the IOPub subscription was confirmed. */
  private held: Array<[Buffer, boolean]> | undefined = [];
  /** Resolves with the kernel's session id (the welcome's), the session of the greeting status. */
  private welcomed!: (session: string) => void;
  private readonly welcome = new Promise<string>((resolve) => (this.welcomed = resolve));

  constructor(
    private readonly kernel: ManagedKernel,
    private readonly framing: Framing,
    private readonly logger: KernelLogger,
  ) {
    const opts = { linger: 0, maxMessageSize: MAX_MESSAGE_BYTES };
    this.dealers = {
      shell: new zmq.Dealer(opts),
      control: new zmq.Dealer(opts),
      stdin: new zmq.Dealer(opts),
    };
    this.iopub.maxMessageSize = MAX_MESSAGE_BYTES;
    this.signer = new Signer(kernel.handle.connection.key);
  }

  /** Connect to the kernel and wait for its iopub_welcome (or the timeout). */
  async connect(): Promise<void> {
    const c = this.kernel.handle.connection;
    this.iopub.subscribe();
    this.iopub.connect(endpoint(c, c.iopub_port));
    for (const ch of REQUEST_CHANNELS) this.dealers[ch].connect(endpoint(c, c[`${ch}_port`]));
    for (const ch of REQUEST_CHANNELS) void this.receive(ch, this.dealers[ch]);
    void this.receive('iopub', this.iopub);
    let timer: NodeJS.Timeout | undefined;
    const session = await Promise.race([
      this.welcome,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), WELCOME_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (session === undefined) this.logger.warn('no iopub_welcome from the kernel; relaying anyway');
    else this.greet(session);
    const held = this.held ?? [];
    this.logger.debug(
      { welcomed: session !== undefined, held: held.length, framing: this.framing },
      'websocket relaying',
    );
    this.held = undefined;
    for (const [data, isBinary] of held) this.fromClient(data, isBinary);
  }

  /** Start relaying over an open WebSocket. */
  attach(ws: WebSocket): void {
    this.ws = ws;
    this.kernel.channels.add(this);
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.fromClient(buf, isBinary);
    });
    ws.on('close', () => this.close());
    ws.on('error', (err) => this.logger.debug({ err: err.message }, 'websocket error'));
  }

  /** The kernel's execution state as an IOPub status (no parent): the first message a client gets. */
  private greet(session: string): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return;
    const state = this.kernel.handle.stats().busy ? 'busy' : 'idle';
    const status = {
      channel: 'iopub',
      header: makeHeader('status', session),
      parent_header: {},
      metadata: {},
      content: { execution_state: state },
      buffers: [],
    };
    ws.send(encodeFrame(status, this.framing));
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.logger.debug({ code, reason }, 'websocket closed');
    this.kernel.channels.delete(this);
    for (const s of [...Object.values(this.dealers), this.iopub]) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
    if (this.ws && this.ws.readyState <= 1) this.ws.close(code, reason);
  }

  private fromClient(data: Buffer, isBinary: boolean): void {
    if (this.held) {
      this.held.push([data, isBinary]);
      return;
    }
    let msg: ChannelMessage;
    try {
      msg = decodeFrame(data, isBinary, this.framing);
    } catch (err) {
      const detail = err instanceof FramingError ? err.message : String(err);
      this.logger.warn({ detail }, 'websocket message dropped');
      return;
    }
    if (!REQUEST_CHANNELS.includes(msg.channel as RequestChannel)) {
      this.logger.warn({ channel: msg.channel }, 'websocket message for an unknown channel dropped');
      return;
    }
    const frames = encodeMessage({ identities: [], ...msg }, this.signer);
    this.send(msg.channel as RequestChannel, frames);
  }

  /** One pending send per ZeroMQ socket: queue per channel. */
  private send(channel: RequestChannel, frames: Buffer[]): void {
    const q = this.queues.get(channel) ?? [];
    this.queues.set(channel, q);
    q.push(frames);
    if (this.sending.has(channel)) return;
    this.sending.add(channel);
    void (async () => {
      while (q.length > 0 && !this.closed) {
        try {
          await this.dealers[channel].send(q.shift() as Buffer[]);
        } catch (err) {
          this.logger.debug({ channel, err: (err as Error).message }, 'send to kernel failed');
        }
      }
      this.sending.delete(channel);
    })();
  }

  private async receive(channel: RequestChannel | 'iopub', sock: zmq.Dealer | zmq.Subscriber): Promise<void> {
    try {
      for await (const frames of sock) this.toClient(channel, frames);
    } catch (err) {
      if (!this.closed) this.logger.debug({ channel, err: (err as Error).message }, 'kernel socket closed');
    }
  }

  private toClient(channel: string, frames: Buffer[]): void {
    let m;
    try {
      m = decodeMessage(frames, this.signer, { maxMessageBytes: MAX_MESSAGE_BYTES });
    } catch (err) {
      this.logger.warn(
        { channel, err: err instanceof WireError ? err.message : String(err) },
        'kernel message dropped',
      );
      return;
    }
    if (m.header.msg_type === 'iopub_welcome') {
      this.welcomed(m.header.session);
      return;
    }
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return;
    const out = {
      channel,
      header: m.header,
      parent_header: m.parent_header,
      metadata: m.metadata,
      content: m.content,
      buffers: m.buffers ?? [],
    };
    ws.send(encodeFrame(out, this.framing));
  }
}
