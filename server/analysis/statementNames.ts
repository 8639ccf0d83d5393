import { firstOccurrence } from './lintLocals';
import type { FileAnalysis } from './resolve';

/**
 * The names through which one top-level statement (with the comments before it) meets the rest of
 * its file: the statement diagnostics cache (statementDiagnostics.ts) re-checks a statement whose
 * text is unchanged only when one of these names may now mean something else.
 *
 * In Lua two top-level statements share nothing but names (top-level locals, globals, and the
 * class and alias names of `---@` annotations). A name the statement only *calls through*
 * (`f(...)`, `M.g(...)`, `obj:m(...)`) is a read: the call cannot change what the analysis knows
 * about the name. Every other use (a declaration, an assignment, `M.x = v`, passing `M` as an
 * argument, `local t = M`) may change it and is a write. Names that reach the globals by string
 * (`_G`, `_ENV`, `rawset`, `load`, ...) are "wild": the cache is not used for such a file.
 */
export interface StatementNames {
  reads: string[];
  writes: string[];
  wild: boolean;
}

const WILD = new Set([
  '_G',
  '_ENV',
  'rawset',
  'rawget',
  'setfenv',
  'getfenv',
  'load',
  'loadstring',
  'loadfile',
  'dofile',
  'module',
]);

/** After a name: member names, then the opening of a call's arguments. */
const CALL_AFTER = /(?:\s*[.:]\s*[A-Za-z_]\w*)*\s*(?:\(|"|'|\{|\[=*\[)/y;
const FUNCTION_BEFORE = /\bfunction\s+$/;
const ANNOTATION = /---[ \t]*@(\w+)([^\n]*)/g;
const WORD = /[A-Za-z_]\w*/g;
/** annotations that declare a type name (the others only use names) */
const DECLARING_TAGS = new Set(['class', 'alias', 'enum']);

/** Is the identifier at `start..end` only called through (see above)? */
function callsThrough(text: string, start: number, end: number): boolean {
  CALL_AFTER.lastIndex = end;
  if (!CALL_AFTER.test(text)) return false;
  return !FUNCTION_BEFORE.test(text.slice(Math.max(0, start - 12), start));
}

/**
 * The names of the statement at `start..end` whose comments begin at `gapStart` (the end of the
 * previous statement).
 */
export function statementNames(
  fa: FileAnalysis,
  gapStart: number,
  start: number,
  end: number,
): StatementNames {
  const reads = new Set<string>();
  const writes = new Set<string>();
  const text = fa.text;
  const occ = fa.occurrences;
  const external = (defId: number): string | undefined => {
    const d = fa.defs[defId];
    if (!d) return undefined;
    const inside = d.span.start >= start && d.span.start < end;
    return inside && d.visible && d.visible.end <= end ? undefined : d.name;
  };
  for (let i = firstOccurrence(fa, start); i < occ.length && occ[i].span.start < end; i++) {
    const o = occ[i];
    if (o.member) {
      // a member whose base is an outer definition without an occurrence of its own here
      const base = o.baseDefId !== undefined ? external(o.baseDefId) : undefined;
      if (base !== undefined && !reads.has(base) && !writes.has(base)) writes.add(base);
      continue;
    }
    const name = o.defId !== undefined ? external(o.defId) : o.global;
    if (name === undefined) continue;
    if (!o.isDeclaration && callsThrough(text, o.span.start, o.span.end)) reads.add(name);
    else writes.add(name);
  }
  const comments = text.slice(gapStart, end);
  if (comments.includes('@')) {
    for (const m of comments.matchAll(ANNOTATION)) {
      // `---@class A.B : C`: A and B are declared, C is used
      const declared = DECLARING_TAGS.has(m[1]) ? (/^\s*[\w.]+/.exec(m[2])?.[0].length ?? 0) : 0;
      for (const w of m[2].matchAll(WORD)) ((w.index ?? 0) < declared ? writes : reads).add(w[0]);
    }
  }
  let wild = false;
  for (const n of WILD) if (reads.has(n) || writes.has(n)) wild = true;
  return { reads: [...reads], writes: [...writes], wild };
}
