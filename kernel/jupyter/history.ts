/**
 * Execution history (history_request: tail, range, search), kept in memory and, when a file is
 * given, persisted per user as JSON lines (`~/.llmspell/history.jsonl`, or under LLMSPELL_HOME):
 *
 *   {"session":7,"start":"2026-11-25T10:00:00.000Z"}   a kernel session began (numbers grow)
 *   {"s":7,"l":1,"i":"x = 1"}                          input of cell 1 of session 7
 *   {"s":7,"l":1,"o":"1"}                              its output (text/plain), when it had one
 *
 * Lines are appended with O_APPEND (one write per line), so several kernels can share the file.
 * Session numbers are allocated under a lock directory (`history.jsonl.lock`, taken over when
 * older than 10 s); the same lock guards compaction, which keeps the newest `maxEntries` cells
 * once the file holds a fifth more than that. Unreadable lines are skipped; any I/O failure turns
 * persistence off for the session with a log line and history keeps working in memory.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

/** [session, line, input] or [session, line, [input, output]] as history_reply wants. */
export type HistoryTuple = [number, number, string | [string, string | null]];

export interface HistoryQuery {
  hist_access_type?: string;
  output?: boolean;
  raw?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

/** Converts a glob (`*`, `?`) to a RegExp matching the whole input, as IPython's search does. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface HistoryFileOptions {
  /** The JSON-lines file. */
  file: string;
  /** Cells kept (in memory and in the file after compaction); default 10,000. */
  maxEntries?: number;
  /** Called once when persistence fails (then history stays in memory). */
  onError?: (err: Error) => void;
}

type HistoryRecord =
  | { session: number; start?: string }
  | { s: number; l: number; i: string }
  | { s: number; l: number; o: string | null };

const LOCK_STALE_MS = 10000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Run fn while holding `${file}.lock` (a directory: mkdir is atomic). */
function withLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > LOCK_STALE_MS) fs.rmdirSync(lock);
      } catch {
        // someone else removed it
      }
      if (Date.now() > deadline) throw new Error(`history lock ${lock} is held`, { cause: err });
      sleepSync(5);
    }
  }
  try {
    return fn();
  } finally {
    try {
      fs.rmdirSync(lock);
    } catch {
      // already gone
    }
  }
}

function parseRecords(text: string): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const r = JSON.parse(line) as unknown;
      if (r && typeof r === 'object') out.push(r as HistoryRecord);
    } catch {
      // a torn or foreign line: skip it
    }
  }
  return out;
}

/** Cells (inputs with their outputs) and the highest session number in a list of records. */
function entriesOf(records: HistoryRecord[]): { entries: HistoryEntry[]; maxSession: number } {
  const entries: HistoryEntry[] = [];
  const byKey = new Map<string, HistoryEntry>();
  let maxSession = 0;
  for (const r of records) {
    if ('session' in r && typeof r.session === 'number') {
      maxSession = Math.max(maxSession, r.session);
      continue;
    }
    if (!('s' in r) || typeof r.s !== 'number' || typeof r.l !== 'number') continue;
    maxSession = Math.max(maxSession, r.s);
    const key = `${r.s}:${r.l}`;
    if ('i' in r && typeof r.i === 'string') {
      const e: HistoryEntry = { session: r.s, line: r.l, input: r.i, output: null };
      byKey.set(key, e);
      entries.push(e);
    } else if ('o' in r) {
      const e = byKey.get(key);
      if (e) e.output = typeof r.o === 'string' ? r.o : null;
    }
  }
  return { entries, maxSession };
}

function recordsOf(entries: HistoryEntry[], sessionStarts: HistoryRecord[]): string {
  const lines = sessionStarts.map((r) => JSON.stringify(r));
  for (const e of entries) {
    lines.push(JSON.stringify({ s: e.session, l: e.line, i: e.input }));
    if (e.output !== null) lines.push(JSON.stringify({ s: e.session, l: e.line, o: e.output }));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export class HistoryStore {
  private readonly entries: HistoryEntry[] = [];
  private file: string | undefined;
  private onError: ((err: Error) => void) | undefined;

  constructor(
    public session = 1,
    private readonly maxEntries = 10000,
  ) {}

  /**
   * A store backed by a JSON-lines file: earlier sessions' cells are loaded, a new session number
   * is allocated and recorded. Falls back to memory only (session 1) when the file is unusable.
   */
  static open(opts: HistoryFileOptions): HistoryStore {
    const max = opts.maxEntries ?? 10000;
    const store = new HistoryStore(1, max);
    try {
      fs.mkdirSync(path.dirname(opts.file), { recursive: true });
      withLock(opts.file, () => {
        let text = '';
        try {
          text = fs.readFileSync(opts.file, 'utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        const records = parseRecords(text);
        const { entries, maxSession } = entriesOf(records);
        store.session = maxSession + 1;
        const kept = entries.slice(-max);
        store.entries.push(...kept);
        const start: HistoryRecord = { session: store.session, start: new Date().toISOString() };
        if (entries.length > max + Math.floor(max / 5)) {
          // compaction: the newest cells and the session records still referenced
          const sessions = new Set(kept.map((e) => e.session));
          const starts = records.filter(
            (r) => 'session' in r && typeof r.session === 'number' && sessions.has(r.session),
          );
          const tmp = `${opts.file}.${process.pid}.tmp`;
          fs.writeFileSync(tmp, recordsOf(kept, [...starts, start]), { mode: 0o600 });
          fs.renameSync(tmp, opts.file);
        } else {
          fs.appendFileSync(opts.file, JSON.stringify(start) + '\n', { mode: 0o600 });
        }
      });
      store.file = opts.file;
      store.onError = opts.onError;
    } catch (err) {
      opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
    return store;
  }

  /** The history file, when history is persisted. */
  get path(): string | undefined {
    return this.file;
  }

  private append(record: HistoryRecord): void {
    if (!this.file) return;
    try {
      fs.appendFileSync(this.file, JSON.stringify(record) + '\n', { mode: 0o600 });
    } catch (err) {
      this.file = undefined;
      this.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }

  add(line: number, input: string): HistoryEntry {
    const entry: HistoryEntry = { session: this.session, line, input, output: null };
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.shift();
    this.append({ s: entry.session, l: line, i: input });
    return entry;
  }

  /** Record a cell's output (text/plain of its execute_result). */
  setOutput(entry: HistoryEntry, output: string): void {
    entry.output = output;
    this.append({ s: entry.session, l: entry.line, o: output });
  }

  get size(): number {
    return this.entries.length;
  }

  query(q: HistoryQuery): HistoryTuple[] {
    const type = q.hist_access_type ?? 'tail';
    let list: HistoryEntry[];
    if (type === 'tail') {
      const n = q.n ?? 10;
      list = n > 0 ? this.entries.slice(-n) : [];
    } else if (type === 'range') {
      const session = q.session === undefined || q.session <= 0 ? this.session + (q.session ?? 0) : q.session;
      const start = q.start ?? 0;
      const stop = q.stop === undefined || q.stop === null ? Number.POSITIVE_INFINITY : q.stop;
      list = this.entries.filter((e) => e.session === session && e.line >= start && e.line < stop);
    } else if (type === 'search') {
      const re = globToRegExp(q.pattern ?? '*');
      list = this.entries.filter((e) => re.test(e.input));
      if (q.unique) {
        const seen = new Set<string>();
        const uniq: HistoryEntry[] = [];
        for (let i = list.length - 1; i >= 0; i--) {
          if (!seen.has(list[i].input)) {
            seen.add(list[i].input);
            uniq.unshift(list[i]);
          }
        }
        list = uniq;
      }
      if (q.n !== undefined && q.n !== null && q.n > 0) list = list.slice(-q.n);
    } else {
      list = [];
    }
    return list.map((e) =>
      q.output ? [e.session, e.line, [e.input, e.output]] : [e.session, e.line, e.input],
    );
  }
}
