import { parseLua, spanOf } from './parse';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { ends, recordStatement, unreachable, unusedLabel, type Facts } from './lintWalk';
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

interface LocalUse {
  /** identifier reads that are not the base of a field write */
  reads: Span[];
  /** `t` in `t.a = v`, `t[k] = v`, `function t.a()` */
  writeBases: Span[];
  /** function values stored in it */
  fns: Span[];
  /** the names assigned (`x = v`, `local x = v`, `function x()`) */
  writes: Span[];
}

const cache = new WeakMap<FileAnalysis, AnalysisDiagnostic[]>();
const returnCache = new WeakMap<FileAnalysis, { name: Span; values: Span[] }[]>();

/** The values returned by `return` in named functions (after `lint` ran on `fa`). */
export function lintReturns(fa: FileAnalysis): { name: Span; values: Span[] }[] {
  lint(fa);
  return returnCache.get(fa) ?? [];
}
const factCache = new WeakMap<lp.Statement, Facts>();

export function lint(fa: FileAnalysis): AnalysisDiagnostic[] {
  let d = cache.get(fa);
  if (!d) {
    const st = fa.parseState;
    const chunk = st && !st.consumed ? st.chunk : parseLua(fa.text).chunk;
    const l = new Linter(fa);
    d = l.run(chunk.body);
    cache.set(fa, d);
    returnCache.set(fa, l.returns);
  }
  return d;
}

class Linter {
  readonly out: AnalysisDiagnostic[] = [];
  private readonly uses = new Map<number, LocalUse>();
  private readonly setFields = new Map<string, Span[]>();
  private readonly labels: { name: string; span: Span }[] = [];
  private readonly gotos = new Set<string>();
  /** identifiers that are written, not read (assignment targets, field-write bases) */
  private readonly writes = new Set<number>();
  /** `return` values of named functions, for return-type-mismatch */
  readonly returns: { name: Span; values: Span[] }[] = [];

  constructor(readonly fa: FileAnalysis) {}

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
    this.reads();
    for (const l of this.labels) if (!this.gotos.has(l.name)) unusedLabel(this.out, l.name, l.span);
    this.redefinedLocals();
    this.finishLocals();
    if (!this.fa.isMeta) this.finishSetFields();
    this.trailingSpaces();
    this.closeNonObject();
    return this.out;
  }

  /** A statement's facts (kept with its node), moved to where it is now, merged in. */
  private apply(s: lp.Statement): void {
    const span = spanOf(s);
    let f = factCache.get(s);
    if (!f || f.len !== span.end - span.start) {
      f = recordStatement(this.fa.text, s);
      factCache.set(s, f);
    }
    const o = span.start;
    const sp = (x: Span): Span => ({ start: x.start + o, end: x.end + o });
    for (const d of f.diags) this.out.push({ ...d, span: sp(d.span) });
    for (const rel of f.decls) {
      const at = rel + o;
      this.writes.add(at);
      const d = this.defAt(at);
      if (d !== undefined) this.use(d).writes.push(this.nameAt(at));
    }
    for (const rel of f.writeBases) {
      const w = sp(rel);
      this.writes.add(w.start);
      const d = this.defAt(w.start);
      if (d !== undefined) this.use(d).writeBases.push(w);
    }
    for (const x of f.fns) {
      const at = x.at + o;
      this.writes.add(at);
      const d = this.defAt(at);
      if (d === undefined) continue;
      const u = this.use(d);
      u.fns.push(sp(x.span));
      u.writes.push(this.nameAt(at));
    }
    for (const x of f.setFields) {
      const d = this.defAt(x.at + o);
      const key = d !== undefined ? `#${d}.${x.name.slice(x.name.indexOf('.') + 1)}` : `@${x.name}`;
      const l = this.setFields.get(key) ?? [];
      l.push(sp(x.span));
      this.setFields.set(key, l);
    }
    for (const l of f.labels) this.labels.push({ name: l.name, span: sp(l.span) });
    for (const r of f.returns) if (r.name) this.returns.push({ name: sp(r.name), values: r.values.map(sp) });
    for (const c of f.calls) this.discardReturns(c.at + o, sp(c.span));
    for (const g of f.gotos) this.gotos.add(g);
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

  /** The local an identifier at `at` resolves to (scope analysis), if it is a local. */
  private defAt(at: number): number | undefined {
    const occ = occurrenceAt(this.fa, at);
    if (!occ || occ.span.start !== at || occ.member || occ.defId === undefined) return undefined;
    const d = this.fa.defs[occ.defId];
    return d?.visible ? d.id : undefined;
  }

  /** Every identifier the scope analysis resolved to a local, except writes, is a read. */
  private reads(): void {
    for (const o of this.fa.occurrences) {
      if (o.defId === undefined || o.isDeclaration || o.member || this.writes.has(o.span.start)) continue;
      // only locals declared by a statement have a use record (parameters are not checked here)
      this.uses.get(o.defId)?.reads.push(o.span);
    }
  }

  /** The identifier starting at `at`. */
  private nameAt(at: number): Span {
    const m = /^[A-Za-z_]\w*/.exec(this.fa.text.slice(at, at + 200));
    return { start: at, end: at + (m ? m[0].length : 0) };
  }

  private use(id: number): LocalUse {
    let u = this.uses.get(id);
    if (!u) this.uses.set(id, (u = { reads: [], writeBases: [], fns: [], writes: [] }));
    return u;
  }

  /**
   * Local functions nobody calls: every read lies inside the function itself or inside another
   * unused function (so `x` called only from an unused `y` is unused too), found by a fixpoint.
   */
  private deadFunctions(): Set<number> {
    const fns = [...this.uses.keys()].filter((id) => this.fa.defs[id]?.kind === 'localFunction');
    const dead = new Set<number>(fns);
    for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
      changed = false;
      for (const id of [...dead]) {
        const reads = this.uses.get(id)?.reads ?? [];
        const inside = (r: Span) =>
          [...dead].some((o) => {
            const b = this.fa.defs[o].fullSpan;
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

  private finishLocals(): void {
    const dead = this.deadFunctions();
    for (const [id, u] of this.uses) {
      const d = this.fa.defs[id];
      if (!d || d.name.startsWith('_') || d.attribute === 'close') continue;
      if (d.kind === 'localFunction') {
        const body = d.fullSpan;
        if (!dead.has(id)) continue;
        const at = this.fa.text.indexOf('function', body.start);
        const span = { start: at >= body.start && at < body.end ? at : body.start, end: body.end };
        this.diag('unused-function', span, `Unused local function \`${d.name}\`.`, 'hint', {
          unnecessary: true,
          data: { name: d.name, removeSpan: d.fullSpan },
        });
        // never named anywhere, not even by itself: the name is an unused local too (LuaLS)
        if (!u.reads.length)
          this.diag('unused-local', d.span, `Unused local \`${d.name}\`.`, 'hint', {
            unnecessary: true,
            data: { name: d.name },
          });
      } else if (d.kind === 'local') {
        const outside = u.reads.filter((r) => !u.fns.some((f) => r.start >= f.start && r.start < f.end));
        if (u.fns.length && !outside.length) {
          for (const f of u.fns)
            this.diag('unused-function', f, `Unused function (stored in \`${d.name}\`).`, 'hint', {
              unnecessary: true,
            });
        }
        // never read: the declaration and every write (assignments, field writes)
        if (!u.reads.length) {
          const seen = new Set<number>();
          for (const s of [d.span, ...u.writes, ...u.writeBases].filter(
            (x) => !seen.has(x.start) && seen.add(x.start),
          ))
            this.diag('unused-local', s, `\`${d.name}\` is never read.`, 'hint', {
              unnecessary: true,
              data: { name: d.name },
            });
        }
      }
    }
  }

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
    const open = new Map<string, { end: number; decl: number }[]>();
    for (const d of this.fa.defs) {
      if (!kinds.has(d.kind) || !d.visible || d.name.startsWith('_') || d.name === '...' || d.name === 'self')
        continue;
      const at = d.span.start;
      const list = (open.get(d.name) ?? []).filter((e) => e.end >= at);
      if (list.some((e) => e.decl < at))
        this.diag('redefined-local', d.span, `Redefined local \`${d.name}\`.`, 'hint', {
          data: { name: d.name },
        });
      list.push({ end: d.visible.end, decl: at });
      open.set(d.name, list);
    }
  }

  /** `f()` as a statement where `f` is annotated `---@nodiscard`. */
  private discardReturns(at: number, call: Span): void {
    if (!this.fa.text.includes('@nodiscard')) return;
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
