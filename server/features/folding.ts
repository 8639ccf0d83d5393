import { FoldingRangeKind, type FoldingRange, type FoldingRangeParams } from 'vscode-languageserver';
import type { FeatureContext } from './context';

export function foldingRanges(ctx: FeatureContext, params: FoldingRangeParams): FoldingRange[] {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return [];
  const seen = new Set<string>();
  const out: FoldingRange[] = [];
  for (const f of fa.folds) {
    const k = `${f.startLine}:${f.endLine}`;
    if (seen.has(k) || f.endLine <= f.startLine) continue;
    seen.add(k);
    out.push({
      startLine: f.startLine,
      endLine: f.endLine,
      kind: f.kind === 'comment' ? FoldingRangeKind.Comment : undefined,
    });
  }
  return out;
}
