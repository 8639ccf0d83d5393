/**
 * The type a definition declares in its doc comments: `---@type` (also `---@type A, B` above a
 * list of locals, and a trailing `local x --- @type T`), `---@class`, `---@param` (with the
 * function's generics), and `---@param`/`---@type` above a `for` loop's variables.
 */
import type { FileAnalysis } from '../fileAnalysis';
import { spanOf } from '../parse';
import type { Definition, DocBlock } from '../types';
import { fileIndex } from './astIndex';
import { typeText } from './convert';
import type { TypeEngine } from './engine';
import type { Ty } from './ty';
import { scanType } from './typeParse';

/** Declared type of a definition (`---@type`, `---@class`, `---@param`), if any. */
export function declaredType(en: TypeEngine, fa: FileAnalysis, def: Definition): Ty | undefined {
  if (def.kind === 'parameter') return paramDeclared(en, fa, def);
  if (def.kind === 'forVariable') {
    // `---@param k Class` above `for k in ...`; `---@type T` above `for i = ...`
    const doc = en.docAbove(fa, def.span.start);
    const p = doc?.params.find((x) => x.name === def.name);
    const t = p?.type ?? (fileIndex(fa).sites.get(def.span.start)?.kind === 'forNum' ? doc?.type : undefined);
    return t ? typeText(t, undefined, en.alias) : undefined;
  }
  const doc = ownDoc(fa, def) ?? trailingDoc(fa, def);
  const listed = listedType(en, fa, def);
  if (listed !== undefined) return listed === '_' ? undefined : typeText(listed, undefined, en.alias);
  if (doc?.type && doc.type !== 'unknown') return typeText(doc.type, doc.generics, en.alias);
  const isFn = def.kind === 'localFunction' || def.kind === 'globalFunction' || def.init?.kind === 'function';
  if (doc?.className && !isFn) return { k: 'named', name: doc.className };
  return undefined;
}

/** `---@type A, B` above `local a, b`: the name's own type text (`_` leaves a name untyped). */
function listedType(en: TypeEngine, fa: FileAnalysis, def: Definition): string | undefined {
  const site = fileIndex(fa).sites.get(def.span.start);
  if (site?.kind !== 'local' || !site.stmt) return undefined;
  const doc = en.docAbove(fa, spanOf(site.stmt).start);
  if (!doc?.type) return undefined;
  const raw = /@type\s+([^\n]*)/.exec(fa.text.slice(doc.span.start, doc.span.end))?.[1] ?? '';
  if (!raw.startsWith(doc.type) || !raw.slice(doc.type.length).trim().startsWith(',')) return undefined;
  return typeListItem(raw, site.index) ?? '_';
}

/** The definition's doc comment, unless it trails code on an earlier line (`local a --- @type T`). */
function ownDoc(fa: FileAnalysis, def: Definition): DocBlock | undefined {
  const d = def.doc;
  if (!d) return undefined;
  const line = fa.lines.lineOf(d.span.start);
  if (line === fa.lines.lineOf(def.span.start)) return d;
  const start = fa.text.lastIndexOf('\n', d.span.start - 1) + 1;
  return fa.text.slice(start, d.span.start).trim() ? undefined : d;
}

/** `local x --- @type boolean`: a doc comment after the name on the same line. */
function trailingDoc(fa: FileAnalysis, def: Definition): DocBlock | undefined {
  if (!def.visible || def.kind === 'parameter') return undefined;
  const doc = fa.docs?.get(fa.lines.lineOf(def.span.start));
  return doc &&
    doc.span.start > def.span.end &&
    fa.lines.lineOf(doc.span.start) === fa.lines.lineOf(def.span.start)
    ? doc
    : undefined;
}

function paramDeclared(en: TypeEngine, fa: FileAnalysis, def: Definition): Ty | undefined {
  if (def.doc?.type) {
    const site = fileIndex(fa).sites.get(def.span.start);
    const g = site?.fnNode ? en.docAbove(fa, spanOf(site.fnNode).start)?.generics : undefined;
    return typeText(def.doc.type, g, en.alias);
  }
  return undefined;
}

/** The `i`th type of a comma-separated type list (`A, fun(x: B): C, D`). */
function typeListItem(text: string, i: number): string | undefined {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if ('(<{['.includes(c)) depth++;
    else if (')>}]'.includes(c) && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      items.push(text.slice(start, k).trim());
      start = k + 1;
    }
  }
  items.push(text.slice(start).trim());
  const item = items[i];
  return item === undefined ? undefined : (scanType(item)?.type ?? item);
}
