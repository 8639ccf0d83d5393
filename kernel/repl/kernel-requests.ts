import type { AsyncCompleter } from 'readline';
import { codePointLength, codePointToIndex } from '../jupyter/codepoints';
import type { JsonObject } from '../jupyter/wire';
import type { KernelClient } from './client';
import { renderMimeBundle } from './render';

/** The REPL's small requests to the kernel: completion, the current execution count, reply payloads. */

export interface Payload {
  source: string;
  data: Record<string, unknown>;
}

/** The payloads of an execute_reply (`page` help text, `ask_exit`), malformed ones skipped. */
export function replyPayloads(content: JsonObject): Payload[] {
  const list = Array.isArray(content.payload) ? content.payload : [];
  const out: Payload[] = [];
  for (const p of list) {
    if (!p || typeof p !== 'object' || Array.isArray(p)) continue;
    const o = p as Record<string, unknown>;
    if (typeof o.source !== 'string') continue;
    const data = o.data && typeof o.data === 'object' ? (o.data as Record<string, unknown>) : {};
    out.push({ source: o.source, data });
  }
  return out;
}

/** A help page for the terminal: its plain text when it has one, else the best rendering. */
export function pageText(data: Record<string, unknown>): string {
  const plainText = data['text/plain'];
  return typeof plainText === 'string' ? plainText : renderMimeBundle(data);
}

/**
 * The kernel's execution count now: a silent execute stores no history and answers with the
 * current count (0 for a fresh kernel, or when the kernel does not answer).
 */
export async function currentExecutionCount(client: KernelClient): Promise<number> {
  try {
    const reply = await client.request(
      'shell',
      'execute_request',
      { code: '', silent: true, store_history: false, user_expressions: {}, allow_stdin: false },
      10000,
    );
    const n = reply.content.execution_count;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * Tab completion through complete_request: the cell typed so far plus the current line up to the
 * cursor; readline gets the kernel's matches for the text between cursor_start and cursor_end.
 */
export function kernelCompleter(client: KernelClient, pending: () => string[]): AsyncCompleter {
  return (line, callback) => {
    const before = pending();
    const code = before.length ? `${before.join('\n')}\n${line}` : line;
    const cursor = codePointLength(code);
    client.request('shell', 'complete_request', { code, cursor_pos: cursor }, 5000).then(
      (reply) => {
        const c = reply.content;
        const matches = Array.isArray(c.matches)
          ? c.matches.filter((m): m is string => typeof m === 'string')
          : [];
        const start = typeof c.cursor_start === 'number' ? Math.min(c.cursor_start, cursor) : cursor;
        const end = typeof c.cursor_end === 'number' ? Math.min(c.cursor_end, cursor) : cursor;
        const word = code.slice(codePointToIndex(code, start), codePointToIndex(code, end));
        callback(null, [matches, word]);
      },
      () => callback(null, [[], line]),
    );
  };
}
