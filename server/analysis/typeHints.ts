import type { FileAnalysis } from './fileAnalysis';
import type { Project } from './project';
import type { Definition, Span } from './types';
import { TypeEngine } from './types/engine';
import { safely } from './types/safely';
import { viewInferred, type Ty } from './types/ty';

export interface TypeHintInfo {
  offset: number;
  label: string;
}

/** Names whose type the engine infers and the user did not write: locals, loop variables, parameters. */
const HINTED: ReadonlySet<Definition['kind']> = new Set(['local', 'forVariable', 'parameter']);

/**
 * `: T` after each local, loop variable and parameter in `range` whose type is inferred rather than
 * written (LuaLS's `hint.setType` and `hint.paramType`): `local n = #t` shows `n: integer`, the
 * parameter of a callback passed to `table.sort` shows its element type. Names with a `---@type` or
 * `---@param`, `_`, and values the engine knows nothing about (unknown, any, nil) or that are
 * functions (their hover shows the signature) get none.
 */
export function typeHints(project: Project, fa: FileAnalysis, range: Span): TypeHintInfo[] {
  const en = new TypeEngine(project);
  const out: TypeHintInfo[] = [];
  for (const def of fa.defs) {
    if (!HINTED.has(def.kind) || def.name === '_' || def.name === '...') continue;
    if (def.span.start < range.start || def.span.end > range.end) continue;
    const t = safely(() => (en.declared(fa, def) ? undefined : en.defType(fa, def)));
    if (!t || !informative(t)) continue;
    out.push({ offset: def.span.end, label: `: ${viewInferred(t)}` });
  }
  return out;
}

function informative(t: Ty): boolean {
  return t.k !== 'unknown' && t.k !== 'any' && t.k !== 'nil' && t.k !== 'function';
}
