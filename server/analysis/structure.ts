import type { Project } from './project';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { stdlib } from './stdlib';
import {
  SemMod,
  type CallSite,
  type DocSymbol,
  type FunctionInfo,
  type SemanticToken,
  type Span,
} from './types';

/** Identifier tokens classified by what they resolve to. */
export function semanticTokens(project: Project, fa: FileAnalysis, range?: Span): SemanticToken[] {
  const out: SemanticToken[] = [];
  for (const o of fa.occurrences) {
    if (range && (o.span.end < range.start || o.span.start > range.end)) continue;
    let mods = o.isDeclaration ? SemMod.declaration : 0;
    if (o.member) {
      out.push({ span: o.span, kind: o.isCall ? 'method' : 'property', mods });
      continue;
    }
    if (o.defId !== undefined) {
      const d = fa.defs[o.defId];
      if (d.attribute === 'const') mods |= SemMod.readonly;
      if (!d.visible) mods |= SemMod.global;
      const isFn = d.kind === 'localFunction' || d.kind === 'globalFunction' || d.init?.kind === 'function';
      out.push({
        span: o.span,
        kind: d.kind === 'parameter' || d.kind === 'self' ? 'parameter' : isFn ? 'function' : 'variable',
        mods,
      });
      continue;
    }
    if (o.global) {
      const std = stdlib().globals.get(o.global);
      if (std)
        out.push({
          span: o.span,
          kind: std.kind === 'function' ? 'function' : 'namespace',
          mods: mods | SemMod.defaultLibrary | SemMod.global,
        });
      else if (project.globals().has(o.global))
        out.push({ span: o.span, kind: o.isCall ? 'function' : 'namespace', mods: mods | SemMod.global });
      else out.push({ span: o.span, kind: 'variable', mods: mods | SemMod.global });
    }
  }
  return out;
}

/** Nested spans around `offset`, innermost first (word, expression, statement, block, file). */
export function selectionChain(fa: FileAnalysis, offset: number): Span[] {
  const spans: Span[] = [];
  const occ = occurrenceAt(fa, offset);
  if (occ) spans.push(occ.span);
  for (const s of fa.nodeSpans ?? []) if (s.start <= offset && offset <= s.end) spans.push(s);
  for (const f of fa.functions) if (f.span.start <= offset && offset <= f.span.end) spans.push(f.span);
  spans.push({ start: 0, end: fa.text.length });
  spans.sort((a, b) => a.end - a.start - (b.end - b.start) || b.start - a.start);
  const out: Span[] = [];
  for (const s of spans) {
    const prev = out[out.length - 1];
    if (prev && prev.start === s.start && prev.end === s.end) continue;
    if (prev && (s.start > prev.start || s.end < prev.end)) continue;
    out.push(s);
  }
  return out;
}

export interface InlayHintInfo {
  offset: number;
  label: string;
}

/** Parameter names before call arguments (`f(--[[name:]] x)`), skipping obvious ones. */
export function inlayHints(project: Project, fa: FileAnalysis, range: Span): InlayHintInfo[] {
  const out: InlayHintInfo[] = [];
  for (const c of fa.calls) {
    if (c.span.end < range.start || c.span.start > range.end || !c.args.length) continue;
    const last = c.chain[c.chain.length - 1];
    const v = project.evalChain(
      fa,
      [...c.chain.slice(0, -1), { ...last, called: false }],
      c.span.start,
      0,
      c.span.start,
    );
    let params = v.info?.params;
    if (!params || (v.info?.kind !== 'function' && v.info?.kind !== 'method')) continue;
    if (last.sep === ':' && v.info.kind === 'function') params = params.slice(1);
    c.args.forEach((a, i) => {
      const p = params?.[i];
      if (!p || p.name === '...' || p.name === 'self') return;
      const argText = fa.text.slice(a.start, a.end);
      if (argText === p.name || argText.endsWith('.' + p.name)) return;
      if (params?.length === 1 && v.info?.origin === 'stdlib') return;
      out.push({ offset: a.start, label: `${p.name}:` });
    });
  }
  return out;
}

/** The function at `offset` (by its name), for call hierarchy. */
export function functionAt(fa: FileAnalysis, offset: number): FunctionInfo | undefined {
  const occ = occurrenceAt(fa, offset);
  if (occ) {
    const byName = fa.functions.find((f) => f.nameSpan.start === occ.span.start);
    if (byName) return byName;
    if (occ.defId !== undefined) {
      const f = fa.functions.find((x) => x.defId === occ.defId);
      if (f) return f;
    }
  }
  let best: FunctionInfo | undefined;
  for (const f of fa.functions)
    if (f.span.start <= offset && offset <= f.span.end && (!best || f.span.start >= best.span.start))
      best = f;
  return best;
}

function calleeFunction(
  project: Project,
  fa: FileAnalysis,
  c: CallSite,
): { fa: FileAnalysis; fn: FunctionInfo } | undefined {
  const occ = occurrenceAt(fa, c.nameSpan.start);
  if (occ?.defId !== undefined && !occ.member) {
    const f = fa.functions.find((x) => x.defId === occ.defId);
    if (f) return { fa, fn: f };
    const d = fa.defs[occ.defId];
    if (!d.visible) {
      for (const g of project.globals().get(d.name) ?? []) {
        const gf = g.fa.functions.find((x) => x.defId === g.def.id);
        if (gf) return { fa: g.fa, fn: gf };
      }
    }
  }
  if (occ?.global && !occ.member) {
    for (const g of project.globals().get(occ.global) ?? []) {
      const gf = g.fa.functions.find((x) => x.defId === g.def.id);
      if (gf) return { fa: g.fa, fn: gf };
    }
  }
  const last = c.chain[c.chain.length - 1];
  const v = project.evalChain(
    fa,
    [...c.chain.slice(0, -1), { ...last, called: false }],
    c.span.start,
    0,
    c.span.start,
  );
  const loc = v.info?.location;
  if (!loc) return undefined;
  const target = loc.uri === fa.uri ? fa : project.fullFile(loc.uri);
  const fn = target?.functions.find((x) => x.nameSpan.start === loc.span.start);
  return target && fn ? { fa: target, fn } : undefined;
}

export interface CallEdge {
  fa: FileAnalysis;
  fn: FunctionInfo | undefined;
  /** call name spans in the caller's file */
  spans: Span[];
}

export function outgoingCalls(project: Project, fa: FileAnalysis, fn: FunctionInfo): CallEdge[] {
  const edges = new Map<string, CallEdge>();
  for (const c of fa.calls) {
    if (c.callerFn !== fn.id) continue;
    const t = calleeFunction(project, fa, c);
    if (!t) continue;
    const k = `${t.fa.uri}#${t.fn.id}`;
    const e = edges.get(k) ?? { fa: t.fa, fn: t.fn, spans: [] };
    e.spans.push(c.nameSpan);
    edges.set(k, e);
  }
  return [...edges.values()];
}

export function incomingCalls(project: Project, fa: FileAnalysis, fn: FunctionInfo): CallEdge[] {
  const edges = new Map<string, CallEdge>();
  for (const f of project.fullFiles(fa, fn.name.replace(/^.*[.:]/, ''))) {
    for (const c of f.calls) {
      const last = c.chain[c.chain.length - 1];
      if (last.name !== fn.name.replace(/^.*[.:]/, '')) continue;
      const t = calleeFunction(project, f, c);
      if (!t || t.fa.uri !== fa.uri || t.fn.id !== fn.id) continue;
      const caller = c.callerFn >= 0 ? f.functions[c.callerFn] : undefined;
      const k = `${f.uri}#${c.callerFn}`;
      const e = edges.get(k) ?? { fa: f, fn: caller, spans: [] };
      e.spans.push(c.nameSpan);
      edges.set(k, e);
    }
  }
  return [...edges.values()];
}

export interface WorkspaceSymbolInfo {
  uri: string;
  symbol: DocSymbol;
  container?: string;
}

export function workspaceSymbols(project: Project, query: string, limit = 500): WorkspaceSymbolInfo[] {
  const q = query.toLowerCase();
  const out: WorkspaceSymbolInfo[] = [];
  const matches = (name: string) => {
    if (!q) return true;
    let i = 0;
    const n = name.toLowerCase();
    for (const ch of n) if (ch === q[i]) i++;
    return i === q.length;
  };
  const visit = (uri: string, syms: DocSymbol[], container?: string) => {
    for (const s of syms) {
      if (out.length >= limit) return;
      if (s.kind !== 'variable' || !container) if (matches(s.name)) out.push({ uri, symbol: s, container });
      visit(uri, s.children, s.name);
    }
  };
  for (const fa of project.files.values()) visit(fa.uri, fa.symbols);
  return out;
}
