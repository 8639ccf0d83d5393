import * as net from 'net';
import type { Readable, Writable } from 'stream';
import { StreamMessageWriter, type Message } from 'vscode-languageserver/node';
import { FramedMessageReader, type FramingLimits } from './framing';
import type { Logger } from './logger';

export const IGNORED_METHOD = '$/llmspell/ignored';
export const SESSION_EXIT_METHOD = '$/llmspell/sessionExit';

/**
 * Message reader and writer over byte streams. Framing errors (see framing.ts) and bodies that
 * are not JSON-RPC get an error response (id null) and the reader resynchronises on the next
 * frame instead of tearing the connection down or going deaf; `exit` can be mapped to a
 * session-only notification (TCP sessions must not end the process).
 */
export function createTransport(
  input: Readable,
  output: Writable,
  log: Logger,
  opts: { mapExit?: boolean; limits?: FramingLimits } = {},
): { reader: FramedMessageReader; writer: StreamMessageWriter } {
  const writer = new StreamMessageWriter(output, 'utf-8');
  const ignored = { jsonrpc: '2.0', method: IGNORED_METHOD } as Message;
  const fail = (code: number, message: string, id: number | string | null = null): Message => {
    log.warn(`${message}; answered with an error`);
    void writer.write({ jsonrpc: '2.0', id, error: { code, message } } as unknown as Message);
    return ignored;
  };
  const decode = (body: Buffer): Message => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return fail(-32700, `Parse error: the message body is not valid JSON (${(e as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return fail(-32600, 'Invalid Request: expected a JSON object');
    return checkShape(parsed as RawMessage, fail, opts.mapExit === true) ?? ignored;
  };
  const reader = new FramedMessageReader(
    input,
    decode,
    (message) => void fail(-32700, `Parse error: ${message}`),
    opts.limits,
  );
  reader.onError((e) => log.warn(`protocol read error: ${e.message}`));
  writer.onError(([e]) => log.warn(`protocol write error: ${e.message}`));
  return { reader, writer };
}

interface RawMessage {
  method?: unknown;
  id?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/**
 * JSON-RPC shape checks before vscode-jsonrpc sees a message (it throws on some of these, e.g. a
 * `$/cancelRequest` without an id): requests need a string or number id, params are an object
 * or an array, responses carry a result or an error. Bad requests are answered; bad
 * notifications and responses are dropped with a log line (they cannot be answered).
 */
function checkShape(
  msg: RawMessage,
  fail: (code: number, message: string, id?: number | string | null) => Message,
  mapExit: boolean,
): Message | undefined {
  const idOk = typeof msg.id === 'string' || (typeof msg.id === 'number' && Number.isFinite(msg.id));
  const id = idOk ? (msg.id as number | string) : null;
  if (msg.method === undefined) {
    if (msg.id === undefined) return fail(-32600, 'Invalid Request: no method');
    if ((msg.result === undefined && msg.error === undefined) || !(idOk || msg.id === null))
      return fail(-32600, 'Invalid Request: neither a request nor a response');
    return msg as Message;
  }
  if (typeof msg.method !== 'string') return fail(-32600, 'Invalid Request: method must be a string', id);
  if (msg.id !== undefined && !idOk) return fail(-32600, 'Invalid Request: id must be a string or a number');
  if (msg.params !== undefined && (typeof msg.params !== 'object' || msg.params === null))
    return fail(-32602, 'Invalid params: params must be an object or an array', id);
  if (msg.method === '$/cancelRequest') {
    const target = (msg.params as { id?: unknown } | undefined)?.id;
    if (typeof target !== 'string' && typeof target !== 'number') return undefined;
  }
  if (mapExit && msg.method === 'exit') return { jsonrpc: '2.0', method: SESSION_EXIT_METHOD } as Message;
  return msg as Message;
}

/** Offer LSP on a TCP port when it is free; log and continue when not. */
export function listenTcp(
  port: number,
  host: string,
  onSocket: (s: net.Socket) => void,
  log: Logger,
): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer(onSocket);
    server.once('error', (e: NodeJS.ErrnoException) => {
      log.info(
        `LSP TCP port ${port} not offered (${e.code === 'EADDRINUSE' ? 'in use' : e.message}); serving stdio only`,
      );
      resolve(undefined);
    });
    server.listen(port, host, () => {
      const addr = server.address();
      log.info(`LSP also listening on tcp://${host}:${typeof addr === 'object' && addr ? addr.port : port}`);
      resolve(server);
    });
  });
}
