import type { Diagnostic, DocumentDiagnosticParams, DocumentDiagnosticReport } from 'vscode-languageserver';
import { computeDiagnostics, syntaxOnlyDiagnostics } from '../analysis/diagnostics';
import { LineIndex } from '../analysis/lineIndex';
import { syntaxErrors } from '../analysis/parse';
import type { FileAnalysis } from '../analysis/resolve';
import type { Project } from '../analysis/project';
import type { FeatureContext } from './context';
import { toDiagnostic } from './convert';

/** The quick first publication for a big file: syntax errors only, before the full analysis. */
export function syntaxDiagnosticsFor(project: Project, text: string): Diagnostic[] {
  const lines = new LineIndex(text);
  return syntaxOnlyDiagnostics(project, syntaxErrors(text)).map((d) => toDiagnostic(lines, d));
}

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
