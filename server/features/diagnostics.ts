import type { Diagnostic, DocumentDiagnosticParams, DocumentDiagnosticReport } from 'vscode-languageserver';
import { computeDiagnostics } from '../analysis/diagnostics';
import type { FileAnalysis } from '../analysis/resolve';
import type { Project } from '../analysis/project';
import type { FeatureContext } from './context';
import { toDiagnostic } from './convert';

export function diagnosticsFor(project: Project, fa: FileAnalysis): Diagnostic[] {
  return computeDiagnostics(project, fa).map((d) => toDiagnostic(fa.lines, d));
}

/** Pull diagnostics (textDocument/diagnostic). */
export function pullDiagnostics(
  ctx: FeatureContext,
  params: DocumentDiagnosticParams,
): DocumentDiagnosticReport {
  const fa = ctx.analysis(params.textDocument.uri);
  return { kind: 'full', items: fa ? diagnosticsFor(ctx.project, fa) : [] };
}
