/** Execution history of a kernel session (history_request: tail, range, search). */

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

export class HistoryStore {
  private readonly entries: HistoryEntry[] = [];

  constructor(
    readonly session = 1,
    private readonly maxEntries = 10000,
  ) {}

  add(line: number, input: string): HistoryEntry {
    const entry: HistoryEntry = { session: this.session, line, input, output: null };
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.shift();
    return entry;
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
