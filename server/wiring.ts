import type { Connection } from 'vscode-languageserver';
import { codeActions } from './features/codeActions';
import { codeLenses } from './features/codeLens';
import { completion, resolveCompletion } from './features/completion';
import type { FeatureContext } from './features/context';
import { pullDiagnostics } from './features/diagnostics';
import { willRenameFiles } from './features/fileOperations';
import { foldingRanges } from './features/folding';
import { formatting, rangeFormatting } from './features/formatting';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { definition, documentHighlight, prepareRename, references, rename } from './features/navigation';
import { selectionRanges } from './features/selectionRange';
import { semanticTokensFull, semanticTokensRange } from './features/semanticTokens';
import { signatureHelp } from './features/signatureHelp';
import { documentSymbols, workspaceSymbol } from './features/symbols';
import { incoming, outgoing, prepareCallHierarchy } from './features/callHierarchy';

/**
 * The wiring table: LSP request -> feature. Logic lives in features/; lifecycle (initialize,
 * documents, configuration, commands) lives in server.ts. vscode-jsonrpc turns an exception in
 * a handler into an error response: one failing request never takes the server down.
 */
export function wireFeatures(connection: Connection, ctx: FeatureContext): void {
  connection.onCompletion((p) => completion(ctx, p));
  connection.onCompletionResolve((item) => resolveCompletion(ctx, item));
  connection.onHover((p) => hover(ctx, p));
  connection.onSignatureHelp((p) => signatureHelp(ctx, p));
  connection.onDefinition((p) => definition(ctx, p));
  connection.onReferences((p) => references(ctx, p));
  connection.onDocumentHighlight((p) => documentHighlight(ctx, p));
  connection.onPrepareRename((p) => prepareRename(ctx, p));
  connection.onRenameRequest((p) => rename(ctx, p));
  connection.onDocumentSymbol((p) => documentSymbols(ctx, p));
  connection.onWorkspaceSymbol((p) => workspaceSymbol(ctx, p));
  connection.onCodeAction((p) => codeActions(ctx, p));
  connection.onCodeLens((p) => codeLenses(ctx, p));
  connection.onDocumentFormatting((p) => formatting(ctx, p));
  connection.onDocumentRangeFormatting((p) => rangeFormatting(ctx, p));
  connection.onFoldingRanges((p) => foldingRanges(ctx, p));
  connection.onSelectionRanges((p) => selectionRanges(ctx, p));
  connection.languages.semanticTokens.on((p) => semanticTokensFull(ctx, p));
  connection.languages.semanticTokens.onRange((p) => semanticTokensRange(ctx, p));
  connection.languages.inlayHint.on((p) => inlayHints(ctx, p));
  connection.languages.callHierarchy.onPrepare((p) => prepareCallHierarchy(ctx, p));
  connection.languages.callHierarchy.onIncomingCalls((p) => incoming(ctx, p));
  connection.languages.callHierarchy.onOutgoingCalls((p) => outgoing(ctx, p));
  connection.languages.diagnostics.on((p) => pullDiagnostics(ctx, p));
  connection.workspace.onWillRenameFiles((p) => willRenameFiles(ctx, p));
}
