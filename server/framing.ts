import type { Readable } from 'stream';
import {
  AbstractMessageReader,
  type DataCallback,
  Disposable,
  type Message,
} from 'vscode-languageserver/node';

/**
 * Base-protocol framing (`Content-Length: N\r\n\r\n` + N bytes of JSON) that survives hostile
 * input: header blocks and bodies are bounded, and every malformed header (no colon, a length
 * that is not a decimal number, negative or over the limit, a missing length, a header block
 * that never ends) is reported as an error and followed by a resynchronisation: bytes are
 * discarded up to the next `Content-Length:`. The parser never stops reading, so a confused
 * client costs one error per bad frame, never a deaf server.
 */

export interface FramingLimits {
  /** Longest header block (all header lines) accepted, in bytes. */
  maxHeaderBytes: number;
  /** Largest body accepted, in bytes. */
  maxMessageBytes: number;
}

export const DEFAULT_FRAMING_LIMITS: FramingLimits = {
  maxHeaderBytes: 8 * 1024,
  maxMessageBytes: 64 * 1024 * 1024,
};

export type FrameEvent = { kind: 'message'; body: Buffer } | { kind: 'error'; message: string };

const TERMINATOR = Buffer.from('\r\n\r\n');
const MARKER = 'content-length:';

/** Incremental parser: push bytes, get whole bodies and framing errors back in order. */
export class FrameParser {
  private chunks: Buffer[] = [];
  private total = 0;
  private bodyLength = -1;
  private resyncing = false;

  constructor(private readonly limits: FramingLimits = DEFAULT_FRAMING_LIMITS) {}

  /** Bytes held while waiting for the rest of a frame (bounded by the limits). */
  get buffered(): number {
    return this.total;
  }

  push(chunk: Buffer): FrameEvent[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.total += chunk.length;
    const out: FrameEvent[] = [];
    for (;;) {
      if (this.resyncing && !this.resync()) break;
      if (this.bodyLength < 0) {
        const r = this.header();
        if (r === 'wait') break;
        if (typeof r === 'string') {
          out.push({ kind: 'error', message: r });
          this.resyncing = true;
          continue;
        }
        this.bodyLength = r;
      }
      if (this.total < this.bodyLength) break;
      out.push({ kind: 'message', body: this.take(this.bodyLength) });
      this.bodyLength = -1;
    }
    return out;
  }

  /** Parse one header block: its Content-Length, an error message, or 'wait' for more bytes. */
  private header(): number | string | 'wait' {
    const head = this.peek(Math.min(this.total, this.limits.maxHeaderBytes + TERMINATOR.length));
    const end = head.indexOf(TERMINATOR);
    if (end < 0) {
      if (this.total <= this.limits.maxHeaderBytes) return 'wait';
      this.take(this.limits.maxHeaderBytes);
      return `header block longer than ${this.limits.maxHeaderBytes} bytes without an empty line`;
    }
    this.take(end + TERMINATOR.length);
    let length: number | undefined;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) return `header line without "name: value": ${JSON.stringify(line.slice(0, 80))}`;
      if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,16}$/.test(value))
        return `Content-Length must be a non-negative decimal number, got ${JSON.stringify(value.slice(0, 40))}`;
      length = Number(value);
    }
    if (length === undefined) return 'header block without Content-Length';
    if (length > this.limits.maxMessageBytes)
      return `Content-Length ${length} is over the limit of ${this.limits.maxMessageBytes} bytes`;
    return length;
  }

  /** Drop bytes up to the next `Content-Length:`; false while none has arrived yet. */
  private resync(): boolean {
    const buf = this.take(this.total);
    const at = buf.toString('latin1').toLowerCase().indexOf(MARKER);
    if (at < 0) {
      const keep = buf.subarray(Math.max(0, buf.length - (MARKER.length - 1)));
      this.chunks = keep.length ? [Buffer.from(keep)] : [];
      this.total = keep.length;
      return false;
    }
    const rest = buf.subarray(at);
    this.chunks = [rest];
    this.total = rest.length;
    this.resyncing = false;
    return true;
  }

  /** The first n buffered bytes, without consuming them. */
  private peek(n: number): Buffer {
    if (this.chunks.length === 1 || (this.chunks.length > 0 && this.chunks[0].length >= n))
      return this.chunks[0].subarray(0, n);
    const parts: Buffer[] = [];
    let got = 0;
    for (const c of this.chunks) {
      if (got >= n) break;
      parts.push(c.subarray(0, n - got));
      got += Math.min(c.length, n - got);
    }
    return Buffer.concat(parts, got);
  }

  /** Remove and return the first n buffered bytes. */
  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n && this.chunks.length) {
      const c = this.chunks[0];
      const want = n - got;
      if (c.length <= want) {
        parts.push(c);
        got += c.length;
        this.chunks.shift();
      } else {
        parts.push(c.subarray(0, want));
        this.chunks[0] = c.subarray(want);
        got += want;
      }
    }
    this.total -= got;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, got);
  }
}

/**
 * A vscode-jsonrpc MessageReader over a byte stream using FrameParser. Framing errors go to
 * `onFramingError` (which answers the client); bodies go to `decode`, which returns the message
 * to dispatch or undefined when it has already answered a bad body itself.
 */
export class FramedMessageReader extends AbstractMessageReader {
  private readonly parser: FrameParser;

  constructor(
    private readonly input: Readable,
    private readonly decode: (body: Buffer) => Message | undefined,
    private readonly onFramingError: (message: string) => void,
    limits: FramingLimits = DEFAULT_FRAMING_LIMITS,
  ) {
    super();
    this.parser = new FrameParser(limits);
  }

  listen(callback: DataCallback): Disposable {
    let closed = false;
    const onData = (chunk: Buffer | string) => {
      for (const ev of this.parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        // one bad message never costs the ones after it in the same chunk
        try {
          if (ev.kind === 'error') this.onFramingError(ev.message);
          else {
            const msg = this.decode(ev.body);
            if (msg) callback(msg);
          }
        } catch (e) {
          this.fireError(e);
        }
      }
    };
    const onError = (e: Error) => this.fireError(e);
    const onClose = () => {
      if (closed) return;
      closed = true;
      this.fireClose();
    };
    this.input.on('data', onData);
    this.input.on('error', onError);
    this.input.on('end', onClose);
    this.input.on('close', onClose);
    return Disposable.create(() => {
      this.input.off('data', onData);
      this.input.off('error', onError);
      this.input.off('end', onClose);
      this.input.off('close', onClose);
    });
  }
}
