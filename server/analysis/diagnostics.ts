import { docDiagnostics } from './docChecks';
import { envAt, envRegions, globalInNilEnv } from './envChecks';
import { lint, LINT_CODES, lintFunctions, lintReturns } from './lint';
import {
  assignTypeMismatches,
  deprecatedUses,
  needCheckNil,
  paramTypeMismatches,
  returnCountDiagnostics,
  returnTypeMismatches,
  undefinedFields,
} from './typeChecks';
import type { Project } from './project';
import { stdlib } from './stdlib';
import { occurrenceAt, type FileAnalysis } from './resolve';
import type {
  AnalysisDiagnostic,
  ApiMember,
  CallSite,
  Definition,
  ParamInfo,
  SyntaxErrorInfo,
} from './types';

/** Damerau-free Levenshtein distance, bounded. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The nearest known name to `name` (for "did you mean"), if close enough. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase(), bestD);
    if (d < bestD || (d === bestD && !best)) {
      if (d <= bestD) {
        best = c;
        bestD = d;
      }
    }
  }
  return best;
}

/**
 * A key for what a call's callee evaluates to: the head identifier's resolution and the chain.
 * Undefined when the head is not an identifier occurrence (then evalChain searches by scope).
 */
function calleeKey(fa: FileAnalysis, call: CallSite): string | undefined {
  const head = call.chain[0];
  const occ = occurrenceAt(fa, call.span.start);
  if (!occ || occ.member || fa.text.slice(occ.span.start, occ.span.end) !== head.name) return undefined;
  let k = occ.defId !== undefined ? `#${occ.defId}` : `@${head.name}`;
  for (let i = 0; i < call.chain.length; i++) {
    const c = call.chain[i];
    k += `${c.sep}${c.name}${c.called && i < call.chain.length - 1 ? '()' : ''}`;
  }
  return k;
}

/** Callee signatures by `calleeKey`, for one diagnostics pass (the project does not change during it). */
type CalleeMemo = Map<string, ApiMember | undefined>;

function calleeInfo(
  project: Project,
  fa: FileAnalysis,
  call: CallSite,
  memo: CalleeMemo,
): ApiMember | undefined {
  const key = calleeKey(fa, call);
  if (key !== undefined && memo.has(key)) return memo.get(key);
  const last = call.chain[call.chain.length - 1];
  const calleeChain = [...call.chain.slice(0, -1), { ...last, called: false }];
  const info = project.evalChain(fa, calleeChain, call.span.start, 0, call.span.start).info;
  if (key !== undefined) memo.set(key, info);
  return info;
}

/**
 * Is a parameter required? As LuaLS: only when annotated (`---@param x T`) with a type that does
 * not admit nil (`T?`, `T|nil`, `any`, `nil`), and the implicit `self` of a method called with `.`.
 * An un-annotated parameter is optional: passing fewer arguments is the common Lua idiom.
 */
function isRequired(p: ParamInfo): boolean {
  if (p.optional || p.name === '...') return false;
  const t = p.type?.trim();
  if (t === undefined) return false;
  if (t.endsWith('?') || t === 'any' || t === 'unknown' || /(^|\|)\s*nil\s*($|\|)/.test(t)) return false;
  return true;
}

function paramCheck(
  project: Project,
  fa: FileAnalysis,
  call: CallSite,
  memo: CalleeMemo,
): AnalysisDiagnostic[] {
  const last = call.chain[call.chain.length - 1];
  const info = calleeInfo(project, fa, call, memo);
  if (!info?.params || (info.kind !== 'function' && info.kind !== 'method')) return [];
  let params = info.params;
  const sep = last.sep;
  let implicitSelf = false;
  if (sep === ':' && info.kind === 'function') params = params.slice(1);
  if (sep !== ':' && info.kind === 'method' && call.chain.length > 1) {
    params = [{ name: 'self' }, ...params];
    implicitSelf = true;
  }
  const vararg = info.isVararg || params.some((p) => p.name === '...');
  const fixed = params.filter((p) => p.name !== '...');
  let required = 0;
  fixed.forEach((p, i) => {
    if (isRequired(p) || (i === 0 && implicitSelf)) required = i + 1;
  });
  const n = call.args.length;
  if (n < required && !call.argIsMulti) {
    return [
      {
        code: 'missing-parameter',
        message: `Missing argument \`${fixed[n].name}\`: \`${info.name}\` expects ${required}${required < fixed.length ? ' or more' : ''} argument(s), got ${n}.`,
        span: call.span,
        severity: 'warning',
      },
    ];
  }
  const mismatches = paramTypeMismatches(project, fa, call.args, fixed);
  if (!vararg && n > fixed.length) {
    return [
      ...mismatches,
      ...call.args.slice(fixed.length).map((span): AnalysisDiagnostic => ({
        code: 'redundant-parameter',
        message: `\`${info.name}\` takes ${fixed.length} argument(s), got ${n}.`,
        span,
        severity: 'warning',
        unnecessary: true,
      })),
    ];
  }
  return mismatches;
}

/** Syntax errors alone (the quick first publication for a big file), filtered by settings. */
export function syntaxOnlyDiagnostics(project: Project, errors: SyntaxErrorInfo[]): AnalysisDiagnostic[] {
  if (project.config.disabled.includes('syntax-error')) return [];
  return errors.map((e) => ({ code: 'syntax-error', message: e.message, span: e.span, severity: 'error' }));
}

/**
 * A verdict of the scope walk with LuaLS's exemptions and names: assigning a std lib name or a
 * configured global is no lowercase-global; a `---@class` local is never unused; an unused
 * parameter is LuaLS's `unused-local`, except in a function with an empty body (a declaration).
 */
function asLuaLS(
  project: Project,
  fa: FileAnalysis,
  d: AnalysisDiagnostic,
  defAt: (at: number) => Definition | undefined,
): AnalysisDiagnostic | undefined {
  const name = d.data?.name;
  if (d.code === 'lowercase-global')
    return name &&
      (stdlib().globals.has(name) ||
        project.config.globals.includes(name) ||
        envAt(envRegions(fa), d.span.start))
      ? undefined
      : d;
  if (d.code !== 'unused-local' && d.code !== 'unused-parameter') return d;
  const def = defAt(d.span.start);
  if (def?.doc?.className) return undefined;
  if (d.code === 'unused-local') return d;
  if (project.config.disabled.includes('unused-parameter') || (def && emptyBody(fa, def))) return undefined;
  return { ...d, code: 'unused-local' };
}

/** Is the function declaring parameter `p` empty (no statements, comments allowed)? */
function emptyBody(fa: FileAnalysis, p: Definition): boolean {
  const close = fa.text.indexOf(')', p.span.end);
  const end = p.fullSpan.end - 'end'.length;
  if (close < 0 || close > end) return false;
  const body = fa.text
    .slice(close + 1, end)
    .replace(/--\[(=*)\[[\s\S]*?\]\1\]/g, '')
    .replace(/--.*$/gm, '');
  return body.trim() === '';
}

/** All diagnostics of a file, filtered by settings and `---@diagnostic` directives. */
export function computeDiagnostics(project: Project, fa: FileAnalysis): AnalysisDiagnostic[] {
  const out: AnalysisDiagnostic[] = [];
  for (const e of fa.syntaxErrors)
    out.push({ code: 'syntax-error', message: e.message, span: e.span, severity: 'error' });
  let defsAt: Map<number, Definition> | undefined;
  const defAt = (at: number) => {
    defsAt ??= new Map(fa.defs.map((x) => [x.span.start, x]));
    return defsAt.get(at);
  };
  if (fa.isMeta) {
    for (const d of fa.localDiagnostics) {
      const adjusted = asLuaLS(project, fa, d, defAt);
      if (adjusted) out.push(adjusted);
    }
  } else {
    // the syntax-tree rules replace the walk's versions of their codes (LuaLS spans and semantics)
    const own = lint(fa);
    const seen = new Set(own.map((d) => `${d.code}@${d.span.start}`));
    for (const d of fa.localDiagnostics) {
      if (LINT_CODES.includes(d.code) || seen.has(`${d.code}@${d.span.start}`)) continue;
      const adjusted = asLuaLS(project, fa, d, defAt);
      if (adjusted) out.push(adjusted);
    }
    for (const d of own) out.push(d); // (no spread: a huge file has more than the stack holds)
  }
  if (!fa.isMeta) {
    const reported = new Map<string, number>();
    const env = envRegions(fa);
    for (const o of fa.occurrences) {
      if (!o.global || o.defId !== undefined || o.isDeclaration) continue;
      if (project.isKnownGlobal(o.global, fa)) continue;
      // inside a redefined `_ENV`, a global is a field of it (or global-in-nil-env)
      if (env.length && envAt(env, o.span.start)) continue;
      const n = reported.get(o.global) ?? 0;
      reported.set(o.global, n + 1);
      if (n >= 50) continue;
      const suggestion = nearestName(o.global, [
        ...project.allGlobalNames(),
        ...visibleNames(fa, o.span.start),
      ]);
      out.push({
        code: 'undefined-global',
        message: `Undefined global \`${o.global}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        span: o.span,
        severity: 'warning',
        data: { name: o.global, suggestion },
      });
    }
    const memo: CalleeMemo = new Map();
    for (const c of fa.calls) out.push(...paramCheck(project, fa, c, memo));
    const more = [
      needCheckNil(fa),
      assignTypeMismatches(project, fa),
      undefinedFields(project, fa),
      returnTypeMismatches(project, fa, lintReturns(fa)),
      returnCountDiagnostics(fa, lintReturns(fa), lintFunctions(fa)),
      deprecatedUses(fa),
      globalInNilEnv(fa),
      docDiagnostics(project, fa),
    ];
    for (const list of more) for (const d of list) out.push(d);
  }
  const filtered = filterDiagnostics(project, fa, out);
  return filtered.length > MAX_DIAGNOSTICS ? filtered.slice(0, MAX_DIAGNOSTICS) : filtered;
}

/** Clients choke on huge lists; the first ones are the useful ones. */
export const MAX_DIAGNOSTICS = 1000;

function visibleNames(fa: FileAnalysis, offset: number): string[] {
  const out: string[] = [];
  for (const d of fa.defs)
    if (d.visible && d.visible.start <= offset && offset <= d.visible.end) out.push(d.name);
  return out;
}

export function filterDiagnostics(
  project: Project,
  fa: FileAnalysis,
  diags: AnalysisDiagnostic[],
): AnalysisDiagnostic[] {
  const disabled = new Set(project.config.disabled);
  const severity = project.config.severity;
  const dirs = fa.directives;
  if (Object.keys(severity).length)
    diags = diags.map((d) => (severity[d.code] ? { ...d, severity: severity[d.code] } : d));
  return diags.filter((d) => {
    if (disabled.has(d.code)) return false;
    if (!dirs.length) return true;
    const line = fa.lines.lineOf(d.span.start);
    let off = false;
    for (const dir of dirs) {
      const match = dir.codes === 'all' || dir.codes.includes(d.code);
      if (!match) continue;
      if (dir.action === 'disable-next-line' && dir.line + 1 === line) return false;
      if (dir.action === 'disable-line' && dir.line === line) return false;
      if (dir.action === 'disable' && dir.line <= line) off = true;
      if (dir.action === 'enable' && dir.line <= line) off = false;
    }
    return !off;
  });
}

// keep the helper reachable for quick fixes
export { occurrenceAt };
