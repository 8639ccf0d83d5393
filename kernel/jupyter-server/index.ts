import { randomBytes } from 'crypto';
import type * as http from 'http';
import type { Duplex } from 'stream';
import { WebSocketServer } from 'ws';
import type { KernelHandle } from '../jupyter/kernel';
import type { KernelLogger } from '../jupyter/log';
import { ChannelBridge } from './channels';
import { ApiError, type ApiRequest, type ApiResponse, notFound, writeResponse } from './http-io';
import { type KernelLauncher, KernelManager, kernelsRoute } from './kernels';
import { kernelspecsRoute } from './kernelspecs';
import { SessionStore, sessionsRoute } from './sessions';
import { statusRoute } from './status';
import { V1_PROTOCOL } from './ws-framing';

export interface JupyterServerOptions {
  /** The kernel `llmspell kernel start` runs; listed, and never stopped by deleting a session. */
  primary?: KernelHandle;
  /** Starts a fresh kernel for clients. */
  launch: KernelLauncher;
  logger: KernelLogger;
  /** The token /api requires when [security] auth_token is not set (default: generated). */
  token?: string;
}

/**
 * The Jupyter Server REST and WebSocket API on the control port (what VS Code's "existing Jupyter
 * server", @jupyterlab/services and jupyter_server/Notebook 6 with --gateway-url speak):
 * /api, /api/status, /api/me, /api/kernelspecs, /api/kernels, /api/sessions and
 * /api/kernels/{id}/channels. Security (origins, token, rate limit, body size) is the control
 * server's (kernel/service/http.ts); this module only routes. One module per resource.
 */
export class JupyterServer {
  readonly token: string;
  /** True when the token was generated here (no [security] auth_token): it is printed at start. */
  readonly tokenGenerated: boolean;
  readonly kernels: KernelManager;
  private readonly sessions: SessionStore;
  private readonly started = new Date();
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has(V1_PROTOCOL) ? V1_PROTOCOL : false),
  });

  constructor(private readonly opts: JupyterServerOptions) {
    this.tokenGenerated = !opts.token;
    this.token = opts.token || randomBytes(24).toString('hex');
    this.kernels = new KernelManager(opts.primary, opts.launch, opts.logger);
    this.sessions = new SessionStore(this.kernels);
  }

  /** Answer one /api request (body already read). Never throws. */
  async request(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<number> {
    let out: ApiResponse;
    try {
      out = await this.route({
        method: req.method ?? 'GET',
        segments: url.pathname
          .slice('/api'.length)
          .split('/')
          .filter((seg) => seg !== '')
          .map(decodeURIComponent),
        query: url.searchParams,
        body,
      });
    } catch (err) {
      const e =
        err instanceof ApiError ? err : new ApiError(500, err instanceof Error ? err.message : String(err));
      if (e.status >= 500)
        this.opts.logger.error({ err: e.message, path: url.pathname }, 'jupyter server request failed');
      out = { status: e.status, body: { message: e.message, reason: e.reason } };
    }
    writeResponse(res, out, headers);
    return out.status;
  }

  private async route(req: ApiRequest): Promise<ApiResponse> {
    const [resource] = req.segments;
    switch (resource) {
      case undefined:
      case '':
      case 'status':
      case 'me':
        return statusRoute(this.kernels, this.started, req);
      case 'kernelspecs':
        return kernelspecsRoute(req);
      case 'kernels':
        return kernelsRoute(this.kernels, req);
      case 'sessions':
        return sessionsRoute(this.sessions, req);
      default:
        notFound(`no such endpoint: /api/${req.segments.join('/')}`);
    }
  }

  /** WebSocket upgrade for /api/kernels/{id}/channels (origin and token already checked). */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const m = /^\/api\/kernels\/([^/]+)\/channels\/?$/.exec(url.pathname);
    const kernel = m ? this.kernels.find(decodeURIComponent(m[1])) : undefined;
    if (!kernel) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim());
    const bridge = new ChannelBridge(kernel, offered.includes(V1_PROTOCOL) ? 'v1' : 'json', this.opts.logger);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      bridge.attach(ws);
      bridge.connect().catch((err: unknown) => {
        this.opts.logger.warn({ err: String(err) }, 'could not connect to the kernel');
        bridge.close(1011, 'could not connect to the kernel');
      });
    });
  }

  /** Stop the kernels this server started and close every WebSocket. */
  async close(): Promise<void> {
    await this.kernels.closeAll();
    this.wss.close();
  }
}
