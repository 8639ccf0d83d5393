/**
 * Bounded DAP framing for the TCP server. @vscode/debugadapter concatenates every chunk onto its
 * buffer and searches it again for the header end, so a client sending megabytes without a
 * newline costs quadratic time on the event loop (heartbeats missed). This guard sits in front:
 * it forwards only whole frames (one chunk each) and reports the first framing error, after
 * which the server tells the client why and closes the connection.
 */

export interface DapFramingLimits {
  maxHeaderBytes: number;
  maxMessageBytes: number;
}

export const DAP_FRAMING_LIMITS: DapFramingLimits = {
  maxHeaderBytes: 8 * 1024,
  maxMessageBytes: 16 * 1024 * 1024,
};

const TERMINATOR = Buffer.from('\r\n\r\n');

export class DapFrameGuard {
  private chunks: Buffer[] = [];
  private total = 0;
  private bodyLength = -1;
  private failed = false;

  constructor(private readonly limits: DapFramingLimits = DAP_FRAMING_LIMITS) {}

  /** Whole frames (header and body, ready to hand to the session) and the first framing error. */
  push(chunk: Buffer): { frames: Buffer[]; error?: string } {
    const frames: Buffer[] = [];
    if (this.failed) return { frames };
    this.chunks.push(chunk);
    this.total += chunk.length;
    for (;;) {
      if (this.bodyLength < 0) {
        const head = this.flat().subarray(0, this.limits.maxHeaderBytes + TERMINATOR.length);
        const end = head.indexOf(TERMINATOR);
        if (end < 0) {
          if (this.total <= this.limits.maxHeaderBytes) break;
          return this.fail(
            frames,
            `DAP header longer than ${this.limits.maxHeaderBytes} bytes without an empty line`,
          );
        }
        const lines = head.subarray(0, end).toString('latin1').split('\r\n');
        const m = lines.map((l) => /^content-length:[ \t]*(\d{1,12})[ \t]*$/i.exec(l)).find((x) => x);
        if (!m) return this.fail(frames, 'DAP header without a valid Content-Length');
        const length = Number(m[1]);
        if (length > this.limits.maxMessageBytes)
          return this.fail(
            frames,
            `DAP message of ${length} bytes is over the limit of ${this.limits.maxMessageBytes}`,
          );
        this.headerEnd = end + TERMINATOR.length;
        this.bodyLength = length;
      }
      const need = this.headerEnd + this.bodyLength;
      if (this.total < need) break;
      const all = this.flat();
      frames.push(all.subarray(0, need));
      this.chunks = all.length > need ? [all.subarray(need)] : [];
      this.total -= need;
      this.bodyLength = -1;
    }
    return { frames };
  }

  private headerEnd = 0;

  private flat(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.total)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private fail(frames: Buffer[], error: string): { frames: Buffer[]; error: string } {
    this.failed = true;
    this.chunks = [];
    this.total = 0;
    return { frames, error };
  }
}
