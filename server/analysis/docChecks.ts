import { BUILTIN_TYPES, TYPE_WORDS } from './builtinTypes';
import type { Project } from './project';
import { typeText } from './refDocs';
import type { FileAnalysis } from './resolve';
import type { AnalysisDiagnostic, Span } from './types';

/**
 * Diagnostics on the annotations themselves, with LuaLS's names and spans: `undefined-doc-name`
 * (a type nobody declares), `undefined-doc-class` (an unknown parent class), `undefined-doc-param`
 * (a `---@param` the function does not have), `duplicate-doc-param`, `duplicate-doc-field`,
 * `doc-field-no-class` (a `---@field` outside a class block) and `unknown-diag-code` (a
 * `---@diagnostic` code that does not exist). Pure: from the file's text and the project's classes
 * and aliases.
 */

/** Every diagnostic code LuaLS knows, plus ours: what `---@diagnostic` may name. */
const KNOWN_CODES = new Set(
  (
    'action-after-return ambiguity-1 ambiguous-syntax args-after-dots assign-type-mismatch await-in-sync ' +
    'block-after-else boolean-context break-outside cast-local-type cast-type-mismatch circle-doc-class ' +
    'close-non-object code-after-break codestyle-check count-down-loop deprecated different-requires ' +
    'discard-returns doc-field-no-class duplicate-doc-alias duplicate-doc-field duplicate-doc-param ' +
    'duplicate-index duplicate-set-field empty-block err-assign-as-eq err-c-long-comment ' +
    'err-comment-prefix err-do-as-then err-eq-as-assign err-esc err-nonstandard-symbol err-then-as-do ' +
    'exp-in-action global-element global-in-nil-env incomplete-signature-doc index-in-func-name ' +
    'inject-field invisible jump-local-scope keyword lowercase-global malformed-number ' +
    'mismatched-quote-types miss-end miss-esc-x miss-exp miss-exponent miss-field miss-loop-max ' +
    'miss-loop-min miss-method miss-name miss-sep-in-table miss-space-between miss-symbol ' +
    'missing-export-doc missing-fields missing-global-doc missing-local-export-doc missing-parameter ' +
    'missing-return missing-return-value name-style-check need-check-nil newfield-call newline-call ' +
    'no-unknown no-unknown-operations no-visible-label not-yieldable param-type-mismatch ' +
    'redefined-label redefined-local redundant-parameter redundant-return redundant-return-value ' +
    'redundant-value return-type-mismatch set-const spell-check syntax-error trailing-space ' +
    'unbalanced-assignments undefined-doc-class undefined-doc-name undefined-doc-param ' +
    'undefined-env-child undefined-field undefined-global unexpect-dots unexpect-efunc-name ' +
    'unexpect-lfunc-name unexpect-symbol unicode-name unknown-attribute unknown-cast-variable ' +
    'unknown-diag-code unknown-operator unknown-symbol unnecessary-assert unreachable-code ' +
    'unsupported-symbol unused-function unused-label unused-local unused-parameter unused-vararg ' +
    'uppercase-local'
  ).split(' '),
);

interface DocLine {
  line: number;
  /** offset of the text after `---` */
  at: number;
  text: string;
}

/** Classes and aliases declared in the file, for the file-wide checks. */
interface Declared {
  aliases: Map<string, Span[]>;
  classes: Map<string, { name: Span; whole: Span; parents: string[] }>;
}

export function docDiagnostics(project: Project, fa: FileAnalysis): AnalysisDiagnostic[] {
  if (!fa.text.includes('---')) return [];
  const out: AnalysisDiagnostic[] = [];
  const known = knownNames(project, fa);
  const declared: Declared = { aliases: new Map(), classes: new Map() };
  for (const block of docBlocks(fa)) new BlockCheck(fa, block, known, out, declared).run();
  // an alias declared twice, or with a class's name
  for (const [name, spans] of declared.aliases)
    if (spans.length > 1 || declared.classes.has(name))
      for (const s of spans)
        out.push({
          code: 'duplicate-doc-alias',
          span: s,
          message: `\`${name}\` is declared twice.`,
          severity: 'warning',
        });
  // classes that inherit from themselves
  for (const [name, c] of declared.classes) {
    const seen = new Set<string>();
    const stack = [...c.parents];
    let circular = false;
    while (stack.length && !circular) {
      const p = stack.pop() as string;
      if (p === name) circular = true;
      else if (!seen.has(p)) {
        seen.add(p);
        stack.push(...(declared.classes.get(p)?.parents ?? []));
      }
    }
    if (circular)
      out.push({
        code: 'circle-doc-class',
        span: c.whole,
        message: `\`${name}\` inherits from itself.`,
        severity: 'warning',
      });
  }
  return out;
}

/** The alias, enum and class names a file declares (cached per stored analysis). */
const declaredNames = new WeakMap<FileAnalysis, string[]>();
function namesOf(f: FileAnalysis): string[] {
  let n = declaredNames.get(f);
  if (!n) {
    n = [...f.aliases.keys(), ...f.classes.keys()];
    if (f.text.includes('@enum') || f.text.includes('@alias'))
      for (const m of f.text.matchAll(/---\s*@(?:enum|alias)\s+(?:\([^)]*\)\s*)?([A-Za-z_][\w.]*)/g))
        n.push(m[1]);
    declaredNames.set(f, n);
  }
  return n;
}

/** Classes, aliases and enums of the project and this file. */
function knownNames(project: Project, fa: FileAnalysis): Set<string> {
  const out = new Set<string>(project.classes().keys());
  for (const f of [...project.hostFiles, ...project.files.values(), fa])
    for (const n of namesOf(f)) out.add(n);
  return out;
}

/** Runs of consecutive `---` lines. */
function docBlocks(fa: FileAnalysis): DocLine[][] {
  const blocks: DocLine[][] = [];
  let cur: DocLine[] = [];
  for (const m of fa.text.matchAll(/^[ \t]*---(?!\[)(.*)$/gm)) {
    const at = (m.index ?? 0) + m[0].length - m[1].length;
    const line = fa.lines.lineOf(at);
    if (cur.length && cur[cur.length - 1].line !== line - 1) {
      blocks.push(cur);
      cur = [];
    }
    cur.push({ line, at, text: m[1] });
  }
  if (cur.length) blocks.push(cur);
  return blocks;
}

class BlockCheck {
  private cls: string | undefined;
  private readonly fields = new Map<string, Span[]>();
  private readonly params = new Map<string, Span[]>();
  private readonly generics = new Set<string>();
  private purpose = false;

  constructor(
    readonly fa: FileAnalysis,
    readonly block: DocLine[],
    readonly known: Set<string>,
    readonly out: AnalysisDiagnostic[],
    readonly declared: Declared,
  ) {}

  private diag(code: string, span: Span, message: string): void {
    this.out.push({ code, span, message, severity: 'warning' });
  }

  run(): void {
    for (const l of this.block) {
      const g = /^\s*@generic\s+(.*)$/.exec(l.text);
      if (g) for (const n of g[1].matchAll(/([A-Za-z_]\w*)\s*(?::[^,]*)?/g)) this.generics.add(n[1]);
    }
    for (const l of this.block) this.line(l);
    for (const spans of [...this.fields.values(), ...this.params.values()]) {
      if (spans.length < 2) continue;
      for (const s of spans) {
        const name = this.fa.text.slice(s.start, s.end);
        const isParam = this.params.get(name) === spans;
        this.diag(
          isParam ? 'duplicate-doc-param' : 'duplicate-doc-field',
          s,
          `\`${name}\` is annotated twice.`,
        );
      }
    }
    this.undefinedParams();
  }

  /** One `---@tag ...` line: the tag's own checks, then the type names after it. */
  private line(l: DocLine): void {
    const m = /^(\s*@(\w+)\s*)(.*)$/.exec(l.text);
    if (!m) return;
    const tag = m[2];
    const at = l.at + m[1].length;
    const rest = m[3];
    let type: { at: number; rest: string } | undefined;
    switch (tag) {
      case 'class':
        this.classTag(at, rest);
        return;
      case 'field':
        this.purpose = true;
        type = this.fieldTag(at, rest);
        break;
      case 'param':
        type = this.paramTag(at, rest);
        break;
      case 'alias':
        this.purpose = true;
        type = this.aliasTag(at, rest);
        break;
      case 'type':
        this.purpose = true;
        type = { at, rest };
        break;
      case 'return':
        type = { at, rest };
        break;
      case 'diagnostic':
        this.diagCodes(rest, at);
        return;
      default:
        return;
    }
    if (!type) return;
    this.types(typeText(type.rest.trim()), type.at + (type.rest.length - type.rest.trimStart().length));
  }

  /** `---@class Name : Parent, ...`: declared here; each parent must be known. */
  private classTag(at: number, rest: string): void {
    const c = /^(\([^)]*\)\s*)?([A-Za-z_][\w.]*)\s*(?::\s*(.*))?$/.exec(rest);
    if (!c) return;
    this.cls = c[2];
    const nameAt = at + (c[1]?.length ?? 0);
    const whole = rest.trimEnd();
    if (!this.declared.classes.has(c[2]))
      this.declared.classes.set(c[2], {
        name: { start: nameAt, end: nameAt + c[2].length },
        whole: { start: nameAt, end: at + whole.length },
        parents: [...(c[3] ?? '').matchAll(/[A-Za-z_][\w.]*/g)].map((p) => p[0]),
      });
    if (c[3] === undefined) return;
    const parentsAt = at + rest.length - c[3].length;
    for (const p of c[3].matchAll(/[A-Za-z_][\w.]*/g)) {
      if (this.isKnown(p[0])) continue;
      const s = parentsAt + (p.index ?? 0);
      this.diag('undefined-doc-class', { start: s, end: s + p[0].length }, `Undefined class \`${p[0]}\`.`);
    }
  }

  /** `---@field [scope] key[?] type`: only inside a class; the type after the key. */
  private fieldTag(at: number, rest: string): { at: number; rest: string } | undefined {
    const body = rest.trimEnd();
    if (!this.cls) {
      this.diag(
        'doc-field-no-class',
        { start: at, end: at + body.length },
        '`---@field` must follow a `---@class`.',
      );
      return undefined;
    }
    const f =
      /^(?:(private|protected|public|package)\s+)?(?:\[\s*([^\]]+?)\s*\]|([A-Za-z_][\w]*))(\??)\s*/.exec(
        rest,
      );
    if (!f) return undefined;
    const keyText = f[2] ?? f[3];
    const keyAt = at + f[0].indexOf(keyText);
    const afterKey = rest.slice(f[0].length);
    if (!/^fun\s*\(/.test(afterKey.trim())) {
      const l2 = this.fields.get(keyText) ?? [];
      l2.push({ start: keyAt, end: keyAt + keyText.length });
      this.fields.set(keyText, l2);
    }
    if (f[2]) this.types(f[2], keyAt);
    return { at: at + f[0].length, rest: afterKey };
  }

  /** `---@param name[?] type`: the name is remembered (duplicates, unknown parameters). */
  private paramTag(at: number, rest: string): { at: number; rest: string } | undefined {
    const p = /^([A-Za-z_]\w*|\.\.\.)(\??)\s*/.exec(rest);
    if (!p) return undefined;
    const l2 = this.params.get(p[1]) ?? [];
    l2.push({ start: at, end: at + p[1].length });
    this.params.set(p[1], l2);
    return { at: at + p[0].length, rest: rest.slice(p[0].length) };
  }

  /** `---@alias Name type`: declared here. */
  private aliasTag(at: number, rest: string): { at: number; rest: string } | undefined {
    const a = /^([A-Za-z_][\w.]*)\s*/.exec(rest);
    if (!a) return undefined;
    const l2 = this.declared.aliases.get(a[1]) ?? [];
    l2.push({ start: at, end: at + a[1].length });
    this.declared.aliases.set(a[1], l2);
    return { at: at + a[0].length, rest: rest.slice(a[0].length) };
  }

  private isKnown(name: string): boolean {
    return BUILTIN_TYPES.has(name) || TYPE_WORDS.has(name) || this.generics.has(name) || this.known.has(name);
  }

  /** Each unknown type name in a type expression. */
  private types(type: string, at: number): void {
    for (const m of type.matchAll(/[A-Za-z_][\w.]*/g)) {
      const i = m.index ?? 0;
      const after = type.slice(i + m[0].length);
      const before = type.slice(0, i);
      if (/^\s*\??\s*:/.test(after) && /[({,]\s*$/.test(before)) continue; // a parameter or key name
      if ((before.match(/["'`]/g) ?? []).length % 2 === 1) continue; // inside a literal type
      if (/\.\.\.$/.test(before)) continue;
      if (this.isKnown(m[0])) continue;
      const s = at + i;
      this.diag(
        'undefined-doc-name',
        { start: s, end: s + m[0].length },
        `Undefined type or alias \`${m[0]}\`.`,
      );
    }
  }

  private diagCodes(rest: string, at: number): void {
    const c = rest.indexOf(':');
    if (c < 0) return;
    for (const m of rest.slice(c + 1).matchAll(/[\w-]+/g)) {
      if (KNOWN_CODES.has(m[0])) continue;
      const s = at + c + 1 + (m.index ?? 0);
      this.diag(
        'unknown-diag-code',
        { start: s, end: s + m[0].length },
        `Unknown diagnostic code \`${m[0]}\`.`,
      );
    }
  }

  /** `---@param y` where the function after the block has no parameter `y`. */
  private undefinedParams(): void {
    if (!this.params.size || this.purpose) return;
    const last = this.block[this.block.length - 1].line;
    const lines = this.fa.lines;
    const next = last + 1 < lines.lineCount ? lines.lineText(last + 1) : '';
    const decl = /^\s*(?:local\s+)?function\s+([\w.:]+)\s*\(([^)]*)\)/.exec(next);
    const value = /^\s*(?:local\s+)?[\w.:]+\s*=\s*function\s*\(([^)]*)\)/.exec(next);
    const list = decl ? decl[2] : value?.[1];
    const names = new Set((list ?? '').split(',').map((x) => x.trim()));
    if (decl?.[1].includes(':')) names.add('self');
    for (const [name, spans] of this.params) {
      if (names.has(name)) continue;
      for (const s of spans)
        this.diag('undefined-doc-param', s, `The function has no parameter \`${name}\`.`);
    }
  }
}
