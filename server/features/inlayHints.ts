import { InlayHintKind, type InlayHint, type InlayHintParams } from 'vscode-languageserver';
import { inlayHints as analyzeHints } from '../analysis/structure';
import { typeHints } from '../analysis/typeHints';
import type { FeatureContext } from './context';

export function inlayHints(ctx: FeatureContext, params: InlayHintParams): InlayHint[] {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return [];
  const r = params.range;
  const span = {
    start: fa.lines.offset(r.start.line, r.start.character),
    end: fa.lines.offset(r.end.line, r.end.character),
  };
  const named: InlayHint[] = analyzeHints(ctx.project, fa, span).map((h) => ({
    position: fa.lines.position(h.offset),
    label: h.label,
    kind: InlayHintKind.Parameter,
    paddingRight: true,
  }));
  const types: InlayHint[] = typeHints(ctx.project, fa, span).map((h) => ({
    position: fa.lines.position(h.offset),
    label: h.label,
    kind: InlayHintKind.Type,
  }));
  return [...named, ...types].sort(
    (a, b) => a.position.line - b.position.line || a.position.character - b.position.character,
  );
}
