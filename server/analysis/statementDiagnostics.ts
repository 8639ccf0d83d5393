import type * as lp from 'luaparse';
import { spanOf } from './parse';
import { paramCheck, type CalleeMemo } from './paramChecks';
import type { Project } from './project';
import type { FileAnalysis } from './resolve';
import { statementNames, type StatementNames } from './statementNames';
import { returnCountDiagnostics, returnTypeMismatches } from './typeChecks';
import type { ReturnFact } from './lintWalk';
import type { AnalysisDiagnostic, Span } from './types';

/**
 * The diagnostics decided per top-level statement (argument checks of calls, declared returns),
 * kept with the statement's syntax node so an edit re-checks only what it can change.
 *
 * A statement's results are reused when its text (with the comments before it) is unchanged, the
 * project outside this file and the settings are unchanged, and none of its names
 * (statementNames.ts) may mean something else now. The names that may: every name a changed,
 * new or removed statement writes, and, transitively, every name written by a statement that
 * reads or writes such a name (`local a = b` changes `a` when `b` changes). Reused results are
 * moved by the statement's offset difference. Files with syntax errors, `---@meta` files, files
 * using `_G`/`_ENV`/`rawset` and the like, and analyses that are not the project's current one are
 * checked whole. A from-scratch check gives the same list (test/unit/lsp/diagnosticsCache.test.ts).
 */

/** What the passes found per statement, in pass order. */
const PASSES = 4;
type Lists = AnalysisDiagnostic[][];

export interface StatementDiagnostics {
  params: AnalysisDiagnostic[];
  returnTypes: AnalysisDiagnostic[];
  missingReturns: AnalysisDiagnostic[];
  returnCounts: AnalysisDiagnostic[];
}

interface Entry extends StatementNames {
  /** the statement's text with the comments before it */
  text: string;
  /** statement start when `lists` were made (their spans are absolute at that offset) */
  start: number;
  lists?: Lists;
  /** a result lies outside the statement: never reused */
  outside: boolean;
}

interface FileState {
  entries: Set<Entry>;
  token: string;
  config: unknown;
  moduleMap: unknown;
  trailing: string;
}

const entries = new WeakMap<lp.Statement, Entry>();
/** Statements checked and reused by the last call (for tests and benchmarks). */
export const statementCacheStats = { checked: 0, reused: 0 };
const states = new WeakMap<Project, Map<string, FileState>>();

type Facts = { returns: ReturnFact[]; functions: { name: Span; completes: boolean; at: Span }[] };

interface Unit {
  start: number;
  end: number;
  entry?: Entry;
}

/** The per-statement diagnostics of `fa` (after lint ran: `facts` are its returns and functions). */
export function statementDiagnostics(project: Project, fa: FileAnalysis, facts: Facts): StatementDiagnostics {
  const st = fa.parseState;
  const cacheable =
    st && !st.consumed && !fa.isMeta && !fa.syntaxErrors.length && project.files.get(fa.uri) === fa;
  const units: Unit[] = cacheable ? st.chunk.body.map((s) => spanOf(s)) : [{ start: 0, end: fa.text.length }];
  const dirty = cacheable ? dirtyUnits(project, fa, st.chunk.body, units) : [true];
  const fresh = check(project, fa, facts, units, dirty);
  statementCacheStats.checked = dirty.filter(Boolean).length;
  statementCacheStats.reused = dirty.length - statementCacheStats.checked;
  const out: Lists = Array.from({ length: PASSES }, () => []);
  units.forEach((u, i) => {
    const lists = dirty[i] ? fresh[i] : moved(u);
    if (dirty[i] && u.entry) keep(u, lists);
    for (let p = 0; p < PASSES; p++) for (const d of lists[p]) out[p].push(d);
  });
  return { params: out[0], returnTypes: out[1], missingReturns: out[2], returnCounts: out[3] };
}

/** Run the passes on the dirty units' calls, returns and functions. */
function check(project: Project, fa: FileAnalysis, facts: Facts, units: Unit[], dirty: boolean[]): Lists[] {
  const lists: Lists[] = units.map((_, i) => (dirty[i] ? Array.from({ length: PASSES }, () => []) : []));
  const unitOf = (at: number): number => {
    let lo = 0;
    let hi = units.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (units[mid].start <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const memo: CalleeMemo = new Map();
  // the calls are in statement order: visit only those of dirty statements
  const calls = fa.calls;
  units.forEach((u, i) => {
    if (!dirty[i]) return;
    let lo = 0;
    let hi = calls.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (calls[mid].span.start < u.start) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < calls.length && calls[k].span.start < u.end; k++)
      for (const d of paramCheck(project, fa, calls[k], memo)) lists[i][0].push(d);
  });
  const returns = new Map<number, ReturnFact[]>();
  for (const r of facts.returns) {
    const u = unitOf(r.keyword.start);
    if (!dirty[u]) continue;
    const l = returns.get(u);
    if (l) l.push(r);
    else returns.set(u, [r]);
  }
  for (const [u, rs] of returns) {
    lists[u][1] = returnTypeMismatches(project, fa, rs);
    lists[u][3] = returnCountDiagnostics(fa, rs, []);
  }
  const fns = new Map<number, Facts['functions']>();
  for (const f of facts.functions) {
    const u = unitOf(f.at.start);
    if (!dirty[u]) continue;
    const l = fns.get(u);
    if (l) l.push(f);
    else fns.set(u, [f]);
  }
  for (const [u, fs] of fns) lists[u][2] = returnCountDiagnostics(fa, [], fs);
  return lists;
}

/** Keep a unit's fresh results (copies: the walk cache moves the span objects it made in place). */
function keep(u: Unit, lists: Lists): void {
  const e = u.entry as Entry;
  const within = (s: Span | undefined) => !s || (s.start >= u.start && s.end <= u.end);
  e.outside = false;
  e.start = u.start;
  e.lists = lists.map((l) =>
    l.map((d) => {
      if (!within(d.span) || !within(d.data?.removeSpan)) e.outside = true;
      return copy(d, 0);
    }),
  );
}

/** A unit's kept results moved to where the statement is now. */
function moved(u: Unit): Lists {
  const e = u.entry as Entry;
  const delta = u.start - e.start;
  const lists = e.lists as Lists;
  if (delta === 0) return lists;
  e.start = u.start;
  e.lists = lists.map((l) => l.map((d) => copy(d, delta)));
  return e.lists;
}

function copy(d: AnalysisDiagnostic, delta: number): AnalysisDiagnostic {
  const c = { ...d, span: { start: d.span.start + delta, end: d.span.end + delta } };
  const rs = d.data?.removeSpan;
  if (rs) c.data = { ...d.data, removeSpan: { start: rs.start + delta, end: rs.end + delta } };
  return c;
}

/**
 * Attach each unit's entry and decide which units to check again (see the module comment).
 * Updates the file's state for the next call.
 */
function dirtyUnits(project: Project, fa: FileAnalysis, body: lp.Statement[], units: Unit[]): boolean[] {
  let byUri = states.get(project);
  if (!byUri) states.set(project, (byUri = new Map()));
  const token = `${project.changesBesides(fa.uri)}`;
  const old = byUri.get(fa.uri);
  const prev =
    old && old.token === token && old.config === project.config && old.moduleMap === project.moduleMap
      ? old
      : undefined;
  const trailing = fa.text.slice(units.length ? units[units.length - 1].end : 0);
  let all = !prev || prev.trailing !== trailing;
  const dirty = units.map(() => false);
  const reached = units.map(() => false);
  const names = new Set<string>();
  const current = new Set<Entry>();
  units.forEach((u, i) => {
    const gapStart = i ? units[i - 1].end : 0;
    let e = entries.get(body[i]);
    if (!e || e.text.length !== u.end - gapStart || !fa.text.startsWith(e.text, gapStart)) {
      const text = fa.text.slice(gapStart, u.end);
      e = { ...statementNames(fa, gapStart, u.start, u.end), text, start: u.start, outside: false };
      entries.set(body[i], e);
    }
    if (!prev?.entries.has(e) || !e.lists) {
      // new or changed here (or not checked with the current project): what it writes has changed
      dirty[i] = reached[i] = true;
      for (const w of e.writes) names.add(w);
    }
    if (e.wild) all = true;
    if (e.outside) dirty[i] = true;
    u.entry = e;
    current.add(e);
  });
  if (prev)
    for (const e of prev.entries)
      if (!current.has(e)) {
        if (e.wild) all = true;
        for (const w of e.writes) names.add(w);
      }
  byUri.set(fa.uri, {
    entries: current,
    token,
    config: project.config,
    moduleMap: project.moduleMap,
    trailing,
  });
  if (all) return units.map(() => true);
  spread(units, names, dirty, reached);
  return dirty;
}

/** Mark every unit using a name in `names`, adding the names it writes, to a fixpoint. */
function spread(units: Unit[], names: Set<string>, dirty: boolean[], reached: boolean[]): void {
  const uses = (e: Entry) => e.reads.some((n) => names.has(n)) || e.writes.some((n) => names.has(n));
  for (let grew = names.size > 0; grew;) {
    grew = false;
    units.forEach((u, i) => {
      const e = u.entry as Entry;
      if (reached[i] || !uses(e)) return;
      reached[i] = dirty[i] = true;
      for (const w of e.writes)
        if (!names.has(w)) {
          names.add(w);
          grew = true;
        }
    });
  }
}
