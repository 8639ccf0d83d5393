import type { Project } from './project';
import { keyName, moduleKey, refIndex, SEP, type RefEntry, type RefIndex } from './refIndex';
import type { FileAnalysis } from './resolve';

/** The name index as navigation reads it: a file's keys, linked keys, a class's parents' keys. */

/** The name index of a file, `require` resolved through the project. */
export function indexOf(project: Project, fa: FileAnalysis): RefIndex {
  return refIndex(fa, (m) => moduleKeyOf(project, m, fa.uri));
}

/** The key of what `require(module)` from `from` gives. */
export function moduleKeyOf(project: Project, module: string, from: string): string | undefined {
  const uri = project.moduleUri(module, from);
  const mod = uri ? project.files.get(uri) : undefined;
  return mod ? moduleKey(mod) : uri && `M:${uri}`;
}

/** `key` and the keys linked to it in this file (a closure, bounded). */
export function linked(idx: RefIndex, key: string): string[] {
  const out = [key];
  const seen = new Set(out);
  for (let i = 0; i < out.length && out.length < 64; i++)
    for (const [a, b] of idx.links) {
      const other = a === out[i] ? b : b === out[i] ? a : undefined;
      if (other !== undefined && !seen.has(other)) {
        seen.add(other);
        out.push(other);
      }
    }
  return out;
}

/** `V:Parent\0name` for a class field key `V:Class\0name`, through every ancestor (bounded). */
export function parentFieldKeys(project: Project, key: string): string[] {
  if (!key.startsWith('V:')) return [];
  const parts = key.slice(2).split(SEP);
  if (parts.length !== 2) return [];
  const out: string[] = [];
  const seen = new Set([parts[0]]);
  const queue = [...(project.classes().get(parts[0])?.parents ?? [])];
  while (queue.length && out.length < 16) {
    const p = queue.shift() as string;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(`V:${p}${SEP}${parts[1]}`);
    queue.push(...(project.classes().get(p)?.parents ?? []));
  }
  return out;
}

/** Keys that only exist in one file: locals (and their fields), labels. */
function fileLocal(key: string): boolean {
  return key.startsWith('L#') || key.startsWith('B:');
}

/** Every entry with `key`: in this file, or in every file whose text holds the name. */
export function keyEntries(project: Project, fa: FileAnalysis, key: string): { uri: string; e: RefEntry }[] {
  const out: { uri: string; e: RefEntry }[] = [];
  const files = fileLocal(key)
    ? [fa]
    : key.includes(SEP) || !key.startsWith('M:')
      ? project.fullFiles(fa, keyName(key))
      : project.fullFiles(fa);
  for (const f of files) {
    for (const e of indexOf(project, f).entries) if (e.key === key) out.push({ uri: f.uri, e });
  }
  return out;
}
