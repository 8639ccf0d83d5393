import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnServer, type Served } from '../e2e/lsp/client';
import { count, MB, Rng, rssOf, SEED, within } from './fuzz-lib';

/**
 * The language server (stdio) under hostile framing: malformed headers, junk, truncated frames,
 * random JSON-RPC, an oversized document. After each case it must still answer a real request
 * and its memory must come back near the baseline measured in the same run.
 */

const frame = (body: string | Buffer) => {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]);
};

/** Bytes that realign the reader whatever state it was left in (see server/framing.ts). */
const FLUSH = Buffer.from(' '.repeat(512) + '\r\n\r\n');

describe('fuzz: LSP framing over stdio', () => {
  let dir: string;
  let s: Served;
  let uri: string;
  let parseErrors = 0;
  let baseline = 0;

  const write = (b: Buffer | string) => s.child.stdin!.write(b);
  const alive = async (what: string) => {
    write(FLUSH);
    const r = await within(
      20_000,
      what,
      s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }),
    );
    assert.ok(Array.isArray(r) && r.length > 0, `${what}: ${JSON.stringify(r)} (seed ${SEED})`);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-fuzz-lsp-'));
    uri = 'file://' + path.join(dir, 'main.lua');
    s = spawnServer(['kernel', 'start', '--lsp'], dir);
    s.child.stdout!.on('data', (b: Buffer) => {
      parseErrors += b.toString('latin1').split('"code":-32700').length - 1;
    });
    await s.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: 'file://' + dir,
      capabilities: {},
    });
    await s.conn.sendNotification('initialized', {});
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: {
        uri,
        languageId: 'lua',
        version: 1,
        text: 'local function greet(n) return n end\nreturn greet\n',
      },
    });
    await alive('initial');
    baseline = rssOf(s.child.pid!) ?? 0;
  });
  after(async () => {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, bad] of [
    ['Content-Length: abc', 'Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"x"}'],
    ['a negative length', 'Content-Length: -20\r\n\r\n{"jsonrpc":"2.0"}'],
    ['a huge length', 'Content-Length: 99999999999999999\r\n\r\n{}'],
    ['a header line without a colon', 'Content-Length 20\r\nhello\r\n\r\n{"jsonrpc":"2.0"}'],
    ['a header line of 1 MB without a newline', 'X-Junk: ' + 'A'.repeat(MB)],
  ]) {
    it(`${name}: a parse error, then it answers again`, async () => {
      const before = parseErrors;
      write(bad);
      await alive(name);
      assert.ok(parseErrors > before, `no parse error for ${name}`);
    });
  }

  it('seeded random frames (junk, truncated, forged JSON-RPC) leave it answering with memory near baseline', async () => {
    const rng = new Rng(SEED);
    const methods = [
      'textDocument/hover',
      'textDocument/completion',
      'textDocument/definition',
      'workspace/symbol',
      'textDocument/didChange',
      'textDocument/didOpen',
      '$/cancelRequest',
      'initialize',
      'nope',
    ];
    const cases = count(300, 5000);
    for (let i = 0; i < cases; i++) {
      const kind = rng.int(0, 5);
      if (kind === 0) write(rng.bytes(rng.int(1, 2000)));
      else if (kind === 1) {
        const body = frame(
          JSON.stringify({ jsonrpc: '2.0', id: i, method: rng.pick(methods), params: rng.value(3) }),
        );
        // truncated by at most 500 bytes, so FLUSH completes it
        write(body.subarray(0, rng.int(Math.max(1, body.length - 500), body.length - 1)));
        write(FLUSH);
      } else if (kind === 2)
        write(`Content-Length: ${rng.pick(['', '-1', '1e3', '0x10', ' 12 34', '٣'])}\r\n\r\n`);
      else if (kind === 3) write(frame(rng.bytes(rng.int(0, 300))));
      else {
        const msg: Record<string, unknown> = {
          jsonrpc: rng.pick(['2.0', '1.0', 2]),
          method: rng.pick(methods),
          params: rng.value(3),
        };
        if (rng.next() < 0.6) msg.id = rng.pick([i, String(i), null, { x: 1 }]);
        write(frame(JSON.stringify(msg)));
      }
      if (i % 50 === 49) await alive(`after case ${i}`);
    }
    await alive('after the random frames');
    const rss = rssOf(s.child.pid!);
    if (rss && baseline)
      assert.ok(
        rss < baseline + 150 * MB,
        `RSS ${rss / MB} MB vs baseline ${baseline / MB} MB (seed ${SEED})`,
      );
  });

  it('a 20 MB document is refused with a message instead of analysed, and memory stays bounded', async () => {
    const bigUri = 'file://' + path.join(dir, 'huge.lua');
    const line = 'local value_abc = string.format("%d", 12345) -- filler comment to grow the file\n';
    const text = line.repeat(Math.ceil((20 * MB) / line.length));
    const shown = new Promise<string>((resolve) =>
      s.conn.onNotification('window/showMessage', (p: { message: string }) => resolve(p.message)),
    );
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: bigUri, languageId: 'lua', version: 1, text },
    });
    assert.match(await within(60_000, 'showMessage', shown), /over llmspell\.maxFileSize/);
    const hover = await s.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: bigUri },
      position: { line: 3, character: 8 },
    });
    assert.equal(hover, null);
    await alive('after the 20 MB document');
    const rss = rssOf(s.child.pid!);
    // the text itself is held (the document is open); its analysis (~2.4 GB) is not
    if (rss && baseline)
      assert.ok(rss < baseline + 400 * MB, `RSS ${rss / MB} MB vs baseline ${baseline / MB} MB`);
    await s.conn.sendNotification('textDocument/didClose', { textDocument: { uri: bigUri } });
    await alive('after closing it');
  });
});
