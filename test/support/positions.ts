/**
 * Positions in tests are found by text, never written as numbers: a fixture can gain a line
 * without breaking every test that points into it.
 */
import * as fs from 'fs';

/** 1-based line of the `nth` line containing `text`, or 0. */
function find(source: string, text: string, nth: number): number {
  const lines = source.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(text) && ++seen === nth) return i + 1;
  }
  return 0;
}

/** 1-based line of the `nth` line of `source` (a string of code) containing `text`. */
export function lineIn(source: string, text: string, nth = 1): number {
  const line = find(source, text, nth);
  if (!line)
    throw new Error(`${JSON.stringify(text)} (occurrence ${nth}) not found in ${JSON.stringify(source)}`);
  return line;
}

/** 1-based line of the `nth` line of the file `file` containing `text`. */
export function lineOf(file: string, text: string, nth = 1): number {
  const line = find(fs.readFileSync(file, 'utf8'), text, nth);
  if (!line) throw new Error(`${JSON.stringify(text)} (occurrence ${nth}) not found in ${file}`);
  return line;
}

/** `text` with the characters that are special in a regular expression escaped. */
export function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The LSP position (0-based line and character) `delta` characters after the first `needle` in `source`. */
export function positionIn(source: string, needle: string, delta = 0): { line: number; character: number } {
  const before = source.slice(0, source.indexOf(needle) + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
