import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
} from 'vscode-languageserver';
import type { FeatureContext } from './context';
import { toRange } from './convert';

export const DEFINE_GLOBAL_COMMAND = 'llmspell.defineGlobal';

interface DiagData {
  name?: string;
  suggestion?: string;
  removeSpan?: { start: number; end: number };
}

/** Quick fixes for our diagnostics. */
export function codeActions(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const fa = ctx.analysis(uri);
  const doc = ctx.document(uri);
  if (!fa || !doc) return [];
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== 'llmspell') continue;
    const data = (d.data ?? {}) as DiagData;
    const code = String(d.code ?? '');
    if (code === 'undefined-global' && data.name) {
      if (data.suggestion) {
        out.push({
          title: `Change to \`${data.suggestion}\``,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: { changes: { [uri]: [{ range: d.range, newText: data.suggestion }] } },
        });
      }
      out.push({
        title: `Define \`${data.name}\` as a global in .luarc.json`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: { title: 'Define global', command: DEFINE_GLOBAL_COMMAND, arguments: [uri, data.name] },
      });
    }
    if ((code === 'unused-local' || code === 'unused-function') && data.removeSpan) {
      const stmt = fa.text.slice(data.removeSpan.start, data.removeSpan.end);
      const singleLocal = new RegExp(`^local\\s+(function\\s+)?${data.name ?? ''}\\b(?!\\s*,)`).test(stmt);
      if (singleLocal) {
        const r = toRange(fa.lines, data.removeSpan);
        const lineText = fa.lines.lineText(r.end.line);
        const wholeLines =
          fa.lines.lineText(r.start.line).slice(0, r.start.character).trim() === '' &&
          lineText.slice(r.end.character).trim() === '';
        const range = wholeLines
          ? { start: { line: r.start.line, character: 0 }, end: { line: r.end.line + 1, character: 0 } }
          : r;
        out.push({
          title: `Remove unused \`${data.name}\``,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: { changes: { [uri]: [{ range, newText: '' }] } },
        });
      }
    }
    if (code && code !== 'syntax-error')
      out.push(disableForLine(fa.lines.lineText(d.range.start.line), uri, d, code));
  }
  return out;
}

function disableForLine(lineText: string, uri: string, d: Diagnostic, code: string): CodeAction {
  const indent = /^\s*/.exec(lineText)?.[0] ?? '';
  const line = d.range.start.line;
  return {
    title: `Disable \`${code}\` for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: {
      changes: {
        [uri]: [
          {
            range: { start: { line, character: 0 }, end: { line, character: 0 } },
            newText: `${indent}---@diagnostic disable-next-line: ${code}\n`,
          },
        ],
      },
    },
  };
}
