import type { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * Opened documents over `llmspell.maxFileSize` (KB of UTF-8 text) are not analysed: the analysis
 * costs about 120 MB of memory per MB of source, so a 20 MB generated file would otherwise take
 * the server into an out-of-memory abort. LuaLS skips workspace files over
 * `Lua.workspace.preloadFileSize` (500 KB by default); opened files get ten times that here.
 */
export const DEFAULT_MAX_FILE_SIZE_KB = 5000;

export interface Oversize {
  bytes: number;
  limitKb: number;
  message: string;
}

/** UTF-8 size of `text`, computed only when the UTF-16 length cannot decide alone. */
export function oversize(text: string, limitKb: number): Oversize | undefined {
  const limit = limitKb * 1000;
  if (text.length * 3 <= limit) return undefined;
  const bytes = text.length > limit ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes <= limit) return undefined;
  const mb = (bytes / 1e6).toFixed(1);
  return {
    bytes,
    limitKb,
    message:
      `llmspell: this file is ${mb} MB, over llmspell.maxFileSize (${limitKb} KB); ` +
      'diagnostics, completion, hover and navigation are off for it (raise the setting to analyse it)',
  };
}

/** Remembers which document versions were refused, so the user is told once per document. */
export class SizeLimit {
  private readonly told = new Set<string>();

  constructor(private readonly limitKb: () => number) {}

  /** The refusal for this document, or undefined when it may be analysed. */
  check(doc: TextDocument): Oversize | undefined {
    const over = oversize(doc.getText(), this.limitKb());
    if (!over) this.told.delete(doc.uri);
    return over;
  }

  /** True the first time a refusal is reported for `uri` (until it is closed or fits again). */
  firstNotice(uri: string): boolean {
    if (this.told.has(uri)) return false;
    this.told.add(uri);
    return true;
  }

  forget(uri: string): void {
    this.told.delete(uri);
  }
}
