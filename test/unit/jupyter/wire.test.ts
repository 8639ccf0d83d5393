import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  isoNow,
  makeHeader,
  ReplayGuard,
  REPLAY_WINDOW,
  Signer,
  WireError,
  type WireErrorReason,
} from '../../../kernel/jupyter/wire';

const limits = { maxMessageBytes: 1024 * 1024 };

function frames(signer: Signer, content: object = { code: '1' }): Buffer[] {
  const header = makeHeader('execute_request', 'sess');
  return encodeMessage(
    { identities: [Buffer.from('id1')], header, parent_header: {}, metadata: {}, content },
    signer,
  );
}

function reasonOf(fn: () => unknown): WireErrorReason {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof WireError, `expected WireError, got ${String(err)}`);
    return err.reason;
  }
  assert.fail('expected a WireError');
}

describe('wire format', () => {
  const signer = new Signer('secret-key');

  it('round-trips a signed message with identities and content', () => {
    const msg = decodeMessage(frames(signer, { code: 'print(1)' }), signer, limits);
    assert.equal(msg.identities[0].toString(), 'id1');
    assert.equal(msg.header.msg_type, 'execute_request');
    assert.deepEqual(msg.content, { code: 'print(1)' });
    assert.equal(msg.header.version, '5.3');
  });

  it('signs with HMAC-SHA256 hex over the four JSON frames', () => {
    const f = frames(signer);
    const h = createHmac('sha256', 'secret-key');
    for (const p of f.slice(3, 7)) h.update(p);
    assert.equal(f[2].toString(), h.digest('hex'));
  });

  it('rejects a forged signature, a message signed with another key and a truncated signature', () => {
    const f = frames(signer);
    f[2] = Buffer.from('0'.repeat(64));
    assert.equal(
      reasonOf(() => decodeMessage(f, signer, limits)),
      'bad-signature',
    );
    assert.equal(
      reasonOf(() => decodeMessage(frames(new Signer('other')), signer, limits)),
      'bad-signature',
    );
    const g = frames(signer);
    g[2] = g[2].subarray(0, 10);
    assert.equal(
      reasonOf(() => decodeMessage(g, signer, limits)),
      'bad-signature',
    );
  });

  it('rejects tampered content even with the original signature', () => {
    const f = frames(signer);
    f[6] = Buffer.from(JSON.stringify({ code: 'os.exit()' }));
    assert.equal(
      reasonOf(() => decodeMessage(f, signer, limits)),
      'bad-signature',
    );
  });

  it('rejects missing delimiter, missing frames, bad JSON, bad header and oversize messages', () => {
    assert.equal(
      reasonOf(() => decodeMessage([Buffer.from('x')], signer, limits)),
      'no-delimiter',
    );
    assert.equal(
      reasonOf(() => decodeMessage(frames(signer).slice(0, 5), signer, limits)),
      'missing-frames',
    );
    const none = new Signer('');
    const bad = frames(none);
    bad[6] = Buffer.from('{not json');
    assert.equal(
      reasonOf(() => decodeMessage(bad, none, limits)),
      'bad-json',
    );
    const arr = frames(none);
    arr[6] = Buffer.from('[1,2]');
    assert.equal(
      reasonOf(() => decodeMessage(arr, none, limits)),
      'bad-json',
    );
    const hdr = frames(none);
    hdr[3] = Buffer.from('{"msg_type": 3}');
    assert.equal(
      reasonOf(() => decodeMessage(hdr, none, limits)),
      'bad-header',
    );
    const big = frames(signer, { code: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(
      reasonOf(() => decodeMessage(big, signer, limits)),
      'oversize',
    );
  });

  it('accepts unsigned messages when the key is empty', () => {
    const none = new Signer('');
    assert.equal(none.enabled, false);
    assert.equal(decodeMessage(frames(none), none, limits).header.msg_type, 'execute_request');
  });

  it('uses ISO-8601 dates with a timezone', () => {
    assert.match(isoNow(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('ReplayGuard drops duplicates and forgets old keys beyond its capacity', () => {
    const g = new ReplayGuard(3);
    assert.equal(g.admit('a'), true);
    assert.equal(g.admit('a'), false);
    for (const k of ['b', 'c', 'd', 'e']) assert.equal(g.admit(k), true);
    assert.equal(g.admit('a'), true, 'a was evicted');
    assert.equal(g.admit('e'), false);
  });

  it("the default replay window is at least jupyter_client's digest history (2**16)", () => {
    assert.ok(REPLAY_WINDOW >= 2 ** 16);
    const g = new ReplayGuard();
    const sig = (i: number) => createHmac('sha256', 'k').update(String(i)).digest('hex');
    assert.equal(g.admit(sig(-1)), true);
    for (let i = 0; i < REPLAY_WINDOW - 1; i++) assert.equal(g.admit(sig(i)), true);
    assert.equal(g.admit(sig(-1)), false, 'still remembered after 65,535 others');
    assert.equal(g.size, REPLAY_WINDOW);
    g.admit(sig(1e9));
    assert.equal(g.admit(sig(-1)), true, 'forgotten once the window moved past it');
  });
});
