import type {
  DocumentFormattingParams,
  DocumentRangeFormattingParams,
  FormattingOptions,
  TextEdit,
} from 'vscode-languageserver';
import { ResponseError } from 'vscode-languageserver';
import type { FeatureContext } from './context';

/** StyLua's wasm build, loaded on first use (keeps startup fast). */
type StyluaModule = typeof import('@johnnymorganz/stylua', { with: { 'resolution-mode': 'require' } });
let stylua: StyluaModule | undefined;
function loadStylua(): StyluaModule {
  // The package's "require" export is a CommonJS wrapper around the wasm module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  stylua ??= require('@johnnymorganz/stylua') as StyluaModule;
  return stylua;
}

function utf8Offset(text: string, utf16: number): number {
  return Buffer.byteLength(text.slice(0, utf16), 'utf8');
}

export function formatText(
  text: string,
  options: FormattingOptions,
  range?: { start: number; end: number },
): string {
  const s = loadStylua();
  const config = s.Config.new();
  config.indent_type = options.insertSpaces ? s.IndentType.Spaces : s.IndentType.Tabs;
  config.indent_width = options.tabSize || 4;
  config.syntax = s.LuaVersion.Lua54;
  const r = range
    ? s.Range.from_values(utf8Offset(text, range.start), utf8Offset(text, range.end))
    : undefined;
  return s.formatCode(text, config, r, s.OutputVerification.None);
}

function wholeEdit(original: string, formatted: string): TextEdit[] {
  if (formatted === original) return [];
  const lines = original.split(/\r\n|\r|\n/);
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
      newText: formatted,
    },
  ];
}

function run(
  ctx: FeatureContext,
  uri: string,
  options: FormattingOptions,
  range?: { start: number; end: number },
): TextEdit[] {
  const doc = ctx.document(uri);
  if (!doc) return [];
  const text = doc.getText();
  try {
    return wholeEdit(text, formatText(text, options, range));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ResponseError(-32803, `StyLua could not format this file: ${msg.split('\n')[0]}`);
  }
}

export function formatting(ctx: FeatureContext, params: DocumentFormattingParams): TextEdit[] {
  return run(ctx, params.textDocument.uri, params.options);
}

export function rangeFormatting(ctx: FeatureContext, params: DocumentRangeFormattingParams): TextEdit[] {
  const doc = ctx.document(params.textDocument.uri);
  if (!doc) return [];
  return run(ctx, params.textDocument.uri, params.options, {
    start: doc.offsetAt(params.range.start),
    end: doc.offsetAt(params.range.end),
  });
}
