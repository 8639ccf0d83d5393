/**
 * Module resolution the way Lua finds modules at run time: `package.path`-style templates
 * (`.luarc.json` `runtime.path`, LuaLS's defaults `?.lua` and `?/init.lua`) tried against every
 * folder that holds modules (the workspace roots, their `src/`, `lua/` and `lib/` folders, the
 * file's own folder, `workspace.library`), rockspec `build.modules` mappings, and, as LuaLS does,
 * any workspace file whose path ends with a template's expansion. Pure: no I/O.
 */

/** LuaLS's default `runtime.path`. */
export const DEFAULT_RUNTIME_PATH = ['?.lua', '?/init.lua'];

/** Sub-folders of a workspace root that commonly hold a project's modules. */
export const MODULE_DIRS = ['', 'src', 'lua', 'lib'];

/** The file names a template can produce for a module (`a.b` with `?/init.lua` -> `a/b/init.lua`). */
export function expandTemplate(template: string, module: string): string | undefined {
  const t = template.trim().replace(/\\/g, '/');
  if (!t.includes('?')) return undefined;
  const rel = module.replace(/\./g, '/');
  return t.replace(/\?/g, rel).replace(/^\.\//, '');
}

/** Candidate absolute paths for `module`, most specific first. */
export function candidatePaths(module: string, bases: string[], templates: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const b of bases) {
    for (const tpl of templates) {
      const rel = expandTemplate(tpl, module);
      if (rel === undefined) continue;
      const p = rel.startsWith('/') ? rel : `${b.replace(/\/+$/, '')}/${rel}`;
      if (!seen.has(p)) {
        seen.add(p);
        out.push(p);
      }
    }
  }
  return out;
}

/**
 * `build.modules` of a rockspec: `["mod.name"] = "src/path.lua"` entries (and the short form
 * `mod = "path.lua"`), as module name -> absolute path under `root`. Tolerant: the rockspec is Lua,
 * read here with patterns; anything it does not understand is skipped.
 */
export function rockspecModules(text: string, root: string): Map<string, string> {
  const out = new Map<string, string>();
  const at = text.search(/\bmodules\s*=\s*\{/);
  if (at < 0) return out;
  // the braces of the modules table, balanced
  let i = text.indexOf('{', at);
  const start = i;
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) break;
  }
  const body = text.slice(start + 1, i);
  const re = /(?:\[\s*(["'])([^"']+)\1\s*\]|([A-Za-z_][\w]*))\s*=\s*(["'])([^"']+\.lua)\4/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const name = m[2] ?? m[3];
    const file = m[5].replace(/\\/g, '/');
    out.set(name, file.startsWith('/') ? file : `${root.replace(/\/+$/, '')}/${file}`);
  }
  return out;
}

/** Workspace file paths by file name, for suffix matching (`.../x/y.lua` for `x.y`). */
export class SuffixIndex {
  private readonly byName = new Map<string, Set<string>>();

  add(p: string): void {
    const name = p.slice(p.lastIndexOf('/') + 1);
    let s = this.byName.get(name);
    if (!s) this.byName.set(name, (s = new Set()));
    s.add(p);
  }

  delete(p: string): void {
    const name = p.slice(p.lastIndexOf('/') + 1);
    this.byName.get(name)?.delete(p);
  }

  /**
   * Workspace files whose path ends with one of the template expansions of `module`; the one
   * nearest to `fromDir` (longest common prefix), then the shortest path, first; never `exclude`
   * (the requiring file itself).
   */
  find(module: string, templates: string[], fromDir?: string, exclude?: string): string | undefined {
    let best: string | undefined;
    let bestScore = -1;
    for (const tpl of templates) {
      const rel = expandTemplate(tpl, module);
      if (rel === undefined || rel.startsWith('/')) continue;
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      for (const p of this.byName.get(name) ?? []) {
        if (!p.endsWith('/' + rel) || p === exclude) continue;
        const score = (fromDir ? commonPrefix(p, fromDir) : 0) * 10000 - p.length;
        if (score > bestScore) {
          best = p;
          bestScore = score;
        }
      }
      if (best) return best;
    }
    return best;
  }
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The module name `require` would use for the file `p` under one of `bases` (longest first). */
export function moduleNameOf(p: string, bases: string[], templates: string[]): string | undefined {
  for (const base of [...bases].sort((a, b) => b.length - a.length)) {
    const b = base.replace(/\/+$/, '');
    if (!p.startsWith(b + '/')) continue;
    const rel = p.slice(b.length + 1);
    for (const tpl of templates) {
      const t = tpl.trim().replace(/\\/g, '/').replace(/^\.\//, '');
      if (!t.includes('?') || t.startsWith('/')) continue;
      const re = new RegExp('^' + t.split('?').map(escapeRe).join('(.+?)') + '$');
      const m = re.exec(rel);
      if (m && m[1] && !m[1].includes('.')) return m[1].replace(/\//g, '.');
    }
  }
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
