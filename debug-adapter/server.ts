/**
 * The DAP TCP server: one LlmspellDebugSession per connection, any number of sequential or
 * concurrent clients. A client that connects and closes at once (a port probe) only creates and
 * drops an idle session; it never touches the runtime.
 */
import * as net from 'net';
import { PassThrough } from 'stream';
import type { RuntimeHandle } from '../kernel/runtime/types';
import { dapToken } from './auth';
import { DapFrameGuard } from './framing';
import { LlmspellDebugSession, type DapLog, type RuntimeFactory } from './session';

export interface DapServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The kernel's runtime, for `attach`. */
  attachRuntime?: RuntimeHandle;
  createRuntime?: RuntimeFactory;
  readSource?: (runtimePath: string) => string | undefined;
  log?: DapLog;
  /**
   * The secret clients must present (see auth.ts). Undefined: a random one (read it from
   * `DapServer.token`); false: no authentication (benchmarks only).
   */
  authToken?: string | false;
}

export interface DapServer {
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  host: string;
  /** The secret clients present as `token` (undefined when authentication is off). */
  token: string | undefined;
  /** Number of connected clients. */
  clients(): number;
  /** Stop listening, end every session (launch runtimes are terminated, attach sessions released). */
  close(): Promise<void>;
}

export function startDapServer(options: DapServerOptions): Promise<DapServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const token = options.authToken === false ? undefined : (options.authToken ?? dapToken({}));
  const sessions = new Map<net.Socket, LlmspellDebugSession>();
  let nextId = 1;

  const server = net.createServer((socket) => {
    const id = nextId++;
    const session: LlmspellDebugSession = new LlmspellDebugSession({
      attachRuntime: options.attachRuntime,
      createRuntime: options.createRuntime,
      readSource: options.readSource,
      log: (m) => log(`[dap ${id}] ${m}`),
      owner: `dap-${id}`,
      authToken: token,
      othersAttached: (): boolean => [...sessions.values()].some((s) => s !== session && s.attachedToShared),
    });
    session.setRunAsServer(true);
    sessions.set(socket, session);
    socket.setNoDelay(true);
    const input = guardedInput(socket, (m) => log(`[dap ${id}] ${m}`));
    socket.on('error', (err) => log(`[dap ${id}] socket error: ${err.message}`));
    socket.on('close', () => {
      input.end();
      sessions.delete(socket);
      void session
        .shutdownDebuggee()
        .catch((err: unknown) => log(`[dap ${id}] cleanup failed: ${String(err)}`));
    });
    session.start(input, socket);
  });

  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new Error(`DAP port ${options.port} is already in use`));
      else reject(err);
    });
    server.listen(options.port, host, () => {
      server.on('error', (err) => log(`DAP server error: ${err.message}`));
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        host,
        token,
        clients: () => sessions.size,
        close: async () => {
          const closed = new Promise<void>((r) => server.close(() => r()));
          const pending: Promise<void>[] = [];
          for (const [socket, session] of sessions) {
            pending.push(session.shutdownDebuggee().catch(() => undefined));
            socket.destroy();
          }
          sessions.clear();
          await Promise.all(pending);
          await closed;
        },
      });
    });
  });
}

/**
 * The session reads whole frames only (see framing.ts). On a framing error the client gets an
 * `output` event saying why (category important) and the connection is closed.
 */
function guardedInput(socket: net.Socket, log: DapLog): PassThrough {
  const guard = new DapFrameGuard();
  const input = new PassThrough();
  socket.on('data', (chunk: Buffer) => {
    const { frames, error } = guard.push(chunk);
    for (const f of frames) input.write(f);
    if (error) {
      log(`closing the connection: ${error}`);
      const body = JSON.stringify({
        seq: 0,
        type: 'event',
        event: 'output',
        body: { category: 'important', output: `llmspell: ${error}; closing the connection\n` },
      });
      socket.end(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
    }
  });
  return input;
}
