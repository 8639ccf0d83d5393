import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
} from 'vscode-languageserver';
import { complete, type CandidateKind } from '../analysis/completion';
import type { FeatureContext } from './context';

const KIND: Record<CandidateKind, CompletionItemKind> = {
  variable: CompletionItemKind.Variable,
  function: CompletionItemKind.Function,
  method: CompletionItemKind.Method,
  field: CompletionItemKind.Field,
  keyword: CompletionItemKind.Keyword,
  module: CompletionItemKind.Module,
  class: CompletionItemKind.Class,
  snippet: CompletionItemKind.Snippet,
  property: CompletionItemKind.Property,
  enumMember: CompletionItemKind.EnumMember,
  event: CompletionItemKind.Event,
  interface: CompletionItemKind.Interface,
  text: CompletionItemKind.Text,
};

/** Docs of the last list, sent on completionItem/resolve (keeps the list small and fast). */
let lastDocs = new Map<string, string>();

export function completion(ctx: FeatureContext, params: CompletionParams): CompletionList {
  const doc = ctx.document(params.textDocument.uri);
  const fa = ctx.staleAnalysis(params.textDocument.uri);
  if (!doc || !fa) return { isIncomplete: false, items: [] };
  const text = doc.getText();
  const offset = doc.offsetAt(params.position);
  const staleOffset =
    fa.text === text ? offset : fa.lines.offset(params.position.line, params.position.character);
  const res = complete(ctx.project, fa, text, offset, staleOffset);
  const docs = new Map<string, string>();
  const items: CompletionItem[] = res.items.map((c) => {
    if (c.doc) docs.set(`${c.kind}:${c.label}`, c.doc);
    const item: CompletionItem = {
      // a function shows its parameters, as LuaLS labels it (`assert(v, message, ...)`); typing
      // filters on the name alone
      label: c.args !== undefined ? `${c.label}(${c.args})` : c.label,
      filterText: c.args !== undefined ? c.label : undefined,
      kind: KIND[c.kind],
      detail: c.detail,
      sortText: `${c.sortGroup}${c.label}`,
      insertText: c.snippet ?? c.label,
      insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      data: { key: `${c.kind}:${c.label}` },
    };
    if (c.deprecated) item.tags = [CompletionItemTag.Deprecated];
    if (c.edit) {
      // a postfix form replaces what was typed after `@` and removes the expression before it
      const at = (o: number) => doc.positionAt(o);
      item.textEdit = {
        range: { start: at(res.prefixStart), end: at(offset) },
        newText: c.snippet ?? c.label,
      };
      item.insertText = undefined;
      item.additionalTextEdits = [
        { range: { start: at(c.edit.remove.start), end: at(c.edit.remove.end) }, newText: '' },
      ];
    } else if (res.replaceEnd !== undefined || c.kind === 'enumMember') {
      // literal options replace the whole string literal, its quotes included
      const range = {
        start: doc.positionAt(res.prefixStart),
        end: doc.positionAt(res.replaceEnd ?? offset),
      };
      item.textEdit = { range, newText: c.label };
      item.insertText = undefined;
    }
    return item;
  });
  lastDocs = docs;
  return { isIncomplete: false, items };
}

export function resolveCompletion(_ctx: FeatureContext, item: CompletionItem): CompletionItem {
  const key = (item.data as { key?: string } | undefined)?.key;
  const doc = key ? lastDocs.get(key) : undefined;
  if (doc) item.documentation = { kind: MarkupKind.Markdown, value: doc };
  return item;
}
