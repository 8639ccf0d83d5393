import { callAt } from './context';
import { memberDoc, signatureText } from './completion';
import type { Project, Value } from './project';
import { occurrenceAt, type FileAnalysis } from './resolve';
import { TypeEngine } from './types/engine';
import { safely } from './types/safely';
import { view } from './types/ty';
import { docTypeKind, docWordAt } from './types/docNames';
import { anonymousFunctionLabel, hoverLabel, textLabel } from './types/hoverView';
import { signatures, type SignatureHelpResult } from './types/signature';
import type { Occurrence, Span } from './types';

/** The value an occurrence refers to (definition, global or member). */
export function valueAtOccurrence(
  project: Project,
  fa: FileAnalysis,
  occ: Occurrence,
): { value: Value; name: string } | undefined {
  if (occ.member) {
    const base = project.evalChain(fa, occ.member.chain, occ.span.start, 0, findChainHead(fa, occ));
    const m = project.member(base, occ.member.name);
    const qual =
      occ.member.chain.map((c, i) => (i ? c.sep : '') + c.name + (c.called ? '()' : '')).join('') +
      occ.member.sep +
      occ.member.name;
    if (!m) return undefined;
    return { value: { ...project.memberValue(m), location: m.location }, name: qual };
  }
  if (occ.defId !== undefined) {
    const def = fa.defs[occ.defId];
    if (def.kind === 'global' || def.kind === 'globalFunction') {
      const v = project.valueOfDef(fa, def);
      return { value: v, name: def.name };
    }
    return { value: project.valueOfDef(fa, def), name: def.name };
  }
  if (occ.global) {
    const v = project.globalValue(occ.global, fa);
    if (!v.info && !v.classes.length) return undefined;
    return { value: v, name: occ.global };
  }
  return undefined;
}

/** Offset of the chain head identifier of a member occurrence (walks back over `a.b.`). */
function findChainHead(fa: FileAnalysis, occ: Occurrence): number | undefined {
  if (occ.baseDefId !== undefined) return fa.defs[occ.baseDefId] ? undefined : undefined;
  return undefined;
}

export interface HoverResult {
  markdown: string;
  span: Span;
}

export function hover(project: Project, fa: FileAnalysis, offset: number): HoverResult | undefined {
  let occ = occurrenceAt(fa, offset);
  if (!occ) {
    // the `function` keyword of `local function f` / `function t.f` hovers as its name
    const w = /^(local\s+)?function\s+([\w.:]*[\w])/.exec(
      fa.text.slice(Math.max(0, offset - 14), offset + 200).replace(/^[\s\S]*?(?=(local\s+)?function\b)/, ''),
    );
    const at = w ? fa.text.indexOf(w[0], Math.max(0, offset - 14)) : -1;
    if (w && at >= 0 && at <= offset && offset <= at + w[0].length - w[2].length)
      occ = occurrenceAt(fa, at + w[0].length - 1);
    if (!occ) {
      const t = safely(
        () =>
          anonymousFunctionLabel(new TypeEngine(project), fa, offset) ??
          textLabel(new TypeEngine(project), fa, offset),
      );
      if (t) return { markdown: '```lua\n' + t.label + '\n```', span: t.span };
      return docNameHover(project, fa, offset);
    }
  }
  const typed = safely(() => hoverLabel(new TypeEngine(project), fa, occ));
  if (!typed) return legacyHover(project, fa, occ);
  const old = legacyHover(project, fa, occ);
  const rest = old?.markdown.replace(/^```lua\n[\s\S]*?\n```(\n\n)?/, '');
  const parts = ['```lua\n' + typed.label + '\n```'];
  if (rest) parts.push(rest);
  else if (typed.doc) parts.push(typed.doc);
  return { markdown: parts.join('\n\n'), span: occ.span };
}

function legacyHover(project: Project, fa: FileAnalysis, occ: Occurrence): HoverResult | undefined {
  if (occ.member && occ.baseDefId !== undefined) {
    // a field of a table seen in this file
    const base = fa.defs[occ.baseDefId];
    const v = project.valueOfDef(fa, base);
    const m = project.member(v, occ.member.name);
    if (m) return { markdown: memberDoc(m, `${base.name}${occ.member.sep}${m.name}`), span: occ.span };
  }
  const r = valueAtOccurrence(project, fa, occ);
  if (!r) {
    if (occ.global)
      return { markdown: '```lua\nglobal ' + occ.global + '\n```\n\nUndefined global.', span: occ.span };
    return undefined;
  }
  const { value, name } = r;
  const info = value.info;
  if (occ.defId !== undefined && info) {
    const def = fa.defs[occ.defId];
    const isFn = info.kind === 'function';
    const prefix =
      def.kind === 'parameter'
        ? '(parameter) '
        : def.kind === 'global' || def.kind === 'globalFunction'
          ? '(global) '
          : def.kind === 'forVariable'
            ? '(loop variable) '
            : 'local ';
    const type = def.doc?.type ?? def.doc?.className ?? (value.classes[0] || inferName(def.init?.kind));
    const head = isFn
      ? `${def.kind === 'localFunction' ? 'local ' : ''}${signatureText(name, info)}`
      : `${prefix}${name}${type ? ': ' + type : ''}${def.attribute ? ` <${def.attribute}>` : ''}`;
    const parts = ['```lua\n' + head + '\n```'];
    if (info.doc) parts.push(info.doc);
    const cls = value.classes[0] ? project.classes().get(value.classes[0]) : undefined;
    if (cls?.doc && !info.doc) parts.push(cls.doc);
    const pd = (info.params ?? []).filter((p) => p.doc).map((p) => `- \`${p.name}\`: ${p.doc}`);
    if (pd.length) parts.push(pd.join('\n'));
    if (info.origin === 'host') parts.push('*llmspell host API*');
    return { markdown: parts.join('\n\n'), span: occ.span };
  }
  if (info) {
    const cls =
      info.kind === 'table' || info.kind === 'value'
        ? project.classes().get(value.classes[0] ?? '')
        : undefined;
    if (cls && info.origin !== 'stdlib') {
      const fields = [...project.members(value).values()]
        .slice(0, 20)
        .map((f) => `${f.name}${f.kind === 'function' || f.kind === 'method' ? '()' : ''}`);
      return {
        markdown:
          '```lua\n' +
          `${info.origin === 'host' ? '(host API) ' : ''}${name}: ${cls.name}` +
          '\n```\n\n' +
          (cls.doc ?? '') +
          (fields.length ? `\n\nMembers: ${fields.join(', ')}` : ''),
        span: occ.span,
      };
    }
    return { markdown: memberDoc(info, name), span: occ.span };
  }
  if (value.classes.length)
    return { markdown: '```lua\n' + `${name}: ${value.classes[0]}` + '\n```', span: occ.span };
  return undefined;
}

function inferName(k: string | undefined): string | undefined {
  if (k === 'string' || k === 'number' || k === 'boolean' || k === 'table' || k === 'function') return k;
  return undefined;
}

/**
 * Signature help at `offset` of `text`; `fa` may be an older analysis (scope queries use
 * `staleOffset`).
 */
export function signatureHelp(
  project: Project,
  fa: FileAnalysis,
  text: string,
  offset: number,
  staleOffset: number,
): SignatureHelpResult | undefined {
  const ctx = callAt(text, offset);
  if (!ctx) return undefined;
  return safely(() => signatures(project, fa, text, ctx.open, ctx.active, ctx.typed, staleOffset));
}

/** A class, alias or enum name inside a `---@` comment: `(class) Name`. */
function docNameHover(project: Project, fa: FileAnalysis, offset: number): HoverResult | undefined {
  const w = docWordAt(fa.text, offset);
  if (!w) return undefined;
  const kind = docTypeKind(project, fa, w.word);
  if (!kind) return safely(() => docFieldHover(project, fa, w.word, w.span));
  const cls = project.classes().get(w.word);
  const parts = ['```lua\n' + `(${kind}) ${w.word}` + '\n```'];
  if (cls?.doc) parts.push(cls.doc);
  return { markdown: parts.join('\n\n'), span: w.span };
}

/** `---@see A.x`: the field of a class named in a comment, `(field) A.x: number`. */
function docFieldHover(
  project: Project,
  fa: FileAnalysis,
  word: string,
  span: Span,
): HoverResult | undefined {
  const dot = word.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const cls = word.slice(0, dot);
  if (docTypeKind(project, fa, cls) !== 'class') return undefined;
  const m = new TypeEngine(project).member({ k: 'named', name: cls }, word.slice(dot + 1));
  if (!m) return undefined;
  return { markdown: '```lua\n' + `(field) ${word}: ${view(m.ty)}` + '\n```', span };
}
