import { completionContext, type CompletionContext } from './context';
import { memberCandidate, typedCandidates, type Candidate, type CompletionResult } from './completionItems';
import { deprecatedMembers, nameCompletion } from './completionNames';
import {
  annotationCompletion,
  annotationTags,
  argFunctionItems,
  indexCompletion,
  literalBaseMembers,
  literalCompletion,
  regionCompletion,
  stringKeyCompletion,
} from './completionSpecial';
import { postfixCompletion } from './completionPostfix';
import { wordFallback } from './completionWords';
import { tableFieldItems } from './completionTable';
import type { Project } from './project';
import type { FileAnalysis } from './resolve';
import { typedMembers } from './types/complete';
import { safely } from './types/safely';

export {
  memberDoc,
  signatureText,
  type Candidate,
  type CandidateKind,
  type CompletionResult,
} from './completionItems';

/**
 * Completion at `offset` of `text`. `fa` may be an analysis of an older version of the text
 * (completion must not wait for a re-parse): scope queries use `staleOffset`. The special places
 * (literal options, annotations, `t[#‸]`, `t['‸']`) come first, then the context's kind.
 */
export function complete(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  staleOffset: number,
): CompletionResult {
  const res = completeAt(project, fa, text, offset, staleOffset);
  return res.items.length ? res : (wordFallback(text, offset) ?? res);
}

function completeAt(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  staleOffset: number,
): CompletionResult {
  const ctx = completionContext(text, offset);
  const snippets = project.config.enableSnippets;
  const special =
    literalCompletion(project, fa, text, offset, staleOffset, ctx) ??
    annotationCompletion(project, fa, text, offset, snippets) ??
    indexCompletion(text, offset) ??
    regionCompletion(text, offset) ??
    postfixCompletion(text, offset);
  if (special) return special;
  switch (ctx.kind) {
    case 'none':
      return (
        stringKeyCompletion(project, fa, text, offset, staleOffset) ??
        literalBaseMembers(project, fa, text, offset, staleOffset, snippets) ?? {
          items: [],
          prefixStart: offset,
        }
      );
    case 'annotation':
      return annotationTags(ctx);
    case 'require':
      return {
        items: project.moduleNames().map((m) => ({ label: m, kind: 'module', sortGroup: 0 })),
        prefixStart: ctx.prefixStart,
      };
    case 'member':
      return memberCompletion(project, fa, text, ctx, staleOffset, snippets);
    case 'name': {
      const names = nameCompletion(project, fa, text, ctx, staleOffset);
      const fields = safely(() => tableFieldItems(project, fa, text, ctx.prefixStart, ctx.prefix)) ?? [];
      const fns = argFunctionItems(project, fa, text, ctx.prefixStart, ctx.prefix, staleOffset);
      return { ...names, items: [...fields, ...fns, ...names.items] };
    }
  }
}

/** After `a.b.` / `a:`: the members of the value's type (the light project model as fallback). */
function memberCompletion(
  project: Project,
  fa: FileAnalysis,
  text: string,
  ctx: Extract<CompletionContext, { kind: 'member' }>,
  staleOffset: number,
  snippets: boolean,
): CompletionResult {
  const before = text.slice(0, ctx.prefixStart);
  const sepAt = ctx.prefixStart - 1 - (before.length - before.trimEnd().length);
  const idx = (k: string) => (k.startsWith('[') ? k : `['${k}']`);
  const qual = ctx.chain
    .map((c, i) => (i ? c.sep : '') + c.name + (c.called ? '()' : '') + (c.indexes ?? []).map(idx).join(''))
    .join('');
  const typed = safely(() => typedMembers(project, fa, text, ctx.chain, sepAt, staleOffset));
  if (typed) {
    const items = typedCandidates(typed, qual, ctx.sep, snippets, (u) => project.isHostUri(u));
    if (ctx.chain.length === 1 && ctx.sep === '.')
      items.push(...deprecatedMembers(ctx.chain[0].name, ctx.prefix, items));
    return { items, prefixStart: ctx.prefixStart };
  }
  if (ctx.chain.some((c) => c.indexes)) return { items: [], prefixStart: ctx.prefixStart };
  const v = project.evalChain(fa, ctx.chain, staleOffset);
  const items: Candidate[] = [];
  for (const m of project.members(v).values()) {
    if (ctx.sep === ':' && m.kind !== 'function' && m.kind !== 'method') continue;
    items.push(memberCandidate(m, `${qual}${ctx.sep}${m.name}`, snippets, 0, ctx.sep));
  }
  return { items, prefixStart: ctx.prefixStart };
}
