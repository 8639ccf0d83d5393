import { timingSafeEqual, createHash } from 'crypto';
import { readFileSync } from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import type pino from 'pino';
import type { ServiceMetrics } from './metrics';
import type { ServiceConfig } from '../config/schema';

/**
 * The HTTP control port: GET /health (JSON) and GET /metrics (Prometheus text).
 * Every request passes, in order: rate limit (429), allowed origins (403), bearer token (401),
 * body size (413), then routing (404/405). Security settings can be replaced at runtime (SIGHUP).
 */

export interface HealthInfo {
  status: 'starting' | 'ok' | 'stopping';
  version: string;
  pid: number;
  uptime_seconds: number;
  kernel_id: string | null;
  state: 'busy' | 'idle' | 'starting';
  clients: number;
  executions: number;
  execution_errors: number;
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    what: string,
  ) {
    super(`port ${port} is already in use (${what}); choose another with --port or stop the other process`);
    this.name = 'PortInUseError';
  }
}

/** Requests under /api: the Jupyter server (kernel/jupyter-server), attached once the kernel runs. */
export interface ApiHandler {
  /** The token /api requires when [security] auth_token is not set (generated and printed at start). */
  readonly token: string;
  /** Answer a request whose body was read; resolves with the status code sent. */
  request(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<number>;
  /** Take over a WebSocket upgrade (origin and token already checked). */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
}

export interface ControlServerOptions {
  host?: string;
  port: number;
  security: ServiceConfig['security'];
  health: () => HealthInfo;
  metrics: ServiceMetrics;
  logger: pino.Logger;
}

function sha(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Does the Origin header's host (or the whole origin) appear in allowed_origins? */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  let host: string;
  try {
    host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return allowed.some((a) => a === origin || a === host);
}

/**
 * The request target as a URL, or undefined when it is malformed. Origin-form targets are
 * appended to a fixed origin (so `//`, `//x:99999` and `//@` are paths, not authorities);
 * absolute-form targets (`http://host/health`) are parsed as they are.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  const t = target ?? '/';
  try {
    return t.startsWith('/') ? new URL(`http://localhost${t}`) : new URL(t);
  } catch {
    return undefined;
  }
}

/** Answers to one request (see ControlServer.replier). */
interface Reply {
  send(code: number, body: string, type?: string, headers?: Record<string, string>): void;
  error(code: number, message: string, headers?: Record<string, string>): void;
}

/** /api and everything under it belongs to the Jupyter server. */
function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

export class ControlServer {
  private server?: http.Server | https.Server;
  private security: ServiceConfig['security'];
  private readonly windows = new Map<string, { start: number; count: number }>();
  private boundPort = 0;
  private api: ApiHandler | undefined;

  constructor(private readonly opts: ControlServerOptions) {
    this.security = opts.security;
  }

  /** Serve the Jupyter server API under /api (and WebSocket upgrades to it). */
  setApi(api: ApiHandler | undefined): void {
    this.api = api;
  }

  get port(): number {
    return this.boundPort;
  }

  get scheme(): 'http' | 'https' {
    return this.security.tls_enabled ? 'https' : 'http';
  }

  /** Bind; rejects with PortInUseError when the port is taken. */
  async start(): Promise<number> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    const sec = this.security;
    const server =
      sec.tls_enabled && sec.tls_cert && sec.tls_key
        ? https.createServer({ cert: readFileSync(sec.tls_cert), key: readFileSync(sec.tls_key) }, handler)
        : http.createServer(handler);
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        reject(err.code === 'EADDRINUSE' ? new PortInUseError(this.opts.port, 'HTTP control port') : err);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(this.opts.port, this.opts.host ?? '127.0.0.1');
    });
    server.on('error', (err) => this.opts.logger.error({ err: err.message }, 'HTTP control server error'));
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Replace the security settings (SIGHUP). TLS certificates are reloaded; switching TLS on/off needs a restart. */
  updateSecurity(security: ServiceConfig['security']): void {
    const wasTls = this.security.tls_enabled;
    this.security = security;
    if (wasTls !== security.tls_enabled) {
      this.opts.logger.warn(
        'tls_enabled changed; restart the kernel to switch the control port between HTTP and HTTPS',
      );
      this.security = { ...security, tls_enabled: wasTls };
    } else if (wasTls && security.tls_cert && security.tls_key && this.server instanceof https.Server) {
      this.server.setSecureContext({
        cert: readFileSync(security.tls_cert),
        key: readFileSync(security.tls_key),
      });
    }
    this.windows.clear();
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private rateLimited(addr: string): number | undefined {
    const limit = this.security.rate_limit_per_minute ?? 0;
    if (limit <= 0) return undefined;
    const now = Date.now();
    if (this.windows.size > 10_000) {
      for (const [k, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(k);
    }
    let w = this.windows.get(addr);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      this.windows.set(addr, w);
    }
    w.count++;
    return w.count > limit ? Math.ceil((w.start + 60_000 - now) / 1000) : undefined;
  }

  /**
   * The token a request must carry: `[security] auth_token` on every path when set; otherwise the
   * Jupyter server's generated token on /api only (/health and /metrics stay open, as before).
   * Accepted as `Authorization: Bearer T`, `Authorization: token T` (Jupyter) or `?token=T`.
   */
  private authorized(req: http.IncomingMessage, url: URL): boolean {
    const isApi = isApiPath(url.pathname);
    const token = this.security.auth_token ?? (isApi ? this.api?.token : undefined);
    if (!token) return true;
    const m = /^(?:Bearer|token)\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const given = m ? m[1].trim() : url.searchParams.get('token');
    return given !== null && timingSafeEqual(sha(given), sha(token));
  }

  /** WebSocket upgrades: only to the Jupyter server's channels, with the same origin and token rules. */
  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const refuse = (code: number, text: string) => {
      this.opts.metrics.recordHttp('/api', code);
      socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = requestUrl(req.url);
    if (!url || !this.api || !isApiPath(url.pathname)) return refuse(404, 'Not Found');
    if (this.rateLimited(req.socket.remoteAddress ?? '?') !== undefined)
      return refuse(429, 'Too Many Requests');
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, this.security.allowed_origins ?? []))
      return refuse(403, 'Forbidden');
    if (!this.authorized(req, url)) return refuse(401, 'Unauthorized');
    this.opts.metrics.recordHttp('/api', 101);
    this.api.upgrade(req, socket, head, url);
  }

  /** Never lets an exception escape to the http server (which would end the process). */
  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      this.handleRequest(req, res);
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message, url: req.url }, 'HTTP request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ error: 'internal error' }) + '\n');
    }
  }

  private handleRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = requestUrl(req.url);
    if (!url) {
      this.opts.metrics.recordHttp('other', 400);
      res.writeHead(400, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ error: 'malformed request target' }) + '\n');
      return;
    }
    const route = ['/health', '/metrics'].includes(url.pathname)
      ? url.pathname
      : isApiPath(url.pathname) && this.api
        ? '/api'
        : 'other';
    const reply = this.replier(req, res, url, route);
    const cors = this.admit(req, url, route, reply);
    if (!cors) return;
    this.readBody(req, res, route, reply, cors, (body) => {
      if (route === '/api' && this.api) {
        this.api.request(req, res, url, body, cors).then(
          (code) => this.opts.metrics.recordHttp(route, code),
          (err: Error) => reply.error(500, `request failed: ${err.message}`, cors),
        );
        return;
      }
      this.route(req, url, route, reply, cors).catch((err: Error) =>
        reply.error(500, `request failed: ${err.message}`, cors),
      );
    });
  }

  /** How one request is answered: every answer is counted under its route; HEAD gets no body. */
  private replier(req: http.IncomingMessage, res: http.ServerResponse, url: URL, route: string): Reply {
    const send: Reply['send'] = (code, body, type = 'application/json', headers = {}) => {
      this.opts.metrics.recordHttp(route, code);
      if (!res.headersSent) {
        res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
      }
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const error: Reply['error'] = (code, message, headers = {}) => {
      this.opts.logger.debug({ code, path: url.pathname, addr: req.socket.remoteAddress }, message);
      send(code, JSON.stringify({ error: message }) + '\n', 'application/json', headers);
    };
    return { send, error };
  }

  /**
   * Rate limit (429), allowed origins (403), CORS preflight under /api (204), token (401).
   * Returns the CORS headers every answer carries, or undefined when the request was answered.
   */
  private admit(
    req: http.IncomingMessage,
    url: URL,
    route: string,
    reply: Reply,
  ): Record<string, string> | undefined {
    const retry = this.rateLimited(req.socket.remoteAddress ?? '?');
    if (retry !== undefined) {
      reply.error(429, 'rate limit exceeded', { 'Retry-After': String(retry) });
      return undefined;
    }
    const origin = req.headers.origin;
    const cors: Record<string, string> = {};
    if (origin !== undefined) {
      if (!originAllowed(origin, this.security.allowed_origins ?? [])) {
        reply.error(403, `origin ${origin} is not allowed`);
        return undefined;
      }
      cors['Access-Control-Allow-Origin'] = origin;
      cors.Vary = 'Origin';
    }
    if (route === '/api' && req.method === 'OPTIONS') {
      // CORS preflight from an allowed origin (checked above); the request itself carries the token
      reply.send(204, '', 'text/plain', {
        ...cors,
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-XSRFToken',
      });
      return undefined;
    }
    if (!this.authorized(req, url)) {
      reply.error(401, 'missing or wrong token', { 'WWW-Authenticate': 'Bearer realm="llmspell"', ...cors });
      return undefined;
    }
    return cors;
  }

  /** Read the body (kept only for /api), answering 413 past max_message_size_mb; then `done`. */
  private readBody(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: string,
    reply: Reply,
    cors: Record<string, string>,
    done: (body: Buffer) => void,
  ): void {
    const maxBytes = Math.round((this.security.max_message_size_mb ?? 10) * 1024 * 1024);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      res.setHeader('Connection', 'close');
      return reply.error(413, `request body over ${maxBytes} bytes`, cors);
    }
    let received = 0;
    let tooLarge = false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (route === '/api' && received <= maxBytes) chunks.push(chunk);
      if (received > maxBytes && !tooLarge) {
        tooLarge = true;
        res.setHeader('Connection', 'close');
        reply.error(413, `request body over ${maxBytes} bytes`, cors);
        req.destroy();
      }
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (!tooLarge) done(Buffer.concat(chunks));
    });
  }

  private async route(
    req: http.IncomingMessage,
    url: URL,
    route: string,
    { send, error }: Reply,
    cors: Record<string, string>,
  ): Promise<void> {
    if (route === 'other')
      return error(404, `no such endpoint: ${url.pathname} (try /health or /metrics)`, cors);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return error(405, `${req.method} not allowed on ${url.pathname}`, { Allow: 'GET, HEAD', ...cors });
    }
    if (route === '/health') {
      const health = this.opts.health();
      return send(
        health.status === 'stopping' ? 503 : 200,
        JSON.stringify(health) + '\n',
        'application/json',
        cors,
      );
    }
    try {
      send(200, await this.opts.metrics.text(), this.opts.metrics.contentType, cors);
    } catch (err) {
      error(500, `metrics failed: ${(err as Error).message}`, cors);
    }
  }
}
