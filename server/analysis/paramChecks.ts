import type { Project } from './project';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { paramTypeMismatches } from './typeChecks';
import type { AnalysisDiagnostic, ApiMember, CallSite, ParamInfo } from './types';

/**
 * The argument-count checks of one call (`missing-parameter`, `redundant-parameter`) and the
 * argument types (`param-type-mismatch`, typeChecks.ts), with LuaLS's semantics.
 */

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
export type CalleeMemo = Map<string, ApiMember | undefined>;

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

export function paramCheck(
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
