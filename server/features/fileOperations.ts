import type { RenameFilesParams, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { requireEditsForRename } from '../analysis/fileRename';
import type { FeatureContext } from './context';
import { toRange } from './convert';

/** `workspace/willRenameFiles`: rewrite the `require` strings that load the moved files. */
export function willRenameFiles(ctx: FeatureContext, params: RenameFilesParams): WorkspaceEdit | null {
  const edits = requireEditsForRename(ctx.project, params.files);
  if (!edits.length) return null;
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) {
    const fa = ctx.project.files.get(e.uri);
    if (!fa) continue;
    (changes[e.uri] ??= []).push({ range: toRange(fa.lines, e.span), newText: e.newText });
  }
  return { changes };
}
