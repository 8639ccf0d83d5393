import { callAt, completionContext, type CompletionContext } from './context';
import { literalBaseBefore } from './types/chain';
import { expectsType, typeNames, undocumentedParams } from './types/docNames';
import { literalOptions, typedMembers, type TypedMember } from './types/complete';
import { safely } from './types/safely';
import { view } from './types/ty';
import type { Project } from './project';
import { visibleLocals, type FileAnalysis } from './resolve';
import { LUA_KEYWORDS, stdlib } from './stdlib';
import type { ApiMember, ParamInfo } from './types';

export type CandidateKind =
  | 'variable'
  | 'function'
  | 'method'
  | 'field'
  | 'keyword'
  | 'module'
  | 'class'
  | 'snippet'
  | 'property'
  | 'enumMember';

export interface Candidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  /** markdown documentation (sent on resolve) */
  doc?: string;
  /** snippet text (LSP snippet syntax) when snippets are on */
  snippet?: string;
  sortGroup: number;
}

export interface CompletionResult {
  items: Candidate[];
  prefixStart: number;
  /** end of the text the items replace when it goes past the cursor (a closing quote) */
  replaceEnd?: number;
}

export function signatureText(
  name: string,
  m: Pick<ApiMember, 'params' | 'returns' | 'kind'>,
  sep = '.',
): string {
  const params = (m.params ?? [])
    .map((p) =>
      p.type && p.type !== 'any' && p.name !== '...'
        ? `${p.name}${p.optional ? '?' : ''}: ${p.type}`
        : p.name,
    )
    .join(', ');
  const ret = m.returns?.length ? `: ${m.returns.map((r) => r.type).join(', ')}` : '';
  void sep;
  return `function ${name}(${params})${ret}`;
}

export function memberDoc(m: ApiMember, qualified: string): string {
  const parts: string[] = [];
  if (m.kind === 'function' || m.kind === 'method')
    parts.push('```lua\n' + signatureText(qualified, m) + '\n```');
  else
    parts.push(
      '```lua\n' +
        `${m.kind === 'table' ? 'table' : 'field'} ${qualified}${m.type ? ': ' + m.type : ''}` +
        '\n```',
    );
  if (m.doc) parts.push(m.doc);
  const pdocs = (m.params ?? []).filter((p) => p.doc).map((p) => `- \`${p.name}\`: ${p.doc}`);
  if (pdocs.length) parts.push(pdocs.join('\n'));
  const rdocs = (m.returns ?? [])
    .filter((r) => r.doc || r.name)
    .map((r) => `- returns \`${r.type}\`${r.name ? ' ' + r.name : ''}${r.doc ? ': ' + r.doc : ''}`);
  if (rdocs.length) parts.push(rdocs.join('\n'));
  if (m.origin === 'host') parts.push('*llmspell host API*');
  else if (m.origin === 'stdlib') parts.push('*Lua 5.4 standard library*');
  return parts.join('\n\n');
}

function callSnippet(name: string, params: ParamInfo[] | undefined): string {
  const req = (params ?? []).filter((p) => !p.optional && p.name !== '...');
  const esc = (s: string) => s.replace(/[$}\\]/g, '\\$&');
  return `${esc(name)}(${req.map((p, i) => `\${${i + 1}:${esc(p.name)}}`).join(', ')})$0`;
}

function memberCandidate(
  m: ApiMember,
  qualified: string,
  snippets: boolean,
  sortGroup: number,
  sep: string,
): Candidate {
  const isFn = m.kind === 'function' || m.kind === 'method';
  let params = m.params;
  if (sep === ':' && m.kind === 'function') params = params?.slice(1);
  return {
    label: m.name,
    kind: isFn
      ? m.kind === 'method' || sep === ':'
        ? 'method'
        : 'function'
      : m.kind === 'table'
        ? 'class'
        : 'field',
    detail: isFn ? signatureText(qualified, { ...m, params }) : m.type,
    doc: memberDoc({ ...m, params }, qualified),
    snippet: isFn && snippets ? callSnippet(m.name, params) : undefined,
    sortGroup,
  };
}

const SNIPPETS: { label: string; body: string; detail: string }[] = [
  { label: 'fori', body: 'for ${1:i} = ${2:1}, ${3:n} do\n\t$0\nend', detail: 'numeric for loop' },
  { label: 'forp', body: 'for ${1:k}, ${2:v} in pairs(${3:t}) do\n\t$0\nend', detail: 'for ... in pairs' },
  {
    label: 'foripairs',
    body: 'for ${1:i}, ${2:v} in ipairs(${3:t}) do\n\t$0\nend',
    detail: 'for ... in ipairs',
  },
  { label: 'lfunction', body: 'local function ${1:name}(${2})\n\t$0\nend', detail: 'local function' },
  {
    label: 'agent',
    body: 'local ${1:agent} = Agent.builder()\n\t:model("${2:openai/gpt-4o-mini}")\n\t:build()\n$0',
    detail: 'build an agent',
  },
];

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
];

/**
 * Completion at `offset` of `text`. `fa` may be an analysis of an older version of the text
 * (completion must not wait for a re-parse): scope queries use `staleOffset`.
 */
export function complete(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  staleOffset: number,
): CompletionResult {
  const ctx = completionContext(text, offset);
  const snippets = project.config.enableSnippets;
  const options = literalCompletion(project, fa, text, offset, staleOffset, ctx);
  if (options) return options;
  const docTypes = annotationCompletion(project, fa, text, offset);
  if (docTypes) return docTypes;
  switch (ctx.kind) {
    case 'none': {
      const lit = literalBaseMembers(project, fa, text, offset, staleOffset, snippets);
      return lit ?? { items: [], prefixStart: offset };
    }
    case 'annotation':
      return {
        items: ANNOTATIONS.map((a) => ({ label: a, kind: 'keyword', sortGroup: 0 })),
        prefixStart: ctx.prefixStart,
      };
    case 'require':
      return {
        items: project.moduleNames().map((m) => ({ label: m, kind: 'module', sortGroup: 0 })),
        prefixStart: ctx.prefixStart,
      };
    case 'member': {
      const sepAt =
        ctx.prefixStart -
        1 -
        (text.slice(0, ctx.prefixStart).length - text.slice(0, ctx.prefixStart).trimEnd().length);
      const typed = safely(() => typedMembers(project, fa, text, ctx.chain, sepAt, staleOffset));
      const qual0 = ctx.chain.map((c, i) => (i ? c.sep : '') + c.name + (c.called ? '()' : '')).join('');
      if (typed)
        return {
          items: typedCandidates(typed, qual0, ctx.sep, snippets, (u) => project.isHostUri(u)),
          prefixStart: ctx.prefixStart,
        };
      const v = project.evalChain(fa, ctx.chain, staleOffset);
      const qual = ctx.chain.map((c, i) => (i ? c.sep : '') + c.name + (c.called ? '()' : '')).join('');
      const items: Candidate[] = [];
      for (const m of project.members(v).values()) {
        if (ctx.sep === ':' && m.kind !== 'function' && m.kind !== 'method') continue;
        items.push(memberCandidate(m, `${qual}${ctx.sep}${m.name}`, snippets, 0, ctx.sep));
      }
      return { items, prefixStart: ctx.prefixStart };
    }
    case 'name': {
      if (namingNew(text, ctx.prefixStart)) return { items: [], prefixStart: ctx.prefixStart };
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
          sortGroup: 0,
        });
      }
      for (const [name, list] of project.globals()) {
        if (seen.has(name)) continue;
        seen.add(name);
        const g = list.find((x) => !project.isHostUri(x.fa.uri)) ?? list[0];
        const v = project.valueOfDef(g.fa, g.def);
        const info = v.info ?? project.defInfo(g.fa, g.def);
        const isFn = info.kind === 'function';
        const cls = v.classes[0] ? project.classes().get(v.classes[0]) : undefined;
        items.push({
          label: name,
          kind: isFn ? 'function' : cls ? 'class' : 'variable',
          detail: isFn
            ? signatureText(name, info)
            : project.isHostUri(g.fa.uri)
              ? 'llmspell host API'
              : 'global',
          doc: cls?.doc
            ? `${cls.doc}\n\n*${project.isHostUri(g.fa.uri) ? 'llmspell host API' : 'workspace'}*`
            : memberDoc(info, name),
          snippet: isFn && snippets ? callSnippet(name, info.params) : undefined,
          sortGroup: project.isHostUri(g.fa.uri) ? 1 : 1,
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
      for (const k of LUA_KEYWORDS) items.push({ label: k, kind: 'keyword', sortGroup: 3 });
      if (snippets)
        for (const s of SNIPPETS)
          items.push({ label: s.label, kind: 'snippet', detail: s.detail, snippet: s.body, sortGroup: 4 });
      const p = ctx.prefix.toLowerCase();
      return {
        items: p ? items.filter((i) => i.label.toLowerCase().includes(p[0])) : items,
        prefixStart: ctx.prefixStart,
      };
    }
  }
}

/** Is the cursor naming something new (`local na‸`, `function f(a, ‸`, `for i‸`)? Then nothing fits. */
function namingNew(text: string, prefixStart: number): boolean {
  const lineStart = text.lastIndexOf('\n', prefixStart - 1) + 1;
  const before = text.slice(lineStart, prefixStart);
  if (/\blocal\s+(function\s+)?([A-Za-z_]\w*\s*(<\s*\w*\s*>)?\s*,\s*)*$/.test(before)) return true;
  if (/\bfor\s+([A-Za-z_]\w*\s*,\s*)*$/.test(before)) return true;
  if (/\bfunction\s*([A-Za-z_][\w.:]*)?\s*\(([^)]*,)?\s*$/.test(before)) return true;
  return /\bfunction\s+([A-Za-z_]\w*[.:])*$/.test(before) && !/[.:]$/.test(before);
}

function typedCandidates(
  typed: TypedMember[],
  qual: string,
  sep: '.' | ':',
  snippets: boolean,
  isHost: (uri: string) => boolean = () => false,
): Candidate[] {
  const items: Candidate[] = [];
  for (const m of typed) {
    if (sep === ':' && !m.isFunction) continue;
    const api = m.info.api;
    if (api) {
      items.push(memberCandidate(api, `${qual}${sep}${m.name}`, snippets, 0, sep));
      continue;
    }
    const fn = m.info.ty.k === 'function' ? m.info.ty.fn : undefined;
    const params = fn?.params.map((p) => ({ name: p.name, type: view(p.ty), optional: p.optional }));
    const kind: CandidateKind = m.isFunction ? (m.isMethod || sep === ':' ? 'method' : 'function') : 'field';
    const docMember: ApiMember = {
      name: m.name,
      kind: m.isFunction ? 'function' : 'field',
      doc: m.info.doc ?? fn?.doc,
      params: params?.map((p) => ({ ...p, doc: fn?.paramDocs?.[p.name] })),
      returns: fn?.returns.map((r) => ({ type: view(r.ty), name: r.name })),
      type: m.isFunction ? undefined : view(m.info.ty),
      origin: m.info.location && isHost(m.info.location.uri) ? 'host' : 'workspace',
    };
    items.push({
      label: m.name,
      kind,
      doc: memberDoc(docMember, `${qual}${sep}${m.name}`),
      detail: m.isFunction
        ? signatureText(`${qual}${sep}${m.name}`, { params, kind: 'function' })
        : view(m.info.ty),
      snippet:
        m.isFunction && snippets
          ? callSnippet(m.name, m.isMethod && sep === '.' ? [{ name: 'self' }, ...(params ?? [])] : params)
          : undefined,
      sortGroup: 0,
    });
  }
  return items;
}

/** `('x'):‸` and `"x":‸`: members of a string literal. */
function literalBaseMembers(
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

/** Literal options of the parameter being typed (`collectgarbage('‸')`, `io.read(‸)`). */
function literalCompletion(
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
  const blank = ctx.kind === 'name' && ctx.prefix === '' && /[(,]\s*$/.test(line);
  if (!inString && !blank) return undefined;
  const call = callAt(text, offset);
  if (!call) return undefined;
  const quote = inString ? str?.[1] : undefined;
  const opts = safely(() => literalOptions(project, fa, text, call.open, call.active, stale, quote)) ?? [];
  if (!opts.length) return undefined;
  const start = inString && str ? offset - str[0].length : offset;
  const replaceEnd = inString && text[offset] === quote ? offset + 1 : undefined;
  return {
    items: opts.map((o) => ({ label: o.label, kind: 'enumMember', detail: o.detail, sortGroup: 0 })),
    prefixStart: start,
    replaceEnd,
  };
}

/** Inside `---@type ‸`, `---@param x ‸`, `---@class B: ‸`: type names; `---@param ‸`: parameters. */
function annotationCompletion(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
): CompletionResult | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prefixLine = text.slice(lineStart, offset);
  if (!/^\s*---/.test(prefixLine)) return undefined;
  const word = /[\w.]*$/.exec(prefixLine)?.[0] ?? '';
  const prefixStart = offset - word.length;
  if (/^\s*---\s*@param\s+\w*$/.test(prefixLine)) {
    const names = undocumentedParams(text, offset, fa);
    return { items: names.map((n) => ({ label: n, kind: 'variable', sortGroup: 0 })), prefixStart };
  }
  if (!expectsType(prefixLine)) return undefined;
  return {
    items: typeNames(project, fa).map((n) => ({ label: n, kind: 'class', sortGroup: 0 })),
    prefixStart,
  };
}
