import { InlayHintKind, type InlayHint, type InlayHintParams } from 'vscode-languageserver';
import { inlayHints as analyzeHints } from '../analysis/structure';
import type { FeatureContext } from './context';

export function inlayHints(ctx: FeatureContext, params: InlayHintParams): InlayHint[] {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return [];
  const r = params.range;
  const span = {
    start: fa.lines.offset(r.start.line, r.start.character),
    end: fa.lines.offset(r.end.line, r.end.character),
  };
  return analyzeHints(ctx.project, fa, span).map((h) => ({
    position: fa.lines.position(h.offset),
    label: h.label,
    kind: InlayHintKind.Parameter,
    paddingRight: true,
  }));
}
