import {
  DocumentHighlightKind,
  ResponseError,
  type DefinitionParams,
  type DocumentHighlight,
  type DocumentHighlightParams,
  type Location,
  type PrepareRenameParams,
  type Range,
  type ReferenceParams,
  type RenameParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import * as nav from '../analysis/navigation';
import type { FeatureContext } from './context';
import { toLocation, toRange } from './convert';

function at(ctx: FeatureContext, uri: string, pos: { line: number; character: number }) {
  const fa = ctx.analysis(uri);
  return fa ? { fa, offset: fa.lines.offset(pos.line, pos.character) } : undefined;
}

export function definition(ctx: FeatureContext, params: DefinitionParams): Location[] {
  const a = at(ctx, params.textDocument.uri, params.position);
  if (!a) return [];
  return nav.definition(ctx.project, a.fa, a.offset).flatMap((l) => toLocation(ctx.project, l, a.fa) ?? []);
}

export function references(ctx: FeatureContext, params: ReferenceParams): Location[] {
  const a = at(ctx, params.textDocument.uri, params.position);
  if (!a) return [];
  return nav
    .references(ctx.project, a.fa, a.offset, params.context.includeDeclaration)
    .flatMap((l) => toLocation(ctx.project, l, a.fa) ?? []);
}

export function documentHighlight(ctx: FeatureContext, params: DocumentHighlightParams): DocumentHighlight[] {
  const a = at(ctx, params.textDocument.uri, params.position);
  if (!a) return [];
  return nav.documentHighlights(ctx.project, a.fa, a.offset).map((h) => ({
    range: toRange(a.fa.lines, h.span),
    kind: h.text
      ? DocumentHighlightKind.Text
      : h.write
        ? DocumentHighlightKind.Write
        : DocumentHighlightKind.Read,
  }));
}

export function prepareRename(
  ctx: FeatureContext,
  params: PrepareRenameParams,
): { range: Range; placeholder: string } | null {
  const a = at(ctx, params.textDocument.uri, params.position);
  if (!a) return null;
  const r = nav.prepareRename(ctx.project, a.fa, a.offset);
  if ('error' in r) throw new ResponseError(-32803, r.error);
  return { range: toRange(a.fa.lines, r.span), placeholder: r.placeholder };
}

export function rename(ctx: FeatureContext, params: RenameParams): WorkspaceEdit {
  const a = at(ctx, params.textDocument.uri, params.position);
  if (!a) return { changes: {} };
  const r = nav.rename(ctx.project, a.fa, a.offset, params.newName);
  if ('error' in r) throw new ResponseError(-32803, r.error);
  const changes: Record<string, TextEdit[]> = {};
  for (const l of r.edits) {
    const loc = toLocation(ctx.project, l, a.fa);
    if (!loc) continue;
    (changes[loc.uri] ??= []).push({ range: loc.range, newText: l.newText });
  }
  return { changes };
}
