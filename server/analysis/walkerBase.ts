import type * as lp from 'luaparse';
import {
  parseDiagnosticDirective,
  parseDocBlock,
  type DiagnosticDirective,
  type DocLine,
} from './annotations';
import type { AnalyzeOptions, FileAnalysis } from './fileAnalysis';
import { LineIndex } from './lineIndex';
import { redefinedLocal } from './lintRules';
import { registerDocClass } from './outline';
import { spanOf } from './parse';
import { initOf, mk, sp, type Expr, type Stmt } from './syntaxFacts';
import { docKey, type Effect, type Segment, type SegmentInputs, type WalkCache } from './walkCache';
import type {
  AnalysisDiagnostic,
  ApiClass,
  CallSite,
  Definition,
  DocBlock,
  DocSymbol,
  FieldDef,
  FoldInfo,
  FunctionInfo,
  InitInfo,
  Occurrence,
  Span,
} from './types';

/** A lexical scope: names declared in it, visible up to `end`. */
export class Scope {
  readonly names = new Map<string, Definition>();
  constructor(
    readonly parent: Scope | undefined,
    readonly end: number,
  ) {}
  lookup(name: string): Definition | undefined {
    const d = this.names.get(name);
    return d ?? this.parent?.lookup(name);
  }
}

/** The statement being recorded for the walk cache (see walkCache.ts). */
export interface Recorder {
  start: number;
  line: number;
  defBase: number;
  inputs: SegmentInputs;
  effects: Effect[];
  topVisible: Span[];
  ats: Extract<InitInfo, { kind: 'chain' }>[];
  createdFields: Set<FieldDef>;
  paramsSet: Set<Definition>;
  spans: Span[];
}

/**
 * The state of one file's scope walk and the operations every part of the walk shares: scope
 * lookups (recorded as inputs for the walk cache), definitions, doc comments, outline and folds.
 * walkExpressions.ts and walkStatements.ts extend it with the walk itself.
 */
export class WalkerBase {
  readonly lines: LineIndex;
  readonly defs: Definition[] = [];
  readonly occurrences: Occurrence[] = [];
  readonly globals = new Map<string, Definition>();
  readonly diags: AnalysisDiagnostic[] = [];
  readonly directives: DiagnosticDirective[] = [];
  readonly folds: FoldInfo[] = [];
  readonly calls: CallSite[] = [];
  readonly functions: FunctionInfo[] = [];
  readonly requires: FileAnalysis['requires'] = [];
  readonly classes = new Map<string, ApiClass>();
  readonly aliases = new Map<string, string>();
  readonly nodeSpans: Span[] | undefined;
  readonly memberUses: { defId: number; name: string; span: Span }[] = [];
  /** doc blocks by the line they end on */
  readonly docByEndLine = new Map<number, DocBlock>();
  isMeta = false;
  moduleReturn: FileAnalysis['moduleReturn'];
  symbolStack: DocSymbol[][] = [[]];
  fnStack: number[] = [-1];
  scope: Scope;
  topScope: Scope;
  /** the walk cache being built (open documents) and the previous version's */
  readonly segments: Map<Stmt, Segment> | undefined;
  readonly prev: WalkCache | undefined;
  rec: Recorder | undefined;
  remap: Int32Array | undefined;

  constructor(
    readonly uri: string,
    readonly text: string,
    comments: lp.Comment[],
    opts: AnalyzeOptions,
    caching = false,
    prev?: WalkCache,
  ) {
    this.lines = new LineIndex(text);
    this.scope = this.topScope = new Scope(undefined, text.length);
    this.nodeSpans = opts.keepNodeSpans ? [] : undefined;
    this.collectComments(comments);
    if (caching) this.segments = new Map();
    if (caching && prev && prev.isMeta === this.isMeta && prev.keepNodeSpans === !!this.nodeSpans) {
      this.prev = prev;
      this.remap = new Int32Array(prev.defCount).fill(-1);
    }
  }

  walkCache(): WalkCache | undefined {
    return this.segments
      ? {
          segments: this.segments,
          defCount: this.defs.length,
          isMeta: this.isMeta,
          keepNodeSpans: !!this.nodeSpans,
        }
      : undefined;
  }

  // ---- the walk cache ----------------------------------------------------------------------

  /** Scope lookup; a lookup that leaves the recorded statement is one of its inputs. */
  local(name: string): Definition | undefined {
    const d = this.scope.lookup(name);
    const r = this.rec;
    if (r && (!d || d.id < r.defBase) && !r.inputs.locals.has(name)) r.inputs.locals.set(name, d);
    return d;
  }

  global(name: string): Definition | undefined {
    const d = this.globals.get(name);
    const r = this.rec;
    if (r && (!d || d.id < r.defBase) && !r.inputs.globals.has(name)) r.inputs.globals.set(name, d);
    return d;
  }

  /** Defined before the statement being recorded. */
  isOuter(d: Definition): boolean {
    return this.rec !== undefined && d.id < this.rec.defBase;
  }

  effect(e: Effect): void {
    if (e.k === 'params') this.rec?.paramsSet.add(e.def);
    this.rec?.effects.push(e);
  }

  createdHere(d: Definition, name: string): boolean {
    const f = d.fields.get(name);
    return !!f && !!this.rec?.createdFields.has(f);
  }

  fieldCreated(base: Definition, field: FieldDef): void {
    if (!this.rec || !this.isOuter(base)) return;
    this.effect({ k: 'fieldNew', def: base, field });
    this.rec.createdFields.add(field);
  }

  initOf(e: Expr | undefined): InitInfo | undefined {
    const i = initOf(e);
    if (this.rec && i?.kind === 'chain' && i.at !== undefined) this.rec.ats.push(i);
    return i;
  }

  collectComments(comments: lp.Comment[]): void {
    let block: DocLine[] = [];
    let lastLine = -2;
    let commentFoldStart = -1;
    let commentFoldEnd = -2;
    const flush = () => {
      if (block.length) {
        const doc = parseDocBlock(block);
        this.docByEndLine.set(block[block.length - 1].line, doc);
        for (const l of block) if (/^\s*@meta\b/.test(l.text)) this.isMeta = true;
        registerDocClass(this.classes, this.aliases, doc, this.uri, this.isMeta);
      }
      block = [];
    };
    for (const c of comments) {
      const span = spanOf(c);
      const line = this.lines.lineOf(span.start);
      const endLine = this.lines.lineOf(span.end);
      if (line === commentFoldEnd + 1) commentFoldEnd = endLine;
      else {
        if (commentFoldEnd > commentFoldStart)
          this.folds.push({ startLine: commentFoldStart, endLine: commentFoldEnd, kind: 'comment' });
        commentFoldStart = line;
        commentFoldEnd = endLine;
      }
      const isDoc = c.raw.startsWith('---') && !c.raw.startsWith('---[[');
      // `local m ---note`: a comment after code on its line belongs to that line, not to a block
      const trailing = /\S/.test(this.text.slice(this.lines.offset(line, 0), span.start));
      if (isDoc) {
        const t = c.raw.slice(3);
        const dir = parseDiagnosticDirective(t, line);
        if (dir) this.directives.push(dir);
        if (line !== lastLine + 1 || trailing) flush();
        block.push({ text: t, span, line });
        lastLine = line;
        // a comment after code on its line is a block of its own (`local l = {} ---@type T[]`)
        if (trailing) {
          flush();
          lastLine = -2;
        }
      } else {
        flush();
        lastLine = -2;
      }
    }
    flush();
    if (commentFoldEnd > commentFoldStart)
      this.folds.push({ startLine: commentFoldStart, endLine: commentFoldEnd, kind: 'comment' });
  }

  docFor(node: { type: string }): DocBlock | undefined {
    const line = this.lines.lineOf(spanOf(node).start);
    const doc = this.docByEndLine.get(line - 1);
    const r = this.rec;
    if (r) r.inputs.docs.push({ relLine: line - 1 - r.line, doc, key: docKey(doc, r.start, this.text) });
    return doc;
  }

  // ---- definitions -------------------------------------------------------------------------

  newDef(name: string, kind: Definition['kind'], span: Span, fullSpan: Span, visible?: Span): Definition {
    const d: Definition = {
      id: this.defs.length,
      name,
      kind,
      span,
      fullSpan,
      visible,
      refs: [span],
      reads: 0,
      fields: new Map(),
    };
    this.defs.push(d);
    this.occurrences.push({
      span,
      defId: d.id,
      isDeclaration: true,
      isCall: false,
      global: visible ? undefined : name,
    });
    return d;
  }

  declareLocal(id: lp.Identifier, kind: Definition['kind'], fullSpan: Span, visibleFrom: number): Definition {
    const span = sp(id);
    if (id.name !== '_' && !id.name.startsWith('_') && kind !== 'self') {
      const prev = this.local(id.name);
      if (prev && prev.visible && kind !== 'parameter') {
        redefinedLocal(this.diags, id.name, span);
      }
    }
    const d = this.newDef(id.name, kind, span, fullSpan, mk(visibleFrom, this.scope.end));
    this.scope.names.set(id.name, d);
    if (this.rec && this.scope === this.topScope) {
      this.rec.effects.push({ k: 'scope', name: id.name, def: d });
      if (d.visible) this.rec.topVisible.push(d.visible);
    }
    return d;
  }

  defineGlobal(name: string, span: Span, fullSpan: Span, isFunction: boolean): Definition {
    const existing = this.global(name);
    if (existing) {
      existing.refs.push(span);
      if (this.isOuter(existing)) this.effect({ k: 'ref', def: existing, span, read: false });
      this.occurrences.push({ span, defId: existing.id, global: name, isDeclaration: false, isCall: false });
      return existing;
    }
    const d = this.newDef(name, isFunction ? 'globalFunction' : 'global', span, fullSpan);
    this.globals.set(name, d);
    if (this.rec) this.rec.effects.push({ k: 'global', name, def: d });
    return d;
  }

  symbol(sym: DocSymbol): DocSymbol {
    this.symbolStack[this.symbolStack.length - 1].push(sym);
    return sym;
  }

  fold(span: Span): void {
    const a = this.lines.lineOf(span.start);
    const b = this.lines.lineOf(span.end);
    if (b - 1 > a) this.folds.push({ startLine: a, endLine: b - 1 });
  }
}
