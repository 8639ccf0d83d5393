import type { FileAnalysis } from './resolve';
import type { AnalysisDiagnostic, Span } from './types';

/**
 * `_ENV` redefined: after `_ENV = nil` or `local _ENV` (no value), every global name is an
 * access to a nil environment (`global-in-nil-env`); after `_ENV = {...}`, `local _ENV = t` or in a
 * function taking an `_ENV` parameter, global names are fields of that table and not checked as
 * globals. Pure, from the text and the scope analysis.
 */
export interface EnvRegion {
  span: Span;
  /** the environment is nil there */
  nil: boolean;
}

const cache = new WeakMap<FileAnalysis, EnvRegion[]>();

export function envRegions(fa: FileAnalysis): EnvRegion[] {
  let out = cache.get(fa);
  if (out) return out;
  out = [];
  if (fa.text.includes('_ENV')) {
    const isNil = (value: string | undefined) => {
      const v = (value ?? '').replace(/--.*$/, '').trim().replace(/;$/, '');
      return v === '' || v === 'nil';
    };
    for (const m of fa.text.matchAll(
      /^[ \t]*(local[ \t]+)?_ENV\b[ \t]*(?:<[^>]*>)?[ \t]*(?:=([^\n]*))?$/gm,
    )) {
      const at = (m.index ?? 0) + m[0].indexOf('_ENV');
      const end = (m.index ?? 0) + m[0].length;
      if (m[1]) {
        const d = fa.defs.find((x) => x.name === '_ENV' && x.span.start === at);
        if (d?.visible) out.push({ span: { start: end, end: d.visible.end }, nil: isNil(m[2]) });
      } else if (m[2] !== undefined)
        out.push({ span: { start: end, end: fa.text.length }, nil: isNil(m[2]) });
    }
    for (const d of fa.defs)
      if (d.name === '_ENV' && d.kind === 'parameter' && d.visible) out.push({ span: d.visible, nil: false });
  }
  cache.set(fa, out);
  return out;
}

/** The region (innermost: the latest start) holding `offset`, if any. */
export function envAt(regions: EnvRegion[], offset: number): EnvRegion | undefined {
  let best: EnvRegion | undefined;
  for (const r of regions)
    if (r.span.start <= offset && offset <= r.span.end && (!best || r.span.start >= best.span.start))
      best = r;
  return best;
}

export function globalInNilEnv(fa: FileAnalysis): AnalysisDiagnostic[] {
  const regions = envRegions(fa);
  if (!regions.some((r) => r.nil)) return [];
  const out: AnalysisDiagnostic[] = [];
  for (const o of fa.occurrences) {
    if (!o.global || o.global === '_ENV' || o.member) continue;
    if (o.defId !== undefined && fa.defs[o.defId]?.visible) continue;
    if (envAt(regions, o.span.start)?.nil)
      out.push({
        code: 'global-in-nil-env',
        span: o.span,
        message: `\`${o.global}\` is looked up in a nil \`_ENV\`.`,
        severity: 'warning',
      });
  }
  return out;
}
