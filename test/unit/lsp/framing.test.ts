import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FrameParser, type FrameEvent } from '../../../server/framing';
import { oversize } from '../../../server/sizeLimit';

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const ok = '{"jsonrpc":"2.0","id":1,"method":"ping"}';

function feed(p: FrameParser, ...parts: (string | Buffer)[]): FrameEvent[] {
  return parts.flatMap((x) => p.push(typeof x === 'string' ? Buffer.from(x, 'latin1') : x));
}
const summary = (evs: FrameEvent[]) => evs.map((e) => (e.kind === 'error' ? 'error' : e.body.toString()));

test('well-formed frames, split anywhere, come out whole and in order', () => {
  const text =
    frame(ok) + `content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}`;
  for (let cut = 0; cut <= text.length; cut += 7) {
    const p = new FrameParser();
    assert.deepEqual(summary(feed(p, text.slice(0, cut), text.slice(cut))), [ok, '{}']);
    assert.equal(p.buffered, 0);
  }
});

for (const [name, bad] of [
  ['a length that is not a number', 'Content-Length: abc\r\n\r\n{"x":1}'],
  ['a negative length', 'Content-Length: -5\r\n\r\n{"x":1}'],
  ['a huge length', 'Content-Length: 99999999999999\r\n\r\n{"x":1}'],
  ['a header line without a colon', 'Content-Length 12\r\n\r\n{"x":1}'],
  ['no Content-Length at all', 'Content-Type: x\r\n\r\n{"x":1}'],
  ['binary junk', '\x00\xff\r\n\r\n\x01'],
]) {
  test(`${name}: one error, then the next frame is read (resynchronised)`, () => {
    const p = new FrameParser({ maxHeaderBytes: 1024, maxMessageBytes: 1 << 20 });
    assert.deepEqual(summary(feed(p, bad, frame(ok))), ['error', ok]);
    assert.deepEqual(summary(feed(p, frame(ok))), [ok]);
  });
}

test('a header that never ends is bounded: an error, the buffer stays small, later frames pass', () => {
  const p = new FrameParser({ maxHeaderBytes: 1024, maxMessageBytes: 1 << 20 });
  const evs: FrameEvent[] = [];
  const junk = Buffer.alloc(64 * 1024, 'A');
  for (let i = 0; i < 64; i++) {
    evs.push(...p.push(junk));
    assert.ok(p.buffered < 2048, `holds ${p.buffered} bytes`);
  }
  assert.deepEqual(summary(evs), ['error']);
  assert.deepEqual(summary(feed(p, frame(ok))), [ok]);
});

test('a body over the message limit is refused and skipped', () => {
  const p = new FrameParser({ maxHeaderBytes: 1024, maxMessageBytes: 100 });
  const big = `{"pad":"${'x'.repeat(500)}"}`;
  const evs = feed(p, frame(big), frame(ok));
  assert.equal(evs[0].kind, 'error');
  assert.match((evs[0] as { message: string }).message, /over the limit of 100/);
  assert.deepEqual(summary(evs).slice(-1), [ok]);
});

test('oversize: measured in UTF-8 bytes against a KB limit', () => {
  assert.equal(oversize('x'.repeat(1000), 1), undefined);
  assert.ok(oversize('x'.repeat(1001), 1));
  assert.ok(oversize('é'.repeat(600), 1)); // 1200 bytes
  assert.match(oversize('x'.repeat(3000), 1)!.message, /maxFileSize \(1 KB\)/);
});
