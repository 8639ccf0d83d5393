import {
  SymbolKind,
  type CallHierarchyIncomingCall,
  type CallHierarchyIncomingCallsParams,
  type CallHierarchyItem,
  type CallHierarchyOutgoingCall,
  type CallHierarchyOutgoingCallsParams,
  type CallHierarchyPrepareParams,
} from 'vscode-languageserver';
import type { FileAnalysis } from '../analysis/resolve';
import { functionAt, incomingCalls, outgoingCalls } from '../analysis/structure';
import type { FunctionInfo } from '../analysis/types';
import type { FeatureContext } from './context';
import { toRange } from './convert';

function item(fa: FileAnalysis, fn: FunctionInfo | undefined): CallHierarchyItem {
  if (!fn) {
    const range = toRange(fa.lines, { start: 0, end: 0 });
    return {
      name: '(main chunk)',
      kind: SymbolKind.File,
      uri: fa.uri,
      range,
      selectionRange: range,
      data: { fn: -1 },
    };
  }
  return {
    name: fn.name,
    kind: /[:]/.test(fn.name) ? SymbolKind.Method : SymbolKind.Function,
    uri: fa.uri,
    range: toRange(fa.lines, fn.span),
    selectionRange: toRange(fa.lines, fn.nameSpan),
    data: { fn: fn.id },
  };
}

function resolveItem(
  ctx: FeatureContext,
  it: CallHierarchyItem,
): { fa: FileAnalysis; fn: FunctionInfo } | undefined {
  const fa = ctx.analysis(it.uri);
  if (!fa) return undefined;
  const fn = functionAt(fa, fa.lines.offset(it.selectionRange.start.line, it.selectionRange.start.character));
  return fn ? { fa, fn } : undefined;
}

export function prepareCallHierarchy(
  ctx: FeatureContext,
  params: CallHierarchyPrepareParams,
): CallHierarchyItem[] | null {
  const fa = ctx.analysis(params.textDocument.uri);
  if (!fa) return null;
  const fn = functionAt(fa, fa.lines.offset(params.position.line, params.position.character));
  return fn ? [item(fa, fn)] : null;
}

export function incoming(
  ctx: FeatureContext,
  params: CallHierarchyIncomingCallsParams,
): CallHierarchyIncomingCall[] {
  const r = resolveItem(ctx, params.item);
  if (!r) return [];
  return incomingCalls(ctx.project, r.fa, r.fn).map((e) => ({
    from: item(e.fa, e.fn),
    fromRanges: e.spans.map((s) => toRange(e.fa.lines, s)),
  }));
}

export function outgoing(
  ctx: FeatureContext,
  params: CallHierarchyOutgoingCallsParams,
): CallHierarchyOutgoingCall[] {
  const r = resolveItem(ctx, params.item);
  if (!r) return [];
  return outgoingCalls(ctx.project, r.fa, r.fn).map((e) => ({
    to: item(e.fa, e.fn),
    fromRanges: e.spans.map((s) => toRange(r.fa.lines, s)),
  }));
}
