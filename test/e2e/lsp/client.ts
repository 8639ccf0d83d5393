import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import {
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export const REPO = path.join(__dirname, '..', '..', '..', '..');
export const BIN = path.join(REPO, 'bin', 'llmspell');

export interface Served {
  child: ChildProcess;
  conn: MessageConnection;
  diagnostics: Map<string, { code?: unknown; message: string; range: { start: { line: number } } }[]>;
  waitDiagnostics(
    uri: string,
    pred: (d: { code?: unknown }[]) => boolean,
    timeoutMs?: number,
  ): Promise<{ code?: unknown; message: string }[]>;
  stop(): Promise<void>;
}

/** Spawn `llmspell kernel start --lsp` as a real stdio child and connect a JSON-RPC client. */
export function spawnServer(
  args: string[] = ['kernel', 'start', '--lsp'],
  cwd = REPO,
  env: NodeJS.ProcessEnv = process.env,
): Served {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr?.resume();
  const conn = createMessageConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const diagnostics = new Map<
    string,
    { code?: unknown; message: string; range: { start: { line: number } } }[]
  >();
  const waiters: (() => void)[] = [];
  conn.onNotification(
    'textDocument/publishDiagnostics',
    (p: {
      uri: string;
      diagnostics: { code?: unknown; message: string; range: { start: { line: number } } }[];
    }) => {
      diagnostics.set(p.uri, p.diagnostics);
      for (const w of waiters.splice(0)) w();
    },
  );
  conn.onRequest('workspace/configuration', () => [{ enableSnippets: true, enableDebug: false }]);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const waitDiagnostics = (uri: string, pred: (d: { code?: unknown }[]) => boolean, timeoutMs = 5000) =>
    new Promise<{ code?: unknown; message: string }[]>((resolve, reject) => {
      const deadline = setTimeout(
        () =>
          reject(new Error(`no matching diagnostics for ${uri}: ${JSON.stringify(diagnostics.get(uri))}`)),
        timeoutMs,
      );
      const check = () => {
        const d = diagnostics.get(uri);
        if (d && pred(d)) {
          clearTimeout(deadline);
          resolve(d);
        } else waiters.push(check);
      };
      check();
    });
  const stop = async () => {
    try {
      await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 1000))]);
      await conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 2000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    conn.dispose();
  };
  return { child, conn, diagnostics, waitDiagnostics, stop };
}

/** Write a raw framed message (for malformed input tests). */
export function writeRaw(child: ChildProcess, body: string | Buffer): void {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  child.stdin!.write(`Content-Length: ${b.length}\r\n\r\n`);
  child.stdin!.write(b);
}
