import { view } from './types/ty';
import type { TypedMember } from './types/complete';
import type { ApiMember, ParamInfo } from './types';

/** Completion items: their shape, labels, details, documentation and call snippets. */

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
  | 'enumMember'
  | 'event'
  | 'interface'
  | 'text';

export interface Candidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  /** markdown documentation (sent on resolve) */
  doc?: string;
  /** snippet text (LSP snippet syntax) when snippets are on */
  snippet?: string;
  /** a function's parameter names, shown after its name in the item's label as LuaLS does */
  args?: string;
  sortGroup: number;
  /** postfix forms: the text to delete before the item (the expression and its `@`) */
  edit?: { remove: { start: number; end: number } };
  /** a name that exists only in older Lua versions (shown struck through) */
  deprecated?: boolean;
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

/** The parameter names of a function item's label (`assert(v, message, ...)`). */
export function argsLabel(params: readonly { name: string }[] | undefined): string {
  return (params ?? []).map((p) => p.name).join(', ');
}

export function callSnippet(name: string, params: ParamInfo[] | undefined): string {
  const req = (params ?? []).filter((p) => !p.optional && p.name !== '...');
  const esc = (s: string) => s.replace(/[$}\\]/g, '\\$&');
  return `${esc(name)}(${req.map((p, i) => `\${${i + 1}:${esc(p.name)}}`).join(', ')})$0`;
}

export function memberCandidate(
  m: ApiMember,
  qualified: string,
  snippets: boolean,
  sortGroup: number,
  sep: string,
): Candidate {
  const isFn = m.kind === 'function' || m.kind === 'method';
  let params = m.params;
  if (sep === ':' && m.kind === 'function') params = params?.slice(1);
  // a function-typed `---@field` is a field (LuaLS's kind), a method only when declared as one
  const docField = !!m.nameSpan && m.kind === 'function';
  return {
    label: m.name,
    kind: isFn && !docField ? (m.kind === 'method' || sep === ':' ? 'method' : 'function') : 'field',
    detail: isFn ? signatureText(qualified, { ...m, params }) : m.type,
    doc: memberDoc({ ...m, params }, qualified),
    snippet: isFn && snippets ? callSnippet(m.name, params) : undefined,
    args: isFn ? argsLabel(params) : undefined,
    sortGroup,
  };
}

export function typedCandidates(
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
      args: m.isFunction
        ? argsLabel(m.isMethod && sep === '.' ? [{ name: 'self' }, ...(params ?? [])] : params)
        : undefined,
      sortGroup: 0,
    });
  }
  return items;
}
