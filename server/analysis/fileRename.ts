import { DEFAULT_RUNTIME_PATH, expandTemplate, moduleNameOf } from './modules';
import { uriToPath, type Project } from './project';
import type { Span } from './types';

/**
 * `workspace/willRenameFiles`: the `require` strings to rewrite when files or folders move. A
 * `require("a.b")` that loads a moved file gets the module name of the new place, relative to the
 * same module folder when the file stays under it (else any module folder). Pure.
 */
export interface RequireEdit {
  uri: string;
  /** the characters inside the quotes */
  span: Span;
  newText: string;
}

export function requireEditsForRename(
  project: Project,
  renames: { oldUri: string; newUri: string }[],
): RequireEdit[] {
  const templates = project.config.runtimePath.length ? project.config.runtimePath : DEFAULT_RUNTIME_PATH;
  const out: RequireEdit[] = [];
  for (const f of project.files.values()) {
    for (const r of f.requires) {
      const target = project.moduleUri(r.module, f.uri);
      if (!target) continue;
      const rn = renames.find(
        (x) => target === x.oldUri || target.startsWith(x.oldUri.replace(/\/$/, '') + '/'),
      );
      if (!rn) continue;
      const oldPath = uriToPath(target);
      const newPath = uriToPath(rn.newUri + target.slice(rn.oldUri.length));
      if (!oldPath || !newPath) continue;
      const name = newModuleName(project, r.module, oldPath, newPath, templates, uriToPath(f.uri));
      if (!name || name === r.module) continue;
      const raw = f.text.slice(r.span.start, r.span.end);
      if (!/^["']/.test(raw)) continue;
      out.push({ uri: f.uri, span: { start: r.span.start + 1, end: r.span.end - 1 }, newText: name });
    }
  }
  return out;
}

function newModuleName(
  project: Project,
  module: string,
  oldPath: string,
  newPath: string,
  templates: string[],
  fromPath: string | undefined,
): string | undefined {
  for (const tpl of templates) {
    const exp = expandTemplate(tpl, module);
    if (!exp || !oldPath.endsWith('/' + exp)) continue;
    const base = oldPath.slice(0, oldPath.length - exp.length - 1);
    const same = moduleNameOf(newPath, [base], [tpl, ...templates]);
    if (same) return same;
  }
  const bases = project.moduleBases();
  if (fromPath) bases.push(fromPath.replace(/\/[^/]*$/, ''));
  return moduleNameOf(newPath, bases, templates);
}
