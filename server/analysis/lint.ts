import { parseLua, spanOf } from './parse';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { ends, unreachable, unusedLabel } from './lintFlow';
import { recordStatement, type Facts, type ReturnFact } from './lintWalk';
import { defAt, firstOccurrence, localDiagnostics, nameAt, useOf, type LocalUse } from './lintLocals';
import type { AnalysisDiagnostic, Span } from './types';
import type * as lp from 'luaparse';

/**
 * Diagnostics decided from one file's syntax tree, with LuaLS's semantics and spans:
 * unused-function (a local function used only inside itself or by unused functions, an unused
 * local holding functions), unused-local on tables that are only written, unreachable-code (after
 * `return`, `goto`, `error()`, an infinite loop, or an `if` whose every branch ends so),
 * code-after-break, count-down-loop, empty-block, redundant-return, unused-vararg, newline-call,
 * ambiguity-1, duplicate-set-field, duplicate-index, unused-label, unbalanced-assignments and
 * redundant-value (per name / value), redefined-local (parameters included), trailing-space. Pure.
 *
 * Each top-level statement is walked once (lintWalk.ts) and its facts kept with its syntax node:
 * the incremental re-parse of an open document keeps the nodes of unchanged statements, so an edit
 * walks only what changed; the file-wide rules then resolve the facts against the scope analysis.
 */

/** Codes this module owns; the scope walk's own versions of them are replaced. */
export const LINT_CODES = [
  'unused-function',
  'unreachable-code',
  'count-down-loop',
  'unbalanced-assignments',
  'redefined-local',
];

const cache = new WeakMap<FileAnalysis, AnalysisDiagnostic[]>();
const returnCache = new WeakMap<
  FileAnalysis,
  { returns: ReturnFact[]; functions: { name: Span; completes: boolean; at: Span }[] }
>();

/** The `return`s and bodies of named functions (after `lint` ran on `fa`). */
export function lintReturns(fa: FileAnalysis): ReturnFact[] {
  lint(fa);
  return returnCache.get(fa)?.returns ?? [];
}

export function lintFunctions(fa: FileAnalysis): { name: Span; completes: boolean; at: Span }[] {
  lint(fa);
  return returnCache.get(fa)?.functions ?? [];
}
/**
 * What a top-level statement contributes, kept with its syntax node: its facts (offsets relative
 * to its start), the diagnostics of the locals declared inside it (decided with it: nothing
 * outside the statement sees them), and the identifiers in it that read names declared outside
 * (resolved when applied: a global of this version may be a top-level local of the next).
 */
interface StatementLint {
  len: number;
  facts: Facts;
  inner: AnalysisDiagnostic[];
  outerReads: number[];
  /** the name each of `outerReads` reads */
  outerNames: string[];
  /** the diagnostics, returns and functions at the offset the statement had last (reused while it stays) */
  placed?: Placed;
}
interface Placed {
  at: number;
  diags: AnalysisDiagnostic[];
  returns: ReturnFact[];
  functions: { name: Span; completes: boolean; at: Span }[];
}

/** A statement's diagnostics, returns and functions at offset `o` (new objects). */
function place(r: StatementLint, o: number): Placed {
  const sp = (x: Span): Span => ({ start: x.start + o, end: x.end + o });
  const f = r.facts;
  const diags: AnalysisDiagnostic[] = [];
  for (const d of f.diags) diags.push({ ...d, span: sp(d.span) });
  for (const d of r.inner) diags.push({ ...d, span: sp(d.span) });
  const returns: ReturnFact[] = [];
  for (const r2 of f.returns)
    if (r2.name)
      returns.push({ ...r2, name: sp(r2.name), values: r2.values.map(sp), keyword: sp(r2.keyword) });
  const functions = f.functions.map((x) => ({ name: sp(x.name), completes: x.completes, at: sp(x.at) }));
  return { at: o, diags, returns, functions };
}
const statementCache = new WeakMap<lp.Statement, StatementLint>();

export function lint(fa: FileAnalysis): AnalysisDiagnostic[] {
  let d = cache.get(fa);
  if (!d) {
    const st = fa.parseState;
    const chunk = st && !st.consumed ? st.chunk : parseLua(fa.text).chunk;
    const l = new Linter(fa);
    d = l.run(chunk.body);
    cache.set(fa, d);
    returnCache.set(fa, { returns: l.returns, functions: l.functions });
  }
  return d;
}

class Linter {
  readonly out: AnalysisDiagnostic[] = [];
  private readonly uses = new Map<number, LocalUse>();
  /** names of the definitions in `uses` */
  private readonly usedNames = new Set<string>();
  private readonly setFields = new Map<string, Span[]>();
  private readonly labels: { name: string; span: Span }[] = [];
  private readonly gotos = new Set<string>();
  /** `return` values of named functions, for return-type-mismatch */
  readonly returns: ReturnFact[] = [];
  /** named functions (for missing-return) */
  readonly functions: { name: Span; completes: boolean; at: Span }[] = [];

  /** the file has `---@nodiscard` annotations at all */
  private readonly nodiscard: boolean;

  constructor(readonly fa: FileAnalysis) {
    this.nodiscard = fa.text.includes('@nodiscard');
  }

  run(body: lp.Statement[]): AnalysisDiagnostic[] {
    let ended: lp.Statement | undefined;
    for (const s of body) {
      if (ended?.type === 'GotoStatement' && s.type === 'LabelStatement') ended = undefined;
      if (ended) {
        unreachable(this.out, ended, s, body[body.length - 1]);
        // the rest is still analysed
        for (const r of body.slice(body.indexOf(s))) this.apply(r);
        break;
      }
      this.apply(s);
      if (ends(s)) ended = s;
    }
    for (const l of this.labels) if (!this.gotos.has(l.name)) unusedLabel(this.out, l.name, l.span);
    this.redefinedLocals();
    localDiagnostics(this.fa, this.uses, this.out);
    if (!this.fa.isMeta) this.finishSetFields();
    this.trailingSpaces();
    this.closeNonObject();
    return this.out;
  }

  /** Walk a statement and decide the locals it declares (see StatementLint). */
  private record(s: lp.Statement): StatementLint {
    const span = spanOf(s);
    const o = span.start;
    const facts = recordStatement(this.fa.text, s);
    const fa = this.fa;
    // the statement's own top-level locals are seen by later statements; the rest is inner
    const top = new Set<number>();
    if (s.type === 'LocalStatement') for (const v of s.variables) top.add(spanOf(v).start);
    if (s.type === 'FunctionDeclaration' && s.isLocal && s.identifier) top.add(spanOf(s.identifier).start);
    const inner = (d: number | undefined) => {
      if (d === undefined) return false;
      const def = fa.defs[d];
      return !!def.visible && def.span.start >= o && def.span.start < span.end && !top.has(def.span.start);
    };
    const uses = new Map<number, LocalUse>();
    const writes = new Set<number>();
    const outer: Facts = { ...facts, decls: [], writeBases: [], fns: [] };
    for (const rel of facts.decls) {
      writes.add(rel + o);
      const d = defAt(fa, rel + o);
      if (inner(d)) useOf(uses, d as number).writes.push(nameAt(fa, rel + o));
      else outer.decls.push(rel);
    }
    for (const w of facts.writeBases) {
      writes.add(w.start + o);
      const d = defAt(fa, w.start + o);
      if (inner(d)) useOf(uses, d as number).writeBases.push({ start: w.start + o, end: w.end + o });
      else outer.writeBases.push(w);
    }
    for (const x of facts.fns) {
      writes.add(x.at + o);
      const d = defAt(fa, x.at + o);
      if (!inner(d)) {
        outer.fns.push(x);
        continue;
      }
      const u = useOf(uses, d as number);
      u.fns.push({ start: x.span.start + o, end: x.span.end + o });
      u.writes.push(nameAt(fa, x.at + o));
    }
    const outerReads: number[] = [];
    const outerNames: string[] = [];
    const occ = fa.occurrences;
    for (let i = firstOccurrence(fa, o); i < occ.length && occ[i].span.start < span.end; i++) {
      const x = occ[i];
      if (x.isDeclaration || x.member || writes.has(x.span.start)) continue;
      if (x.defId !== undefined && inner(x.defId)) uses.get(x.defId)?.reads.push(x.span);
      // a name read from outside (a global now may be a local of a later version: resolved in apply)
      else {
        outerReads.push(x.span.start - o);
        outerNames.push(x.defId !== undefined ? fa.defs[x.defId].name : (x.global ?? ''));
      }
    }
    const diags: AnalysisDiagnostic[] = [];
    localDiagnostics(fa, uses, diags);
    const rel = diags.map((d) => ({ ...d, span: { start: d.span.start - o, end: d.span.end - o } }));
    for (const d of rel) if (d.data?.removeSpan) d.data = { ...d.data, removeSpan: undefined };
    return { len: span.end - o, facts: outer, inner: rel, outerReads, outerNames };
  }

  /** A statement's lint (kept with its node), moved to where it is now, merged in. */
  private apply(s: lp.Statement): void {
    const span = spanOf(s);
    let r = statementCache.get(s);
    if (!r || r.len !== span.end - span.start) {
      r = this.record(s);
      statementCache.set(s, r);
    }
    const f = r.facts;
    const o = span.start;
    const sp = (x: Span): Span => ({ start: x.start + o, end: x.end + o });
    // unchanged statements before an edit keep their objects (fewer allocations per edit)
    if (r.placed?.at !== o) r.placed = place(r, o);
    const placed = r.placed;
    for (const d of placed.diags) this.out.push(d);
    for (const rel of f.decls) {
      const d = defAt(this.fa, rel + o);
      if (d !== undefined) this.use(d).writes.push(nameAt(this.fa, rel + o));
    }
    for (const rel of f.writeBases) {
      const w = sp(rel);
      const d = defAt(this.fa, w.start);
      if (d !== undefined) this.use(d).writeBases.push(w);
    }
    for (const x of f.fns) {
      const at = x.at + o;
      const d = defAt(this.fa, at);
      if (d === undefined) continue;
      const u = this.use(d);
      u.fns.push(sp(x.span));
      u.writes.push(nameAt(this.fa, at));
    }
    r.outerReads.forEach((rel, i) => {
      // only a name some local of the file has been declared under can read one
      if (!this.usedNames.has(r.outerNames[i])) return;
      const d = defAt(this.fa, rel + o);
      if (d !== undefined) this.uses.get(d)?.reads.push(nameAt(this.fa, rel + o));
    });
    for (const x of f.setFields) {
      const d = defAt(this.fa, x.at + o);
      const key = d !== undefined ? `#${d}.${x.name.slice(x.name.indexOf('.') + 1)}` : `@${x.name}`;
      const l = this.setFields.get(key) ?? [];
      l.push(sp(x.span));
      this.setFields.set(key, l);
    }
    for (const l of f.labels) this.labels.push({ name: l.name, span: sp(l.span) });
    for (const r2 of placed.returns) this.returns.push(r2);
    for (const x of placed.functions) this.functions.push(x);
    for (const c of f.calls) this.discardReturns(c.at + o, sp(c.span));
    for (const g of f.gotos) this.gotos.add(g);
  }

  /** The use record of local `d` (created on first use). */
  private use(d: number): LocalUse {
    this.usedNames.add(this.fa.defs[d].name);
    return useOf(this.uses, d);
  }

  private diag(
    code: string,
    span: Span,
    message: string,
    severity: AnalysisDiagnostic['severity'],
    extra: Partial<AnalysisDiagnostic> = {},
  ): void {
    this.out.push({ code, span, message, severity, ...extra });
  }

  // ---- locals ------------------------------------------------------------------------------

  private finishSetFields(): void {
    for (const spans of this.setFields.values()) {
      if (spans.length < 2) continue;
      for (const s of spans)
        this.diag(
          'duplicate-set-field',
          s,
          `Duplicate field \`${this.fa.text.slice(s.start, s.end)}\`.`,
          'warning',
        );
    }
  }

  /** A local declared again while an outer one of the same name is visible (parameters too). */
  private redefinedLocals(): void {
    const kinds = new Set(['local', 'localFunction', 'parameter', 'forVariable']);
    // per name, the definitions whose visibility may still hold later declarations
    // (`minEnd` skips the filtering while nothing has ended: many same-name locals in one scope)
    const open = new Map<string, { list: { end: number; decl: number }[]; minEnd: number }>();
    for (const d of this.fa.defs) {
      if (!kinds.has(d.kind) || !d.visible || d.name.startsWith('_') || d.name === '...' || d.name === 'self')
        continue;
      const at = d.span.start;
      let o = open.get(d.name);
      if (!o) open.set(d.name, (o = { list: [], minEnd: Infinity }));
      if (o.minEnd < at) {
        o.list = o.list.filter((e) => e.end >= at);
        o.minEnd = o.list.reduce((m, e) => Math.min(m, e.end), Infinity);
      }
      if (o.list.some((e) => e.decl < at))
        this.diag('redefined-local', d.span, `Redefined local \`${d.name}\`.`, 'hint', {
          data: { name: d.name },
        });
      o.list.push({ end: d.visible.end, decl: at });
      o.minEnd = Math.min(o.minEnd, d.visible.end);
    }
  }

  /** `f()` as a statement where `f` is annotated `---@nodiscard`. */
  private discardReturns(at: number, call: Span): void {
    if (!this.nodiscard) return;
    const occ = occurrenceAt(this.fa, at);
    if (!occ || occ.span.start !== at) return;
    let line: number | undefined;
    if (occ.member && occ.baseDefId !== undefined) {
      const f = this.fa.defs[occ.baseDefId]?.fields.get(occ.member.name);
      if (f) line = this.fa.lines.lineOf(f.span.start);
    } else if (occ.defId !== undefined) {
      const d = this.fa.defs[occ.defId];
      if (d) line = this.fa.lines.lineOf(d.fullSpan.start);
    }
    if (line === undefined) return;
    for (let l = line - 1; l >= 0 && l >= line - 50; l--) {
      const t = this.fa.lines.lineText(l);
      if (!/^\s*---/.test(t)) break;
      if (/@nodiscard\b/.test(t)) {
        this.diag(
          'discard-returns',
          call,
          'The return values of this call should not be discarded.',
          'warning',
        );
        return;
      }
    }
  }

  /** `local x <close> = 1`: a value that cannot have a `__close` metamethod (nil and false are allowed). */
  private closeNonObject(): void {
    for (const a of this.fa.attributes) {
      if (a.name !== 'close') continue;
      const rest = this.fa.text.slice(a.span.end, a.span.end + 200);
      const m = /^\s*=\s*(-?\d[\w.]*|"[^"\n]*"|'[^'\n]*'|true)\s*(;|--|\r?\n|$)/.exec(rest);
      if (!m) continue;
      const start = a.span.end + m[0].indexOf(m[1]);
      this.diag(
        'close-non-object',
        { start, end: start + m[1].length },
        'This value cannot be closed (it has no `__close`).',
        'warning',
      );
    }
  }

  // ---- text --------------------------------------------------------------------------------

  /** Spaces at line ends, outside comments and strings (which may span lines). */
  private trailingSpaces(): void {
    const text = this.fa.text;
    const re = /[ \t]+(?=\r?\n|$)/g;
    let m = re.exec(text);
    if (!m) return;
    const masked = commentAndStringSpans(text);
    let k = 0;
    for (; m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const start = m.index;
      while (k < masked.length && masked[k].end <= start) k++;
      if (k < masked.length && masked[k].start <= start) continue;
      this.diag('trailing-space', { start, end: start + m[0].length }, 'Trailing whitespace.', 'hint');
    }
  }
}

/** The spans of comments and string literals, in order (a scan without tokens). */
function commentAndStringSpans(text: string): Span[] {
  const out: Span[] = [];
  const n = text.length;
  const longLevel = (at: number): number => {
    let j = at + 1;
    while (text.charCodeAt(j) === 61) j++; // '='
    return text.charCodeAt(j) === 91 ? j - at - 1 : -1; // '['
  };
  const longEnd = (at: number, level: number): number => {
    const close = ']' + '='.repeat(level) + ']';
    const e = text.indexOf(close, at + level + 2);
    return e < 0 ? n : e + close.length;
  };
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      // comment
      const lv = text.charCodeAt(i + 2) === 91 ? longLevel(i + 2) : -1;
      let e: number;
      if (lv >= 0) e = longEnd(i + 2, lv);
      else {
        e = text.indexOf('\n', i);
        if (e < 0) e = n;
      }
      out.push({ start: i, end: e });
      i = e;
    } else if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10)
        j += text.charCodeAt(j) === 92 ? 2 : 1;
      out.push({ start: i, end: Math.min(n, j + 1) });
      i = j + 1;
    } else if (c === 91 && longLevel(i) >= 0) {
      const e = longEnd(i, longLevel(i));
      out.push({ start: i, end: e });
      i = e;
    } else i++;
  }
  return out;
}
