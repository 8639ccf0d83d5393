import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LuaRuntime } from '../../kernel/runtime/runtime';
import { startDapServer, type DapServer } from '../../debug-adapter/server';
import { client } from '../e2e/dap/helpers';
import { count, MB, Rng, SEED, within } from './fuzz-lib';

/**
 * The kernel's DAP TCP server under hostile clients: random bytes, bad headers, random requests
 * without the token, random requests with it. Afterwards an authenticated client still attaches
 * and evaluates, the runtime was never reached by an unauthenticated request, and memory stays
 * near the baseline of the same run.
 */

const frame = (o: unknown) => {
  const b = Buffer.from(JSON.stringify(o));
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]);
};

/** Write bytes, then close; resolves when the server side is done with the socket. */
function burst(port: number, chunks: Buffer[]): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => resolve(text));
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
      s.end();
    });
  });
}

const COMMANDS = [
  'initialize',
  'attach',
  'launch',
  'evaluate',
  'setBreakpoints',
  'variables',
  'threads',
  'stackTrace',
  'continue',
  'pause',
  'next',
  'setVariable',
  'source',
  'disconnect',
  'configurationDone',
  'completions',
  'scopes',
  'setExceptionBreakpoints',
  'restart',
  'terminate',
  'nonsense',
];

describe('fuzz: DAP TCP server', () => {
  let rt: LuaRuntime;
  let server: DapServer;
  let baseline = 0;

  async function healthy(what: string): Promise<void> {
    const dc = client(server);
    await within(20_000, `${what}: connect`, dc.start(server.port));
    await within(
      20_000,
      `${what}: initialize`,
      dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' }),
    );
    await within(20_000, `${what}: attach`, dc.attachRequest({} as DebugProtocol.AttachRequestArguments));
    const ev = await within(
      20_000,
      `${what}: evaluate`,
      dc.evaluateRequest({ expression: 'fuzz_marker', context: 'repl' }),
    );
    assert.equal(
      ev.body.result,
      'nil',
      `${what}: an unauthenticated request reached the runtime: ${JSON.stringify(ev.body)}`,
    );
    await dc.stop();
  }

  before(async () => {
    rt = await LuaRuntime.create({ name: 'kernel' });
    server = await startDapServer({ port: 0, host: '127.0.0.1', attachRuntime: rt });
    await healthy('before');
    baseline = process.memoryUsage().rss;
  });
  after(async () => {
    await server.close();
    await rt.dispose();
  });

  it('seeded junk and unauthenticated requests: refused, connections closed, the runtime untouched', async () => {
    const rng = new Rng(SEED + 2);
    for (let i = 0; i < count(150, 1500); i++) {
      const kind = rng.int(0, 4);
      let chunks: Buffer[];
      if (kind === 0) chunks = [rng.bytes(rng.int(1, 4000))];
      else if (kind === 1)
        chunks = [Buffer.from(`Content-Length: ${rng.pick(['-1', 'abc', '99999999999', ''])}\r\n\r\n{}`)];
      else if (kind === 2) chunks = [Buffer.alloc(rng.int(9000, 40000), 'H')];
      else {
        // requests without (or with a wrong) token; they must not touch the runtime
        const n = rng.int(1, 8);
        chunks = Array.from({ length: n }, (_, j) => {
          const command = rng.pick(COMMANDS);
          const args: Record<string, unknown> = { ...(rng.value(2) as object) };
          if (command === 'evaluate') Object.assign(args, { expression: 'fuzz_marker = 1', context: 'repl' });
          if (command === 'launch') args.program = '/etc/passwd';
          if (rng.next() < 0.3) args.token = rng.pick(['', 'x', server.token!.slice(0, 31), 42]);
          return frame({
            seq: j + 1,
            type: rng.pick(['request', 'request', 'event', 'response']),
            command,
            arguments: args,
          });
        });
      }
      await burst(server.port, chunks);
    }
    await healthy('after junk');
    assert.ok(process.memoryUsage().rss < baseline + 200 * MB, 'memory near baseline');
  });

  it('an authenticated client sending seeded random requests cannot break the server', async () => {
    const rng = new Rng(SEED + 3);
    const dc = client(server);
    await dc.start(server.port);
    await dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' });
    await dc.attachRequest({} as DebugProtocol.AttachRequestArguments);
    for (let i = 0; i < count(200, 2000); i++) {
      const command = rng.pick(COMMANDS.filter((c) => c !== 'disconnect' && c !== 'terminate'));
      const args = rng.value(3) as object;
      await within(
        20_000,
        `request ${command}`,
        dc.send(command, args).catch(() => undefined),
      );
    }
    await dc.stop();
    await healthy('after random requests');
  });
});
