import type { SelectionRange, SelectionRangeParams } from 'vscode-languageserver';
import { selectionChain } from '../analysis/structure';
import type { FeatureContext } from './context';
import { toRange } from './convert';

export function selectionRanges(ctx: FeatureContext, params: SelectionRangeParams): SelectionRange[] {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return [];
  return params.positions.map((p) => {
    const chain = selectionChain(fa, fa.lines.offset(p.line, p.character));
    let parent: SelectionRange | undefined;
    for (let i = chain.length - 1; i >= 0; i--) parent = { range: toRange(fa.lines, chain[i]), parent };
    return parent ?? { range: { start: p, end: p } };
  });
}
