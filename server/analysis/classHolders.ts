import type { Project } from './project';
import type { FileAnalysis } from './resolve';
import type { Location } from './types';

/**
 * The values that hold a `---@class Name` (the local or global right under the annotation), in
 * this file and every workspace file whose text mentions the name: LuaLS lists them as
 * definitions of anything typed `Name` and of the class name itself.
 */
export function classHolders(project: Project, fa: FileAnalysis, name: string): Location[] {
  if (!/^[A-Za-z_][\w.]*$/.test(name) || !project.classes().has(name)) return [];
  const out: Location[] = [];
  for (const f of project.fullFiles(fa, name)) {
    for (const d of f.defs) {
      if (d.doc?.className === name && d.span.end > d.span.start) out.push({ uri: f.uri, span: d.span });
      if (out.length >= 16) return out;
    }
  }
  return out;
}
