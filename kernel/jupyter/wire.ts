import { createHmac, randomUUID, timingSafeEqual } from 'crypto';

/**
 * The Jupyter wire format (messaging protocol 5.3): identities, `<IDS|MSG>`, HMAC signature,
 * header, parent_header, metadata, content, buffers. Pure functions, no sockets.
 */

export const PROTOCOL_VERSION = '5.3';
export const DELIMITER = '<IDS|MSG>';
const DELIMITER_BUF = Buffer.from(DELIMITER);

export type JsonObject = Record<string, unknown>;

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export interface JupyterMessage<C extends object = JsonObject> {
  /** ZeroMQ routing identities (ROUTER sockets) or the topic (PUB). */
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: JsonObject;
  content: C;
  buffers: Buffer[];
  /** The HMAC signature the message arrived with (hex; '' for outgoing or unsigned messages). */
  signature?: string;
}

/** Why an incoming message was rejected. Never thrown out of a socket loop. */
export type WireErrorReason =
  'no-delimiter' | 'missing-frames' | 'bad-signature' | 'bad-json' | 'bad-header' | 'oversize' | 'duplicate';

export class WireError extends Error {
  constructor(
    readonly reason: WireErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export interface WireLimits {
  /** Maximum total size of one message in bytes (all frames). */
  maxMessageBytes: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Signs and verifies messages with HMAC-SHA256; an empty key disables signing (as Jupyter does). */
export class Signer {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(parts: readonly Buffer[]): string {
    if (!this.enabled) return '';
    const h = createHmac('sha256', this.key);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }

  /** Constant-time comparison of the expected and the given hex signature. */
  verify(signature: Buffer, parts: readonly Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), 'ascii');
    if (signature.length !== expected.length) {
      // Compare against itself so that the time does not depend on where the lengths differ.
      timingSafeEqual(expected, expected);
      return false;
    }
    return timingSafeEqual(signature, expected);
  }
}

function parseJsonObject(buf: Buffer, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new WireError('bad-json', `${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WireError('bad-json', `${what} is not a JSON object`);
  }
  return value as JsonObject;
}

function isHeader(h: JsonObject): h is MessageHeader {
  return typeof h.msg_id === 'string' && typeof h.msg_type === 'string' && typeof h.session === 'string';
}

/** Decode and verify the frames of one incoming message. Throws WireError on any problem. */
export function decodeMessage(frames: readonly Buffer[], signer: Signer, limits: WireLimits): JupyterMessage {
  let total = 0;
  for (const f of frames) total += f.length;
  if (total > limits.maxMessageBytes) {
    throw new WireError(
      'oversize',
      `message of ${total} bytes exceeds the limit of ${limits.maxMessageBytes}`,
    );
  }
  const idx = frames.findIndex((f) => f.equals(DELIMITER_BUF));
  if (idx < 0) throw new WireError('no-delimiter', 'no <IDS|MSG> delimiter frame');
  if (frames.length < idx + 6) {
    throw new WireError(
      'missing-frames',
      `expected 5 frames after the delimiter, got ${frames.length - idx - 1}`,
    );
  }
  const signature = frames[idx + 1];
  const parts = frames.slice(idx + 2, idx + 6);
  if (!signer.verify(signature, parts)) throw new WireError('bad-signature', 'HMAC signature mismatch');
  const header = parseJsonObject(parts[0], 'header');
  if (!isHeader(header)) throw new WireError('bad-header', 'header lacks msg_id, msg_type or session');
  const parent = parseJsonObject(parts[1], 'parent_header');
  const metadata = parseJsonObject(parts[2], 'metadata');
  const content = parseJsonObject(parts[3], 'content');
  return {
    identities: frames.slice(0, idx).map((b) => Buffer.from(b)),
    header,
    parent_header: parent as Partial<MessageHeader>,
    metadata,
    content,
    buffers: frames.slice(idx + 6).map((b) => Buffer.from(b)),
    signature: signature.toString('ascii'),
  };
}

/** Encode a message into frames, signing header/parent/metadata/content. */
export function encodeMessage(
  msg: Pick<JupyterMessage<object>, 'identities' | 'header' | 'parent_header' | 'metadata' | 'content'> & {
    buffers?: Buffer[];
  },
  signer: Signer,
): Buffer[] {
  const parts = [
    Buffer.from(JSON.stringify(msg.header)),
    Buffer.from(JSON.stringify(msg.parent_header)),
    Buffer.from(JSON.stringify(msg.metadata)),
    Buffer.from(JSON.stringify(msg.content)),
  ];
  return [
    ...msg.identities,
    DELIMITER_BUF,
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...(msg.buffers ?? []),
  ];
}

/** ISO-8601 with timezone (UTC, "Z"), microsecond field as Jupyter clients expect. */
export function isoNow(): string {
  return new Date().toISOString().replace('Z', '000Z');
}

export function makeHeader(msgType: string, session: string, username = 'llmspell'): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: isoNow(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/**
 * How many recent signatures the kernel remembers to refuse replays: jupyter_client's
 * Session.digest_history_size (2**16). A captured signed message replayed after fewer than this
 * many other messages is dropped.
 */
export const REPLAY_WINDOW = 65536;

/**
 * Remembers recent signatures to drop replayed messages: a bounded FIFO set (a ring of keys plus
 * a Set). Keys are the first 32 hex digits (128 bits) of the HMAC, so the full window costs a
 * few MB.
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity = REPLAY_WINDOW) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Returns false if the key was seen recently (a duplicate). */
  admit(signature: string): boolean {
    const key = signature.length > 32 ? signature.slice(0, 32) : signature;
    if (this.seen.has(key)) return false;
    const old = this.ring[this.next];
    if (old !== undefined) this.seen.delete(old);
    this.ring[this.next] = key;
    this.seen.add(key);
    this.next = (this.next + 1) % this.capacity;
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
