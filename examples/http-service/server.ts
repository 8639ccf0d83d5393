/**
 * An HTTP service embedding the llmspell runtime (the guide's "HTTP Service Example", in TypeScript).
 *   POST /execute  body: Lua code (text/plain) or {"code": "..."}  -> {"ok", "values", "output" | "error"}
 *   GET  /health
 * Every request needs `Authorization: Bearer $LLMSPELL_SERVICE_TOKEN`.
 * Run: LLMSPELL_SERVICE_TOKEN=secret node dist/examples/http-service/server.js  (PORT, default 8080)
 */
import { createHash, timingSafeEqual } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
// in an application this is: import { ScriptRuntime } from 'llmspell';
import { ScriptRuntime } from '../../kernel/index';

export interface ExampleServiceOptions {
  token: string;
  port?: number;
  host?: string;
  maxBodyBytes?: number;
}

function same(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

export async function startExampleService(opts: ExampleServiceOptions) {
  const runtime = await ScriptRuntime.create({ name: 'http-service' });
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const server = http.createServer((req, res) => {
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!auth || !same(auth[1], opts.token)) return reply(401, { error: 'unauthorized' });
    if (req.method === 'GET' && req.url === '/health') return reply(200, { status: 'ok' });
    if (req.method !== 'POST' || req.url !== '/execute')
      return reply(404, { error: 'POST /execute or GET /health' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
        reply(413, { error: 'body too large' });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (size > maxBody) return;
      const text = Buffer.concat(chunks).toString('utf8');
      let code = text;
      if (String(req.headers['content-type']).startsWith('application/json')) {
        try {
          code = String((JSON.parse(text) as { code?: unknown }).code ?? '');
        } catch {
          return reply(400, { error: 'invalid JSON' });
        }
      }
      runtime.execute(code).then(
        (r) => reply(200, r),
        (err: unknown) => reply(500, { error: String(err) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}

if (require.main === module) {
  const token = process.env.LLMSPELL_SERVICE_TOKEN;
  if (!token) {
    process.stderr.write('set LLMSPELL_SERVICE_TOKEN\n');
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 8080);
  startExampleService({ token, port, host: process.env.HOST ?? '127.0.0.1' }).then(
    (s) => {
      process.stderr.write(`listening on ${s.port}\n`);
      const stop = () => void s.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
