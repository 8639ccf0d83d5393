import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from '@jupyterlab/services/lib/kernel/serialize';
import type { KernelMessage } from '@jupyterlab/services';
import {
  type ChannelMessage,
  decodeFrame,
  encodeFrame,
  FramingError,
  V1_PROTOCOL,
} from '../../../kernel/jupyter-server/ws-framing';

const header = {
  msg_id: 'm1',
  msg_type: 'comm_msg',
  session: 's1',
  username: 'u',
  date: '2026-11-30T00:00:00.000Z',
  version: '5.3',
};

function clientMessage(buffers: DataView[] = []): KernelMessage.IMessage {
  return {
    channel: 'shell',
    header,
    parent_header: {},
    metadata: { m: 1 },
    content: { comm_id: 'c', data: { x: 'é' } },
    buffers,
  } as unknown as KernelMessage.IMessage;
}

function asBuffer(data: string | ArrayBuffer): { buf: Buffer; binary: boolean } {
  return typeof data === 'string'
    ? { buf: Buffer.from(data), binary: false }
    : { buf: Buffer.from(new Uint8Array(data)), binary: true };
}

/** Framings checked against the client library itself (@jupyterlab/services' serialize.ts). */
describe('WebSocket framings against @jupyterlab/services', () => {
  for (const [framing, protocol] of [
    ['v1', V1_PROTOCOL],
    ['json', ''],
  ] as const) {
    it(`${framing}: what the client sends decodes, buffers included`, () => {
      const bytes = new Uint8Array([1, 2, 3]);
      const { buf, binary } = asBuffer(serialize(clientMessage([new DataView(bytes.buffer)]), protocol));
      const m = decodeFrame(buf, binary, framing);
      assert.equal(m.channel, 'shell');
      assert.deepEqual(m.header, header);
      assert.deepEqual(m.metadata, { m: 1 });
      assert.deepEqual(m.content, { comm_id: 'c', data: { x: 'é' } });
      assert.deepEqual(
        m.buffers.map((b) => [...b]),
        [[1, 2, 3]],
      );
    });

    it(`${framing}: what the server sends the client reads`, () => {
      const out: ChannelMessage = {
        channel: 'iopub',
        header: { ...header, msg_type: 'stream' },
        parent_header: { msg_id: 'p' },
        metadata: {},
        content: { name: 'stdout', text: 'ünïcode\n' },
        buffers: [Buffer.from([9, 8])],
      };
      const data = encodeFrame(out, framing);
      const wire = typeof data === 'string' ? data : new Uint8Array(data).buffer;
      const msg = deserialize(wire as ArrayBuffer, protocol);
      assert.equal(msg.channel, 'iopub');
      assert.equal(msg.header.msg_type, 'stream');
      assert.deepEqual(msg.parent_header, { msg_id: 'p' });
      assert.deepEqual(msg.content, { name: 'stdout', text: 'ünïcode\n' });
      const bufs = (msg.buffers ?? []) as DataView[];
      assert.deepEqual([...new Uint8Array(bufs[0].buffer, bufs[0].byteOffset, bufs[0].byteLength)], [9, 8]);
    });
  }

  it('malformed frames are refused with a FramingError, never a crash', () => {
    const bad: Array<[Buffer, boolean, 'v1' | 'json']> = [
      [Buffer.from('not json'), false, 'json'],
      [Buffer.from('{"header": {}}'), false, 'json'],
      [Buffer.from('{"channel": "shell", "header": {"msg_id": "x"}}'), false, 'json'],
      [Buffer.from('text'), false, 'v1'],
      [Buffer.alloc(4), true, 'v1'],
      [Buffer.from([255, 255, 255, 255, 255, 255, 255, 255, 0]), true, 'v1'],
      [Buffer.alloc(8), true, 'json'],
    ];
    for (const [buf, binary, framing] of bad) {
      assert.throws(
        () => decodeFrame(buf, binary, framing),
        FramingError,
        `${framing} ${buf.toString('hex')}`,
      );
    }
  });
});
