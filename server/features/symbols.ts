import {
  SymbolKind,
  type DocumentSymbol,
  type DocumentSymbolParams,
  type SymbolInformation,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver';
import { outline, type OutlineKind, type OutlineSymbol } from '../analysis/docSymbols';
import { workspaceSymbols } from '../analysis/structure';
import type { SymbolKindName } from '../analysis/types';
import type { LineIndex } from '../analysis/lineIndex';
import type { FeatureContext } from './context';
import { toRange } from './convert';

const KIND: Record<SymbolKindName, SymbolKind> = {
  function: SymbolKind.Function,
  method: SymbolKind.Method,
  variable: SymbolKind.Variable,
  constant: SymbolKind.Constant,
  field: SymbolKind.Field,
  module: SymbolKind.Module,
  class: SymbolKind.Class,
  property: SymbolKind.Property,
};

const OUTLINE_KIND: Record<OutlineKind, SymbolKind> = {
  function: SymbolKind.Function,
  method: SymbolKind.Method,
  variable: SymbolKind.Variable,
  constant: SymbolKind.Constant,
  number: SymbolKind.Number,
  string: SymbolKind.String,
  boolean: SymbolKind.Boolean,
  object: SymbolKind.Object,
  array: SymbolKind.Array,
  package: SymbolKind.Package,
};

function convertOutline(lines: LineIndex, s: OutlineSymbol): DocumentSymbol {
  const range = toRange(lines, s.span);
  let sel = toRange(lines, s.selectionSpan);
  if (s.selectionSpan.start < s.span.start || s.selectionSpan.end > s.span.end) sel = range;
  return {
    name: s.name || '?',
    detail: s.detail,
    kind: OUTLINE_KIND[s.kind],
    range,
    selectionRange: sel,
    children: s.children.map((c) => convertOutline(lines, c)),
  };
}

export function documentSymbols(ctx: FeatureContext, params: DocumentSymbolParams): DocumentSymbol[] {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return [];
  const st = fa.parseState;
  return outline(fa.text, st && !st.consumed ? st.chunk : undefined).map((s) => convertOutline(fa.lines, s));
}

export function workspaceSymbol(ctx: FeatureContext, params: WorkspaceSymbolParams): SymbolInformation[] {
  return workspaceSymbols(ctx.project, params.query).map((w) => {
    const lines = ctx.project.files.get(w.uri)?.lines;
    return {
      name: w.symbol.name,
      kind: KIND[w.symbol.kind],
      containerName: w.container,
      location: {
        uri: w.uri,
        range: lines
          ? toRange(lines, w.symbol.selectionSpan)
          : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      },
    };
  });
}
