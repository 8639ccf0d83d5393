import { indexOf, keyEntries } from './navKeys';
import { pathToUri, type Project } from './project';
import { entryAt, keyName, SEP, type RefEntry } from './refIndex';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { LUA_KEYWORDS, stdlib } from './stdlib';
import type { Span } from './types';

/** Rename: what can be renamed (and why not), and the edits, in every spelling of the name. */

export type PrepareRenameResult = { span: Span; placeholder: string } | { error: string };

/** Why the thing at `offset` cannot be renamed completely, if it cannot. */
function renameRefusal(project: Project, fa: FileAnalysis, e: RefEntry): string | undefined {
  const name = keyName(e.key);
  if (e.kind === 'name' && fa.text.slice(e.span.start, e.span.end) === 'self')
    return '`self` cannot be renamed.';
  const root = e.key.startsWith('G:') ? e.key.slice(2).split(SEP)[0] : undefined;
  if (root !== undefined) {
    const inWorkspace =
      (project.globals().get(root) ?? []).some((g) => !project.isHostUri(g.fa.uri)) ||
      fa.globals.has(root) ||
      project.envGlobalIndex().has(root);
    const builtin =
      stdlib().globals.has(root) ||
      (project.globals().get(root) ?? []).some((g) => project.isHostUri(g.fa.uri));
    if (!e.key.includes(SEP) && builtin && !inWorkspace)
      return `\`${name}\` is defined outside the workspace (standard library or host API) and cannot be renamed.`;
    if (e.key.includes(SEP) && builtin && !inWorkspace) {
      const m = project.member(project.globalValue(root), name);
      if (m && m.origin !== 'workspace')
        return `\`${name}\` belongs to the ${m.origin === 'host' ? 'host API' : 'standard library'} and cannot be renamed.`;
    }
  }
  return undefined;
}

export function prepareRename(project: Project, fa: FileAnalysis, offset: number): PrepareRenameResult {
  const e = entryAt(indexOf(project, fa), offset);
  if (e) {
    const why = renameRefusal(project, fa, e);
    if (why) return { error: why };
    const span = e.content ?? e.span;
    return { span, placeholder: fa.text.slice(span.start, span.end) };
  }
  const occ = occurrenceAt(fa, offset);
  if (!occ || (occ.member && occ.baseDefId === undefined)) return { error: 'Nothing to rename here.' };
  return { error: `\`${fa.text.slice(occ.span.start, occ.span.end)}\` cannot be renamed.` };
}

export interface RenameEdit {
  uri: string;
  span: Span;
  newText: string;
}

export type RenameResult = { edits: RenameEdit[] } | { error: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The text of a string literal's content for `value` inside `quote`. */
function escapeFor(quote: string, value: string): string | undefined {
  if (quote === '[') return /\]=*\]/.test(value) ? undefined : value;
  return value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n');
}

function editFor(text: string, e: RefEntry, newName: string): Omit<RenameEdit, 'uri'> | string {
  const ident = IDENT.test(newName) && !LUA_KEYWORDS.includes(newName);
  if (e.kind === 'string' && e.content) {
    const quote = text[e.span.start];
    const v = escapeFor(quote === '[' ? '[' : quote, newName);
    if (v === undefined) return `\`${newName}\` cannot be written inside this long string.`;
    return { span: e.content, newText: v };
  }
  if (ident) return { span: e.span, newText: newName };
  const quoted = `["${escapeFor('"', newName)}"]`;
  const h = e.fnHeader;
  if (h && (e.kind === 'field' || (e.kind === 'name' && e.key.startsWith('G:')))) {
    // `function t:a(x)` -> `t["new"] = function (self, x)`
    if (e.kind === 'name' && /^[A-Za-z_]\w*([.:][A-Za-z_]\w*)+$/.test(newName))
      return { span: e.span, newText: newName };
    const params = h.method ? (h.hasParams ? 'self, ' : 'self') : '';
    return { span: h.span, newText: `${h.base ?? '_ENV'}${quoted} = function (${params}` };
  }
  // `t:a()` keeps the call syntax (as LuaLS does)
  if (e.kind === 'field' && e.sepSpan && text[e.sepSpan.start] === ':')
    return { span: e.span, newText: newName };
  if (e.kind === 'field' && e.tableKey) return { span: e.span, newText: quoted };
  if (e.kind === 'field' && e.sepSpan && text[e.sepSpan.start] === '.')
    return { span: e.sepSpan, newText: quoted };
  if (e.kind === 'name' && e.key.startsWith('G:') && !e.key.includes(SEP)) {
    if (/^[A-Za-z_]\w*([.:][A-Za-z_]\w*)+$/.test(newName)) return { span: e.span, newText: newName };
    return { span: e.span, newText: `_ENV${quoted}` };
  }
  return `\`${newName}\` is not a valid Lua name here.`;
}

export function rename(project: Project, fa: FileAnalysis, offset: number, newName: string): RenameResult {
  if (!newName) return { error: 'The new name is empty.' };
  const p = prepareRename(project, fa, offset);
  if ('error' in p) return p;
  const e = entryAt(indexOf(project, fa), offset);
  if (!e) return { error: 'Nothing to rename here.' };
  const edits: RenameEdit[] = [];
  const libraries = project.config.library.map((l) => pathToUri(l) + '/');
  for (const x of keyEntries(project, fa, e.key)) {
    if (libraries.some((l) => x.uri.startsWith(l)))
      return {
        error: `\`${keyName(e.key)}\` is also used in a library folder (workspace.library), which rename does not change.`,
      };
    const text = x.uri === fa.uri ? fa.text : (project.files.get(x.uri)?.text ?? '');
    const ed = editFor(text, x.e, newName);
    if (typeof ed === 'string') return { error: ed };
    edits.push({ uri: x.uri, ...ed });
  }
  return { edits };
}
