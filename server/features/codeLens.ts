import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import type { FeatureContext } from './context';

export const RUN_FILE_COMMAND = 'llmspell.runFile';
export const RUN_SELECTION_COMMAND = 'llmspell.runSelection';
export const DEBUG_FILE_COMMAND = 'llmspell.debugFile';

/** With `llmspell.enableDebug`: "▶ Run file" and "Debug file" at the top of a Lua file. */
export function codeLenses(ctx: FeatureContext, params: CodeLensParams): CodeLens[] {
  const uri = params.textDocument.uri;
  if (!ctx.settings().enableDebug || !ctx.analysis(uri)) return [];
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return [
    { range, command: { title: '▶ Run file', command: RUN_FILE_COMMAND, arguments: [uri] } },
    { range, command: { title: 'Debug file', command: DEBUG_FILE_COMMAND, arguments: [uri] } },
  ];
}
