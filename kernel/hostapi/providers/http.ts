import type { ProviderConfig } from '../../config/config';
import { HostError, type HostLogger } from '../types';

/**
 * HTTP for model providers: one request with an idle timeout (timeout_secs without a byte from the
 * server), retries with backoff on 429/5xx and dropped connections (honouring Retry-After, bounded),
 * cancellation through the caller's AbortSignal, and errors that name the provider, the URL, the
 * status and the provider's own message. API keys travel only in headers and never reach a log line.
 */

export interface ProviderRequest {
  /** Provider name for messages ("openai"). */
  provider: string;
  config: ProviderConfig;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  log: HostLogger;
}

/** Longest wait we honour from Retry-After, and the backoff cap. */
export const MAX_RETRY_AFTER_MS = 30_000;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** Reads a response body as text chunks; every chunk re-arms the idle timer. */
export type BodyConsumer<T> = (chunks: AsyncIterable<string>) => Promise<T>;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new HostError('interrupted'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new HostError('interrupted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After as milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The provider's error message from a JSON (or text) error body. */
export function providerMessage(text: string): string {
  try {
    const j = JSON.parse(text) as unknown;
    if (j && typeof j === 'object') {
      const o = j as { error?: unknown; message?: unknown };
      if (typeof o.error === 'string') return o.error;
      if (o.error && typeof o.error === 'object') {
        const m = (o.error as { message?: unknown }).message;
        if (typeof m === 'string') return m;
      }
      if (typeof o.message === 'string') return o.message;
    }
  } catch {
    // not JSON: use the text
  }
  const t = text.trim();
  return t.length > 500 ? t.slice(0, 500) + '...' : t || '(empty response body)';
}

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']);

class Attempt {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  timedOut = false;
  constructor(
    private readonly ms: number,
    outer: AbortSignal,
  ) {
    const abort = (): void => this.controller.abort();
    if (outer.aborted) abort();
    else outer.addEventListener('abort', abort, { once: true });
    this.arm();
  }
  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms);
  }
  done(): void {
    clearTimeout(this.timer);
  }
}

async function* textChunks(body: ReadableStream<Uint8Array>, attempt: Attempt): AsyncIterable<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      attempt.arm();
      const text = decoder.decode(value, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } finally {
    reader.releaseLock();
  }
}

/**
 * POST JSON and hand the body to `consume`. Retries happen only before the body is consumed
 * (a stream that already delivered chunks is never replayed).
 */
export async function postJson<T>(req: ProviderRequest, consume: BodyConsumer<T>): Promise<T> {
  const { provider, config, url, signal, log } = req;
  const timeoutMs = config.timeout_secs * 1000;
  const maxRetries = config.max_retries;
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw new HostError('interrupted');
    const a = new Attempt(timeoutMs, signal);
    let retryIn: number;
    let why: string;
    try {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...req.headers },
          body: JSON.stringify(req.body),
          signal: a.controller.signal,
        });
      } catch (err) {
        throw classify(err, a, req);
      }
      a.arm();
      if (res.ok && res.body) {
        try {
          return await consume(textChunks(res.body, a));
        } catch (err) {
          if (err instanceof HostError) throw err;
          throw classify(err, a, req, true);
        }
      }
      let text = '';
      try {
        text = await res.text();
      } catch {
        // the error body is optional
      }
      const message = `${provider}: HTTP ${res.status} from ${url}: ${providerMessage(text)}`;
      if ((res.status === 429 || res.status >= 500) && attempt < maxRetries) {
        const hinted = retryAfterMs(res.headers.get('retry-after'));
        retryIn = Math.min(
          hinted ?? Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt) * (0.75 + Math.random() / 2),
          MAX_RETRY_AFTER_MS,
        );
        why = `HTTP ${res.status}`;
      } else {
        throw new HostError(
          res.status === 429 || res.status >= 500
            ? `${message} (after ${attempt + 1} attempt${attempt ? 's' : ''})`
            : message,
        );
      }
    } catch (err) {
      if (err instanceof RetryableError && attempt < maxRetries) {
        retryIn = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
        why = err.message;
      } else if (err instanceof RetryableError) {
        throw new HostError(`${err.message} (after ${attempt + 1} attempts)`);
      } else {
        throw err;
      }
    } finally {
      a.done();
    }
    log.warn(
      { provider, attempt: attempt + 1, retry_in_ms: Math.round(retryIn) },
      `${provider}: ${why}, retrying in ${(retryIn / 1000).toFixed(1)} s (attempt ${attempt + 2} of ${maxRetries + 1})`,
    );
    await sleep(retryIn, signal);
  }
}

class RetryableError extends Error {}

function classify(err: unknown, a: Attempt, req: ProviderRequest, midBody = false): Error {
  if (req.signal.aborted) return new HostError('interrupted');
  if (a.timedOut)
    return new HostError(
      `${req.provider}: no response from ${req.url} within ${req.config.timeout_secs} s ` +
        `([providers.${req.provider}] timeout_secs)`,
    );
  const code = networkCode(err);
  if (code === 'ECONNREFUSED')
    return new HostError(
      `${req.provider}: cannot connect to ${req.url}: connection refused (is the server running?)`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new HostError(`${req.provider}: cannot resolve the host of ${req.url} (${code})`);
  if (midBody) return new HostError(`${req.provider}: the connection to ${req.url} closed mid-response`);
  if (code && TRANSIENT_CODES.has(code))
    return new RetryableError(`${req.provider}: the connection to ${req.url} was closed (${code})`);
  const msg = err instanceof Error ? err.message : String(err);
  if (/other side closed|socket hang up|terminated/i.test(msg))
    return new RetryableError(`${req.provider}: the connection to ${req.url} was closed`);
  return new HostError(`${req.provider}: request to ${req.url} failed: ${msg}${code ? ` (${code})` : ''}`);
}

/** Splits a text stream into lines (NDJSON, SSE). */
export async function* lines(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let buf = '';
  for await (const c of chunks) {
    buf += c;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
    }
  }
  if (buf) yield buf;
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Server-sent events (text/event-stream): `event:` and multi-line `data:` fields. */
export async function* sseEvents(chunks: AsyncIterable<string>): AsyncIterable<SseEvent> {
  let event = '';
  let data: string[] = [];
  for await (const line of lines(chunks)) {
    if (line === '') {
      if (data.length) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
    } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    else if (line.startsWith('event:')) event = line.slice(6).trim();
  }
  if (data.length) yield { event: event || 'message', data: data.join('\n') };
}

/** Concatenate a whole body. */
export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of chunks) s += c;
  return s;
}

export function parseJson(text: string, provider: string, url: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HostError(`${provider}: ${url} answered with invalid JSON: ${text.slice(0, 200)}`);
  }
}
