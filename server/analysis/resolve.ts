import type { AnalyzeOptions, FileAnalysis } from './fileAnalysis';
import { parseLua, reparse } from './parse';
import { Walker } from './walkStatements';
import type { Definition, Occurrence } from './types';

/**
 * Scope resolution of one file: the entry point of the per-file analysis. The walk itself lives
 * in walkerBase.ts (state, scopes, definitions), walkExpressions.ts and walkStatements.ts; the
 * walk cache in walkRecord.ts/walkCache.ts; the lint rules it decides in lintRules.ts; the outline
 * and class index in outline.ts.
 */
export type { AnalyzeOptions, FileAnalysis } from './fileAnalysis';
export { exprChain } from './syntaxFacts';

/** Parse and resolve one file. Pure and synchronous; never throws on any input. */
export function analyzeFile(uri: string, text: string, opts: AnalyzeOptions = {}): FileAnalysis {
  const parsed = (opts.previous && reparse(text, opts.previous)) || parseLua(text);
  const caching = !!(opts.keepParseState && parsed.state);
  const w = new Walker(uri, text, parsed.comments, opts, caching, opts.previous?.walk);
  w.run(parsed.chunk);
  const fa = w.result(parsed.errors, parsed.attributes);
  if (opts.keepParseState) fa.parseState = parsed.state;
  if (parsed.state) parsed.state.walk = w.walkCache();
  for (const a of parsed.attributes) {
    const occ = fa.occurrences.find(
      (o) => o.isDeclaration && o.span.end <= a.span.start && a.span.start - o.span.end < 8,
    );
    const def = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
    if (def) {
      def.attribute = a.name;
      if (a.name === 'close')
        fa.localDiagnostics = fa.localDiagnostics.filter(
          (d) => !(d.code === 'unused-local' && d.span.start === def.span.start),
        );
    }
  }
  return fa;
}

/** Binary search: the occurrence whose span contains `offset` (end inclusive, for a cursor after a name). */
export function occurrenceAt(fa: FileAnalysis, offset: number): Occurrence | undefined {
  const occ = fa.occurrences;
  let lo = 0;
  let hi = occ.length - 1;
  let best: Occurrence | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (occ[mid].span.start <= offset) {
      best = occ[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best && offset <= best.span.end) return best;
  return undefined;
}

/** Locals visible at `offset`, innermost last wins per name. */
export function visibleLocals(fa: FileAnalysis, offset: number): Definition[] {
  const byName = new Map<string, Definition>();
  for (const d of fa.defs) {
    const v = d.visible;
    if (!v || v.start > offset || v.end < offset) continue;
    const prev = byName.get(d.name);
    if (!prev || (prev.visible && prev.visible.start <= v.start)) byName.set(d.name, d);
  }
  return [...byName.values()];
}
