import type * as lp from 'luaparse';
import {
  parseDiagnosticDirective,
  parseDocBlock,
  type DiagnosticDirective,
  type DocLine,
} from './annotations';
import { LineIndex } from './lineIndex';
import { parseLua, reparse, spanOf, type Attribute, type ParseState } from './parse';
import {
  docKey,
  newInputs,
  replay,
  snapshot,
  type Effect,
  type Segment,
  type SegmentInputs,
  type WalkCache,
} from './walkCache';
import type {
  AnalysisDiagnostic,
  ApiClass,
  ApiMember,
  CallSite,
  ChainItem,
  Definition,
  DocBlock,
  DocSymbol,
  FieldDef,
  FoldInfo,
  FunctionInfo,
  InitInfo,
  Occurrence,
  ParamInfo,
  Span,
  SymbolKindName,
  SyntaxErrorInfo,
} from './types';

type Expr = lp.Expression;
type Stmt = lp.Statement;

/** Everything known about one file after parsing and scope resolution. */
export interface FileAnalysis {
  uri: string;
  text: string;
  lines: LineIndex;
  isMeta: boolean;
  syntaxErrors: SyntaxErrorInfo[];
  defs: Definition[];
  /** sorted by span.start */
  occurrences: Occurrence[];
  /** globals assigned in this file (first assignment is the definition) */
  globals: Map<string, Definition>;
  /** diagnostics decidable from this file alone */
  localDiagnostics: AnalysisDiagnostic[];
  directives: DiagnosticDirective[];
  symbols: DocSymbol[];
  folds: FoldInfo[];
  calls: CallSite[];
  functions: FunctionInfo[];
  requires: { module: string; span: Span; defId?: number }[];
  /** the value returned by the chunk (for `require`) */
  moduleReturn?: { defId?: number; init?: InitInfo };
  classes: Map<string, ApiClass>;
  aliases: Map<string, string>;
  attributes: Attribute[];
  /** statement/expression spans for selection ranges (open files only) */
  nodeSpans?: Span[];
  /** a compact summary of a closed file (see summary.ts): no occurrences, calls, functions */
  summary?: boolean;
  /** the syntax tree, kept for open documents so the next version re-parses only what changed */
  parseState?: ParseState;
}

class Scope {
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

/** Spans created while a top-level statement is recorded (see walkCache.ts). */
let spanSink: Span[] | undefined;

/** `spanOf`, registering the new span with the statement being recorded. */
function sp(node: { type: string }): Span {
  const s = spanOf(node);
  if (spanSink) spanSink.push(s);
  return s;
}

/** A new span, registered like `sp`. */
function mk(start: number, end: number): Span {
  const s = { start, end };
  if (spanSink) spanSink.push(s);
  return s;
}

export function exprChain(e: Expr | null | undefined): ChainItem[] | undefined {
  if (!e) return undefined;
  switch (e.type) {
    case 'Identifier':
      return [{ name: e.name, sep: '', called: false }];
    case 'MemberExpression': {
      const base = exprChain(e.base);
      return base ? [...base, { name: e.identifier.name, sep: e.indexer, called: false }] : undefined;
    }
    case 'CallExpression':
    case 'StringCallExpression':
    case 'TableCallExpression': {
      const base = exprChain(e.base);
      if (!base) return undefined;
      const last = base[base.length - 1];
      if (last.called) return undefined;
      return [...base.slice(0, -1), { ...last, called: true }];
    }
    default:
      return undefined;
  }
}

function callArgs(e: lp.CallExpression | lp.StringCallExpression | lp.TableCallExpression): Expr[] {
  if (e.type === 'CallExpression') return e.arguments;
  if (e.type === 'StringCallExpression') return [e.argument];
  return [e.arguments];
}

function isCall(e: Expr | undefined): boolean {
  return (
    !!e &&
    (e.type === 'CallExpression' || e.type === 'StringCallExpression' || e.type === 'TableCallExpression')
  );
}

function requireModule(e: Expr | undefined): { module: string; span: Span } | undefined {
  if (!e || !isCall(e)) return undefined;
  const c = e as lp.CallExpression | lp.StringCallExpression | lp.TableCallExpression;
  if (c.base.type !== 'Identifier' || c.base.name !== 'require') return undefined;
  const a = callArgs(c)[0];
  if (a?.type !== 'StringLiteral') return undefined;
  const raw = (a as { raw: string }).raw;
  const m = /^(['"])(.*)\1$/s.exec(raw) ?? /^\[=*\[(.*)\]=*\]$/s.exec(raw);
  const module = m ? m[m.length - 1] : raw;
  return { module, span: sp(a) };
}

function initOf(e: Expr | undefined): InitInfo | undefined {
  if (!e) return undefined;
  switch (e.type) {
    case 'TableConstructorExpression':
      return { kind: 'table' };
    case 'FunctionDeclaration':
      return { kind: 'function' };
    case 'StringLiteral':
      return { kind: 'string' };
    case 'NumericLiteral':
      return { kind: 'number' };
    case 'BooleanLiteral':
      return { kind: 'boolean' };
    case 'BinaryExpression':
      return e.operator === '..' ? { kind: 'string' } : { kind: 'number' };
    default: {
      const req = requireModule(e);
      if (req) return { kind: 'require', module: req.module };
      const chain = exprChain(e);
      return chain ? { kind: 'chain', chain, at: spanOf(e).start } : { kind: 'other' };
    }
  }
}

function paramsOf(
  fn: lp.FunctionDeclaration,
  doc: DocBlock | undefined,
): { params: ParamInfo[]; vararg: boolean } {
  const params: ParamInfo[] = [];
  let vararg = false;
  for (const p of fn.parameters) {
    const name = p.type === 'Identifier' ? p.name : '...';
    if (name === '...') vararg = true;
    const d = doc?.params.find((x) => x.name === name);
    params.push({ name, type: d?.type, optional: d?.optional || name === '...', doc: d?.doc });
  }
  return { params, vararg };
}

const SPAN_NODE_TYPES = new Set([
  'FunctionDeclaration',
  'IfStatement',
  'IfClause',
  'ElseifClause',
  'ElseClause',
  'WhileStatement',
  'DoStatement',
  'RepeatStatement',
  'ForNumericStatement',
  'ForGenericStatement',
  'LocalStatement',
  'AssignmentStatement',
  'CallStatement',
  'ReturnStatement',
  'TableConstructorExpression',
  'CallExpression',
  'StringCallExpression',
  'TableCallExpression',
  'MemberExpression',
  'IndexExpression',
  'BinaryExpression',
  'LogicalExpression',
  'StringLiteral',
  'TableKeyString',
  'TableKey',
]);

export interface AnalyzeOptions {
  /** keep statement/expression spans (selection ranges); on for open documents */
  keepNodeSpans?: boolean;
  /** keep the syntax tree (`parseState`) for an incremental re-parse of the next version */
  keepParseState?: boolean;
  /** the previous version's `parseState` (consumed) */
  previous?: ParseState;
}

/** The statement being recorded for the walk cache (see walkCache.ts). */
interface Recorder {
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

const byStart = (a: Occurrence, b: Occurrence) => a.span.start - b.span.start;

/** Parse and resolve one file. Pure and synchronous; never throws on any input. */
export function analyzeFile(uri: string, text: string, opts: AnalyzeOptions = {}): FileAnalysis {
  const parsed = (opts.previous && reparse(text, opts.previous)) || parseLua(text);
  const caching = !!(opts.keepParseState && parsed.state);
  const w = new Walker(uri, text, parsed.comments, opts, caching, opts.previous?.walk);
  w.run(parsed.chunk);
  const fa = w.result(parsed.errors, parsed.attributes);
  if (opts.keepParseState) fa.parseState = parsed.state;
  if (parsed.state) parsed.state.walk = w.walkCache();
  for (const a of parsed.attributes) {
    const occ = fa.occurrences.find(
      (o) => o.isDeclaration && o.span.end <= a.span.start && a.span.start - o.span.end < 8,
    );
    const def = occ?.defId !== undefined ? fa.defs[occ.defId] : undefined;
    if (def) {
      def.attribute = a.name;
      if (a.name === 'close')
        fa.localDiagnostics = fa.localDiagnostics.filter(
          (d) => !(d.code === 'unused-local' && d.span.start === def.span.start),
        );
    }
  }
  return fa;
}

class Walker {
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
  private readonly segments: Map<Stmt, Segment> | undefined;
  private readonly prev: WalkCache | undefined;
  private rec: Recorder | undefined;
  private remap: Int32Array | undefined;

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
  private local(name: string): Definition | undefined {
    const d = this.scope.lookup(name);
    const r = this.rec;
    if (r && (!d || d.id < r.defBase) && !r.inputs.locals.has(name)) r.inputs.locals.set(name, d);
    return d;
  }

  private global(name: string): Definition | undefined {
    const d = this.globals.get(name);
    const r = this.rec;
    if (r && (!d || d.id < r.defBase) && !r.inputs.globals.has(name)) r.inputs.globals.set(name, d);
    return d;
  }

  /** Defined before the statement being recorded. */
  private isOuter(d: Definition): boolean {
    return this.rec !== undefined && d.id < this.rec.defBase;
  }

  private effect(e: Effect): void {
    if (e.k === 'params') this.rec?.paramsSet.add(e.def);
    this.rec?.effects.push(e);
  }

  private createdHere(d: Definition, name: string): boolean {
    const f = d.fields.get(name);
    return !!f && !!this.rec?.createdFields.has(f);
  }

  private fieldCreated(base: Definition, field: FieldDef): void {
    if (!this.rec || !this.isOuter(base)) return;
    this.effect({ k: 'fieldNew', def: base, field });
    this.rec.createdFields.add(field);
  }

  private initOf(e: Expr | undefined): InitInfo | undefined {
    const i = initOf(e);
    if (this.rec && i?.kind === 'chain' && i.at !== undefined) this.rec.ats.push(i);
    return i;
  }

  /** Walk a top-level statement, or replay its segment from the previous version. */
  private topStatement(s: Stmt): void {
    const segments = this.segments;
    if (!segments) return this.statement(s);
    const start = spanOf(s).start;
    const line = this.lines.lineOf(start);
    const old = this.prev?.segments.get(s);
    if (old && this.remap) {
      const replayed = replay(
        old,
        {
          text: this.text,
          defs: this.defs,
          occurrences: this.occurrences,
          diags: this.diags,
          folds: this.folds,
          calls: this.calls,
          functions: this.functions,
          requires: this.requires,
          nodeSpans: this.nodeSpans,
          memberUses: this.memberUses,
          topSymbols: this.symbolStack[0],
          topLookup: (name) => this.topScope.lookup(name),
          topNames: this.topScope.names,
          globals: this.globals,
          docAt: (l) => this.docByEndLine.get(l),
          remap: this.remap,
        },
        start,
        line,
      );
      if (replayed) {
        if (old.moduleReturn) this.moduleReturn = old.moduleReturn.value;
        segments.set(s, old);
        return;
      }
    }
    const rec: Recorder = {
      start,
      line,
      defBase: this.defs.length,
      inputs: newInputs(),
      effects: [],
      topVisible: [],
      ats: [],
      createdFields: new Set(),
      paramsSet: new Set(),
      spans: [],
    };
    const at = {
      occ: this.occurrences.length,
      diags: this.diags.length,
      folds: this.folds.length,
      calls: this.calls.length,
      fns: this.functions.length,
      reqs: this.requires.length,
      nodes: this.nodeSpans?.length ?? 0,
      uses: this.memberUses.length,
      syms: this.symbolStack[0].length,
    };
    const mr = this.moduleReturn;
    this.rec = rec;
    spanSink = rec.spans;
    try {
      this.statement(s);
    } finally {
      this.rec = undefined;
      spanSink = undefined;
    }
    const occ = this.occurrences.slice(at.occ).sort(byStart);
    for (let i = 0; i < occ.length; i++) this.occurrences[at.occ + i] = occ[i];
    const defs = this.defs.slice(rec.defBase);
    const seg: Segment = {
      start,
      line,
      defBase: rec.defBase,
      fnBase: at.fns,
      defs,
      snapRefs: [],
      snapReads: [],
      snapFields: [],
      snapParams: [],
      fieldSnaps: [],
      occurrences: occ,
      diags: this.diags.slice(at.diags),
      folds: this.folds.slice(at.folds),
      calls: this.calls.slice(at.calls),
      functions: this.functions.slice(at.fns),
      requires: this.requires.slice(at.reqs),
      nodeSpans: this.nodeSpans?.slice(at.nodes) ?? [],
      memberUses: this.memberUses.slice(at.uses),
      symbols: this.symbolStack[0].slice(at.syms),
      spans: rec.spans,
      ats: rec.ats,
      topVisible: rec.topVisible,
      docHolders: [],
      moduleReturn:
        this.moduleReturn !== mr && this.moduleReturn
          ? {
              value: this.moduleReturn,
              def: this.moduleReturn.defId !== undefined ? this.defs[this.moduleReturn.defId] : undefined,
            }
          : undefined,
      inputs: rec.inputs,
      effects: rec.effects,
    };
    snapshot(seg, [...rec.createdFields]);
    segments.set(s, seg);
  }

  private collectComments(comments: lp.Comment[]): void {
    let block: DocLine[] = [];
    let lastLine = -2;
    let commentFoldStart = -1;
    let commentFoldEnd = -2;
    const flush = () => {
      if (block.length) {
        const doc = parseDocBlock(block);
        this.docByEndLine.set(block[block.length - 1].line, doc);
        for (const l of block) if (/^\s*@meta\b/.test(l.text)) this.isMeta = true;
        this.registerDocClass(doc);
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
      if (isDoc) {
        const t = c.raw.slice(3);
        const dir = parseDiagnosticDirective(t, line);
        if (dir) this.directives.push(dir);
        if (line !== lastLine + 1) flush();
        block.push({ text: t, span, line });
        lastLine = line;
      } else {
        flush();
        lastLine = -2;
      }
    }
    flush();
    if (commentFoldEnd > commentFoldStart)
      this.folds.push({ startLine: commentFoldStart, endLine: commentFoldEnd, kind: 'comment' });
  }

  private registerDocClass(doc: DocBlock): void {
    for (const a of doc.aliases) this.aliases.set(a.name, a.type);
    if (!doc.className) return;
    let cls = this.classes.get(doc.className);
    if (!cls) {
      cls = {
        name: doc.className,
        parents: doc.classParents,
        fields: new Map(),
        doc: doc.description || undefined,
        location: { uri: this.uri, span: doc.span },
      };
      this.classes.set(doc.className, cls);
    }
    for (const f of doc.fields)
      cls.fields.set(f.name, {
        ...f,
        origin: this.isMeta ? 'host' : 'workspace',
        location: { uri: this.uri, span: doc.span },
      });
  }

  private docFor(node: { type: string }): DocBlock | undefined {
    const line = this.lines.lineOf(spanOf(node).start);
    const doc = this.docByEndLine.get(line - 1);
    const r = this.rec;
    if (r) r.inputs.docs.push({ relLine: line - 1 - r.line, doc, key: docKey(doc, r.start, this.text) });
    return doc;
  }

  run(chunk: lp.Chunk): void {
    // the top-level block, as `block` does, one statement at a time for the walk cache
    const body = chunk.body;
    const saved = this.scope;
    this.scope = this.topScope = new Scope(saved, this.text.length);
    let terminated: string | undefined;
    let reported = false;
    for (const s of body) {
      if (terminated && !reported) {
        reported = true;
        this.diags.push({
          code: 'unreachable-code',
          message: `Unreachable code (after ${terminated}).`,
          span: { start: spanOf(s).start, end: spanOf(body[body.length - 1]).end },
          severity: 'hint',
          unnecessary: true,
        });
      }
      this.topStatement(s);
      if (!terminated) terminated = this.terminates(s);
    }
    this.scope = saved;
    // attach member uses to fields seen anywhere in the file
    for (const u of this.memberUses) {
      const f = this.defs[u.defId].fields.get(u.name);
      if (f && !f.refs.some((r) => r.start === u.span.start)) f.refs.push(u.span);
    }
  }

  result(errors: SyntaxErrorInfo[], attributes: Attribute[]): FileAnalysis {
    // with the walk cache, each statement's occurrences are sorted (and statements are in order)
    if (!this.segments) this.occurrences.sort(byStart);
    this.finishUnused();
    this.finishClasses();
    return {
      uri: this.uri,
      text: this.text,
      lines: this.lines,
      isMeta: this.isMeta,
      syntaxErrors: errors,
      defs: this.defs,
      occurrences: this.occurrences,
      globals: this.globals,
      localDiagnostics: this.diags,
      directives: this.directives,
      symbols: this.symbolStack[0],
      folds: this.folds,
      calls: this.calls,
      functions: this.functions,
      requires: this.requires,
      moduleReturn: this.moduleReturn,
      classes: this.classes,
      aliases: this.aliases,
      attributes,
      nodeSpans: this.nodeSpans,
    };
  }

  private finishUnused(): void {
    for (const d of this.defs) {
      if (
        d.kind !== 'local' &&
        d.kind !== 'localFunction' &&
        d.kind !== 'parameter' &&
        d.kind !== 'forVariable'
      )
        continue;
      if (d.reads > 0 || d.name.startsWith('_') || d.name === '...' || d.attribute === 'close') continue;
      if (d.kind === 'local' && d.fields.size > 0 && d.refs.length > 1) continue;
      const code =
        d.kind === 'localFunction'
          ? 'unused-function'
          : d.kind === 'parameter'
            ? 'unused-parameter'
            : 'unused-local';
      const what = d.kind === 'localFunction' ? 'function' : d.kind === 'parameter' ? 'parameter' : 'local';
      this.diags.push({
        code,
        message: `Unused ${what} \`${d.name}\`.`,
        span: d.span,
        severity: 'hint',
        unnecessary: true,
        data: {
          name: d.name,
          removeSpan: d.kind === 'parameter' || d.kind === 'forVariable' ? undefined : d.fullSpan,
        },
      });
    }
  }

  private finishClasses(): void {
    for (const d of this.defs) {
      const cn = d.doc?.className;
      if (!cn) continue;
      const cls = this.classes.get(cn);
      if (!cls) continue;
      cls.location = { uri: this.uri, span: d.span };
      for (const f of d.fields.values()) {
        if (cls.fields.has(f.name)) continue;
        cls.fields.set(f.name, this.fieldToMember(f));
      }
    }
  }

  fieldToMember(f: FieldDef): ApiMember {
    const doc = f.doc;
    return {
      name: f.name,
      kind: f.isFunction ? (f.params?.[0]?.name === 'self' ? 'method' : 'function') : 'field',
      doc: doc?.description || undefined,
      params: f.params?.filter((p) => p.name !== 'self'),
      returns: doc?.returns,
      type: doc?.type,
      isVararg: f.isVararg,
      location: { uri: this.uri, span: f.span },
      origin: this.isMeta ? 'host' : 'workspace',
    };
  }

  // ---- definitions -------------------------------------------------------------------------

  private newDef(
    name: string,
    kind: Definition['kind'],
    span: Span,
    fullSpan: Span,
    visible?: Span,
  ): Definition {
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

  private declareLocal(
    id: lp.Identifier,
    kind: Definition['kind'],
    fullSpan: Span,
    visibleFrom: number,
  ): Definition {
    const span = sp(id);
    if (id.name !== '_' && !id.name.startsWith('_') && kind !== 'self') {
      const prev = this.local(id.name);
      if (prev && prev.visible && kind !== 'parameter') {
        this.diags.push({
          code: 'redefined-local',
          message: `Redefined local \`${id.name}\`.`,
          span,
          severity: 'hint',
          data: { name: id.name },
        });
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

  private defineGlobal(name: string, span: Span, fullSpan: Span, isFunction: boolean): Definition {
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

  private symbol(sym: DocSymbol): DocSymbol {
    this.symbolStack[this.symbolStack.length - 1].push(sym);
    return sym;
  }

  private fold(span: Span): void {
    const a = this.lines.lineOf(span.start);
    const b = this.lines.lineOf(span.end);
    if (b - 1 > a) this.folds.push({ startLine: a, endLine: b - 1 });
  }

  // ---- statements -------------------------------------------------------------------------

  private block(body: Stmt[], end: number): void {
    const saved = this.scope;
    this.scope = new Scope(saved, end);
    let terminated: string | undefined;
    for (const s of body) {
      if (terminated) {
        const span = sp(s);
        const last = spanOf(body[body.length - 1]);
        this.diags.push({
          code: 'unreachable-code',
          message: `Unreachable code (after ${terminated}).`,
          span: mk(span.start, last.end),
          severity: 'hint',
          unnecessary: true,
        });
        // still analyse it
        for (const r of body.slice(body.indexOf(s))) this.statement(r);
        break;
      }
      this.statement(s);
      terminated = this.terminates(s);
    }
    this.scope = saved;
  }

  private terminates(s: Stmt): string | undefined {
    if (s.type === 'BreakStatement') return '`break`';
    if (s.type === 'GotoStatement') return '`goto`';
    if (s.type === 'ReturnStatement') return '`return`';
    if (s.type === 'CallStatement') {
      const c = exprChain(s.expression);
      const name = c?.map((x) => x.name).join('.');
      if (name === 'error' || name === 'os.exit') return `\`${name}\``;
    }
    if (s.type === 'WhileStatement' && s.condition.type === 'BooleanLiteral' && s.condition.value === true) {
      const hasBreak = (b: Stmt[]): boolean =>
        b.some(
          (x) =>
            x.type === 'BreakStatement' ||
            x.type === 'ReturnStatement' ||
            (x.type === 'IfStatement' && x.clauses.some((c) => hasBreak(c.body))) ||
            (x.type === 'DoStatement' && hasBreak(x.body)),
        );
      if (!hasBreak(s.body)) return 'an infinite loop';
    }
    return undefined;
  }

  private statement(s: Stmt): void {
    const span = sp(s);
    if (this.nodeSpans && SPAN_NODE_TYPES.has(s.type)) this.nodeSpans.push(span);
    switch (s.type) {
      case 'LocalStatement':
        return this.localStatement(s, span);
      case 'AssignmentStatement':
        return this.assignment(s, span);
      case 'FunctionDeclaration':
        this.functionExpr(s, span, true);
        return;
      case 'CallStatement':
        this.expr(s.expression);
        return;
      case 'ReturnStatement':
        for (const a of s.arguments) this.expr(a);
        if (this.fnStack.length === 1 && s.arguments.length === 1) {
          const a = s.arguments[0];
          if (a.type === 'Identifier') {
            const d = this.local(a.name) ?? this.global(a.name);
            this.moduleReturn = { defId: d?.id, init: d?.init };
          } else this.moduleReturn = { init: this.initOf(a) };
          if (a.type === 'TableConstructorExpression') {
            const d = this.newDef('(module)', 'local', sp(a), sp(a), mk(span.end, span.end));
            d.reads = 1;
            this.occurrences.pop();
            this.tableFields(d, a);
            this.moduleReturn = { defId: d.id, init: { kind: 'table' } };
          }
        }
        return;
      case 'IfStatement':
        this.fold(span);
        for (const c of s.clauses) {
          if (this.nodeSpans) this.nodeSpans.push(sp(c));
          if (c.type !== 'ElseClause') this.expr(c.condition);
          this.fold(spanOf(c));
          this.block(c.body, spanOf(c).end);
        }
        return;
      case 'WhileStatement':
        this.fold(span);
        this.expr(s.condition);
        this.block(s.body, span.end);
        return;
      case 'DoStatement':
        this.fold(span);
        this.block(s.body, span.end);
        return;
      case 'RepeatStatement': {
        this.fold(span);
        // the condition sees the body's locals
        const saved = this.scope;
        this.scope = new Scope(saved, span.end);
        for (const b of s.body) this.statement(b);
        this.expr(s.condition);
        this.scope = saved;
        return;
      }
      case 'ForNumericStatement': {
        this.fold(span);
        this.expr(s.start);
        this.expr(s.end);
        if (s.step) this.expr(s.step);
        this.countDownCheck(s, span);
        const saved = this.scope;
        this.scope = new Scope(saved, span.end);
        this.declareLocal(s.variable, 'forVariable', span, spanOf(s.variable).end);
        this.block(s.body, span.end);
        this.scope = saved;
        return;
      }
      case 'ForGenericStatement': {
        this.fold(span);
        for (const it of s.iterators) this.expr(it);
        const saved = this.scope;
        this.scope = new Scope(saved, span.end);
        for (const v of s.variables) this.declareLocal(v, 'forVariable', span, spanOf(v).end);
        this.block(s.body, span.end);
        this.scope = saved;
        return;
      }
      default:
        return;
    }
  }

  private countDownCheck(s: lp.ForNumericStatement, span: Span): void {
    const num = (e: Expr): number | undefined => {
      if (e.type === 'NumericLiteral') return e.value;
      if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'NumericLiteral')
        return -e.argument.value;
      return undefined;
    };
    const a = num(s.start);
    const b = num(s.end);
    if (a !== undefined && b !== undefined && a > b && !s.step) {
      this.diags.push({
        code: 'count-down-loop',
        message: `This loop runs zero times: ${a} > ${b} with the default step 1. Did you mean \`${a}, ${b}, -1\`?`,
        span: mk(spanOf(s.start).start, spanOf(s.end).end),
        severity: 'warning',
      });
    }
    void span;
  }

  private checkBalance(vars: number, init: Expr[], span: Span): void {
    if (init.length === 0 || vars <= init.length) {
      if (init.length > vars && vars > 0) {
        const extra = init[vars];
        this.diags.push({
          code: 'unbalanced-assignments',
          message: `Only ${vars} variable(s) but ${init.length} values: the extra values are discarded.`,
          span: mk(spanOf(extra).start, spanOf(init[init.length - 1]).end),
          severity: 'warning',
        });
      }
      return;
    }
    const last = init[init.length - 1];
    if (isCall(last) || last.type === 'VarargLiteral') return;
    this.diags.push({
      code: 'unbalanced-assignments',
      message: `${vars} variables but only ${init.length} value(s): the rest are nil.`,
      span,
      severity: 'warning',
    });
  }

  private localStatement(s: lp.LocalStatement, span: Span): void {
    for (const e of s.init) this.expr(e);
    this.checkBalance(s.variables.length, s.init, span);
    const doc = this.docFor(s);
    s.variables.forEach((v, i) => {
      const d = this.declareLocal(v, 'local', span, span.end);
      const init = s.init[i];
      d.init = this.initOf(init);
      if (i === 0) d.doc = doc;
      if (init?.type === 'FunctionDeclaration') {
        const p = paramsOf(init, doc);
        d.params = p.params;
        d.isVararg = p.vararg;
      }
      if (init?.type === 'TableConstructorExpression') this.tableFields(d, init);
      const req = requireModule(init);
      if (req) {
        const r = this.requires.find((x) => x.span.start === req.span.start);
        if (r) r.defId = d.id;
      }
      this.symbol({
        name: v.name,
        kind:
          init?.type === 'FunctionDeclaration'
            ? 'function'
            : d.attribute === 'const'
              ? 'constant'
              : init?.type === 'TableConstructorExpression'
                ? 'class'
                : 'variable',
        span,
        selectionSpan: d.span,
        children: [...d.fields.values()].map((f) => ({
          name: f.name,
          kind: f.isFunction ? 'method' : 'field',
          span: f.span,
          selectionSpan: f.span,
          children: [],
        })),
      });
    });
  }

  private tableFields(d: Definition, t: lp.TableConstructorExpression): void {
    for (const f of t.fields) {
      if (f.type === 'TableKeyString') {
        const span = sp(f.key);
        const fn = f.value.type === 'FunctionDeclaration' ? paramsOf(f.value, undefined) : undefined;
        const has = d.fields.has(f.key.name);
        if (this.isOuter(d) && !this.createdHere(d, f.key.name))
          this.rec?.inputs.fieldChecks.push([d, f.key.name, has]);
        if (!has) {
          const field: FieldDef = {
            name: f.key.name,
            span,
            isFunction: !!fn,
            params: fn?.params,
            isVararg: fn?.vararg,
            refs: [span],
          };
          d.fields.set(f.key.name, field);
          this.fieldCreated(d, field);
        }
        this.occurrences.push({
          span,
          member: { chain: [{ name: d.name, sep: '', called: false }], name: f.key.name, sep: '.' },
          isDeclaration: true,
          isCall: false,
          baseDefId: d.id,
        });
      }
    }
  }

  private assignment(s: lp.AssignmentStatement, span: Span): void {
    for (const e of s.init) this.expr(e);
    this.checkBalance(s.variables.length, s.init, span);
    const doc = this.docFor(s);
    s.variables.forEach((v, i) => {
      const init = s.init[i];
      if (v.type === 'Identifier') {
        const vspan = sp(v);
        const local = this.local(v.name);
        if (local) {
          local.refs.push(vspan);
          if (this.isOuter(local)) this.effect({ k: 'ref', def: local, span: vspan, read: false });
          this.occurrences.push({ span: vspan, defId: local.id, isDeclaration: false, isCall: false });
          if (init?.type === 'TableConstructorExpression') this.tableFields(local, init);
          return;
        }
        const isNew = !this.global(v.name);
        const d = this.defineGlobal(v.name, vspan, span, init?.type === 'FunctionDeclaration');
        if (isNew) {
          d.init = this.initOf(init);
          d.doc = doc;
          if (init?.type === 'FunctionDeclaration') {
            const p = paramsOf(init, doc);
            d.params = p.params;
            d.isVararg = p.vararg;
          }
          if (!this.isMeta && /^[a-z]/.test(v.name) && this.fnStack.length >= 1) {
            this.diags.push({
              code: 'lowercase-global',
              message: `Global \`${v.name}\` starts with a lowercase letter: did you forget \`local\`?`,
              span: vspan,
              severity: 'information',
              data: { name: v.name },
            });
          }
          this.symbol({
            name: v.name,
            kind: init?.type === 'FunctionDeclaration' ? 'function' : 'variable',
            detail: 'global',
            span,
            selectionSpan: vspan,
            children: [],
          });
        }
        if (init?.type === 'TableConstructorExpression') this.tableFields(d, init);
      } else if (v.type === 'MemberExpression') {
        this.expr(v.base);
        this.memberTarget(v, init, doc);
      } else {
        this.expr(v.base);
        this.expr(v.index);
      }
    });
  }

  /** `a.b = v`: a field definition on a's definition. */
  private memberTarget(
    v: lp.MemberExpression,
    init: Expr | undefined,
    doc: DocBlock | undefined,
    fn?: lp.FunctionDeclaration,
  ): void {
    const nameSpan = sp(v.identifier);
    const chain = exprChain(v.base);
    const occ: Occurrence = {
      span: nameSpan,
      member: chain ? { chain, name: v.identifier.name, sep: v.indexer } : undefined,
      isDeclaration: true,
      isCall: false,
    };
    this.occurrences.push(occ);
    if (v.base.type !== 'Identifier') return;
    const base = this.local(v.base.name) ?? this.global(v.base.name);
    if (!base) return;
    occ.baseDefId = base.id;
    const name = v.identifier.name;
    const existing = base.fields.get(name);
    const outer = this.isOuter(base);
    if (outer && !(existing && this.rec?.createdFields.has(existing)))
      this.rec?.inputs.fieldChecks.push([base, name, !!existing]);
    if (existing) {
      existing.refs.push(nameSpan);
      if (outer) this.effect({ k: 'fieldRef', def: base, name, span: nameSpan });
      return;
    }
    const f = fn ?? (init?.type === 'FunctionDeclaration' ? init : undefined);
    let params: ParamInfo[] | undefined;
    let vararg: boolean | undefined;
    if (f) {
      const p = paramsOf(f, doc);
      params = v.indexer === ':' ? [{ name: 'self' }, ...p.params] : p.params;
      vararg = p.vararg;
    }
    const field: FieldDef = {
      name,
      span: nameSpan,
      isFunction: !!f,
      params,
      isVararg: vararg,
      doc,
      refs: [nameSpan],
    };
    base.fields.set(name, field);
    this.fieldCreated(base, field);
  }

  // ---- functions ---------------------------------------------------------------------------

  private functionExpr(fn: lp.FunctionDeclaration, span: Span, isStatement: boolean): void {
    this.fold(span);
    const doc = isStatement ? this.docFor(fn) : undefined;
    let name = '(anonymous)';
    let nameSpan = mk(span.start, Math.min(span.end, span.start + 8));
    let defId: number | undefined;
    let symbolKind: SymbolKindName = 'function';
    let isMethod = false;
    const id = fn.identifier;
    if (id?.type === 'Identifier') {
      name = id.name;
      nameSpan = sp(id);
      if (fn.isLocal) {
        const d = this.declareLocal(id, 'localFunction', span, nameSpan.start);
        d.doc = doc;
        d.init = { kind: 'function' };
        defId = d.id;
      } else {
        const local = this.local(id.name);
        if (local) {
          local.refs.push(nameSpan);
          if (this.isOuter(local)) this.effect({ k: 'ref', def: local, span: nameSpan, read: false });
          this.occurrences.push({ span: nameSpan, defId: local.id, isDeclaration: false, isCall: false });
          defId = local.id;
        } else {
          const isNew = !this.global(id.name);
          const d = this.defineGlobal(id.name, nameSpan, span, true);
          if (isNew) {
            d.doc = doc;
            d.init = { kind: 'function' };
          }
          defId = d.id;
        }
      }
      const p = paramsOf(fn, doc);
      const target = defId !== undefined ? this.defs[defId] : undefined;
      if (target) {
        const outer = this.isOuter(target);
        if (outer && !this.rec?.paramsSet.has(target))
          this.rec?.inputs.paramChecks.push([target, target.params !== undefined]);
        if (!target.params) {
          target.params = p.params;
          target.isVararg = p.vararg;
          if (outer) this.effect({ k: 'params', def: target, params: p.params, vararg: p.vararg });
        }
      }
    } else if (id?.type === 'MemberExpression') {
      this.expr(id.base);
      this.memberTarget(id, undefined, doc, fn);
      const chain = exprChain(id) ?? [];
      name = chain.map((c, i) => (i === 0 ? c.name : c.sep + c.name)).join('');
      nameSpan = sp(id.identifier);
      isMethod = id.indexer === ':';
      symbolKind = isMethod ? 'method' : 'function';
    }
    const fnInfo: FunctionInfo = { id: this.functions.length, name, defId, nameSpan, span };
    this.functions.push(fnInfo);
    const sym: DocSymbol | undefined = isStatement
      ? this.symbol({
          name,
          kind: symbolKind,
          detail: `function(${fn.parameters.map((p) => (p.type === 'Identifier' ? p.name : '...')).join(', ')})`,
          span,
          selectionSpan: nameSpan,
          children: [],
        })
      : undefined;
    // body
    const saved = this.scope;
    this.scope = new Scope(saved, span.end);
    this.fnStack.push(fnInfo.id);
    this.symbolStack.push(sym ? sym.children : []);
    if (isMethod) {
      const selfDef = this.newDef('self', 'self', nameSpan, span, mk(nameSpan.end, span.end));
      this.occurrences.pop();
      selfDef.refs = [];
      selfDef.reads = 1;
      if (id?.type === 'MemberExpression' && id.base.type === 'Identifier')
        selfDef.init = { kind: 'chain', chain: [{ name: id.base.name, sep: '', called: false }] };
      this.scope.names.set('self', selfDef);
    }
    for (const p of fn.parameters) {
      if (p.type === 'Identifier') {
        const d = this.declareLocal(p, 'parameter', span, spanOf(p).end);
        const pd = doc?.params.find((x) => x.name === p.name);
        if (pd?.type)
          d.doc = {
            description: pd.doc ?? '',
            params: [],
            returns: [],
            classParents: [],
            fields: [],
            aliases: [],
            type: pd.type,
            span: pd ? sp(p) : sp(p),
          };
      }
    }
    this.block(fn.body, span.end);
    this.symbolStack.pop();
    this.fnStack.pop();
    this.scope = saved;
  }

  // ---- expressions -------------------------------------------------------------------------

  /**
   * Resolve an expression; returns its name chain (`exprChain(e)`), built bottom-up so a long
   * `a.b:c():d()` costs linear, not quadratic, work.
   */
  private expr(e: Expr | null | undefined): ChainItem[] | undefined {
    if (!e) return undefined;
    if (this.nodeSpans && SPAN_NODE_TYPES.has(e.type)) this.nodeSpans.push(sp(e));
    switch (e.type) {
      case 'Identifier': {
        const span = sp(e);
        const d = this.local(e.name) ?? this.global(e.name);
        if (d) {
          d.refs.push(span);
          d.reads++;
          if (this.isOuter(d)) this.effect({ k: 'ref', def: d, span, read: true });
          this.occurrences.push({
            span,
            defId: d.id,
            global: d.visible ? undefined : e.name,
            isDeclaration: false,
            isCall: false,
          });
        } else {
          this.occurrences.push({ span, global: e.name, isDeclaration: false, isCall: false });
        }
        return [{ name: e.name, sep: '', called: false }];
      }
      case 'MemberExpression': {
        const chain = this.expr(e.base);
        const span = sp(e.identifier);
        const occ: Occurrence = {
          span,
          member: chain ? { chain, name: e.identifier.name, sep: e.indexer } : undefined,
          isDeclaration: false,
          isCall: false,
        };
        this.occurrences.push(occ);
        if (e.base.type === 'Identifier') {
          const d = this.local(e.base.name) ?? this.global(e.base.name);
          if (d) {
            occ.baseDefId = d.id;
            this.memberUses.push({ defId: d.id, name: e.identifier.name, span });
          }
        }
        return chain ? [...chain, { name: e.identifier.name, sep: e.indexer, called: false }] : undefined;
      }
      case 'IndexExpression':
        this.expr(e.base);
        this.expr(e.index);
        return undefined;
      case 'CallExpression':
      case 'StringCallExpression':
      case 'TableCallExpression': {
        const chain = this.expr(e.base);
        const args = callArgs(e);
        for (const a of args) this.expr(a);
        const span = sp(e);
        const req = requireModule(e);
        if (req) this.requires.push(req);
        if (chain) {
          const baseSpan = e.base.type === 'MemberExpression' ? sp(e.base.identifier) : sp(e.base);
          const occ = this.findOccurrenceAt(baseSpan.start);
          if (occ) occ.isCall = true;
          const last = args[args.length - 1];
          this.calls.push({
            nameSpan: baseSpan,
            chain,
            args: args.map((a) => sp(a)),
            argIsMulti: !!last && (isCall(last) || last.type === 'VarargLiteral'),
            callerFn: this.fnStack[this.fnStack.length - 1],
            span,
          });
        }
        if (e.type === 'TableCallExpression') this.fold(spanOf(e.arguments));
        const last = chain?.[chain.length - 1];
        if (!chain || !last || last.called) return undefined;
        return [...chain.slice(0, -1), { ...last, called: true }];
      }
      case 'FunctionDeclaration':
        this.functionExpr(e, sp(e), false);
        return undefined;
      case 'TableConstructorExpression':
        this.fold(spanOf(e));
        for (const f of e.fields) {
          if (f.type === 'TableKey') this.expr(f.key);
          this.expr(f.value);
        }
        return undefined;
      case 'BinaryExpression':
      case 'LogicalExpression':
        this.expr(e.left);
        this.expr(e.right);
        return undefined;
      case 'UnaryExpression':
        this.expr(e.argument);
        return undefined;
      default:
        return undefined;
    }
  }

  private findOccurrenceAt(start: number): Occurrence | undefined {
    for (let i = this.occurrences.length - 1; i >= 0 && i >= this.occurrences.length - 64; i--) {
      if (this.occurrences[i].span.start === start) return this.occurrences[i];
    }
    return undefined;
  }
}

/** Binary search: the occurrence whose span contains `offset` (end inclusive, for a cursor after a name). */
export function occurrenceAt(fa: FileAnalysis, offset: number): Occurrence | undefined {
  const occ = fa.occurrences;
  let lo = 0;
  let hi = occ.length - 1;
  let best: Occurrence | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (occ[mid].span.start <= offset) {
      best = occ[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best && offset <= best.span.end) return best;
  return undefined;
}

/** Locals visible at `offset`, innermost last wins per name. */
export function visibleLocals(fa: FileAnalysis, offset: number): Definition[] {
  const byName = new Map<string, Definition>();
  for (const d of fa.defs) {
    const v = d.visible;
    if (!v || v.start > offset || v.end < offset) continue;
    const prev = byName.get(d.name);
    if (!prev || (prev.visible && prev.visible.start <= v.start)) byName.set(d.name, d);
  }
  return [...byName.values()];
}
