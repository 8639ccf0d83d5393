import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Project } from '../analysis/project';
import type { FileAnalysis } from '../analysis/resolve';
import type { Logger } from '../logger';

/** What every feature gets: the model and the open documents. Implemented by the server. */
export interface FeatureContext {
  readonly project: Project;
  readonly log: Logger;
  /** an up-to-date analysis of the document (analyses now if stale) */
  analysis(uri: string): FileAnalysis | undefined;
  /** the latest analysis, possibly of an older version (never waits for a parse) */
  staleAnalysis(uri: string): FileAnalysis | undefined;
  document(uri: string): TextDocument | undefined;
  settings(): { enableSnippets: boolean; enableDebug: boolean };
}
