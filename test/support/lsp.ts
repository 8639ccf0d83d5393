/**
 * The language server's analysis under test: fixtures with marked spans and cursor, a project with
 * the host API, and the checks the LSP unit tests share (test/unit/lsp).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { it } from 'node:test';
import { computeDiagnostics } from '../../server/analysis/diagnostics';
import { hover } from '../../server/analysis/hover';
import { definition, rename } from '../../server/analysis/navigation';
import { Project } from '../../server/analysis/project';
import type { FileAnalysis } from '../../server/analysis/resolve';
import { summarize } from '../../server/analysis/summary';
import type { Span } from '../../server/analysis/types';

/** The document under test (`/ws` is the project's root). */
export const MAIN_URI = 'file:///ws/main.lua';

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
    path.join(__dirname, '..', '..', '..', 'kernel', 'runtime', 'meta', 'llmspell.lua'),
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

/**
 * The code block of the hover at `src`'s `‸`, `src` opened as `uri` in a fresh project holding
 * `files`: the text LuaLS's own hover and type-inference tests compare.
 */
export function hoverCode(
  src: string,
  uri = MAIN_URI,
  files: Record<string, string> = {},
): string | undefined {
  const f = fixture(src);
  const p = project(files);
  return hover(p, open(p, uri, f.text), f.cursor)?.markdown.match(/```lua\n([\s\S]*?)\n```/)?.[1];
}

/** One test per `[fixture, expected]` case: `code(fixture)` equals `expected`. */
export function hoverCases(
  cases: readonly [string, string][],
  code: (src: string) => string | undefined,
  name: (src: string) => string = (src) => src.split('\n').pop() ?? src,
): void {
  for (const [src, expected] of cases) it(name(src), () => assert.equal(code(src), expected));
}

export function slice(text: string, s: Span): string {
  return text.slice(s.start, s.end);
}

/** Each span as `start:text`, sorted: how tests compare locations (a wrong one reads clearly). */
export function located(text: string, spans: readonly Span[]): string[] {
  return spans.map((s) => `${s.start}:${slice(text, s)}`).sort();
}

/** `src`'s fixture opened as MAIN_URI in a fresh project holding `files` (uri -> source). */
export function openFixture(
  src: string,
  files: Record<string, string> = {},
): { f: Fixture; p: Project; fa: FileAnalysis } {
  const f = fixture(src);
  const p = project(files);
  return { f, p, fa: open(p, MAIN_URI, f.text) };
}

/** The diagnostics with `code` of `src` (opened as MAIN_URI) must be exactly its `⟪spans⟫`. */
export function checkDiagnostics(code: string, src: string, files: Record<string, string> = {}): void {
  const { f, p, fa } = openFixture(src, files);
  const got = computeDiagnostics(p, fa).filter((d) => d.code === code);
  assert.deepEqual(
    located(
      f.text,
      got.map((d) => d.span),
    ),
    located(f.text, f.spans),
  );
}

/** Definition at `src`'s `‸` (opened as `uri`): the spans found in that file are the marked ones. */
export function assertDefinitionHere(src: string, uri = MAIN_URI): void {
  const f = fixture(src);
  const p = project();
  const got = definition(p, open(p, uri, f.text), f.cursor)
    .filter((l) => l.uri === uri)
    .map((l) => l.span);
  assert.deepEqual(located(f.text, got), located(f.text, f.spans));
}

/** The text after renaming what `before`'s `‸` names to `newName` (or `error: ...`). */
export function renamedText(before: string, newName: string): string {
  const { f, p, fa } = openFixture(before);
  const r = rename(p, fa, f.cursor, newName);
  if ('error' in r) return `error: ${r.error}`;
  let text = f.text;
  for (const e of [...r.edits].sort((a, b) => b.span.start - a.span.start))
    text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
  return text;
}
