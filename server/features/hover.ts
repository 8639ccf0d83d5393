import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import { hover as analyzeHover } from '../analysis/hover';
import type { FeatureContext } from './context';
import { toRange } from './convert';

export function hover(ctx: FeatureContext, params: HoverParams): Hover | null {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return null;
  const h = analyzeHover(ctx.project, fa, fa.lines.offset(params.position.line, params.position.character));
  if (!h) return null;
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(fa.lines, h.span) };
}
