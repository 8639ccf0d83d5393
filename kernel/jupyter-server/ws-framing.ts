import type { JsonObject, MessageHeader } from '../jupyter/wire';

/**
 * The two framings of /api/kernels/{id}/channels:
 * - `v1.kernel.websocket.jupyter.org` (binary): u64 LE count of offsets, the offsets (u64 LE),
 *   then channel, header, parent_header, metadata, content and buffers at those offsets.
 * - the default (legacy) framing: a JSON text frame with a `channel` key, or, for messages with
 *   buffers, a binary frame: u32 BE count, u32 BE offsets, the JSON, then the buffers.
 */
export const V1_PROTOCOL = 'v1.kernel.websocket.jupyter.org';

export type Framing = 'v1' | 'json';

export interface ChannelMessage {
  channel: string;
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: Buffer[];
}

export class FramingError extends Error {}

function objectOf(v: unknown, what: string): JsonObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new FramingError(`${what} is not an object`);
  return v as JsonObject;
}

function headerOf(v: unknown): MessageHeader {
  const h = objectOf(v, 'header');
  if (typeof h.msg_id !== 'string' || typeof h.msg_type !== 'string' || typeof h.session !== 'string') {
    throw new FramingError('header lacks msg_id, msg_type or session');
  }
  return h as unknown as MessageHeader;
}

function fromParts(channel: string, parts: unknown[], buffers: Buffer[]): ChannelMessage {
  const [header, parent, metadata, content] = parts;
  return {
    channel,
    header: headerOf(header),
    parent_header: (parent === null || parent === undefined
      ? {}
      : objectOf(parent, 'parent_header')) as Partial<MessageHeader>,
    metadata: metadata === undefined || metadata === null ? {} : objectOf(metadata, 'metadata'),
    content: objectOf(content ?? {}, 'content'),
    buffers,
  };
}

function parseJson(buf: Buffer, what: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new FramingError(`${what} is not JSON`);
  }
}

/** Decode one WebSocket frame from a client. Throws FramingError on malformed input. */
export function decodeFrame(data: Buffer, isBinary: boolean, framing: Framing): ChannelMessage {
  if (framing === 'v1') {
    if (!isBinary || data.length < 8) throw new FramingError('v1 frames are binary');
    const n = Number(data.readBigUInt64LE(0));
    if (n < 6 || data.length < 8 * (n + 1)) throw new FramingError('bad offset table');
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) offsets.push(Number(data.readBigUInt64LE(8 * (i + 1))));
    offsets.push(data.length);
    for (let i = 1; i < offsets.length; i++) {
      if (offsets[i] < offsets[i - 1] || offsets[i] > data.length) throw new FramingError('bad offsets');
    }
    const part = (i: number) => data.subarray(offsets[i], offsets[i + 1]);
    const channel = part(0).toString('utf8');
    const json = [1, 2, 3, 4].map((i) => parseJson(part(i), 'message part'));
    const buffers: Buffer[] = [];
    for (let i = 5; i < n - 1; i++) buffers.push(Buffer.from(part(i)));
    return fromParts(channel, json, buffers);
  }
  let msg: JsonObject;
  const buffers: Buffer[] = [];
  if (isBinary) {
    if (data.length < 8) throw new FramingError('short binary frame');
    const nbufs = data.readUInt32BE(0);
    if (nbufs < 1 || data.length < 4 * (nbufs + 1)) throw new FramingError('bad buffer table');
    const offsets: number[] = [];
    for (let i = 1; i <= nbufs; i++) offsets.push(data.readUInt32BE(i * 4));
    offsets.push(data.length);
    msg = objectOf(parseJson(data.subarray(offsets[0], offsets[1]), 'message'), 'message');
    for (let i = 1; i < nbufs; i++) buffers.push(Buffer.from(data.subarray(offsets[i], offsets[i + 1])));
  } else {
    msg = objectOf(parseJson(data, 'message'), 'message');
  }
  if (typeof msg.channel !== 'string') throw new FramingError('message has no channel');
  return fromParts(msg.channel, [msg.header, msg.parent_header, msg.metadata, msg.content], buffers);
}

/** Encode a kernel message for a client in its framing. */
export function encodeFrame(msg: ChannelMessage, framing: Framing): Buffer | string {
  if (framing === 'json') {
    const body = {
      header: msg.header,
      parent_header: msg.parent_header,
      metadata: msg.metadata,
      content: msg.content,
      channel: msg.channel,
      msg_id: msg.header.msg_id,
      msg_type: msg.header.msg_type,
      buffers: [],
    };
    if (msg.buffers.length === 0) return JSON.stringify(body);
    const parts = [Buffer.from(JSON.stringify(body)), ...msg.buffers];
    const table = Buffer.alloc(4 * (parts.length + 1));
    table.writeUInt32BE(parts.length, 0);
    let at = table.length;
    parts.forEach((p, i) => {
      table.writeUInt32BE(at, 4 * (i + 1));
      at += p.length;
    });
    return Buffer.concat([table, ...parts]);
  }
  const parts = [
    Buffer.from(msg.channel),
    Buffer.from(JSON.stringify(msg.header)),
    Buffer.from(JSON.stringify(msg.parent_header ?? {})),
    Buffer.from(JSON.stringify(msg.metadata)),
    Buffer.from(JSON.stringify(msg.content)),
    ...msg.buffers,
  ];
  const count = parts.length + 1;
  const table = Buffer.alloc(8 * (count + 1));
  table.writeBigUInt64LE(BigInt(count), 0);
  let at = table.length;
  parts.forEach((p, i) => {
    table.writeBigUInt64LE(BigInt(at), 8 * (i + 1));
    at += p.length;
  });
  table.writeBigUInt64LE(BigInt(at), 8 * count);
  return Buffer.concat([table, ...parts]);
}
