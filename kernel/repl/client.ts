import { randomUUID } from 'crypto';
import * as zmq from 'zeromq';
import { type ConnectionInfo, endpoint } from '../jupyter/connection';
import { SendQueue } from '../jupyter/send-queue';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeMessage,
  encodeMessage,
  type JsonObject,
  type JupyterMessage,
  makeHeader,
  Signer,
} from '../jupyter/wire';

/**
 * A small Jupyter client over ZeroMQ (DEALER shell/control/stdin, SUB iopub): what the terminal
 * REPL and the tests use to talk to a kernel. Replies are matched to requests by parent msg_id.
 */
export type ClientChannel = 'shell' | 'control' | 'stdin';

export interface ClientOptions {
  /** Reply timeout in ms (default 30 s; execute replies wait without limit). */
  timeoutMs?: number;
  username?: string;
}

/** How a request's reply and IOPub messages are awaited (requestUntilIdle). */
export interface UntilIdleOptions {
  /** Reply timeout in ms (default 0: without limit, a cell may run for long). */
  replyTimeoutMs?: number;
  /** After the reply, wait at most this long for the request's idle status (default: without limit). */
  idleWaitMs?: number;
  /** Called with the request's msg_id once it is sent (before any of its IOPub messages). */
  onSent?: (msgId: string) => void;
  /** Each IOPub message of this request, as it arrives. */
  onIopub?: (msg: JupyterMessage) => void;
}

/** An execute_request's fields (protocol names; defaults as a notebook sends them) plus the waiting. */
export interface ExecuteOptions extends UntilIdleOptions {
  silent?: boolean;
  store_history?: boolean;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
  user_expressions?: JsonObject;
}

export interface UntilIdleResult {
  msgId: string;
  reply: JupyterMessage;
  /** The request's IOPub messages up to and including its idle status. */
  iopub: JupyterMessage[];
}

interface Pending {
  resolve(msg: JupyterMessage): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly stdin = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly hb = new zmq.Request({ linger: 0, receiveTimeout: 1000, sendTimeout: 1000 });
  private readonly queues: Record<ClientChannel, SendQueue>;
  private readonly pending = new Map<string, Pending>();
  private readonly iopubListeners = new Set<(msg: JupyterMessage) => void>();
  private readonly stdinListeners = new Set<(msg: JupyterMessage) => void>();
  private closed = false;
  /** The last send failure (sockets closed, host unreachable), for diagnostics. */
  lastSendError: Error | undefined;

  private constructor(
    readonly info: ConnectionInfo,
    private readonly opts: ClientOptions,
  ) {
    this.signer = new Signer(info.key);
    const id = Buffer.from(this.session);
    this.shell.routingId = id.toString();
    this.stdin.routingId = id.toString();
    const onError = (err: unknown) => {
      this.lastSendError = err instanceof Error ? err : new Error(String(err));
    };
    this.queues = {
      shell: new SendQueue(this.shell, onError),
      control: new SendQueue(this.control, onError),
      stdin: new SendQueue(this.stdin, onError),
    };
  }

  static async connect(info: ConnectionInfo, opts: ClientOptions = {}): Promise<KernelClient> {
    const c = new KernelClient(info, opts);
    c.shell.connect(endpoint(info, info.shell_port));
    c.control.connect(endpoint(info, info.control_port));
    c.stdin.connect(endpoint(info, info.stdin_port));
    c.iopub.connect(endpoint(info, info.iopub_port));
    c.iopub.subscribe();
    c.hb.connect(endpoint(info, info.hb_port));
    for (const ch of ['shell', 'control', 'stdin'] as const) void c.loop(ch);
    void c.iopubLoop();
    return c;
  }

  /** Wait until the kernel answers kernel_info and iopub delivers (as jupyter_client's wait_for_ready). */
  async waitForReady(timeoutMs = 10000): Promise<JsonObject> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let gotIopub = false;
      const off = this.onIopub(() => (gotIopub = true));
      try {
        const reply = await this.request('shell', 'kernel_info_request', {}, 1000);
        const until = Date.now() + 200;
        while (!gotIopub && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        if (gotIopub) return reply.content;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      } finally {
        off();
      }
      if (Date.now() > deadline) throw new Error('kernel did not become ready');
    }
  }

  onIopub(listener: (msg: JupyterMessage) => void): () => void {
    this.iopubListeners.add(listener);
    return () => this.iopubListeners.delete(listener);
  }

  onStdin(listener: (msg: JupyterMessage) => void): () => void {
    this.stdinListeners.add(listener);
    return () => this.stdinListeners.delete(listener);
  }

  /** Send a message; returns its header (msg_id). */
  send(channel: ClientChannel, msgType: string, content: object, parent: JsonObject = {}): string {
    const header = makeHeader(msgType, this.session, this.opts.username ?? 'llmspell-repl');
    this.queues[channel].push(
      encodeMessage({ identities: [], header, parent_header: parent, metadata: {}, content }, this.signer),
    );
    return header.msg_id;
  }

  /** Send a request and wait for the reply with the matching parent msg_id. timeoutMs 0 = no limit. */
  request(
    channel: ClientChannel,
    msgType: string,
    content: object,
    timeoutMs?: number,
  ): Promise<JupyterMessage> {
    const msgId = this.send(channel, msgType, content);
    return this.waitReply(msgId, timeoutMs);
  }

  waitReply(msgId: string, timeoutMs?: number): Promise<JupyterMessage> {
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject };
      const t = timeoutMs ?? this.opts.timeoutMs ?? 30000;
      if (t > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(msgId);
          reject(new Error(`no reply to ${msgId} within ${t} ms`));
        }, t);
      }
      this.pending.set(msgId, p);
    });
  }

  /** One execute_request, as requestUntilIdle. */
  execute(code: string, opts: ExecuteOptions = {}): Promise<UntilIdleResult> {
    const content = {
      code,
      silent: opts.silent ?? false,
      store_history: opts.store_history ?? true,
      user_expressions: opts.user_expressions ?? {},
      allow_stdin: opts.allow_stdin ?? false,
      stop_on_error: opts.stop_on_error ?? true,
    };
    return this.requestUntilIdle('shell', 'execute_request', content, opts);
  }

  /**
   * Send a request; resolves with its reply and its IOPub messages once both the reply and the
   * request's idle status arrived (IOPub and the request's channel are separate sockets: either
   * may come first), or `idleWaitMs` after the reply.
   */
  async requestUntilIdle(
    channel: ClientChannel,
    msgType: string,
    content: object,
    opts: UntilIdleOptions = {},
  ): Promise<UntilIdleResult> {
    const iopub: JupyterMessage[] = [];
    let msgId = '';
    let idle!: () => void;
    const idleSeen = new Promise<void>((r) => (idle = r));
    // registered before the send: no message of the request can be missed
    const off = this.onIopub((m) => {
      if (!msgId || m.parent_header.msg_id !== msgId) return;
      iopub.push(m);
      opts.onIopub?.(m);
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle();
    });
    try {
      msgId = this.send(channel, msgType, content);
      opts.onSent?.(msgId);
      const reply = await this.waitReply(msgId, opts.replyTimeoutMs ?? 0);
      if (opts.idleWaitMs === undefined) await idleSeen;
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([idleSeen, new Promise((r) => (timer = setTimeout(r, opts.idleWaitMs)))]);
        clearTimeout(timer);
      }
      return { msgId, reply, iopub };
    } finally {
      off();
    }
  }

  inputReply(value: string, parent: JsonObject): void {
    this.send('stdin', 'input_reply', { value }, parent);
  }

  /** One heartbeat round trip; resolves false on timeout. */
  async heartbeat(): Promise<boolean> {
    try {
      await this.hb.send('ping');
      const [reply] = await this.hb.receive();
      return reply.toString() === 'ping';
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new Error('client closed'));
    }
    this.pending.clear();
    for (const q of Object.values(this.queues)) q.close();
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) s.close();
  }

  private decode(frames: Buffer[]): JupyterMessage | undefined {
    try {
      return decodeMessage(frames, this.signer, { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
    } catch {
      return undefined;
    }
  }

  private async loop(channel: ClientChannel): Promise<void> {
    const sock = channel === 'shell' ? this.shell : channel === 'control' ? this.control : this.stdin;
    try {
      for await (const frames of sock) {
        const msg = this.decode(frames);
        if (!msg) continue;
        if (channel === 'stdin') {
          for (const l of this.stdinListeners) l(msg);
          continue;
        }
        const parentId = msg.parent_header.msg_id;
        const p = parentId ? this.pending.get(parentId) : undefined;
        if (p && parentId) {
          this.pending.delete(parentId);
          if (p.timer) clearTimeout(p.timer);
          p.resolve(msg);
        }
      }
    } catch {
      // socket closed
    }
  }

  private async iopubLoop(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const msg = this.decode(frames);
        if (!msg) continue;
        for (const l of this.iopubListeners) l(msg);
      }
    } catch {
      // socket closed
    }
  }
}
