import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type Location as LspLocation,
  type Range,
} from 'vscode-languageserver';
import type { LineIndex } from '../analysis/lineIndex';
import type { Project } from '../analysis/project';
import type { AnalysisDiagnostic, Location, Span } from '../analysis/types';

/** The one place analysis spans become LSP ranges. */
export function toRange(lines: LineIndex, span: Span): Range {
  return { start: lines.position(span.start), end: lines.position(span.end) };
}

export function linesOf(
  project: Project,
  uri: string,
  fallback?: { uri: string; lines: LineIndex },
): LineIndex | undefined {
  if (fallback && fallback.uri === uri) return fallback.lines;
  return project.files.get(uri)?.lines ?? project.hostFiles.find((f) => f.uri === uri)?.lines;
}

export function toLocation(
  project: Project,
  loc: Location,
  current?: { uri: string; lines: LineIndex },
): LspLocation | undefined {
  const lines = linesOf(project, loc.uri, current);
  if (!lines)
    return { uri: loc.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  return { uri: loc.uri, range: toRange(lines, loc.span) };
}

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

export function toDiagnostic(lines: LineIndex, d: AnalysisDiagnostic): Diagnostic {
  return {
    range: toRange(lines, d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'llmspell',
    message: d.message,
    tags: d.unnecessary ? [DiagnosticTag.Unnecessary] : undefined,
    data: d.data,
  };
}
