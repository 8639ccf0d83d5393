import { callAt, chainBefore, type CompletionContext } from './context';
import { typedCandidates, type Candidate, type CompletionResult } from './completionItems';
import { matchKey } from './completionNames';
import type { Project } from './project';
import { visibleLocals, type FileAnalysis } from './resolve';
import { literalBaseBefore } from './types/chain';
import { literalOptions, typedMembers, valueOptions } from './types/complete';
import { expectsType, typeNames, undocumentedParams } from './types/docNames';
import { safely } from './types/safely';

/**
 * Completion in special places: literal options of the argument or value being typed, members of
 * a string literal, annotation tags/types/parameter names, `t[#‸]` append snippets and
 * `t['‸']` string keys.
 */

/** Literal options: the parameter being typed (`collectgarbage('‸')`, `io.read(‸)`), or the value
 * compared with or assigned to a name typed as a literal union (`x == ‸`, `x = '‸'`). */
export function literalCompletion(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  stale: number,
  ctx: CompletionContext,
): CompletionResult | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  const str = /(["'])([^"'\\]*)$/.exec(line);
  const inString = !!str && ctx.kind === 'none' && !/--/.test(line);
  const blank = ctx.kind === 'name' && ctx.prefix === '';
  if (!inString && !blank) return undefined;
  const quote = inString ? str?.[1] : undefined;
  const valueStart = inString && str ? offset - str[0].length : offset;
  const before = text.slice(lineStart, valueStart);
  const cmp = /([A-Za-z_][\w.]*(?:\[[^\]\n]*\])*)\s*(?:==|~=|=)\s*$/.exec(before);
  let opts: { label: string; detail: string }[] = [];
  if (typeCompared(fa, before, cmp?.[1], stale)) opts = typeNameOptions(quote);
  else if (cmp) {
    const chain = chainBefore(text, lineStart + cmp.index + cmp[1].length, true);
    opts = (chain && safely(() => valueOptions(project, fa, chain, stale, quote))) || [];
  } else if (/[(,]\s*$/.test(before)) {
    const call = callAt(text, offset);
    if (call)
      opts = safely(() => literalOptions(project, fa, text, call.open, call.active, stale, quote)) ?? [];
  }
  if (!opts.length) return undefined;
  const replaceEnd = inString && text[offset] === quote ? offset + 1 : undefined;
  return {
    items: opts.map((o) => optionItem(o)),
    prefixStart: valueStart,
    replaceEnd,
  };
}

/** A literal option (kind EnumMember) or a function the parameter expects (a snippet). */
function optionItem(o: { label: string; detail: string; snippet?: string }): Candidate {
  return o.snippet
    ? { label: o.label, kind: 'function', detail: o.detail, snippet: o.snippet, sortGroup: 0 }
    : { label: o.label, kind: 'enumMember', detail: o.detail, sortGroup: 0 };
}

/** `f(fun‸`: the functions the argument being typed expects (`fun(x: number)` parameters). */
export function argFunctionItems(
  project: Project,
  fa: FileAnalysis,
  text: string,
  prefixStart: number,
  prefix: string,
  stale: number,
): Candidate[] {
  const lineStart = text.lastIndexOf('\n', prefixStart - 1) + 1;
  if (!prefix || !/[(,]\s*$/.test(text.slice(lineStart, prefixStart))) return [];
  const call = callAt(text, prefixStart);
  if (!call) return [];
  const opts =
    safely(() => literalOptions(project, fa, text, call.open, call.active, stale, undefined)) ?? [];
  return opts.filter((o) => o.snippet && matchKey(prefix, o.label)).map(optionItem);
}

const TYPE_NAMES = ['nil', 'number', 'string', 'boolean', 'table', 'function', 'thread', 'userdata'];

/** `type(x) == ‸`, or `t == ‸` where `local t = type(x)`: the value is one of the type names. */
function typeCompared(fa: FileAnalysis, before: string, name: string | undefined, stale: number): boolean {
  if (/\btype\s*\([^()]*\)\s*(?:==|~=)\s*$/.test(before)) return true;
  if (!name || !/^[A-Za-z_]\w*$/.test(name)) return false;
  const def = visibleLocals(fa, stale).find((d) => d.name === name);
  return !!def && /^\s*=\s*type\s*\(/.test(fa.text.slice(def.span.end, def.span.end + 40));
}

function typeNameOptions(quote: string | undefined): { label: string; detail: string }[] {
  const q = quote ?? '"';
  return TYPE_NAMES.map((n) => ({ label: `${q}${n}${q}`, detail: 'type' }));
}

/** `--‸`: LuaLS's region markers (folding ranges). */
export function regionCompletion(text: string, offset: number): CompletionResult | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^\s*--(#?\w*)$/.exec(text.slice(lineStart, offset));
  if (!m || (!'#region'.startsWith(m[1]) && !'#endregion'.startsWith(m[1]))) return undefined;
  return {
    items: ['#region', '#endregion'].map((label) => ({ label, kind: 'snippet', sortGroup: 0 })),
    prefixStart: offset - m[1].length,
  };
}

/** `('x'):‸` and `"x":‸`: members of a string literal. */
export function literalBaseMembers(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  stale: number,
  snippets: boolean,
): CompletionResult | undefined {
  let s = offset;
  while (s > 0 && /\w/.test(text[s - 1])) s--;
  const sep = text[s - 1];
  if (sep !== ':' && sep !== '.') return undefined;
  if (!literalBaseBefore(text, s - 1)) return undefined;
  const typed = safely(() => typedMembers(project, fa, text, undefined, s - 1, stale));
  if (!typed) return undefined;
  return { items: typedCandidates(typed, 'string', sep, snippets), prefixStart: s };
}

/** `t['‸']`: the string keys of `t`. */
export function stringKeyCompletion(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  stale: number,
): CompletionResult | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /\[\s*(["'])([^"'\\]*)$/.exec(text.slice(lineStart, offset));
  if (!m) return undefined;
  const open = lineStart + m.index;
  const chain = chainBefore(text, open);
  if (!chain) return undefined;
  const typed = safely(() => typedMembers(project, fa, text, chain, open, stale));
  if (!typed) return undefined;
  return {
    items: typed.map((t) => ({ label: t.name, kind: 'field', sortGroup: 0 })),
    prefixStart: offset - m[2].length,
  };
}

/** `list[#‸]`: `#list+1` (appending, in an assignment target) or `#list` (reading the last item). */
export function indexCompletion(text: string, offset: number): CompletionResult | undefined {
  let s = offset;
  while (s > 0 && /[\w.:]/.test(text[s - 1])) s--;
  if (text[s - 1] !== '#' || text[s - 2] !== '[') return undefined;
  const chainEnd = s - 2;
  let c = chainEnd;
  while (c > 0 && /[\w.:]/.test(text[c - 1])) c--;
  const chain = text.slice(c, chainEnd);
  if (!/^[A-Za-z_][\w.:]*$/.test(chain)) return undefined;
  const typed = text.slice(s, offset);
  if (typed && !chain.startsWith(typed)) return undefined;
  const lineStart = text.lastIndexOf('\n', c - 1) + 1;
  const stmtStart = /^\s*$/.test(text.slice(lineStart, c));
  const after = /^\s*\]\s*(\S?)/.exec(text.slice(offset, offset + 40))?.[1] ?? '';
  const target = stmtStart && !/[.:[(]/.test(after);
  const label = target ? `#${chain}+1` : `#${chain}`;
  return { items: [{ label, kind: 'snippet', sortGroup: 0 }], prefixStart: s - 1 };
}

const ANNOTATIONS = [
  'param',
  'return',
  'class',
  'field',
  'type',
  'alias',
  'meta',
  'diagnostic',
  'deprecated',
  'see',
  'generic',
  'overload',
  'vararg',
  'cast',
  'enum',
  'operator',
  'async',
  'nodiscard',
  'private',
  'protected',
  'package',
  'module',
  'version',
];

/** `---@‸`: the annotation tags. */
export function annotationTags(ctx: Extract<CompletionContext, { kind: 'annotation' }>): CompletionResult {
  return {
    items: ANNOTATIONS.filter((a) => matchKey(ctx.prefix, a)).map((a) => ({
      label: a,
      kind: 'event',
      sortGroup: 0,
    })),
    prefixStart: ctx.prefixStart,
  };
}

/** Inside `---@type ‸`, `---@param x ‸`, `---@class B: ‸`: type names; `---@param ‸`: parameters. */
export function annotationCompletion(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  snippets: boolean,
): CompletionResult | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prefixLine = text.slice(lineStart, offset);
  if (!/^\s*---/.test(prefixLine)) return docParamNames(text, offset);
  const word = /[\w.]*$/.exec(prefixLine)?.[0] ?? '';
  const prefixStart = offset - word.length;
  if (/^\s*---\s*@param\s+[\w.]*$/.test(prefixLine)) {
    const names = undocumentedParams(text, offset, fa);
    const items = paramItems(names, word, snippets, true);
    // a method's implicit `self` can be documented too (LuaLS lists it, outside the all-at-once item)
    if (methodBelow(text, offset) && matchKey(word, 'self'))
      items.splice(items[0]?.kind === 'snippet' ? 1 : 0, 0, {
        label: 'self',
        kind: 'interface',
        sortGroup: 0,
      });
    return { items, prefixStart };
  }
  if (!expectsType(prefixLine)) return undefined;
  return {
    items: typeNames(project, fa)
      .filter((n) => matchKey(word, n))
      .map((n) => ({ label: n, kind: 'class', sortGroup: 0 })),
    prefixStart,
  };
}

/** Is the function under the doc block at `offset` declared with `:`? */
function methodBelow(text: string, offset: number): boolean {
  const rest = text.slice(offset).split('\n').slice(1);
  const line = rest.find((l) => !/^\s*---/.test(l)) ?? '';
  return /^\s*function\s+[\w.]+:\w+\s*\(/.test(line);
}

/** `a, b, c` (all at once) and each name, as LuaLS offers documented/undocumented parameters. */
function paramItems(names: string[], word: string, snippets: boolean, withTypes: boolean): Candidate[] {
  const items: Candidate[] = [];
  const match = names.filter((n) => matchKey(word, n));
  if (names.length > 1 && (!word || match.length === names.length)) {
    const body = withTypes
      ? names.map((n, i) => (i ? `---@param ${n} \${${i + 1}:any}` : `${n} \${1:any}`)).join('\n')
      : names.join(', ');
    items.push({
      label: names.join(', '),
      kind: 'snippet',
      snippet: snippets ? body : undefined,
      sortGroup: 0,
    });
  }
  for (const n of match) items.push({ label: n, kind: 'interface', sortGroup: 0 });
  return items;
}

/** `function f(‸` under `---@param` lines: the documented parameter names. */
function docParamNames(text: string, offset: number): CompletionResult | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^\s*(?:local\s+)?function\s+[\w.:]+\s*\(([\w\s,]*)$/.exec(text.slice(lineStart, offset));
  if (!m) return undefined;
  const word = /\w*$/.exec(m[1])?.[0] ?? '';
  const names: string[] = [];
  const lines = text.slice(0, lineStart).split('\n').reverse().slice(1);
  for (const l of lines) {
    const p = /^\s*---\s*@param\s+([\w.]+)/.exec(l);
    if (p) names.unshift(p[1]);
    else if (!/^\s*---/.test(l)) break;
  }
  if (!names.length) return undefined;
  const typed = new Set(m[1].split(',').map((x) => x.trim()));
  const rest = names.filter((n) => !typed.has(n) || n === word);
  return { items: paramItems(rest, word, false, false), prefixStart: offset - word.length };
}
