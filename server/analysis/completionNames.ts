import type { CompletionContext } from './context';
import {
  argsLabel,
  callSnippet,
  memberCandidate,
  memberDoc,
  signatureText,
  type Candidate,
  type CompletionResult,
} from './completionItems';
import * as luaparse from 'luaparse';
import { blankAttributes } from './parse';
import type { Project } from './project';
import { visibleLocals, type FileAnalysis } from './resolve';
import { LUA_KEYWORDS, stdlib } from './stdlib';

/**
 * Completion of a name being typed: locals in scope, globals (workspace, host API, std lib),
 * keywords and their snippets, filtered the way LuaLS filters (every typed character occurs in
 * the name). While a new local, loop variable or parameter is named, only words already used
 * in the file are offered (LuaLS does the same); with nothing typed, nothing is offered.
 */

const SNIPPETS: { label: string; body: string; detail: string }[] = [
  { label: 'fori', body: 'for ${1:i} = ${2:1}, ${3:n} do\n\t$0\nend', detail: 'numeric for loop' },
  { label: 'forp', body: 'for ${1:k}, ${2:v} in pairs(${3:t}) do\n\t$0\nend', detail: 'for ... in pairs' },
  {
    label: 'foripairs',
    body: 'for ${1:i}, ${2:v} in ipairs(${3:t}) do\n\t$0\nend',
    detail: 'for ... in ipairs',
  },
  {
    label: 'agent',
    body: 'local ${1:agent} = Agent.builder()\n\t:model("${2:openai/gpt-4o-mini}")\n\t:build()\n$0',
    detail: 'build an agent',
  },
];

/** Keyword snippets, offered right after their keyword (LuaLS's labels). */
const KEYWORD_SNIPPETS: Record<string, { label: string; body: string }> = {
  local: { label: 'local function', body: 'local function ${1:name}(${2})\n\t$0\nend' },
  do: { label: 'do .. end', body: 'do\n\t$0\nend' },
  elseif: { label: 'elseif .. then', body: 'elseif ${1:true} then\n\t$0' },
  if: { label: 'if .. then', body: 'if ${1:true} then\n\t$0\nend' },
  while: { label: 'while .. do', body: 'while ${1:true} do\n\t$0\nend' },
  repeat: { label: 'repeat .. until', body: 'repeat\n\t$0\nuntil ${1:true}' },
  function: { label: 'function ()', body: 'function ${1:name}(${2})\n\t$0\nend' },
  for: { label: 'for .. in', body: 'for ${1:k}, ${2:v} in pairs(${3:t}) do\n\t$0\nend' },
  in: { label: 'in ..', body: 'in ${1:pairs(${2:t})} do\n\t$0\nend' },
};

/** `then .. end`: only where the `if` is not closed yet (the text does not parse as it is). */
const THEN_SNIPPET = { label: 'then .. end', body: 'then\n\t$0\nend' };

/** LuaLS's match: a prefix of the name, or every typed character present in it (as often). */
export function matchKey(input: string, name: string): boolean {
  if (!input) return true;
  if (input.length > name.length) return false;
  const a = input.toLowerCase();
  const b = name.toLowerCase();
  if (b.startsWith(a)) return true;
  const counts = new Map<string, number>();
  for (const c of b) counts.set(c, (counts.get(c) ?? 0) + 1);
  for (const c of a) {
    const n = counts.get(c) ?? 0;
    if (n <= 0) return false;
    counts.set(c, n - 1);
  }
  return true;
}

/** Is the cursor naming something new (`local na‸`, `function f(a, ‸`, `for i‸`)? */
export function namingNew(text: string, prefixStart: number): boolean {
  const lineStart = text.lastIndexOf('\n', prefixStart - 1) + 1;
  const before = text.slice(lineStart, prefixStart);
  if (/\blocal\s+(function\s+)?([A-Za-z_]\w*\s*(<\s*\w*\s*>)?\s*,\s*)*$/.test(before)) return true;
  if (/\bfor\s+([A-Za-z_]\w*\s*,\s*)*$/.test(before)) return true;
  if (/\bfunction\s*([A-Za-z_][\w.:]*)?\s*\(([^)]*,)?\s*$/.test(before)) return true;
  return /\bfunction\s+([A-Za-z_]\w*[.:])*$/.test(before) && !/[.:]$/.test(before);
}

const AFTER_EXPRESSION = ['and', 'or', 'then', 'do', 'in', 'end', 'else', 'elseif', 'until'];

/** Right after a complete expression (`t ‸`): a name cannot start here. */
function afterExpression(text: string, prefixStart: number): boolean {
  let i = prefixStart;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  if (i === prefixStart) return false;
  const c = text[i - 1];
  if (c === ')' || c === ']' || c === '}') return true;
  let s = i;
  while (s > 0 && /\w/.test(text[s - 1])) s--;
  const word = text.slice(s, i);
  return !!word && /^[A-Za-z_]/.test(word) && !LUA_KEYWORDS.includes(word) && text[s - 1] !== '.';
}

const namesCache = new WeakMap<FileAnalysis, string[]>();

/** The names the file declares or reads (locals, parameters, globals), computed once per analysis. */
function fileNames(fa: FileAnalysis): string[] {
  let names = namesCache.get(fa);
  if (!names) {
    const set = new Set<string>();
    for (const d of fa.defs) set.add(d.name);
    for (const o of fa.occurrences) if (o.global) set.add(o.global);
    names = [...set];
    namesCache.set(fa, names);
  }
  return names;
}

/** Names used in the file (other than the one being typed) matching the prefix. */
function fileWords(fa: FileAnalysis, prefix: string): Candidate[] {
  return fileNames(fa)
    .filter((w) => w !== prefix && /^[A-Za-z_]\w*$/.test(w) && matchKey(prefix, w))
    .map((w) => ({ label: w, kind: 'variable', sortGroup: 0 }));
}

export function nameCompletion(
  project: Project,
  fa: FileAnalysis,
  text: string,
  ctx: Extract<CompletionContext, { kind: 'name' }>,
  staleOffset: number,
): CompletionResult {
  const none = { items: [], prefixStart: ctx.prefixStart };
  const prefix = ctx.prefix;
  if (!prefix) return none;
  if (afterExpression(text, ctx.prefixStart)) {
    // a name cannot start here, a keyword that follows an expression can (`if ok th‸`)
    const kws = AFTER_EXPRESSION.filter((k) => k.startsWith(prefix));
    return { items: keywordList(kws, project, text), prefixStart: ctx.prefixStart };
  }
  if (namingNew(text, ctx.prefixStart)) {
    const items = fileWords(fa, prefix);
    const lineStart = text.lastIndexOf('\n', ctx.prefixStart - 1) + 1;
    if (/^\s*local\s+$/.test(text.slice(lineStart, ctx.prefixStart)) && matchKey(prefix, 'function'))
      items.unshift(...keywordItems('function', project.config.enableSnippets));
    return { items, prefixStart: ctx.prefixStart };
  }
  const items = scopeItems(project, fa, staleOffset).filter((i) => matchKey(prefix, i.label));
  const keywords = LUA_KEYWORDS.filter((k) => matchKey(prefix, k) && k.startsWith(prefix[0]));
  items.unshift(...keywordList(keywords, project, text));
  items.push(...deprecatedGlobals(prefix, items));
  if (project.config.enableSnippets)
    for (const s of SNIPPETS)
      if (s.label.startsWith(prefix))
        items.push({ label: s.label, kind: 'snippet', detail: s.detail, snippet: s.body, sortGroup: 4 });
  return { items, prefixStart: ctx.prefixStart };
}

/** Does the text lack an `end` (it fails to parse at its end)? */
function unclosed(text: string): boolean {
  try {
    luaparse.parse(blankAttributes(text).text, { luaVersion: '5.3', encodingMode: 'none' });
    return false;
  } catch (e) {
    return /'end' expected/.test(String((e as Error).message));
  }
}

/**
 * Lua 5.1/5.2 names removed from Lua 5.4: LuaLS still offers them, marked deprecated, so a user
 * porting old code finds them (and sees they are gone).
 */
const DEPRECATED: [string, string][] = [
  ['loadstring', 'loadstring(text, chunkname)'],
  ['module', 'module(name, ...)'],
  ['setfenv', 'setfenv(f, table)'],
  ['getfenv', 'getfenv(f)'],
  ['unpack', 'unpack(list, i, j)'],
  ['bit32', ''],
];

/** Members removed from Lua 5.4's libraries, offered deprecated after `lib.` (as LuaLS does). */
const DEPRECATED_MEMBERS: Record<string, [string, string][]> = {
  debug: [['setcstacklimit', 'setcstacklimit(limit)']],
};

export function deprecatedMembers(lib: string, prefix: string, have: Candidate[]): Candidate[] {
  return (DEPRECATED_MEMBERS[lib] ?? [])
    .filter(([n]) => matchKey(prefix, n) && !have.some((i) => i.label === n))
    .map(([n, sig]) => deprecatedItem(n, `${lib}.${sig}`));
}

function deprecatedItem(n: string, sig: string): Candidate {
  return {
    label: n,
    kind: sig ? 'function' : 'field',
    detail: sig ? `function ${sig}` : 'table',
    doc: `\`${n}\` was removed in Lua 5.4 (deprecated).`,
    deprecated: true,
    sortGroup: 3,
  };
}

function deprecatedGlobals(prefix: string, have: Candidate[]): Candidate[] {
  return DEPRECATED.filter(([n]) => matchKey(prefix, n) && !have.some((i) => i.label === n)).map(([n, sig]) =>
    deprecatedItem(n, sig),
  );
}

/** Keyword items (with their snippets when snippets are on) for `keywords`. */
function keywordList(keywords: string[], project: Project, text: string): Candidate[] {
  const snippets = project.config.enableSnippets;
  const items = keywords.flatMap((k) => keywordItems(k, snippets));
  if (keywords.includes('then') && snippets && unclosed(text)) {
    const at = items.findIndex((i) => i.label === 'then');
    const s = THEN_SNIPPET;
    items.splice(at + 1, 0, { label: s.label, kind: 'snippet', snippet: s.body, sortGroup: 0 });
  }
  return items;
}

function keywordItems(k: string, snippets: boolean): Candidate[] {
  const out: Candidate[] = [{ label: k, kind: 'keyword', sortGroup: 0 }];
  const s = KEYWORD_SNIPPETS[k];
  if (s && snippets) out.push({ label: s.label, kind: 'snippet', snippet: s.body, sortGroup: 0 });
  return out;
}

/** Locals in scope, then workspace/host globals, then the standard library and settings globals. */
function scopeItems(project: Project, fa: FileAnalysis, staleOffset: number): Candidate[] {
  const snippets = project.config.enableSnippets;
  const items: Candidate[] = [];
  const seen = new Set<string>();
  for (const d of visibleLocals(fa, staleOffset)) {
    if (d.name === '(module)') continue;
    seen.add(d.name);
    const info = project.defInfo(fa, d);
    const isFn = info.kind === 'function';
    items.push({
      label: d.name,
      kind: isFn ? 'function' : 'variable',
      detail: isFn ? signatureText(d.name, info) : d.kind === 'parameter' ? 'parameter' : 'local',
      doc: memberDoc(info, d.name),
      snippet: isFn && snippets ? callSnippet(d.name, info.params) : undefined,
      args: isFn ? argsLabel(info.params) : undefined,
      sortGroup: 0,
    });
  }
  for (const [name, list] of project.globals()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const g = list.find((x) => !project.isHostUri(x.fa.uri)) ?? list[0];
    const host = project.isHostUri(g.fa.uri);
    const v = project.valueOfDef(g.fa, g.def);
    const info = v.info ?? project.defInfo(g.fa, g.def);
    const isFn = info.kind === 'function';
    const cls = v.classes[0] ? project.classes().get(v.classes[0]) : undefined;
    items.push({
      label: name,
      kind: isFn ? 'function' : cls ? 'class' : 'variable',
      detail: isFn ? signatureText(name, info) : host ? 'llmspell host API' : 'global',
      doc: cls?.doc ? `${cls.doc}\n\n*${host ? 'llmspell host API' : 'workspace'}*` : memberDoc(info, name),
      snippet: isFn && snippets ? callSnippet(name, info.params) : undefined,
      args: isFn ? argsLabel(info.params) : undefined,
      sortGroup: 1,
    });
  }
  for (const name of fa.globals.keys()) {
    if (seen.has(name)) continue;
    seen.add(name);
    items.push({ label: name, kind: 'variable', detail: 'global', sortGroup: 1 });
  }
  for (const [name, m] of stdlib().globals) {
    if (seen.has(name)) continue;
    seen.add(name);
    items.push(memberCandidate(m, name, snippets, 2, '.'));
  }
  for (const g of project.config.globals) {
    if (seen.has(g)) continue;
    seen.add(g);
    items.push({ label: g, kind: 'variable', detail: 'global (settings)', sortGroup: 2 });
  }
  return items;
}
