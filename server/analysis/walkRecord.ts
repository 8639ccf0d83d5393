import { spanOf } from './parse';
import { setSpanSink, type Stmt } from './syntaxFacts';
import { newInputs, replay, snapshot, type Segment } from './walkCache';
import type { Recorder, WalkerBase } from './walkerBase';
import type { Occurrence } from './types';

/**
 * The walk cache's side of the scope walk: each top-level statement of an open document is either
 * replayed from the previous version's segment or walked while recording a new segment (see
 * walkCache.ts for what a segment holds and when it may be replayed).
 */

const byStart = (a: Occurrence, b: Occurrence) => a.span.start - b.span.start;

/** Walk a top-level statement with `walk`, or replay its segment from the previous version. */
export function walkTopStatement(w: WalkerBase, s: Stmt, walk: (s: Stmt) => void): void {
  const segments = w.segments;
  if (!segments) return walk(s);
  const start = spanOf(s).start;
  const line = w.lines.lineOf(start);
  const old = w.prev?.segments.get(s);
  if (old && tryReplay(w, old, start, line)) {
    if (old.moduleReturn) w.moduleReturn = old.moduleReturn.value;
    segments.set(s, old);
    return;
  }
  segments.set(s, record(w, s, start, line, walk));
}

function tryReplay(w: WalkerBase, old: Segment, start: number, line: number): boolean {
  if (!w.remap) return false;
  return replay(
    old,
    {
      text: w.text,
      defs: w.defs,
      occurrences: w.occurrences,
      diags: w.diags,
      folds: w.folds,
      calls: w.calls,
      functions: w.functions,
      requires: w.requires,
      nodeSpans: w.nodeSpans,
      memberUses: w.memberUses,
      topSymbols: w.symbolStack[0],
      topLookup: (name) => w.topScope.lookup(name),
      topNames: w.topScope.names,
      globals: w.globals,
      docAt: (l) => w.docByEndLine.get(l),
      remap: w.remap,
    },
    start,
    line,
  );
}

/** Lengths of the walk's output arrays before a statement: its share is what follows. */
function marks(w: WalkerBase) {
  return {
    occ: w.occurrences.length,
    diags: w.diags.length,
    folds: w.folds.length,
    calls: w.calls.length,
    fns: w.functions.length,
    reqs: w.requires.length,
    nodes: w.nodeSpans?.length ?? 0,
    uses: w.memberUses.length,
    syms: w.symbolStack[0].length,
  };
}

function record(w: WalkerBase, s: Stmt, start: number, line: number, walk: (s: Stmt) => void): Segment {
  const rec: Recorder = {
    start,
    line,
    defBase: w.defs.length,
    inputs: newInputs(),
    effects: [],
    topVisible: [],
    ats: [],
    createdFields: new Set(),
    paramsSet: new Set(),
    spans: [],
  };
  const at = marks(w);
  const mr = w.moduleReturn;
  w.rec = rec;
  setSpanSink(rec.spans);
  try {
    walk(s);
  } finally {
    w.rec = undefined;
    setSpanSink(undefined);
  }
  const occ = w.occurrences.slice(at.occ).sort(byStart);
  for (let i = 0; i < occ.length; i++) w.occurrences[at.occ + i] = occ[i];
  const seg: Segment = {
    start,
    line,
    defBase: rec.defBase,
    fnBase: at.fns,
    defs: w.defs.slice(rec.defBase),
    snapRefs: [],
    snapReads: [],
    snapFields: [],
    snapParams: [],
    fieldSnaps: [],
    occurrences: occ,
    diags: w.diags.slice(at.diags),
    folds: w.folds.slice(at.folds),
    calls: w.calls.slice(at.calls),
    functions: w.functions.slice(at.fns),
    requires: w.requires.slice(at.reqs),
    nodeSpans: w.nodeSpans?.slice(at.nodes) ?? [],
    memberUses: w.memberUses.slice(at.uses),
    symbols: w.symbolStack[0].slice(at.syms),
    spans: rec.spans,
    ats: rec.ats,
    topVisible: rec.topVisible,
    docHolders: [],
    moduleReturn:
      w.moduleReturn !== mr && w.moduleReturn
        ? {
            value: w.moduleReturn,
            def: w.moduleReturn.defId !== undefined ? w.defs[w.moduleReturn.defId] : undefined,
          }
        : undefined,
    inputs: rec.inputs,
    effects: rec.effects,
  };
  snapshot(seg, [...rec.createdFields]);
  return seg;
}
