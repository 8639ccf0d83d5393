import * as net from 'net';
import type { Readable, Writable } from 'stream';
import { StreamMessageReader, StreamMessageWriter, type Message } from 'vscode-languageserver/node';
import type { Logger } from './logger';

export const IGNORED_METHOD = '$/llmspell/ignored';
export const SESSION_EXIT_METHOD = '$/llmspell/sessionExit';

/**
 * Message reader and writer over byte streams. A body that is not JSON gets the JSON-RPC
 * "Parse error" response (id null) instead of tearing the connection down; `exit` can be mapped
 * to a session-only notification (TCP sessions must not end the process).
 */
export function createTransport(
  input: Readable,
  output: Writable,
  log: Logger,
  opts: { mapExit?: boolean } = {},
): { reader: StreamMessageReader; writer: StreamMessageWriter } {
  const writer = new StreamMessageWriter(output, 'utf-8');
  const decoder = {
    name: 'application/json',
    decode: (buffer: Uint8Array, options: { charset: string }): Promise<Message> => {
      const text = Buffer.from(buffer).toString(options.charset === 'utf8' ? 'utf8' : 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        log.warn(`malformed JSON-RPC message (${(e as Error).message}); answered with a parse error`);
        void writer.write({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32700, message: 'Parse error: the message body is not valid JSON' },
        } as unknown as Message);
        return Promise.resolve({ jsonrpc: '2.0', method: IGNORED_METHOD } as Message);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        void writer.write({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32600, message: 'Invalid Request: expected a JSON object' },
        } as unknown as Message);
        return Promise.resolve({ jsonrpc: '2.0', method: IGNORED_METHOD } as Message);
      }
      const msg = parsed as { method?: unknown; id?: unknown };
      if (opts.mapExit && msg.method === 'exit')
        return Promise.resolve({ jsonrpc: '2.0', method: SESSION_EXIT_METHOD } as Message);
      if (msg.method === undefined && msg.id === undefined) {
        void writer.write({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32600, message: 'Invalid Request: no method' },
        } as unknown as Message);
        return Promise.resolve({ jsonrpc: '2.0', method: IGNORED_METHOD } as Message);
      }
      if (msg.method !== undefined && typeof msg.method !== 'string') {
        const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
        void writer.write({
          jsonrpc: '2.0',
          id,
          error: { code: -32600, message: 'Invalid Request: method must be a string' },
        } as unknown as Message);
        return Promise.resolve({ jsonrpc: '2.0', method: IGNORED_METHOD } as Message);
      }
      return Promise.resolve(parsed as Message);
    },
  };
  const reader = new StreamMessageReader(input, { charset: 'utf-8', contentTypeDecoder: decoder });
  reader.onError((e) => log.warn(`protocol read error: ${e.message}`));
  writer.onError(([e]) => log.warn(`protocol write error: ${e.message}`));
  return { reader, writer };
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
