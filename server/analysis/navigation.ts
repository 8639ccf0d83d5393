import { classHolders } from './classHolders';
import { valueAtOccurrence } from './hover';
import { keywordHighlights } from './keywords';
import { moduleReturnLocations } from './moduleDefs';
import type { Project } from './project';
import { entryAt, SEP, type RefIndex } from './refIndex';
import { indexOf, keyEntries, linked, parentFieldKeys } from './navKeys';
import { occurrenceAt, visibleLocals, type FileAnalysis } from './resolve';
import { inCommentOrString, wordChainAt } from './context';
import { docFieldDefinition } from './docFields';
import { LUA_KEYWORDS } from './stdlib';
import { expand } from './summary';
import { docTypeLocation, docWordAt } from './types/docNames';
import { memberDefinition, textDefinition } from './types/definition';
import { safely } from './types/safely';
import {
  annotationFunctions,
  inferredHolders,
  metaMembers,
  selfDefinition,
  varargDefinition,
} from './definitionSources';
import { TypeEngine } from './types/engine';
import type { Definition, Location, Occurrence, Span } from './types';

/** Where the thing at `offset` is defined. */
export function definition(project: Project, fa: FileAnalysis, offset: number): Location[] {
  const found = directDefinition(project, fa, offset);
  if (found.length) return withValues(project, fa, found);
  const indexed = indexDefinition(project, fa, offset);
  if (indexed.length) return indexed;
  const fields = safely(() => docFieldDefinition(project, fa, offset)) ?? [];
  if (fields.length || occurrenceAt(fa, offset)) return fields;
  const typed = safely(() => textDefinition(project, fa, offset)) ?? [];
  return typed.length ? typed : textChainDefinition(project, fa, offset);
}

/**
 * `G.x` on a line that does not parse (a lone expression): the chain read from the text, then
 * the name index's writes of that key (`self.x = 1` in `function G:f()` included).
 */
function textChainDefinition(project: Project, fa: FileAnalysis, offset: number): Location[] {
  const at = wordChainAt(fa.text, offset);
  if (!at || at.chain.length < 2 || at.chain.some((c) => c.called)) return [];
  const chain = at.chain;
  const head = visibleLocals(fa, at.start).find((d) => d.name === chain[0].name);
  if (head && head.kind !== 'global' && head.kind !== 'globalFunction') return [];
  return writesOf(project, fa, `G:${chain.map((c) => c.name).join(SEP)}`);
}

/**
 * A field set from a name (`{ x = x }`, `t.b = t.a`) also leads to that name's definition, as in
 * LuaLS (one step, in the field's own file).
 */
function withValues(project: Project, fa: FileAnalysis, locs: Location[]): Location[] {
  const out = [...locs];
  const seen = new Set(locs.map((l) => `${l.uri}#${l.span.start}`));
  const add = (uri: string, span: Span) => {
    const k = `${uri}#${span.start}`;
    if (!seen.has(k) && seen.add(k)) out.push({ uri, span });
  };
  for (const l of locs) {
    const stored = l.uri === fa.uri ? fa : project.files.get(l.uri);
    if (!stored || l.span.end <= l.span.start) continue;
    const f = expand(stored);
    // `{ func = require 'a' }`: the field leads on to what the module returns
    const req = /^\s*=\s*require\s*\(?\s*(["'])([^"'\n]+)\1/.exec(f.text.slice(l.span.end, l.span.end + 300));
    if (req) for (const r of moduleReturnLocations(project, req[2], f.uri)) add(r.uri, r.span);
    const idx = indexOf(project, f);
    const e = idx.entries.find((x) => x.span.start === l.span.start && x.write);
    if (!e || !e.key.includes(SEP)) continue;
    for (const [a, b] of idx.links) {
      const other = a === e.key ? b : b === e.key ? a : undefined;
      if (other === undefined) continue;
      const local = /^L#(\d+)$/.exec(other);
      if (local) {
        const d = f.defs[Number(local[1])];
        if (d) add(f.uri, d.span);
      } else for (const x of idx.entries) if (x.key === other && x.write) add(f.uri, x.span);
    }
  }
  return out;
}

/**
 * Definition through the name index when the scope/type lookups find nothing: labels, string
 * keys (`t['a']`), fields of undeclared or nested tables (`X.y.z`), `self.x` set in methods.
 */
function indexDefinition(project: Project, fa: FileAnalysis, offset: number): Location[] {
  const e = entryAt(indexOf(project, fa), offset);
  if (!e || e.kind === 'doc') return [];
  return writesOf(project, fa, e.key);
}

/** The writes of `key` (through aliases of its base and the class's parents). */
function writesOf(project: Project, fa: FileAnalysis, key: string): Location[] {
  const idx = indexOf(project, fa);
  const writes = (k: string) => keyEntries(project, fa, k).filter((x) => x.e.write && !x.e.instance);
  let found = writes(key);
  // `local t = X.x; t.y` -> `X.x.y`; a class field -> the field its parents set
  if (!found.length) found = aliasKeys(idx, key).flatMap(writes);
  if (!found.length) found = parentFieldKeys(project, key).flatMap(writes);
  return found.map((x) => ({ uri: x.uri, span: x.e.span }));
}

/** The keys of a field through what its base (or any prefix of it) was assigned from. */
function aliasKeys(idx: RefIndex, key: string): string[] {
  const parts = key.split(SEP);
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 1 && out.length < 32; i--) {
    const base = parts.slice(0, i).join(SEP);
    const rest = parts.slice(i).join(SEP);
    for (const alt of linked(idx, base)) if (alt !== base) out.push(alt + SEP + rest);
  }
  return out;
}

/**
 * A local: its declaration and, as LuaLS lists them, every later assignment to it other than the
 * one under the cursor; typed `---@type Class`: also the values that hold the class.
 */
function localDefinition(project: Project, fa: FileAnalysis, def: Definition, offset: number): Location[] {
  const out: Location[] = [{ uri: fa.uri, span: def.span }];
  const key = `L#${def.id}`;
  for (const e of indexOf(project, fa).entries)
    if (
      e.key === key &&
      e.write &&
      e.span.start !== def.span.start &&
      (offset < e.span.start || offset > e.span.end)
    )
      out.push({ uri: fa.uri, span: e.span });
  if (def.doc?.className) return out;
  for (const span of annotationFunctions(fa.text, def)) out.push({ uri: fa.uri, span });
  const t = def.doc?.type?.trim();
  if (!t) return [...out, ...inferredHolders(project, fa, def)];
  const holders = classHolders(project, fa, t).filter(
    (l) => l.uri !== fa.uri || l.span.start !== def.span.start,
  );
  return [...out, ...holders];
}

function directDefinition(project: Project, fa: FileAnalysis, offset: number): Location[] {
  // `require("mod")`: the module file
  for (const r of fa.requires) {
    if (r.span.start <= offset && offset <= r.span.end) {
      const uri = project.moduleUri(r.module, fa.uri);
      return uri ? [{ uri, span: { start: 0, end: 0 } }] : [];
    }
  }
  const vararg = varargDefinition(fa, offset);
  if (vararg) return vararg;
  const occ = occurrenceAt(fa, offset);
  const doc = occ ? undefined : (docNameDefinition(project, fa, offset) ?? seeMember(project, fa, offset));
  if (doc) return doc;
  if (!occ) {
    const w = docWordAt(fa.text, offset);
    const loc = w ? docTypeLocation(project, fa, w.word) : undefined;
    if (!loc || !w) return bareName(project, fa, offset);
    const see = /---@see\s+\S*$/.test(fa.text.slice(fa.text.lastIndexOf('\n', offset) + 1, w.span.end));
    return see ? [loc, ...classHolders(project, fa, w.word)] : [loc];
  }
  if (occ.defId !== undefined && !occ.member) return defDefinition(project, fa, fa.defs[occ.defId], offset);
  if (occ.global && !occ.member) return globalDefs(project, fa, occ.global);
  const meta = occ.member ? (safely(() => metaMembers(project, fa, occ.span.start)) ?? []) : [];
  const plus = (l: Location[]) => [...l, ...meta.filter((m) => !l.some((x) => sameLoc(x, m)))];
  if (occ.member && occ.baseDefId !== undefined) {
    const f = fa.defs[occ.baseDefId].fields.get(occ.member.name);
    if (f) return plus([{ uri: fa.uri, span: f.span }]);
  }
  const typed = safely(() => memberDefinition(project, fa, occ.span.start));
  if (typed) return plus([typed]);
  const r = valueAtOccurrence(project, fa, occ);
  return plus(r?.value.location ? [r.value.location] : []);
}

function sameLoc(a: Location, b: Location): boolean {
  return a.uri === b.uri && a.span.start === b.span.start;
}

/** A `---@param` name: its parameter; a `---@field` name: itself (the field's declaration). */
function docNameDefinition(project: Project, fa: FileAnalysis, offset: number): Location[] | undefined {
  const e = entryAt(indexOf(project, fa), offset);
  if (e?.kind !== 'doc') return undefined;
  const local = /^L#(\d+)$/.exec(e.key);
  const def = local ? fa.defs[Number(local[1])] : undefined;
  if (def) return [{ uri: fa.uri, span: def.span }];
  return e.write ? [{ uri: fa.uri, span: e.span }] : undefined;
}

/** `---@see Class#member`: the member of the class. */
function seeMember(project: Project, fa: FileAnalysis, offset: number): Location[] | undefined {
  const lineStart = fa.text.lastIndexOf('\n', offset - 1) + 1;
  const line = fa.text.slice(lineStart, lineStart + 300).split('\n')[0];
  const m = /^(\s*---\s*@see\s+)([A-Za-z_][\w.]*)#(\w+)/.exec(line);
  if (!m) return undefined;
  const start = lineStart + m[1].length + m[2].length + 1;
  if (offset < start || offset > start + m[3].length) return undefined;
  const en = new TypeEngine(project);
  const loc = safely(() => en.member({ k: 'named', name: m[2] }, m[3])?.location);
  return loc ? [loc] : undefined;
}

/** A name the parser could not place (a line being typed, like a lone `obj`): by scope. */
function bareName(project: Project, fa: FileAnalysis, offset: number): Location[] {
  const text = fa.text;
  let s = offset;
  while (s > 0 && /\w/.test(text[s - 1])) s--;
  let e = offset;
  while (e < text.length && /\w/.test(text[e])) e++;
  const name = text.slice(s, e);
  const lineStart = text.lastIndexOf('\n', s - 1) + 1;
  if (!/^[A-Za-z_]\w*$/.test(name) || LUA_KEYWORDS.includes(name)) return [];
  if (/[.:]\s*$/.test(text.slice(lineStart, s)) || inCommentOrString(text.slice(lineStart, s))) return [];
  const def = visibleLocals(fa, s).find((d) => d.name === name);
  if (def) return defDefinition(project, fa, def, offset);
  return fa.globals.has(name) || project.globals().has(name) ? globalDefs(project, fa, name) : [];
}

function defDefinition(project: Project, fa: FileAnalysis, def: Definition, offset: number): Location[] {
  if (def.kind === 'self') {
    // `self` in `function a:b()` is `a`
    const base = selfDefinition(fa, offset);
    if (base !== undefined) return definition(project, fa, base);
  }
  if (def.kind === 'global' || def.kind === 'globalFunction') return globalDefs(project, fa, def.name);
  const module = def.init?.kind === 'require' ? def.init.module : docModule(fa, def);
  if (module !== undefined) {
    const ret = moduleReturnLocations(project, module, fa.uri);
    if (ret.length) return [...localDefinition(project, fa, def, offset), ...ret];
    const onDecl = def.span.start <= offset && offset <= def.span.end;
    const uri = onDecl ? project.moduleUri(module, fa.uri) : undefined;
    if (uri) return [{ uri, span: { start: 0, end: 0 } }];
  }
  const field = moduleFieldInit(fa, def);
  if (field !== undefined)
    return [...localDefinition(project, fa, def, offset), ...definition(project, fa, field)];
  return localDefinition(project, fa, def, offset);
}

/**
 * `local f = t.f` where `t = require 'a'`: the offset of that `f` (the local leads on to the
 * module's field, as in LuaLS).
 */
function moduleFieldInit(fa: FileAnalysis, def: Definition): number | undefined {
  const init = def.init;
  if (init?.kind !== 'chain' || init.at === undefined || init.chain.length !== 2 || init.chain[1].called)
    return undefined;
  const occ = fa.occurrences.find(
    (o) =>
      o.member?.name === init.chain[1].name &&
      o.span.start > (init.at as number) &&
      o.baseDefId !== undefined,
  );
  const head = occ?.baseDefId !== undefined ? fa.defs[occ.baseDefId] : undefined;
  return head?.init?.kind === 'require' && head.name === init.chain[0].name ? occ?.span.start : undefined;
}

/** `---@module 'name'` above a local: it holds what `require 'name'` returns. */
function docModule(fa: FileAnalysis, def: Definition): string | undefined {
  if (!def.doc) return undefined;
  const m = /---\s*@module\s+(["'])([^"'\n]+)\1/.exec(fa.text.slice(def.doc.span.start, def.doc.span.end));
  return m?.[2];
}

function globalDefs(project: Project, fa: FileAnalysis, name: string): Location[] {
  const list = project.globals().get(name) ?? [];
  const own = fa.globals.get(name);
  const out: Location[] = own ? [{ uri: fa.uri, span: own.span }] : [];
  for (const g of list) if (g.fa.uri !== fa.uri) out.push({ uri: g.fa.uri, span: g.def.span });
  // `_G.name = ...`, `rawset(_G, 'name', ...)` in any workspace file
  if (!out.length)
    for (const g of project.envGlobalIndex().get(name) ?? []) out.push({ uri: g.uri, span: g.span });
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
  const idx = indexOf(project, fa);
  const e = entryAt(idx, offset);
  if (e) {
    // references follow values as LuaLS does: `local t = f` makes `t` a reference of `f`
    const keys = linked(idx, e.key);
    const seen = new Set<string>();
    // a field of a class is also the field its parents declare (through their own tables)
    const inherited = parentFieldKeys(project, e.key).flatMap((k) =>
      keyEntries(project, fa, k).filter((x) => !x.e.instance),
    );
    return keys
      .flatMap((k) => keyEntries(project, fa, k))
      .concat(inherited)
      .filter((x) => includeDeclaration || !x.e.write || x.e.span.start === e.span.start)
      .filter((x) => {
        const id = `${x.uri}#${x.e.span.start}`;
        return !seen.has(id) && !!seen.add(id);
      })
      .map((x) => ({ uri: x.uri, span: x.e.span }));
  }
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
  /** a keyword or literal (LSP kind Text) */
  text?: boolean;
}

export function documentHighlights(project: Project, fa: FileAnalysis, offset: number): HighlightSpan[] {
  const e = entryAt(indexOf(project, fa), offset);
  if (e) {
    return indexOf(project, fa)
      .entries.filter((x) => x.key === e.key)
      .map((x) => ({ span: x.span, write: x.write }));
  }
  const kw = keywordHighlights(fa.text, offset);
  if (kw) return kw.map((span) => ({ span, write: false, text: true }));
  const t = targetAt(project, fa, offset);
  if (!t) return [];
  const decl = new Set(fa.occurrences.filter((o) => o.isDeclaration).map((o) => o.span.start));
  return refsOf(project, fa, t.target)
    .filter((l) => l.uri === fa.uri)
    .map((l) => ({ span: l.span, write: decl.has(l.span.start) }));
}

export { moduleKeyOf } from './navKeys';
export {
  prepareRename,
  rename,
  type PrepareRenameResult,
  type RenameEdit,
  type RenameResult,
} from './rename';
