import { occurrenceAt, type FileAnalysis } from './resolve';
import type { AnalysisDiagnostic, Span } from './types';

/**
 * The locals rules of lint.ts (unused-function, unused-local with every write), shared by the
 * per-statement pass (locals declared inside a top-level statement are decided with it and kept)
 * and the file pass (top-level locals, used across statements).
 */

export interface LocalUse {
  /** identifier reads that are not the base of a field write */
  reads: Span[];
  /** `t` in `t.a = v`, `t[k] = v`, `function t.a()` */
  writeBases: Span[];
  /** function values stored in it */
  fns: Span[];
  /** the names assigned (`x = v`, `local x = v`, `function x()`) */
  writes: Span[];
}

export function useOf(uses: Map<number, LocalUse>, id: number): LocalUse {
  let u = uses.get(id);
  if (!u) uses.set(id, (u = { reads: [], writeBases: [], fns: [], writes: [] }));
  return u;
}

/** The local an identifier at `at` resolves to (scope analysis), if it is a local. */
export function defAt(fa: FileAnalysis, at: number): number | undefined {
  const occ = occurrenceAt(fa, at);
  if (!occ || occ.span.start !== at || occ.member || occ.defId === undefined) return undefined;
  const d = fa.defs[occ.defId];
  return d?.visible ? d.id : undefined;
}

/** The identifier starting at `at`. */
export function nameAt(fa: FileAnalysis, at: number): Span {
  IDENT.lastIndex = at;
  const m = IDENT.exec(fa.text);
  return { start: at, end: at + (m ? Math.min(m[0].length, 200) : 0) };
}
const IDENT = /[A-Za-z_]\w*/y;

/** Index of the first occurrence starting at or after `offset`. */
export function firstOccurrence(fa: FileAnalysis, offset: number): number {
  const occ = fa.occurrences;
  let lo = 0;
  let hi = occ.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (occ[mid].span.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Local functions nobody calls: every read lies inside the function itself or inside another
 * unused function (so `x` called only from an unused `y` is unused too), found by a fixpoint.
 */
export function deadFunctions(fa: FileAnalysis, uses: Map<number, LocalUse>): Set<number> {
  const fns = [...uses.keys()].filter((id) => fa.defs[id]?.kind === 'localFunction');
  const dead = new Set<number>(fns);
  for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
    changed = false;
    for (const id of [...dead]) {
      const reads = uses.get(id)?.reads ?? [];
      const inside = (r: Span) =>
        [...dead].some((o) => {
          const b = fa.defs[o].fullSpan;
          return r.start >= b.start && r.start < b.end;
        });
      if (reads.some((r) => !inside(r))) {
        dead.delete(id);
        changed = true;
      }
    }
  }
  return dead;
}

/** unused-function and unused-local for the locals in `uses`. */
export function localDiagnostics(
  fa: FileAnalysis,
  uses: Map<number, LocalUse>,
  out: AnalysisDiagnostic[],
): void {
  const diag = (code: string, span: Span, message: string, extra: Partial<AnalysisDiagnostic>) =>
    out.push({ code, span, message, severity: 'hint', ...extra });
  const dead = deadFunctions(fa, uses);
  for (const [id, u] of uses) {
    const d = fa.defs[id];
    if (!d || d.name.startsWith('_') || d.attribute === 'close' || d.doc?.className) continue;
    if (d.kind === 'localFunction') {
      const body = d.fullSpan;
      if (!dead.has(id)) continue;
      const at = fa.text.indexOf('function', body.start);
      const span = { start: at >= body.start && at < body.end ? at : body.start, end: body.end };
      diag('unused-function', span, `Unused local function \`${d.name}\`.`, {
        unnecessary: true,
        data: { name: d.name, removeSpan: d.fullSpan },
      });
      // never named anywhere, not even by itself: the name is an unused local too (LuaLS)
      if (!u.reads.length)
        diag('unused-local', d.span, `Unused local \`${d.name}\`.`, {
          unnecessary: true,
          data: { name: d.name },
        });
    } else if (d.kind === 'local') {
      const outside = u.reads.filter((r) => !u.fns.some((f) => r.start >= f.start && r.start < f.end));
      if (u.fns.length && !outside.length) {
        for (const f of u.fns)
          diag('unused-function', f, `Unused function (stored in \`${d.name}\`).`, {
            unnecessary: true,
          });
      }
      // never read: the declaration and every write (assignments, field writes); only writing
      // fields counts as unused for a table the local itself created (`local t = {}`), as LuaLS
      if (!u.reads.length && (!u.writeBases.length || d.init?.kind === 'table')) {
        const seen = new Set<number>();
        for (const s of [d.span, ...u.writes, ...u.writeBases].filter(
          (x) => !seen.has(x.start) && seen.add(x.start),
        ))
          diag('unused-local', s, `\`${d.name}\` is never read.`, {
            unnecessary: true,
            data: { name: d.name },
          });
      }
    }
  }
}
