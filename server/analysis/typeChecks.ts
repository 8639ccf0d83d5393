import type { Project } from './project';
import { moduleKeyOf } from './navigation';
import { refIndex, SEP, type RefEntry } from './refIndex';
import { expand } from './summary';
import { occurrenceAt, type FileAnalysis } from './resolve';
import type { ReturnFact } from './lintWalk';
import type { AnalysisDiagnostic, ParamInfo, Span } from './types';

/**
 * The type diagnostics that declared types (`---@type`, `---@param`, `---@return`, `---@class`,
 * `---@field`) decide without inference, with LuaLS's names and spans: a literal (or a local of a
 * single declared type) that a declared type does not admit (`param-type-mismatch`,
 * `assign-type-mismatch`, `return-type-mismatch`), a field read on a class value that the class
 * does not have (`undefined-field`), a nullable local used before any check (`need-check-nil`).
 * Anything the declarations do not decide is left alone: no diagnostic on unknown types.
 */

/** The keys a workspace file writes (by its stored analysis, which changes when the file does). */
const writtenCache = new WeakMap<FileAnalysis, { all: Set<string>; declared: Set<string> }>();

/** What a value is, as far as its text tells. */
export type Kind = 'integer' | 'number' | 'string' | 'boolean' | 'nil' | 'table' | 'function';

const PRIMITIVE: Record<string, Kind[]> = {
  integer: ['integer'],
  number: ['integer', 'number'],
  string: ['string'],
  boolean: ['boolean'],
  true: ['boolean'],
  false: ['boolean'],
  nil: ['nil'],
  table: ['table'],
  function: ['function'],
  userdata: [],
  thread: [],
  lightuserdata: [],
};

/** The members of a union type (`A|B?`), split at the top level. */
function unionMembers(type: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of type) {
    if ('(<{['.includes(c)) depth++;
    else if (')>}]'.includes(c)) depth--;
    if (c === '|' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out.filter(Boolean);
}

/**
 * The kinds a declared type admits, or undefined when the type is not decidable here (`any`,
 * generics, names we do not know, string literal types, ...).
 */
export function admits(project: Project, type: string, depth = 0): Set<Kind> | undefined {
  if (depth > 5) return undefined;
  const out = new Set<Kind>();
  for (let m of unionMembers(type)) {
    if (m.endsWith('?')) {
      out.add('nil');
      m = m.slice(0, -1).trim();
    }
    if (m.startsWith('(') && m.endsWith(')')) {
      const inner = admits(project, m.slice(1, -1), depth + 1);
      if (!inner) return undefined;
      for (const k of inner) out.add(k);
      continue;
    }
    if (m === 'any' || m === 'unknown' || /^['"`]/.test(m) || /^-?\d/.test(m)) return undefined;
    if (PRIMITIVE[m]) {
      for (const k of PRIMITIVE[m]) out.add(k);
      continue;
    }
    if (m.endsWith('[]') || /^table</.test(m) || m.startsWith('{')) {
      out.add('table');
      continue;
    }
    if (/^fun\b/.test(m)) {
      out.add('function');
      continue;
    }
    const alias = aliasOf(project, m);
    if (alias !== undefined) {
      const inner = admits(project, alias, depth + 1);
      if (!inner) return undefined;
      for (const k of inner) out.add(k);
      continue;
    }
    const cls = project.classes().get(m);
    // a class is a table, unless it extends a built-in type (`---@class Option: string`)
    if (!cls || cls.parents.some((p) => PRIMITIVE[p] || !project.classes().has(p))) return undefined;
    out.add('table');
  }
  return out;
}

function aliasOf(project: Project, name: string): string | undefined {
  for (const fa of [...project.hostFiles, ...project.files.values()]) {
    const a = fa.aliases.get(name);
    if (a !== undefined) return a;
  }
  return undefined;
}

/** The kind of an expression from its text: a literal, or a local declared with one plain type. */
export function kindOf(fa: FileAnalysis, span: Span): Kind | undefined {
  const t = fa.text.slice(span.start, span.end).trim();
  if (/^-?(0[xX][\da-fA-F]+|\d+)$/.test(t)) return 'integer';
  if (/^-?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)$/.test(t)) return 'number';
  if (/^(["']).*\1$/s.test(t) || /^\[=*\[/.test(t)) return 'string';
  if (t === 'true' || t === 'false') return 'boolean';
  if (t === 'nil') return 'nil';
  if (t.startsWith('{') && t.endsWith('}')) return 'table';
  if (/^function\s*\(/.test(t)) return 'function';
  if (/^[A-Za-z_]\w*$/.test(t)) {
    const occ = occurrenceAt(fa, span.start);
    const d = occ?.defId !== undefined && !occ.member ? fa.defs[occ.defId] : undefined;
    const type = d?.doc?.type?.trim();
    if (type && PRIMITIVE[type]?.length === 1) return PRIMITIVE[type][0];
  }
  return undefined;
}

function fits(kind: Kind, allowed: Set<Kind>): boolean {
  if (allowed.has(kind)) return true;
  return kind === 'integer' && allowed.has('number');
}

/** `f(true)` where `---@param x number`: each argument a parameter's type does not admit. */
export function paramTypeMismatches(
  project: Project,
  fa: FileAnalysis,
  args: Span[],
  params: ParamInfo[],
): AnalysisDiagnostic[] {
  const out: AnalysisDiagnostic[] = [];
  args.forEach((span, i) => {
    const p = params[i];
    if (!p?.type || p.name === '...') return;
    const allowed = admits(project, p.type);
    const kind = allowed && kindOf(fa, span);
    if (!allowed || !kind || fits(kind, allowed)) return;
    out.push({
      code: 'param-type-mismatch',
      message: `Cannot assign \`${kind}\` to parameter \`${p.name}\` of type \`${p.type}\`.`,
      span,
      severity: 'warning',
    });
  });
  return out;
}

/** `---@type number` on `local x = 'aaa'`: the name, when the value is a literal the type does not admit. */
export function assignTypeMismatches(project: Project, fa: FileAnalysis): AnalysisDiagnostic[] {
  const out: AnalysisDiagnostic[] = [];
  for (const d of fa.defs) {
    const type = d.doc?.type;
    const init = d.init?.kind;
    if (!type || !init || d.kind !== 'local') continue;
    const kind: Kind | undefined =
      init === 'number' || init === 'string' || init === 'boolean' || init === 'table' || init === 'function'
        ? init
        : undefined;
    const allowed = kind && admits(project, type);
    if (!kind || !allowed || fits(kind, allowed) || (kind === 'number' && allowed.has('integer'))) continue;
    out.push({
      code: 'assign-type-mismatch',
      message: `Cannot assign \`${kind}\` to \`${type}\`.`,
      span: d.span,
      severity: 'warning',
    });
  }
  return out;
}

/** `return true` in a function declared `---@return number`: the value. */
export function returnTypeMismatches(
  project: Project,
  fa: FileAnalysis,
  returns: ReturnFact[],
): AnalysisDiagnostic[] {
  const out: AnalysisDiagnostic[] = [];
  for (const r of returns) {
    const types = r.name && declaredReturns(fa, r.name);
    if (!types?.length) continue;
    r.values.forEach((span, i) => {
      const type = types[i];
      if (!type) return;
      const allowed = admits(project, type);
      const kind = allowed && kindOf(fa, span);
      if (!allowed || !kind || fits(kind, allowed)) return;
      out.push({
        code: 'return-type-mismatch',
        message: `Cannot return \`${kind}\` as \`${type}\`.`,
        span,
        severity: 'warning',
      });
    });
  }
  return out;
}

/** A declared return that may be left out (`T?`, `any`, `nil`, `unknown`). */
function optionalType(t: string): boolean {
  const x = t.trim();
  return x.endsWith('?') || x === 'any' || x === 'nil' || x === 'unknown' || /(^|\|)\s*nil\s*($|\|)/.test(x);
}

/**
 * The count rules of declared returns: `missing-return` (a body that can run to its end while a
 * `---@return` value is required: a zero-width span before `end`), `missing-return-value` (a
 * `return` with fewer values than required: the keyword), `redundant-return-value` (each value
 * beyond the declared ones).
 */
export function returnCountDiagnostics(
  fa: FileAnalysis,
  returns: ReturnFact[],
  functions: { name: Span; completes: boolean; at: Span }[],
): AnalysisDiagnostic[] {
  const out: AnalysisDiagnostic[] = [];
  const required = (types: string[]) => {
    let n = 0;
    types.forEach((t, i) => {
      if (!optionalType(t)) n = i + 1;
    });
    return n;
  };
  for (const f of functions) {
    if (!f.completes) continue;
    const types = declaredReturns(fa, f.name);
    if (!types?.length || types.some((t) => t.trim().startsWith('...')) || !required(types)) continue;
    out.push({
      code: 'missing-return',
      span: f.at,
      message: 'A `return` is required here.',
      severity: 'warning',
    });
  }
  for (const r of returns) {
    const types = r.name && declaredReturns(fa, r.name);
    if (!types?.length || types.some((t) => t.trim().startsWith('...'))) continue;
    const need = required(types);
    if (r.values.length < need && !r.multi)
      out.push({
        code: 'missing-return-value',
        span: r.keyword,
        message: `${need} value(s) must be returned, got ${r.values.length}.`,
        severity: 'warning',
      });
    for (const v of r.values.slice(types.length))
      out.push({
        code: 'redundant-return-value',
        span: v,
        message: `At most ${types.length} value(s) are declared.`,
        severity: 'warning',
      });
  }
  return out;
}

/** The `---@return` types of the function declared under the name at `name`. */
function declaredReturns(fa: FileAnalysis, name: Span): string[] | undefined {
  const occ = occurrenceAt(fa, name.start);
  if (!occ || occ.span.start !== name.start) return undefined;
  const doc =
    occ.member && occ.baseDefId !== undefined
      ? fa.defs[occ.baseDefId]?.fields.get(occ.member.name)?.doc
      : occ.defId !== undefined
        ? fa.defs[occ.defId]?.doc
        : undefined;
  // `---@return A, B` may arrive as one return whose description is `, B`
  return doc?.returns.flatMap((r) =>
    r.doc?.startsWith(',')
      ? [
          r.type,
          ...r.doc
            .slice(1)
            .split(',')
            .map((t) => t.trim().split(/\s+/)[0]),
        ]
      : [r.type],
  );
}

/**
 * `x:upper()` where `---@type string?` and nothing checked `x` before: the name. Any earlier read
 * or assignment of `x` (a condition, `assert(x)`, `x = x or ''`) counts as a check.
 */
export function needCheckNil(fa: FileAnalysis): AnalysisDiagnostic[] {
  const out: AnalysisDiagnostic[] = [];
  const nullable = new Set<number>();
  for (const d of fa.defs) {
    const t = d.doc?.type?.trim();
    if (d.kind === 'local' && t && (t.endsWith('?') || /(^|\|)\s*nil\s*($|\|)/.test(t)) && !d.init)
      nullable.add(d.id);
  }
  if (!nullable.size) return out;
  const checked = new Set<number>();
  const occ = fa.occurrences;
  const callees = new Set(fa.calls.filter((c) => c.chain.length === 1).map((c) => c.nameSpan.start));
  for (let i = 0; i < occ.length; i++) {
    const o = occ[i];
    if (o.defId === undefined || o.member || o.isDeclaration || !nullable.has(o.defId)) continue;
    if (checked.has(o.defId)) continue;
    const next = occ[i + 1];
    const isBase =
      next?.member !== undefined &&
      next.baseDefId === o.defId &&
      next.member.chain.length === 1 &&
      /^\s*[.:]\s*$/.test(fa.text.slice(o.span.end, next.span.start));
    if (isBase || callees.has(o.span.start)) {
      out.push({
        code: 'need-check-nil',
        message: `\`${fa.text.slice(o.span.start, o.span.end)}\` may be nil here: check it first.`,
        span: o.span,
        severity: 'warning',
      });
    } else checked.add(o.defId);
  }
  return out;
}

/**
 * `undefined-field`: `v.field3` where `v` is a `---@class Foo` table or declared `---@type Foo`,
 * and neither the class (with its parents: `---@field`s) nor any assignment to a `Foo` value
 * (`mt.x = ...`, `self.x = ...` in its methods, in any workspace file) gives it that field.
 * `inject-field`: `v.yy = 1` where `v` is declared `---@type Foo` and the class does not declare
 * `yy` (by `---@field` or through its own table): writing through a value does not declare.
 */
export function undefinedFields(project: Project, fa: FileAnalysis): AnalysisDiagnostic[] {
  if (!/---\s*@(class|type)\b/.test(fa.text)) return [];
  const resolve = (f: FileAnalysis) => refIndex(f, (m) => moduleKeyOf(project, m, f.uri));
  const idx = resolve(fa);
  const classField = (e: RefEntry) =>
    e.kind === 'field' && e.key.startsWith('V:') && e.key.split(SEP).length === 2;
  const reads = idx.entries.filter((e) => classField(e) && !e.write);
  const injects = idx.entries.filter((e) => classField(e) && e.write && e.instance && !e.tableKey);
  if (!reads.length && !injects.length) return [];
  const own = writes(idx);
  const written = new Set(own.all);
  const declared = new Set(own.declared);
  const classNames = new Set([...reads, ...injects].map((e) => e.key.slice(2).split(SEP)[0]));
  for (const f of project.files.values()) {
    if (f.uri === fa.uri || ![...classNames].some((c) => f.text.includes(c))) continue;
    let w = writtenCache.get(f);
    if (!w) writtenCache.set(f, (w = writes(resolve(expand(f)))));
    for (const k of w.all) written.add(k);
    for (const k of w.declared) declared.add(k);
  }
  const classes = project.classes();
  const has = (keys: Set<string>, cls: string, name: string, depth: number): boolean | undefined => {
    const c = classes.get(cls);
    if (!c || depth > 6) return undefined;
    if (c.fields.has(name) || keys.has(`V:${cls}${SEP}${name}`)) return true;
    for (const p of c.parents) {
      const r = has(keys, p, name, depth + 1);
      if (r !== false) return r;
    }
    return false;
  };
  const out: AnalysisDiagnostic[] = [];
  for (const e of reads) {
    const [cls, name] = e.key.slice(2).split(SEP);
    if (has(written, cls, name, 0) !== false) continue;
    out.push({
      code: 'undefined-field',
      message: `Undefined field \`${name}\` of class \`${cls}\`.`,
      span: e.span,
      severity: 'warning',
    });
  }
  for (const e of injects) {
    const [cls, name] = e.key.slice(2).split(SEP);
    if (has(declared, cls, name, 0) !== false) continue;
    out.push({
      code: 'inject-field',
      message: `Fields cannot be injected into \`${cls}\`: it does not declare \`${name}\`.`,
      span: e.span,
      severity: 'warning',
    });
  }
  return out;
}

/** The keys an index writes: all of them, and those written through a class's own table. */
function writes(idx: { entries: RefEntry[] }): { all: Set<string>; declared: Set<string> } {
  const all = new Set<string>();
  const declared = new Set<string>();
  for (const e of idx.entries) {
    if (!e.write) continue;
    all.add(e.key);
    if (!e.instance) declared.add(e.key);
  }
  return { all, declared };
}

/** Lua 5.1 names removed by 5.4: using them is `deprecated` (they are also undefined). */
const REMOVED_GLOBALS = new Set(['unpack', 'setfenv', 'getfenv', 'loadstring', 'module']);

/**
 * `deprecated`: a use of something annotated `---@deprecated` in this file (a local, a global, a
 * field: the span covers `t.x` / `t:x`), or of a global Lua 5.4 removed (`unpack`).
 */
export function deprecatedUses(fa: FileAnalysis): AnalysisDiagnostic[] {
  const out: AnalysisDiagnostic[] = [];
  const push = (span: Span, name: string) =>
    out.push({ code: 'deprecated', span, message: `\`${name}\` is deprecated.`, severity: 'hint' });
  for (const o of fa.occurrences)
    if (o.global && REMOVED_GLOBALS.has(o.global) && !o.isDeclaration && o.defId === undefined)
      push(o.span, o.global);
  if (!fa.text.includes('@deprecated')) return out;
  // the declarations that follow a `---@deprecated` line
  const lines = new Set<number>();
  for (const m of fa.text.matchAll(/^[ \t]*---\s*@deprecated\b.*$/gm)) {
    let l = fa.lines.lineOf(m.index ?? 0) + 1;
    while (l < fa.lines.lineCount && /^\s*---/.test(fa.lines.lineText(l))) l++;
    lines.add(l);
  }
  const defs = new Set<number>();
  const fields = new Set<string>();
  for (const d of fa.defs) {
    if (lines.has(fa.lines.lineOf(d.fullSpan.start))) defs.add(d.id);
    for (const f of d.fields.values())
      if (lines.has(fa.lines.lineOf(f.span.start))) fields.add(`${d.id}.${f.name}`);
  }
  for (const o of fa.occurrences) {
    if (o.isDeclaration) continue;
    if (o.member && o.baseDefId !== undefined && fields.has(`${o.baseDefId}.${o.member.name}`)) {
      const head = o.member.chain.length === 1 ? o.member.chain[0].name : undefined;
      const start = head ? fa.text.lastIndexOf(head, o.span.start) : -1;
      const span =
        head && start >= 0 && o.span.start - start <= head.length + 3 ? { start, end: o.span.end } : o.span;
      if (
        fa.lines.lineOf(span.start) !== fa.lines.lineOf(o.span.start) ||
        lines.has(fa.lines.lineOf(o.span.start))
      )
        continue;
      push(span, fa.text.slice(span.start, span.end));
    } else if (!o.member && o.defId !== undefined && defs.has(o.defId))
      push(o.span, fa.text.slice(o.span.start, o.span.end));
  }
  return out;
}
