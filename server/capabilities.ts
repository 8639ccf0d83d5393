import { TextDocumentSyncKind, type ServerCapabilities } from 'vscode-languageserver';
import { DEFINE_GLOBAL_COMMAND } from './features/codeActions';
import { RUN_COMMANDS } from './features/run';
import { SEMANTIC_LEGEND } from './features/semanticTokens';

export interface CapabilityOptions {
  /** the client supports pull diagnostics (textDocument/diagnostic) */
  pullDiagnostics: boolean;
}

/** Everything the server offers, in one place (snapshot-tested). */
export function capabilities(opts: CapabilityOptions): ServerCapabilities {
  return {
    positionEncoding: 'utf-16',
    textDocumentSync: {
      openClose: true,
      change: TextDocumentSyncKind.Incremental,
      save: { includeText: false },
    },
    completionProvider: { triggerCharacters: ['.', ':', '"', "'", '@'], resolveProvider: true },
    hoverProvider: true,
    signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: { prepareProvider: true },
    documentSymbolProvider: true,
    workspaceSymbolProvider: true,
    codeActionProvider: { codeActionKinds: ['quickfix'] },
    executeCommandProvider: { commands: [DEFINE_GLOBAL_COMMAND, ...RUN_COMMANDS] },
    codeLensProvider: { resolveProvider: false },
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    foldingRangeProvider: true,
    selectionRangeProvider: true,
    semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
    inlayHintProvider: true,
    callHierarchyProvider: true,
    diagnosticProvider: opts.pullDiagnostics
      ? { interFileDependencies: true, workspaceDiagnostics: false }
      : undefined,
    workspace: {
      workspaceFolders: { supported: true, changeNotifications: true },
      // moving a module file or folder rewrites the `require` strings that load it
      fileOperations: {
        willRename: {
          filters: [
            { scheme: 'file', pattern: { glob: '**/*.lua', matches: 'file' } },
            { scheme: 'file', pattern: { glob: '**/*', matches: 'folder' } },
          ],
        },
      },
    },
  };
}
