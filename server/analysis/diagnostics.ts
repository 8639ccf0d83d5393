import { docDiagnostics } from './docChecks';
import { envAt, envRegions, globalInNilEnv } from './envChecks';
import { lint, LINT_CODES, lintFunctions, lintReturns } from './lint';
import { statementDiagnostics } from './statementDiagnostics';
import { assignTypeMismatches, deprecatedUses, needCheckNil, undefinedFields } from './typeChecks';
import type { Project } from './project';
import { stdlib } from './stdlib';
import { occurrenceAt, type FileAnalysis } from './resolve';
import type { AnalysisDiagnostic, Definition, SyntaxErrorInfo } from './types';

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
    defsAt ??= unusedDefs(fa);
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
    const seen = new Map<string, Set<number>>();
    for (const d of own) {
      let at = seen.get(d.code);
      if (!at) seen.set(d.code, (at = new Set()));
      at.add(d.span.start);
    }
    for (const d of fa.localDiagnostics) {
      if (LINT_CODES.includes(d.code) || seen.get(d.code)?.has(d.span.start)) continue;
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
    const per = statementDiagnostics(project, fa, { returns: lintReturns(fa), functions: lintFunctions(fa) });
    const more = [
      per.params,
      needCheckNil(fa),
      assignTypeMismatches(project, fa),
      undefinedFields(project, fa),
      per.returnTypes,
      per.missingReturns,
      per.returnCounts,
      deprecatedUses(fa),
      globalInNilEnv(fa),
      docDiagnostics(project, fa),
    ];
    for (const list of more) for (const d of list) out.push(d);
  }
  const filtered = filterDiagnostics(project, fa, out);
  return filtered.length > MAX_DIAGNOSTICS ? filtered.slice(0, MAX_DIAGNOSTICS) : filtered;
}

/** The definitions the walk's unused-local / unused-parameter verdicts name, by start (the last wins). */
function unusedDefs(fa: FileAnalysis): Map<number, Definition> {
  const wanted = new Set<number>();
  for (const d of fa.localDiagnostics)
    if (d.code === 'unused-local' || d.code === 'unused-parameter') wanted.add(d.span.start);
  const out = new Map<number, Definition>();
  for (const x of fa.defs) if (wanted.has(x.span.start)) out.set(x.span.start, x);
  return out;
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
