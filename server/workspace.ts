import * as fs from 'fs';
import * as path from 'path';
import { rockspecModules } from './analysis/modules';
import { DEFAULT_CONFIG, type AnalysisConfig } from './analysis/project';
import { parseLuarc, severities, type Settings } from './config';

/**
 * Workspace I/O the analysis does not do itself: the Lua files to index, `.luarc.json` and
 * rockspec module mappings, the host API definitions. (The analysis is pure; the server reads
 * files and hands it the results.)
 */

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.hg', '.svn', 'target']);
const MAX_WORKSPACE_FILES = 5000;
/** Files larger than this are not indexed (an open document is analysed whatever its size). */
export const MAX_FILE_BYTES = 2_000_000;

/** The `---@meta` host API file shipped with the runtime. */
export function hostMetaPath(): string {
  // dist/server/workspace.js and server/workspace.ts are both two levels below the package root
  const root = path.resolve(__dirname, '..', '..');
  const candidates = [
    path.join(root, 'kernel', 'runtime', 'meta', 'llmspell.lua'),
    path.join(path.resolve(__dirname, '..'), 'kernel', 'runtime', 'meta', 'llmspell.lua'),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

/** The `.lua` files below `dirs` (hidden and build folders skipped), at most MAX_WORKSPACE_FILES. */
export function listLuaFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (out.length >= MAX_WORKSPACE_FILES || depth > 12) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_WORKSPACE_FILES) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.lua')) out.push(p);
    }
  };
  for (const r of dirs) walk(r, 0);
  return out;
}

/** A workspace file's text, or undefined when it is missing, unreadable or over MAX_FILE_BYTES. */
export function readIndexable(file: string): string | undefined {
  try {
    if (fs.statSync(file).size <= MAX_FILE_BYTES) return fs.readFileSync(file, 'utf8');
  } catch {
    /* not there */
  }
  return undefined;
}

/**
 * The analysis configuration: the client's settings, then each root's `.luarc.json` (later roots
 * add globals and library folders, and override versions), and the roots' rockspec modules.
 */
export function projectConfig(
  roots: string[],
  client: Settings,
  warn: (message: string) => void,
): { config: AnalysisConfig; moduleMap: Map<string, string> } {
  const base = { ...DEFAULT_CONFIG, enableSnippets: client.enableSnippets ?? true };
  const globals = [...(client.diagnostics?.globals ?? [])];
  const disabled = [...(client.diagnostics?.disable ?? [])];
  let library: string[] = [];
  let runtimeVersion = base.runtimeVersion;
  let runtimePath = base.runtimePath;
  const severity = severities(client.diagnostics?.severity);
  for (const root of roots) {
    const f = path.join(root, '.luarc.json');
    if (!fs.existsSync(f)) continue;
    const { config, error } = parseLuarc(fs.readFileSync(f, 'utf8'), root);
    if (error) warn(error);
    globals.push(...(config.globals ?? []));
    disabled.push(...(config.disabled ?? []));
    library = [...library, ...(config.library ?? [])];
    runtimeVersion = config.runtimeVersion ?? runtimeVersion;
    runtimePath = config.runtimePath ?? runtimePath;
    Object.assign(severity, config.severity);
  }
  const config = { ...base, globals, disabled, library, runtimeVersion, runtimePath, severity };
  return { config, moduleMap: readRockspecs(roots) };
}

/** The "define global" code action: add `name` to `diagnostics.globals` of root's `.luarc.json`. */
export function addLuarcGlobal(root: string, name: string): string {
  const f = path.join(root, '.luarc.json');
  let obj: Record<string, unknown>;
  try {
    obj = fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, unknown>) : {};
  } catch {
    obj = {};
  }
  const list = Array.isArray(obj['diagnostics.globals']) ? (obj['diagnostics.globals'] as string[]) : [];
  if (!list.includes(name)) list.push(name);
  obj['diagnostics.globals'] = list;
  fs.writeFileSync(f, JSON.stringify(obj, null, 2) + '\n');
  return f;
}

/** `build.modules` of every `*.rockspec` at a root or in its `rockspecs/` folder. */
export function readRockspecs(roots: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const root of roots) {
    for (const dir of [root, path.join(root, 'rockspecs')]) {
      let names: string[];
      try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith('.rockspec'));
      } catch {
        continue;
      }
      // the newest version last, so it wins
      for (const n of names.sort()) {
        try {
          const text = fs.readFileSync(path.join(dir, n), 'utf8');
          for (const [m, p] of rockspecModules(text, root)) out.set(m, p);
        } catch {
          /* unreadable: skipped */
        }
      }
    }
  }
  return out;
}
