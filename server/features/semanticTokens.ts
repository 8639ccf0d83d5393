import type {
  SemanticTokens,
  SemanticTokensLegend,
  SemanticTokensParams,
  SemanticTokensRangeParams,
} from 'vscode-languageserver';
import { semanticTokens as analyzeTokens } from '../analysis/structure';
import type { SemanticKind, Span } from '../analysis/types';
import type { FeatureContext } from './context';

const TYPES: SemanticKind[] = [
  'variable',
  'parameter',
  'function',
  'property',
  'method',
  'namespace',
  'keyword',
  'string',
  'number',
  'comment',
];
export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: TYPES,
  tokenModifiers: ['declaration', 'readonly', 'defaultLibrary', 'global'],
};

function encode(ctx: FeatureContext, uri: string, range?: Span): SemanticTokens {
  const fa = ctx.analysis(uri);
  if (!fa) return { data: [] };
  const data: number[] = [];
  let pl = 0;
  let pc = 0;
  for (const t of analyzeTokens(ctx.project, fa, range)) {
    const s = fa.lines.position(t.span.start);
    const e = fa.lines.position(t.span.end);
    if (e.line !== s.line) continue;
    data.push(
      s.line - pl,
      s.line === pl ? s.character - pc : s.character,
      e.character - s.character,
      TYPES.indexOf(t.kind),
      t.mods,
    );
    pl = s.line;
    pc = s.character;
  }
  return { data };
}

export function semanticTokensFull(ctx: FeatureContext, params: SemanticTokensParams): SemanticTokens {
  return encode(ctx, params.textDocument.uri);
}

export function semanticTokensRange(ctx: FeatureContext, params: SemanticTokensRangeParams): SemanticTokens {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return { data: [] };
  return encode(ctx, params.textDocument.uri, {
    start: fa.lines.offset(params.range.start.line, params.range.start.character),
    end: fa.lines.offset(params.range.end.line, params.range.end.character),
  });
}
