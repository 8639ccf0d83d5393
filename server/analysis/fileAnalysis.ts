import type { DiagnosticDirective } from './annotations';
import type { LineIndex } from './lineIndex';
import type { Attribute, ParseState } from './parse';
import type {
  AnalysisDiagnostic,
  ApiClass,
  CallSite,
  Definition,
  DocBlock,
  DocSymbol,
  FoldInfo,
  FunctionInfo,
  InitInfo,
  Occurrence,
  Span,
  SyntaxErrorInfo,
} from './types';

/** Everything known about one file after parsing and scope resolution. */
export interface FileAnalysis {
  uri: string;
  text: string;
  lines: LineIndex;
  isMeta: boolean;
  syntaxErrors: SyntaxErrorInfo[];
  defs: Definition[];
  /** sorted by span.start */
  occurrences: Occurrence[];
  /** globals assigned in this file (first assignment is the definition) */
  globals: Map<string, Definition>;
  /** diagnostics decidable from this file alone */
  localDiagnostics: AnalysisDiagnostic[];
  directives: DiagnosticDirective[];
  symbols: DocSymbol[];
  folds: FoldInfo[];
  calls: CallSite[];
  functions: FunctionInfo[];
  requires: { module: string; span: Span; defId?: number }[];
  /** the value returned by the chunk (for `require`) */
  moduleReturn?: { defId?: number; init?: InitInfo };
  classes: Map<string, ApiClass>;
  aliases: Map<string, string>;
  attributes: Attribute[];
  /** doc comment blocks by the line they end on (the statement below is what they document) */
  docs: Map<number, DocBlock>;
  /** statement/expression spans for selection ranges (open files only) */
  nodeSpans?: Span[];
  /** a compact summary of a closed file (see summary.ts): no occurrences, calls, functions */
  summary?: boolean;
  /** the syntax tree, kept for open documents so the next version re-parses only what changed */
  parseState?: ParseState;
}

export interface AnalyzeOptions {
  /** keep statement/expression spans (selection ranges); on for open documents */
  keepNodeSpans?: boolean;
  /** keep the syntax tree (`parseState`) for an incremental re-parse of the next version */
  keepParseState?: boolean;
  /** the previous version's `parseState` (consumed) */
  previous?: ParseState;
}
