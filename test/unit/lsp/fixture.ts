import * as fs from 'fs';
import * as path from 'path';
import { Project } from '../../../server/analysis/project';
import type { FileAnalysis } from '../../../server/analysis/resolve';
import { summarize } from '../../../server/analysis/summary';
import type { Span } from '../../../server/analysis/types';

/**
 * Fixture markers: `⟪...⟫` marks an expected span, `‸` marks the cursor. Markers are removed
 * from the text; spans and cursor are offsets into the clean text.
 */
export interface Fixture {
  text: string;
  spans: Span[];
  cursor: number;
}

export function fixture(src: string): Fixture {
  let text = '';
  const spans: Span[] = [];
  const open: number[] = [];
  let cursor = -1;
  for (const ch of src) {
    if (ch === '⟪') open.push(text.length);
    else if (ch === '⟫') spans.push({ start: open.pop() ?? 0, end: text.length });
    else if (ch === '‸') cursor = text.length;
    else text += ch;
  }
  spans.sort((a, b) => a.start - b.start);
  return { text, spans, cursor };
}

export function hostMeta(): string {
  return fs.readFileSync(
    path.join(__dirname, '..', '..', '..', '..', 'kernel', 'runtime', 'meta', 'llmspell.lua'),
    'utf8',
  );
}

/** A project with the host API loaded and the given files (uri -> source), stored as the server
 * stores closed workspace files: compact summaries. */
export function project(files: Record<string, string> = {}, root = '/ws'): Project {
  const p = new Project();
  p.roots = [root];
  p.addHostFile('file:///host/llmspell.lua', hostMeta());
  for (const [uri, text] of Object.entries(files)) p.setFile(summarize(p.analyze(uri, text)));
  return p;
}

export function open(p: Project, uri: string, text: string): FileAnalysis {
  const fa = p.analyze(uri, text, true);
  p.setFile(fa);
  return fa;
}

export function slice(text: string, s: Span): string {
  return text.slice(s.start, s.end);
}
