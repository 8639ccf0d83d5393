import type { ApiMember, DocBlock, Span } from './types';
import { scanType } from './types/typeParse';

/** A `---` comment line: its text after the dashes and its span. */
export interface DocLine {
  text: string;
  span: Span;
  line: number;
}

function splitType(rest: string, list = false): { type: string; after: string } {
  const r = rest.trim();
  const m = scanType(r, list);
  if (!m || !m.type) return { type: 'any', after: r };
  return { type: m.type, after: r.slice(m.end).trim() };
}

function cleanDoc(s: string): string | undefined {
  const t = s.replace(/^[#@]\s*/, '').trim();
  return t.length ? t : undefined;
}

/** Parse consecutive `---` lines (in order) into a DocBlock. */
export function parseDocBlock(lines: DocLine[]): DocBlock {
  const block: DocBlock = {
    description: '',
    params: [],
    returns: [],
    classParents: [],
    fields: [],
    aliases: [],
    span: lines.length
      ? { start: lines[0].span.start, end: lines[lines.length - 1].span.end }
      : { start: 0, end: 0 },
  };
  const desc: string[] = [];
  let last: { kind: 'alias' | 'type' | 'param'; index: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    let t = l.text.replace(/^\s?/, '');
    // a table type left open at the line's end goes on over the next `---` lines
    while (t.startsWith('@') && braceDepth(t) > 0 && i + 1 < lines.length && !/^\s?@/.test(lines[i + 1].text))
      t += ' ' + lines[++i].text.trim();
    if (t.startsWith('|')) {
      continueEnum(block, last, t.slice(1));
      continue;
    }
    if (!t.startsWith('@')) {
      desc.push(t);
      continue;
    }
    const m = /^@(\w+)\s*(.*)$/.exec(t);
    if (!m) continue;
    const before = block.fields.length;
    last = docTag(block, m[1], m[2]);
    if (block.fields.length > before) {
      const f = block.fields[block.fields.length - 1];
      const at = l.text.indexOf(f.name, l.text.indexOf('@field') + 6);
      if (at >= 0) f.nameSpan = { start: l.span.start + 3 + at, end: l.span.start + 3 + at + f.name.length };
    }
  }
  block.description = desc.join('\n').trim();
  return block;
}

/** How many `{` of the text are still open (outside string literals). */
function braceDepth(text: string): number {
  let depth = 0;
  let quote = '';
  for (const ch of text) {
    if (quote) quote = ch === quote ? '' : quote;
    else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '{') depth++;
    else if (ch === '}') depth--;
  }
  return depth;
}

type LastTag = { kind: 'alias' | 'type' | 'param'; index: number } | undefined;

/** `---| 'value'` lines extend the previous `@alias`, `@type` or `@param` with enum members. */
function continueEnum(block: DocBlock, last: LastTag, text: string): void {
  const m = /^\s*(>?\+?)\s*(.*)$/.exec(text);
  const { type } = splitType(m?.[2] ?? '');
  if (!last || type === 'any') return;
  const add = (t: string) => (t && t !== 'any' ? `${t}|${type}` : type);
  if (last.kind === 'alias') block.aliases[last.index].type = add(block.aliases[last.index].type);
  else if (last.kind === 'type') block.type = add(block.type ?? '');
  else block.params[last.index].type = add(block.params[last.index].type ?? '');
}

function fieldTag(block: DocBlock, rest: string): void {
  const fm = /^(?:(public|private|protected|package)\s+)?(\[[^\]]+\]|[\w]+)(\?)?\s*(.*)$/.exec(rest);
  if (!fm) return;
  const { type, after } = splitType(fm[4]);
  const isFun = type.startsWith('fun(');
  const f: ApiMember = {
    name: fm[2],
    kind: isFun ? 'function' : 'field',
    type: fm[3] && !type.endsWith('?') ? `${type}?` : type,
    doc: cleanDoc(after),
    origin: 'workspace',
  };
  if (fm[1]) f.visibility = fm[1] as ApiMember['visibility'];
  if (isFun) {
    const fp = /^fun\(([^)]*)\)(?::\s*(.+))?$/.exec(type);
    if (fp) {
      f.params = fp[1]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => {
          const [n, ty] = x.split(':').map((y) => y.trim());
          return { name: n.replace(/\?$/, ''), type: ty ?? 'any', optional: n.endsWith('?') };
        });
      if (fp[2]) f.returns = [{ type: fp[2] }];
    }
  }
  block.fields.push(f);
}

/** Split `A, B<x, y>, {[integer]: T}` at top-level commas. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if ('<({['.includes(ch)) depth++;
    else if ('>)}]'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `---@class (exact) Name<T>: Parent, Base<integer>` */
function classTag(block: DocBlock, rest: string): void {
  const cm = /^(?:\(\w+\)\s*)?([\w.\u0080-\uffff]+)(?:<([^>]*)>)?\s*(?::\s*(.*))?$/.exec(rest.trim());
  if (!cm) return;
  if (block.className) {
    // a second class in the same comment block: the first keeps the fields written so far
    (block.otherClasses ??= []).push({
      ...block,
      description: '',
      params: [],
      returns: [],
      aliases: [],
      otherClasses: undefined,
    });
    block.fields = [];
    block.operators = undefined;
    block.classTypeParams = undefined;
    block.classParentArgs = undefined;
  }
  block.className = cm[1];
  if (cm[2])
    block.classTypeParams = cm[2]
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  block.classParents = [];
  for (const p of cm[3] ? splitTop(cm[3].replace(/\s+#.*$|\s+--.*$/, '')) : []) {
    // a table type as a parent (`---@class list<T>: {[integer]: T}`) is kept as its text
    if (p.startsWith('{')) block.classParents.push(p);
    const pm = /^([\w.]+)(?:<(.*)>)?$/.exec(p);
    if (!pm) continue;
    block.classParents.push(pm[1]);
    if (pm[2]) (block.classParentArgs ??= {})[pm[1]] = splitTop(pm[2]);
  }
}

function returnTag(block: DocBlock, rest: string): void {
  let r = rest;
  for (let guard = 0; guard < 16 && r.trim(); guard++) {
    const { type, after } = splitType(r, /^\s*(async\s+)?fun\b/.test(r));
    const nm = /^(\.\.\.|[A-Za-z_]\w*)?\s*(,?)\s*(.*)$/s.exec(after);
    const name = nm?.[1];
    if (nm?.[2] === ',') {
      block.returns.push(name ? { type, name } : { type });
      r = nm[3];
      continue;
    }
    const tail = nm?.[3] ?? after;
    block.returns.push(name ? { type, name, doc: cleanDoc(tail) } : { type, doc: cleanDoc(after) });
    break;
  }
}

/** One `---@tag rest` line; returns what a following `---|` line extends. */
function docTag(block: DocBlock, tag: string, rest: string): LastTag {
  switch (tag) {
    case 'param': {
      const pm = /^([\w.]+|\.\.\.)(\?)?\s*(.*)$/.exec(rest);
      if (!pm) return undefined;
      const { type, after } = splitType(pm[3]);
      block.params.push({ name: pm[1], type, optional: !!pm[2] || type.endsWith('?'), doc: cleanDoc(after) });
      return { kind: 'param', index: block.params.length - 1 };
    }
    case 'return':
      returnTag(block, rest);
      return undefined;
    case 'class':
      classTag(block, rest);
      return undefined;
    case 'field':
      fieldTag(block, rest);
      return undefined;
    case 'type':
      block.type = splitType(rest, true).type;
      return { kind: 'type', index: 0 };
    case 'alias': {
      // `---@alias(partial) A T` adds T to the alias A declared elsewhere
      const am = /^(?:\((\w+)\)\s*)?([\w.]+)\s*(.*)$/.exec(rest);
      if (!am) return undefined;
      const t = am[3].trim() ? splitType(am[3]).type : '';
      block.aliases.push({
        name: am[2],
        type: t || 'any',
        ...(am[1] === 'partial' ? { partial: true } : {}),
      });
      return { kind: 'alias', index: block.aliases.length - 1 };
    }
    case 'overload':
      (block.overloads ??= []).push(splitType(rest, true).type);
      return undefined;
    case 'generic':
      block.generics = rest
        .split(',')
        .map((x) => x.split(':')[0].trim())
        .filter(Boolean);
      return undefined;
    case 'vararg':
      block.vararg = splitType(rest).type;
      return undefined;
    case 'enum': {
      const em = /^(?:\(key\)\s*)?([\w.]+)/.exec(rest);
      if (em) block.enumName = em[1];
      return undefined;
    }
    case 'operator': {
      const om = /^(\w+)\s*(?:\(([^)]*)\))?\s*(?::\s*(.*))?$/.exec(rest.trim());
      if (om)
        (block.operators ??= []).push({
          op: om[1],
          operand: om[2]?.trim() || undefined,
          result: om[3] ? splitType(om[3]).type : 'unknown',
        });
      return undefined;
    }
    case 'see':
      (block.see ??= []).push(rest.trim());
      return undefined;
    case 'deprecated':
    case 'nodiscard':
    case 'async':
      block[tag] = true;
      return undefined;
    case 'private':
    case 'protected':
    case 'public':
    case 'package':
      block.visibility = tag;
      return undefined;
    default:
      return undefined;
  }
}

/** `---@diagnostic disable-next-line: a, b` and friends. */
export interface DiagnosticDirective {
  action: 'disable-next-line' | 'disable-line' | 'disable' | 'enable';
  codes: string[] | 'all';
  line: number;
}

export function parseDiagnosticDirective(text: string, line: number): DiagnosticDirective | undefined {
  const m = /^-?\s*@diagnostic\s+(disable-next-line|disable-line|disable|enable)\s*(?::\s*(.*))?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const codes = m[2]
    ? m[2]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
  return { action: m[1] as DiagnosticDirective['action'], codes: codes.length ? codes : 'all', line };
}
