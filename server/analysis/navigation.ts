import { valueAtOccurrence } from './hover';
import type { Project } from './project';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { LUA_KEYWORDS } from './stdlib';
import { expand } from './summary';
import type { Location, Occurrence, Span } from './types';

/** Where the thing at `offset` is defined. */
export function definition(project: Project, fa: FileAnalysis, offset: number): Location[] {
  // `require("mod")`: the module file
  for (const r of fa.requires) {
    if (r.span.start <= offset && offset <= r.span.end) {
      const uri = project.moduleUri(r.module, fa.uri);
      return uri ? [{ uri, span: { start: 0, end: 0 } }] : [];
    }
  }
  const occ = occurrenceAt(fa, offset);
  if (!occ) return [];
  if (occ.defId !== undefined && !occ.member) {
    const def = fa.defs[occ.defId];
    if (def.kind === 'global' || def.kind === 'globalFunction') return globalDefs(project, fa, def.name);
    if (def.init?.kind === 'require' && occ.isDeclaration) {
      const uri = project.moduleUri(def.init.module, fa.uri);
      if (uri) return [{ uri, span: { start: 0, end: 0 } }];
    }
    return [{ uri: fa.uri, span: def.span }];
  }
  if (occ.global && !occ.member) return globalDefs(project, fa, occ.global);
  if (occ.member && occ.baseDefId !== undefined) {
    const f = fa.defs[occ.baseDefId].fields.get(occ.member.name);
    if (f) return [{ uri: fa.uri, span: f.span }];
  }
  const r = valueAtOccurrence(project, fa, occ);
  return r?.value.location ? [r.value.location] : [];
}

function globalDefs(project: Project, fa: FileAnalysis, name: string): Location[] {
  const list = project.globals().get(name) ?? [];
  const own = fa.globals.get(name);
  const out: Location[] = own ? [{ uri: fa.uri, span: own.span }] : [];
  for (const g of list) if (g.fa.uri !== fa.uri) out.push({ uri: g.fa.uri, span: g.def.span });
  return out;
}

/** What a rename/reference query is about. */
type Target =
  | { kind: 'local'; fa: FileAnalysis; defId: number }
  | { kind: 'global'; name: string }
  | { kind: 'field'; fa: FileAnalysis; defId: number; name: string };

function targetAt(
  project: Project,
  fa: FileAnalysis,
  offset: number,
): { target: Target; occ: Occurrence } | undefined {
  const occ = occurrenceAt(fa, offset);
  if (!occ) return undefined;
  if (occ.member) {
    if (occ.baseDefId === undefined) return undefined;
    const base = fa.defs[occ.baseDefId];
    // a field of a required module lives in the module file
    if (base.init?.kind === 'require') {
      const uri = project.moduleUri(base.init.module, fa.uri);
      const mod = uri ? project.files.get(uri) : undefined;
      const ret = mod?.moduleReturn?.defId;
      if (mod && ret !== undefined)
        return { target: { kind: 'field', fa: mod, defId: ret, name: occ.member.name }, occ };
    }
    if (base.kind === 'global' || base.kind === 'globalFunction') {
      return { target: { kind: 'field', fa, defId: base.id, name: occ.member.name }, occ };
    }
    return { target: { kind: 'field', fa, defId: base.id, name: occ.member.name }, occ };
  }
  if (occ.defId !== undefined) {
    const def = fa.defs[occ.defId];
    if (def.kind === 'global' || def.kind === 'globalFunction')
      return { target: { kind: 'global', name: def.name }, occ };
    return { target: { kind: 'local', fa, defId: occ.defId }, occ };
  }
  if (occ.global) return { target: { kind: 'global', name: occ.global }, occ };
  return undefined;
}

function allFiles(project: Project, fa: FileAnalysis, name: string): FileAnalysis[] {
  return project.fullFiles(fa, name);
}

function refsOf(project: Project, fa: FileAnalysis, target: Target): Location[] {
  const out: Location[] = [];
  if (target.kind === 'local') {
    const def = target.fa.defs[target.defId];
    for (const s of def.refs) out.push({ uri: target.fa.uri, span: s });
  } else if (target.kind === 'global') {
    for (const f of allFiles(project, fa, target.name)) {
      for (const o of f.occurrences) {
        if (o.member || o.global !== target.name) continue;
        if (o.defId !== undefined && f.defs[o.defId].visible) continue;
        out.push({ uri: f.uri, span: o.span });
      }
    }
  } else {
    const modFa = target.fa.uri === fa.uri ? fa : expand(target.fa);
    const def = modFa.defs[target.defId];
    const sameFile = (f: FileAnalysis, baseId: number) => {
      for (const o of f.occurrences)
        if (o.member?.name === target.name && o.baseDefId === baseId) out.push({ uri: f.uri, span: o.span });
    };
    sameFile(modFa, target.defId);
    const isGlobal = def.kind === 'global' || def.kind === 'globalFunction';
    for (const f of allFiles(project, fa, target.name)) {
      if (f.uri === modFa.uri) continue;
      for (const r of f.requires) {
        if (r.defId === undefined) continue;
        if (project.moduleUri(r.module, f.uri) !== modFa.uri) continue;
        sameFile(f, r.defId);
      }
      if (isGlobal) {
        const g = f.globals.get(def.name);
        for (const o of f.occurrences) {
          if (o.member?.name !== target.name || o.baseDefId === undefined) continue;
          const b = f.defs[o.baseDefId];
          if (b === g || (!b.visible && b.name === def.name)) out.push({ uri: f.uri, span: o.span });
        }
      }
    }
  }
  const seen = new Set<string>();
  return out.filter((l) => {
    const k = `${l.uri}#${l.span.start}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function references(
  project: Project,
  fa: FileAnalysis,
  offset: number,
  includeDeclaration = true,
): Location[] {
  const t = targetAt(project, fa, offset);
  if (!t) return [];
  let refs = refsOf(project, fa, t.target);
  if (!includeDeclaration && t.target.kind === 'local') {
    const d = t.target.fa.defs[t.target.defId];
    refs = refs.filter((r) => r.span.start !== d.span.start);
  }
  return refs;
}

export interface HighlightSpan {
  span: Span;
  write: boolean;
}

export function documentHighlights(project: Project, fa: FileAnalysis, offset: number): HighlightSpan[] {
  const t = targetAt(project, fa, offset);
  if (!t) return [];
  const decl = new Set(fa.occurrences.filter((o) => o.isDeclaration).map((o) => o.span.start));
  return refsOf(project, fa, t.target)
    .filter((l) => l.uri === fa.uri)
    .map((l) => ({ span: l.span, write: decl.has(l.span.start) }));
}

export type PrepareRenameResult = { span: Span; placeholder: string } | { error: string };

export function prepareRename(project: Project, fa: FileAnalysis, offset: number): PrepareRenameResult {
  const t = targetAt(project, fa, offset);
  if (!t) return { error: 'Nothing to rename here.' };
  const name = fa.text.slice(t.occ.span.start, t.occ.span.end);
  if (t.target.kind === 'global') {
    const defs = project.globals().get(t.target.name) ?? [];
    const inWorkspace = defs.some((g) => !project.isHostUri(g.fa.uri)) || fa.globals.has(t.target.name);
    if (!inWorkspace)
      return {
        error: `\`${name}\` is defined outside the workspace (standard library or host API) and cannot be renamed.`,
      };
  }
  if (t.target.kind === 'field') {
    if (project.isHostUri(t.target.fa.uri))
      return { error: `\`${name}\` belongs to the host API and cannot be renamed.` };
    const f = t.target.fa.defs[t.target.defId].fields.get(t.target.name);
    if (!f) return { error: `\`${name}\` is not a field defined in the workspace.` };
  }
  if (t.target.kind === 'local' && t.target.fa.defs[t.target.defId].kind === 'self')
    return { error: '`self` cannot be renamed.' };
  return { span: t.occ.span, placeholder: name };
}

export type RenameResult = { edits: Location[]; newName: string } | { error: string };

export function rename(project: Project, fa: FileAnalysis, offset: number, newName: string): RenameResult {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || LUA_KEYWORDS.includes(newName))
    return { error: `\`${newName}\` is not a valid Lua name.` };
  const p = prepareRename(project, fa, offset);
  if ('error' in p) return p;
  return { edits: references(project, fa, offset, true), newName };
}
