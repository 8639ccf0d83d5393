import type { FileAnalysis } from '../fileAnalysis';
import type { Project } from '../project';
import type { Location, Span } from '../types';
import { BUILTIN_TYPE_NAMES } from '../builtinTypes';

/**
 * Names inside `---@` comments: the class, alias or enum name under the cursor (for definition
 * and hover) and the type names to offer while an annotation is being written.
 */

/** The name (`A` or `A.b`) under `offset` when the line is a `---@` annotation. */
export function docWordAt(text: string, offset: number): { word: string; span: Span } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  if (!/^\s*---\s*@/.test(line)) return undefined;
  let s = offset;
  let e = offset;
  while (s > lineStart && /[\w.]/.test(text[s - 1])) s--;
  while (e < lineEnd && /[\w.]/.test(text[e])) e++;
  if (s === e) return undefined;
  const before = text.slice(lineStart, s);
  if (/@\s*$/.test(before)) return undefined; // the tag itself
  return { word: text.slice(s, e).replace(/\.$/, ''), span: { start: s, end: e } };
}

/** Where a class, alias or enum named `name` is declared (the name in its annotation). */
export function docTypeLocation(project: Project, fa: FileAnalysis, name: string): Location | undefined {
  const re = new RegExp(
    `---\\s*@(class|alias|enum)\\s+(?:\\([\\w]+\\)\\s*)?(${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![\\w.])`,
  );
  for (const f of [fa, ...project.files.values(), ...project.hostFiles]) {
    if (f !== fa && f.uri === fa.uri) continue;
    const m = re.exec(f.text);
    if (m) {
      const start = m.index + m[0].length - m[2].length;
      return { uri: f.uri, span: { start, end: start + name.length } };
    }
  }
  return undefined;
}

/** Kind of a documented type name, for hover: `class`, `alias` or `enum`. */
export function docTypeKind(project: Project, fa: FileAnalysis, name: string): string | undefined {
  const re = new RegExp(
    `---\\s*@(class|alias|enum)\\s+(?:\\([\\w]+\\)\\s*)?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.])`,
  );
  for (const f of [fa, ...project.files.values(), ...project.hostFiles]) {
    const m = re.exec(f.text);
    if (m) return m[1];
  }
  return project.classes().has(name) ? 'class' : undefined;
}

/** Type names for an annotation being written: builtins, classes, aliases. */
export function typeNames(project: Project, fa: FileAnalysis): string[] {
  const names = new Set<string>(BUILTIN_TYPE_NAMES);
  for (const c of project.classes().keys()) names.add(c);
  for (const f of [fa, ...project.files.values(), ...project.hostFiles])
    for (const a of f.aliases.keys()) names.add(a);
  for (const c of fa.classes.keys()) names.add(c);
  return [...names];
}

/** Is the cursor where an annotation expects a type (`---@type ‸`, `---@param x ‸`, ...)? */
export function expectsType(linePrefix: string): boolean {
  return (
    /^\s*---\s*@(type|return|cast\s+[\w.]+|field\s+(?:(?:private|protected|public|package)\s+)?[\w[\]]+\??|param\s+[\w.]+\??|class\s+[\w.]+\s*:\s*(?:[\w.]+\s*,\s*)*|alias\s+[\w.]+|vararg|overload|as|generic\s+\w+\s*:)\s+[^#@]*?[\w.]*$/.test(
      linePrefix,
    ) || /^\s*---\s*@(class\s+[\w.]+\s*:\s*(?:[\w.]+\s*,\s*)*)[\w.]*$/.test(linePrefix)
  );
}

/** `---@param ‸` above a function: its parameter names not documented yet. */
export function undocumentedParams(text: string, offset: number, fa: FileAnalysis): string[] {
  const lineEnd = text.indexOf('\n', offset);
  const rest = lineEnd < 0 ? '' : text.slice(lineEnd + 1);
  const m = /^(?:\s*---[^\n]*\n)*\s*(?:local\s+)?function\s*[\w.:]*\s*\(([^)]*)\)/.exec(rest);
  if (!m) return [];
  void fa;
  return m[1]
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}
