import type { SignatureHelp, SignatureHelpParams } from 'vscode-languageserver';
import { signatureHelp as analyzeSignature } from '../analysis/hover';
import type { FeatureContext } from './context';

export function signatureHelp(ctx: FeatureContext, params: SignatureHelpParams): SignatureHelp | null {
  const doc = ctx.document(params.textDocument.uri);
  const fa = ctx.staleAnalysis(params.textDocument.uri);
  if (!doc || !fa) return null;
  const text = doc.getText();
  const offset = doc.offsetAt(params.position);
  const stale = fa.text === text ? offset : fa.lines.offset(params.position.line, params.position.character);
  const s = analyzeSignature(ctx.project, fa, text, offset, stale);
  if (!s) return null;
  return {
    signatures: s.signatures.map((sig) => ({
      label: sig.label,
      documentation: sig.doc ? { kind: 'markdown', value: sig.doc } : undefined,
      parameters: sig.params.map((p) => ({
        label: [p.start, p.end] as [number, number],
        documentation: p.doc,
      })),
      activeParameter: sig.activeParameter,
    })),
    activeSignature: s.activeSignature,
    activeParameter: s.activeParameter,
  };
}
