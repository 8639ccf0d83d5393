/**
 * Jupyter cursor positions count Unicode code points (protocol 5.2+); JS strings index UTF-16 units.
 */

/** UTF-16 index of the code point offset `cp` in `text` (clamped to the text). */
export function codePointToIndex(text: string, cp: number): number {
  let index = 0;
  let n = 0;
  while (n < cp && index < text.length) {
    const c = text.charCodeAt(index);
    index += c >= 0xd800 && c <= 0xdbff && index + 1 < text.length ? 2 : 1;
    n++;
  }
  return index;
}

/** Code point offset of the UTF-16 index `index` in `text`. */
export function indexToCodePoint(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}

export function codePointLength(text: string): number {
  return indexToCodePoint(text, text.length);
}

/** A client's cursor_pos as a code point offset inside `text`: integer, 0..length; default the end. */
export function clampCursor(text: string, cursorPos: unknown): number {
  const len = codePointLength(text);
  if (typeof cursorPos !== 'number' || !Number.isFinite(cursorPos)) return len;
  return Math.max(0, Math.min(Math.floor(cursorPos), len));
}
