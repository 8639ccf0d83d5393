import { completionContext } from './context';
import type { Project } from './project';
import { visibleLocals, type FileAnalysis } from './resolve';
import { LUA_KEYWORDS, stdlib } from './stdlib';
import type { ApiMember, ParamInfo } from './types';

export type CandidateKind =
  'variable' | 'function' | 'method' | 'field' | 'keyword' | 'module' | 'class' | 'snippet' | 'property';

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
  switch (ctx.kind) {
    case 'none':
      return { items: [], prefixStart: offset };
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
