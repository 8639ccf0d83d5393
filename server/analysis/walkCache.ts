import type * as lp from 'luaparse';
import type {
  AnalysisDiagnostic,
  CallSite,
  Definition,
  DocBlock,
  DocSymbol,
  FieldDef,
  FoldInfo,
  FunctionInfo,
  InitInfo,
  Occurrence,
  ParamInfo,
  Span,
} from './types';

/**
 * The scope walk of one top-level statement, kept so the next version of an open document re-walks
 * only the statements that changed (see `Walker.topStatement` in resolve.ts).
 *
 * A statement's walk depends on the rest of the file only through what it looks up outside itself
 * (`inputs`: top-level locals and globals by name, fields and parameters of outer definitions, doc
 * comments) and changes the rest only through `effects` on outer definitions and the top-level
 * scope. A segment is replayed when its statement node is unchanged (the incremental re-parse keeps
 * the nodes of untouched statements) and every input gives the same answer; its results are then
 * moved (`spans`, `ats`, `folds` by the offset/line difference, definition and function ids
 * renumbered) and its effects applied again, in walk order.
 */
export interface Segment {
  /** statement start offset and line in the version the segment was last used in */
  start: number;
  line: number;
  /** first definition / function id of the segment in that version */
  defBase: number;
  fnBase: number;
  defs: Definition[];
  /** per own definition, its state at the end of the statement (later statements add to it) */
  snapRefs: number[];
  snapReads: number[];
  snapFields: number[];
  snapParams: boolean[];
  /** fields the segment created (on own or outer definitions) and their ref counts then */
  fieldSnaps: [FieldDef, number][];
  occurrences: Occurrence[];
  diags: AnalysisDiagnostic[];
  folds: FoldInfo[];
  calls: CallSite[];
  functions: FunctionInfo[];
  requires: { module: string; span: Span; defId?: number }[];
  nodeSpans: Span[];
  memberUses: { defId: number; name: string; span: Span }[];
  symbols: DocSymbol[];
  /** every span object the walk of the statement created */
  spans: Span[];
  /** chain inits carrying an offset */
  ats: Extract<InitInfo, { kind: 'chain' }>[];
  /** `visible` of top-level locals: they end at the end of the file */
  topVisible: Span[];
  /** objects holding a doc block of the previous version */
  docHolders: { doc?: DocBlock }[];
  moduleReturn?: { value: { defId?: number; init?: InitInfo }; def?: Definition };
  inputs: SegmentInputs;
  effects: Effect[];
}

export interface SegmentInputs {
  /** name -> what the top-level scope gave (first lookup that left the statement) */
  locals: Map<string, Definition | undefined>;
  globals: Map<string, Definition | undefined>;
  fieldChecks: [Definition, string, boolean][];
  paramChecks: [Definition, boolean][];
  /** doc lookups: line relative to the statement's line, and the doc block found (as a key) */
  docs: { relLine: number; doc: DocBlock | undefined; key: string }[];
}

/** A change the statement made outside itself, replayed in order. */
export type Effect =
  | { k: 'ref'; def: Definition; span: Span; read: boolean }
  | { k: 'fieldNew'; def: Definition; field: FieldDef }
  | { k: 'fieldRef'; def: Definition; name: string; span: Span }
  | { k: 'params'; def: Definition; params: ParamInfo[]; vararg: boolean }
  | { k: 'scope'; name: string; def: Definition }
  | { k: 'global'; name: string; def: Definition };

/** What the next version needs from this one. */
export interface WalkCache {
  segments: Map<lp.Statement, Segment>;
  defCount: number;
  isMeta: boolean;
  keepNodeSpans: boolean;
}

/** A doc block as seen from a statement starting at `start`: relative position and text. */
export function docKey(doc: DocBlock | undefined, start: number, text: string): string {
  if (!doc) return '';
  return `${doc.span.start - start},${doc.span.end - start},${text.slice(doc.span.start, doc.span.end)}`;
}

export function newInputs(): SegmentInputs {
  return { locals: new Map(), globals: new Map(), fieldChecks: [], paramChecks: [], docs: [] };
}

/** Record the end-of-statement state of the segment's own definitions and created fields. */
export function snapshot(seg: Segment, createdFields: FieldDef[]): void {
  for (const d of seg.defs) {
    seg.snapRefs.push(d.refs.length);
    seg.snapReads.push(d.reads);
    seg.snapFields.push(d.fields.size);
    seg.snapParams.push(d.params !== undefined);
    for (const f of d.fields.values()) seg.fieldSnaps.push([f, f.refs.length]);
    if (d.doc) seg.docHolders.push(d);
  }
  for (const f of createdFields) seg.fieldSnaps.push([f, f.refs.length]);
  for (const [f] of seg.fieldSnaps) if (f.doc) seg.docHolders.push(f);
}

/** Undo what later statements (and the end-of-walk passes) added to the segment's definitions. */
export function restore(seg: Segment): void {
  seg.defs.forEach((d, i) => {
    d.refs.length = seg.snapRefs[i];
    d.reads = seg.snapReads[i];
    const n = seg.snapFields[i];
    if (d.fields.size > n) {
      let j = 0;
      for (const k of [...d.fields.keys()]) if (j++ >= n) d.fields.delete(k);
    }
    if (!seg.snapParams[i] && d.params !== undefined) {
      d.params = undefined;
      d.isVararg = undefined;
    }
    d.attribute = undefined;
  });
  for (const [f, n] of seg.fieldSnaps) f.refs.length = n;
}

/** Move the segment's offsets by `delta` and its lines by `lineDelta`; top-level scopes end at `textEnd`. */
export function relocate(seg: Segment, delta: number, lineDelta: number, textEnd: number): void {
  if (delta) {
    for (const s of seg.spans) {
      s.start += delta;
      s.end += delta;
    }
    for (const a of seg.ats) if (a.at !== undefined) a.at += delta;
  }
  if (lineDelta)
    for (const f of seg.folds) {
      f.startLine += lineDelta;
      f.endLine += lineDelta;
    }
  for (const v of seg.topVisible) v.end = textEnd;
}

/** The walk's outputs and top-level environment, as the replay sees them. */
export interface WalkState {
  text: string;
  defs: Definition[];
  occurrences: Occurrence[];
  diags: AnalysisDiagnostic[];
  folds: FoldInfo[];
  calls: CallSite[];
  functions: FunctionInfo[];
  requires: { module: string; span: Span; defId?: number }[];
  nodeSpans: Span[] | undefined;
  memberUses: { defId: number; name: string; span: Span }[];
  topSymbols: DocSymbol[];
  topLookup(name: string): Definition | undefined;
  topNames: Map<string, Definition>;
  globals: Map<string, Definition>;
  docAt(line: number): DocBlock | undefined;
  /** previous definition id -> this version's */
  remap: Int32Array;
}

/**
 * Replay `seg` for its statement now starting at `start` (line `line`) if every input gives the
 * same answer as when it was recorded; false (nothing changed) otherwise.
 */
export function replay(seg: Segment, st: WalkState, start: number, line: number): boolean {
  if (!inputsHold(seg, st, start, line)) return false;
  restore(seg);
  relocate(seg, start - seg.start, line - seg.line, st.text.length);
  seg.start = start;
  seg.line = line;
  appendOutputs(seg, st);
  applyEffects(seg, st);
  if (seg.moduleReturn) {
    const { value, def } = seg.moduleReturn;
    if (def) value.defId = def.id;
  }
  return true;
}

/** Does every input of `seg` give the recorded answer? Then its doc blocks become this version's. */
function inputsHold(seg: Segment, st: WalkState, start: number, line: number): boolean {
  const inp = seg.inputs;
  for (const [name, d] of inp.locals) if (st.topLookup(name) !== d) return false;
  for (const [name, d] of inp.globals) if (st.globals.get(name) !== d) return false;
  for (const [d, name, has] of inp.fieldChecks) if (d.fields.has(name) !== has) return false;
  for (const [d, had] of inp.paramChecks) if ((d.params !== undefined) !== had) return false;
  let docMap: Map<DocBlock, DocBlock> | undefined;
  for (const q of inp.docs) {
    const doc = st.docAt(line + q.relLine);
    if (docKey(doc, start, st.text) !== q.key) return false;
    if (q.doc && doc) (docMap ??= new Map()).set(q.doc, doc);
  }
  for (const q of inp.docs) if (q.doc) q.doc = docMap?.get(q.doc) ?? q.doc;
  if (docMap)
    for (const h of seg.docHolders) {
      const nd = h.doc && docMap.get(h.doc);
      if (nd) h.doc = nd;
    }
  return true;
}

/** Append the segment's definitions and results, renumbered, to the walk's outputs. */
function appendOutputs(seg: Segment, st: WalkState): void {
  const { remap } = st;
  seg.defBase = st.defs.length;
  for (const d of seg.defs) {
    remap[d.id] = st.defs.length;
    d.id = st.defs.length;
    st.defs.push(d);
  }
  for (const o of seg.occurrences) {
    if (o.defId !== undefined) o.defId = remap[o.defId];
    if (o.baseDefId !== undefined) o.baseDefId = remap[o.baseDefId];
    st.occurrences.push(o);
  }
  for (const u of seg.memberUses) {
    u.defId = remap[u.defId];
    st.memberUses.push(u);
  }
  for (const r of seg.requires) {
    if (r.defId !== undefined) r.defId = remap[r.defId];
    st.requires.push(r);
  }
  const fnDelta = st.functions.length - seg.fnBase;
  seg.fnBase = st.functions.length;
  for (const f of seg.functions) {
    f.id += fnDelta;
    if (f.defId !== undefined) f.defId = remap[f.defId];
    st.functions.push(f);
  }
  for (const c of seg.calls) {
    if (c.callerFn >= 0) c.callerFn += fnDelta;
    st.calls.push(c);
  }
  for (const d of seg.diags) st.diags.push(d);
  for (const f of seg.folds) st.folds.push(f);
  if (st.nodeSpans) for (const s of seg.nodeSpans) st.nodeSpans.push(s);
  for (const s of seg.symbols) st.topSymbols.push(s);
}

/** Apply the segment's effects on outer definitions and the top-level scope again, in order. */
function applyEffects(seg: Segment, st: WalkState): void {
  for (const e of seg.effects) {
    switch (e.k) {
      case 'ref':
        e.def.refs.push(e.span);
        if (e.read) e.def.reads++;
        break;
      case 'fieldNew':
        e.def.fields.set(e.field.name, e.field);
        break;
      case 'fieldRef':
        e.def.fields.get(e.name)?.refs.push(e.span);
        break;
      case 'params':
        e.def.params = e.params;
        e.def.isVararg = e.vararg;
        break;
      case 'scope':
        st.topNames.set(e.name, e.def);
        break;
      case 'global':
        st.globals.set(e.name, e.def);
        break;
    }
  }
}
