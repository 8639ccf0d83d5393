import type * as lp from 'luaparse';
import { spanOf } from './parse';
import type { RefEntry } from './refIndex';
import type { FileAnalysis } from './resolve';
import type { Span } from './types';

/**
 * The names inside LuaLS annotations for the reference index: class and alias names (`C:name`)
 * in `---@class`, `---@alias`, `---@type`, `---@param`, `---@return`, `---@field`, and
 * `---@param` names (the key of the parameter of the function the block precedes), `---@field`
 * names (the field of the block's class, `V:Class\0name`, a write).
 */

const DOC_TYPE_WORDS = new Set(['fun', 'nil', 'true', 'false', 'self', 'async']);

/** Names inside `---@` annotations: class/alias names and types, `---@param` names. */
export function docEntries(
  fa: FileAnalysis,
  comments: lp.Comment[],
  paramsByLine: Map<number, Map<string, string>>,
): RefEntry[] {
  const out: RefEntry[] = [];
  const docName = (name: string, at: number) => {
    if (DOC_TYPE_WORDS.has(name)) return;
    out.push({ key: `C:${name}`, span: { start: at, end: at + name.length }, write: false, kind: 'doc' });
  };
  // the names in a type expression (`A|B[]`, `table<K, V>`, `fun(x: A): B`), not `fun`'s parameter names
  const docType = (type: string, at: number) => {
    for (const m of type.matchAll(/[A-Za-z_][\w.]*/g)) {
      const i = m.index ?? 0;
      if (/^\s*\??\s*:/.test(type.slice(i + m[0].length)) && /[(,]\s*$/.test(type.slice(0, i))) continue;
      if (/["'`]/.test(type.slice(0, i).replace(/(["'`]).*?\1/g, ''))) continue;
      docName(m[0], at + i);
    }
  };
  // `---@param name`: the parameter of the function the annotation block precedes
  const docParam = (name: string, span: Span, c: lp.Comment) => {
    const lines = fa.lines;
    let line = lines.lineOf(spanOf(c).start);
    for (let i = 0; i < 200 && line + 1 < lines.lineCount; i++) {
      line++;
      const params = paramsByLine.get(line);
      if (params) {
        const key = params.get(name);
        if (key) out.push({ key, span, write: false, kind: 'doc' });
        return;
      }
      if (!/^\s*---/.test(lines.lineText(line))) return;
    }
  };
  // the class of the annotation block being read (`---@field` names are its fields)
  let cls: string | undefined;
  let lastLine = -2;
  for (const c of comments) {
    const raw = c.raw;
    const line = fa.lines.lineOf(spanOf(c).start);
    if (line !== lastLine + 1) cls = undefined;
    lastLine = raw.startsWith('---') ? line : -2;
    const m = /^---\s*@(\w+)(\s+)(.*)$/.exec(raw);
    if (!m) continue;
    const tag = m[1];
    let at = spanOf(c).start + raw.length - m[3].length;
    let rest = m[3];
    if (tag === 'param' || tag === 'field') {
      const n = /^([A-Za-z_]\w*)\??\s+/.exec(rest);
      if (!n) continue;
      if (tag === 'param') docParam(n[1], { start: at, end: at + n[1].length }, c);
      else if (cls) {
        const span = { start: at, end: at + n[1].length };
        out.push({ key: `V:${cls}\u0000${n[1]}`, span, write: true, kind: 'doc' });
      }
      at += n[0].length;
      rest = rest.slice(n[0].length);
    } else if (tag === 'class') {
      const n = /^(\([\w ]+\)\s*)?([A-Za-z_][\w.]*)(\s*:\s*)?/.exec(rest);
      if (!n) continue;
      const nameAt = at + (n[1]?.length ?? 0);
      docName(n[2], nameAt);
      cls = n[2];
      if (!n[3]) continue;
      // parents: `A, B`
      const parents = rest.slice(n[0].length);
      for (const p of parents.matchAll(/[A-Za-z_][\w.]*/g)) docName(p[0], at + n[0].length + (p.index ?? 0));
      continue;
    } else if (tag === 'alias') {
      const n = /^([A-Za-z_][\w.]*)\s+/.exec(rest);
      if (!n) continue;
      docName(n[1], at);
      at += n[0].length;
      rest = rest.slice(n[0].length);
    } else if (tag !== 'type' && tag !== 'return') continue;
    docType(typeText(rest), at);
  }
  return out;
}

/** The type at the start of an annotation's text (a description may follow it). */
export function typeText(s: string): string {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ('(<{['.includes(c)) depth++;
    else if (')>}]'.includes(c)) depth--;
    else if (/\s/.test(c) && depth <= 0) {
      const before = s.slice(0, i).trimEnd();
      const after = s.slice(i).trimStart();
      if (/[|,:(<{[]$/.test(before) || /^[|,:)>}\]?]/.test(after)) continue;
      return s.slice(0, i);
    } else if (c === '#' || (c === '@' && depth <= 0)) return s.slice(0, i);
  }
  return s;
}
