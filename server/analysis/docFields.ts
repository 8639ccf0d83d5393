import type * as lp from 'luaparse';
import { spanOf } from './parse';
import type { Project } from './project';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { fileIndex, findAround } from './types/astIndex';
import { docTypeLocation } from './types/docNames';
import type { Location, Span } from './types';

/**
 * Fields written inside annotations that the type engine keeps no position for: the keys of a
 * record type (`---@type { x: number, ['k']?: boolean, [1]: string }`, the whole `key: type` is the
 * definition, as LuaLS shows it) and `---@field [1]` / `---@field ['k']` keys of a class.
 */

/** The key read at `offset`: `t.x` -> `x`, `t[1]` -> `[1]`, `t['k']` -> `k`, with the base. */
function accessAt(fa: FileAnalysis, offset: number): { base: lp.Expression; key: string } | undefined {
  return findAround(fileIndex(fa).chunk.body, offset, (node) => {
    if (node.type === 'MemberExpression') {
      const m = node as lp.MemberExpression;
      const s = spanOf(m.identifier);
      if (s.start <= offset && offset <= s.end) return { base: m.base, key: m.identifier.name };
    } else if (node.type === 'IndexExpression') {
      const ix = node as lp.IndexExpression;
      const s = spanOf(ix.index);
      if (s.start <= offset && offset <= s.end) {
        if (ix.index.type === 'NumericLiteral') return { base: ix.base, key: `[${ix.index.raw}]` };
        if (ix.index.type === 'StringLiteral') return { base: ix.base, key: ix.index.raw.slice(1, -1) };
      }
    }
    return undefined;
  });
}

/** `x`, `[1]`, `['k']`/`["k"]` as the name a read uses (`x`, `[1]`, `k`). */
function keyName(raw: string): string {
  const m = /^\[\s*(["'])(.*)\1\s*\]$/.exec(raw.trim());
  return m ? m[2] : raw.trim();
}

/** The top-level fields of a record type's text `{ a: T, [1]?: U }`: key text and field span. */
function recordFields(text: string, at: number): { key: string; span: Span }[] {
  const out: { key: string; span: Span }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('({<['.includes(c)) {
      depth++;
      if (depth === 1 && c === '{') start = i + 1;
    } else if (')}>]'.includes(c) || (c === ',' && depth === 1)) {
      if (depth === 1 && start >= 0) {
        const raw = text.slice(start, i);
        const lead = raw.length - raw.trimStart().length;
        const field = raw.trim();
        const k = /^(\[[^\]]*\]|[A-Za-z_]\w*)\s*\??\s*:/.exec(field);
        if (k)
          out.push({
            key: keyName(k[1]),
            span: { start: at + start + lead, end: at + start + lead + field.length },
          });
        start = i + 1;
      }
      if (c !== ',') depth--;
      if (depth === 0 && c === '}') break;
    }
  }
  return out;
}

/** `---@field` keys (`[1]`, `['k']`) of class `name`, in the block of its `---@class` line. */
function classFieldKeys(project: Project, fa: FileAnalysis, name: string, key: string): Location[] {
  const cls = docTypeLocation(project, fa, name);
  const f = cls && (cls.uri === fa.uri ? fa : project.files.get(cls.uri));
  if (!cls || !f) return [];
  const out: Location[] = [];
  let at = f.text.indexOf('\n', cls.span.end) + 1;
  for (let n = 0; at > 0 && n < 200; n++) {
    const end = f.text.indexOf('\n', at);
    const line = f.text.slice(at, end < 0 ? undefined : end);
    if (!/^\s*---/.test(line)) break;
    const m = /^(\s*---\s*@field\s+(?:\((?:public|private|protected|package)\)\s*)?)(\[[^\]]*\])/.exec(line);
    if (m && keyName(m[2]) === key)
      out.push({ uri: f.uri, span: { start: at + m[1].length, end: at + m[0].length } });
    if (end < 0) break;
    at = end + 1;
  }
  return out;
}

export function docFieldDefinition(project: Project, fa: FileAnalysis, offset: number): Location[] {
  const acc = accessAt(fa, offset);
  if (acc?.base.type !== 'Identifier') return [];
  const occ = occurrenceAt(fa, spanOf(acc.base).start);
  const def = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
  const doc = def?.doc;
  if (!def || !doc) return [];
  if (doc.className) return classFieldKeys(project, fa, doc.className, acc.key);
  const type = doc.type?.trim() ?? '';
  if (!type.startsWith('{'))
    return /^[A-Za-z_][\w.]*$/.test(type) ? classFieldKeys(project, fa, type, acc.key) : [];
  // the `---@type {...}` line right above the declaration
  const lineStart = fa.text.lastIndexOf('\n', def.span.start - 1) + 1;
  const prevStart = fa.text.lastIndexOf('\n', lineStart - 2) + 1;
  const prev = fa.text.slice(prevStart, Math.max(prevStart, lineStart - 1));
  const m = /^\s*---\s*@type\s+/.exec(prev);
  if (!m) return [];
  return recordFields(prev.slice(m[0].length), prevStart + m[0].length)
    .filter((f) => f.key === acc.key)
    .map((f) => ({ uri: fa.uri, span: f.span }));
}
