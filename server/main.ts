import type * as net from 'net';
import { ProposedFeatures, createConnection, type Connection } from 'vscode-languageserver/node';
import { createLogger, type Logger } from './logger';
import { LanguageServer } from './server';
import { SESSION_EXIT_METHOD, createTransport, listenTcp } from './transport';

/** Entry of the language server: `llmspell kernel start --lsp [--stdio] [--port N]`. */
export interface LspCliOptions {
  port?: string;
  trace?: string;
}

/** Start one LSP session over a pair of streams. */
export function startSession(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  log: Logger,
  opts: { tcp?: net.Socket } = {},
): Connection {
  const { reader, writer } = createTransport(input as never, output as never, log, { mapExit: !!opts.tcp });
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  new LanguageServer(connection, log, { allowRun: !opts.tcp });
  if (opts.tcp) {
    const sock = opts.tcp;
    connection.onNotification(SESSION_EXIT_METHOD, () => {
      sock.end();
    });
    sock.on('close', () => connection.dispose());
    sock.on('error', (e) => log.debug(`LSP TCP client error: ${e.message}`));
  }
  connection.listen();
  return connection;
}

export async function startLanguageServerFromCli(opts: LspCliOptions): Promise<void> {
  const log = createLogger(opts.trace ?? process.env.LLMSPELL_LSP_LOG ?? 'info');
  process.on('uncaughtException', (e) => log.error(`uncaught: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => log.error(`unhandled rejection: ${String(e)}`));
  startSession(process.stdin, process.stdout, log);
  process.stdin.on('end', () => process.exit(0));
  if (opts.port !== undefined) {
    const port = Number(opts.port);
    if (Number.isInteger(port) && port >= 0 && port < 65536) {
      const server = await listenTcp(
        port,
        '127.0.0.1',
        (sock) => startSession(sock, sock, log, { tcp: sock }),
        log,
      );
      server?.unref();
    } else log.warn(`--port ${opts.port} is not a port number; serving stdio only`);
  }
}
