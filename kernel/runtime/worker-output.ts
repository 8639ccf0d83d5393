import { parentPort } from 'worker_threads';
import type { FromWorker } from './protocol';

/**
 * The worker's messages to the main thread, and Lua's output (print, io.write) buffered per stream:
 * flushed when the other stream writes (order kept), past 8 KB, after 20 ms, and before every
 * event that must follow the output it comes after (stops, displays, log points).
 */
const outBuf: Record<1 | 2, Buffer[]> = { 1: [], 2: [] };
const outLen: Record<1 | 2, number> = { 1: 0, 2: 0 };
let lastFlush = Date.now();
export function post(msg: FromWorker): void {
  parentPort!.postMessage(msg);
}
export function flush(): void {
  for (const s of [1, 2] as const) {
    if (outLen[s]) {
      const bytes = Buffer.concat(outBuf[s]);
      outBuf[s] = [];
      outLen[s] = 0;
      const stream = s === 1 ? 'stdout' : 'stderr';
      post({ t: 'event', event: { type: 'output', stream, text: bytes.toString('utf8'), bytes } });
    }
  }
  lastFlush = Date.now();
}
/** Output from Lua, as bytes (print and io.write of any string are byte-exact). */
export function out(stream: number, bytes: Buffer): void {
  const s = stream === 2 ? 2 : 1;
  if (s === 2 && outLen[1]) flush();
  if (s === 1 && outLen[2]) flush();
  outBuf[s].push(bytes);
  outLen[s] += bytes.length;
  if (outLen[s] > 8192 || Date.now() - lastFlush > 20) flush();
}

/** A log point's message (after the program's output so far). */
export function postLog(text: string, p: string, line: number): void {
  flush();
  post({ t: 'event', event: { type: 'output', stream: 'stdout', text, source: { path: p, line } } });
}

/** display()/update_display(): a MIME bundle with its text/plain fallback (JSON data parsed). */
export function postDisplay(
  mime: string,
  data: string,
  plain: string,
  displayId: string,
  update: boolean,
): void {
  flush();
  let value: unknown = data;
  if (mime === 'application/json') {
    try {
      value = JSON.parse(data);
    } catch {
      value = data;
    }
  }
  const bundle: Record<string, unknown> = { 'text/plain': plain };
  bundle[mime] = value;
  post({ t: 'event', event: { type: 'display', data: bundle, metadata: {}, displayId, update: !!update } });
}

/** clear_output(wait). */
export function postClear(wait: boolean): void {
  flush();
  post({ t: 'event', event: { type: 'clear', wait: !!wait } });
}

/** The agent stopped (breakpoint, step, pause, exception, entry); `src` is a chunk name (`@path`). */
export function postStopped(
  reason: string,
  threadId: number,
  text: string | undefined,
  hit: number | undefined,
  src?: string,
  line?: number,
): void {
  flush();
  post({
    t: 'event',
    event: {
      type: 'stopped',
      reason: reason as 'breakpoint',
      threadId,
      text: text ?? undefined,
      hitBreakpointIds: typeof hit === 'number' ? [hit] : [],
      location:
        src && src.startsWith('@') && typeof line === 'number' ? { path: src.slice(1), line } : undefined,
    },
  });
}
