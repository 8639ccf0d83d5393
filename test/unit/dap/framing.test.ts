import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DapFrameGuard } from '../../../debug-adapter/framing';
import { DapAuth, dapToken } from '../../../debug-adapter/auth';

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('DapFrameGuard: whole frames, however the bytes are split', () => {
  const text = frame('{"seq":1}') + frame('{"seq":2,"x":"é"}');
  for (let cut = 0; cut <= text.length; cut += 3) {
    const g = new DapFrameGuard();
    const b = Buffer.from(text);
    const frames = [...g.push(b.subarray(0, cut)).frames, ...g.push(b.subarray(cut)).frames];
    assert.deepEqual(
      frames.map((f) => f.toString()),
      [frame('{"seq":1}'), frame('{"seq":2,"x":"é"}')],
    );
  }
});

test('DapFrameGuard: bounded header, bad length, oversized body are errors', () => {
  const g = new DapFrameGuard({ maxHeaderBytes: 100, maxMessageBytes: 1000 });
  assert.equal(g.push(Buffer.alloc(50, 'A')).error, undefined);
  assert.match(g.push(Buffer.alloc(60, 'A')).error ?? '', /longer than 100/);
  assert.deepEqual(g.push(Buffer.from(frame('{}'))), { frames: [] }, 'nothing after an error');
  assert.match(
    new DapFrameGuard().push(Buffer.from('Content-Length: -1\r\n\r\n')).error ?? '',
    /valid Content-Length/,
  );
  assert.match(
    new DapFrameGuard({ maxHeaderBytes: 100, maxMessageBytes: 10 }).push(
      Buffer.from(frame('{"a":"0123456789"}')),
    ).error ?? '',
    /over the limit/,
  );
});

test('dapToken: the configured token, else derived from the key (stable), else random', () => {
  assert.equal(dapToken({ configured: 'abc', connectionKey: 'k' }), 'abc');
  assert.equal(dapToken({ connectionKey: 'k' }), dapToken({ connectionKey: 'k' }));
  assert.notEqual(dapToken({ connectionKey: 'k' }), dapToken({ connectionKey: 'k2' }));
  assert.match(dapToken({ connectionKey: 'k' }), /^[0-9a-f]{32}$/);
  assert.notEqual(dapToken({}), dapToken({}));
});

test('DapAuth: only initialize and disconnect before the token; the token in any request opens', () => {
  const req = (command: string, args?: object) => ({ seq: 1, type: 'request', command, arguments: args });
  const a = new DapAuth('t');
  assert.equal(a.check(req('initialize', {})), undefined);
  assert.match(a.check(req('evaluate', { expression: '1' })) ?? '', /authentication required/);
  assert.match(a.check(req('attach', { token: 'x' })) ?? '', /wrong token/);
  assert.equal(a.authenticated, false);
  assert.equal(a.check(req('attach', { token: 't' })), undefined);
  assert.equal(a.check(req('evaluate', { expression: '1' })), undefined);
  assert.equal(new DapAuth(undefined).check(req('evaluate')), undefined);
});
