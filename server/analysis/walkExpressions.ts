import type * as lp from 'luaparse';
import { functionDetail } from './outline';
import { spanOf } from './parse';
import {
  callArgs,
  exprChain,
  isCall,
  mk,
  paramsOf,
  requireModule,
  SPAN_NODE_TYPES,
  sp,
  type Expr,
  type Stmt,
} from './syntaxFacts';
import { Scope, WalkerBase } from './walkerBase';
import type {
  ChainItem,
  Definition,
  DocBlock,
  DocSymbol,
  FieldDef,
  FunctionInfo,
  Occurrence,
  ParamInfo,
  Span,
  SymbolKindName,
} from './types';

type CallExpr = lp.CallExpression | lp.StringCallExpression | lp.TableCallExpression;

/** How a function statement/expression is named: `local function f`, `function M:m`, ... */
interface FunctionName {
  name: string;
  nameSpan: Span;
  defId?: number;
  symbolKind: SymbolKindName;
  isMethod: boolean;
}

/**
 * The expression half of the scope walk: names, member accesses, calls, table constructors,
 * function bodies, and the fields that assignments and constructors give to definitions.
 */
export abstract class ExprWalker extends WalkerBase {
  /** Walk a block in a new scope ending at `end` (walkStatements.ts). */
  abstract block(body: Stmt[], end: number): void;

  tableFields(d: Definition, t: lp.TableConstructorExpression): void {
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

  /** `a.b = v`: a field definition on a's definition. */
  memberTarget(
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

  functionExpr(fn: lp.FunctionDeclaration, span: Span, isStatement: boolean): void {
    this.fold(span);
    const doc = isStatement ? this.docFor(fn) : undefined;
    const fname = this.functionName(fn, span, doc);
    const fnInfo: FunctionInfo = {
      id: this.functions.length,
      name: fname.name,
      defId: fname.defId,
      nameSpan: fname.nameSpan,
      span,
    };
    this.functions.push(fnInfo);
    const sym: DocSymbol | undefined = isStatement
      ? this.symbol({
          name: fname.name,
          kind: fname.symbolKind,
          detail: functionDetail(fn),
          span,
          selectionSpan: fname.nameSpan,
          children: [],
        })
      : undefined;
    const saved = this.scope;
    this.scope = new Scope(saved, span.end);
    this.fnStack.push(fnInfo.id);
    this.symbolStack.push(sym ? sym.children : []);
    if (fname.isMethod) this.declareSelf(fn, fname.nameSpan, span);
    this.declareParams(fn, doc, span);
    this.block(fn.body, span.end);
    this.symbolStack.pop();
    this.fnStack.pop();
    this.scope = saved;
  }

  /** Resolve the name a function is declared under and give its definition the parameters. */
  private functionName(fn: lp.FunctionDeclaration, span: Span, doc: DocBlock | undefined): FunctionName {
    const out: FunctionName = {
      name: '(anonymous)',
      nameSpan: mk(span.start, Math.min(span.end, span.start + 8)),
      symbolKind: 'function',
      isMethod: false,
    };
    const id = fn.identifier;
    if (id?.type === 'Identifier') {
      out.name = id.name;
      out.nameSpan = sp(id);
      out.defId = this.functionTarget(fn, id, span, out.nameSpan, doc);
      const target = out.defId !== undefined ? this.defs[out.defId] : undefined;
      if (target) this.setParams(target, fn, doc);
    } else if (id?.type === 'MemberExpression') {
      this.expr(id.base);
      this.memberTarget(id, undefined, doc, fn);
      const chain = exprChain(id) ?? [];
      out.name = chain.map((c, i) => (i === 0 ? c.name : c.sep + c.name)).join('');
      out.nameSpan = sp(id.identifier);
      out.isMethod = id.indexer === ':';
      out.symbolKind = out.isMethod ? 'method' : 'function';
    }
    return out;
  }

  /** The definition `function name()` declares or assigns: a new local, a local or a global. */
  private functionTarget(
    fn: lp.FunctionDeclaration,
    id: lp.Identifier,
    span: Span,
    nameSpan: Span,
    doc: DocBlock | undefined,
  ): number {
    if (fn.isLocal) {
      const d = this.declareLocal(id, 'localFunction', span, nameSpan.start);
      d.doc = doc;
      d.init = { kind: 'function' };
      return d.id;
    }
    const local = this.local(id.name);
    if (local) {
      local.refs.push(nameSpan);
      if (this.isOuter(local)) this.effect({ k: 'ref', def: local, span: nameSpan, read: false });
      this.occurrences.push({ span: nameSpan, defId: local.id, isDeclaration: false, isCall: false });
      return local.id;
    }
    const isNew = !this.global(id.name);
    const d = this.defineGlobal(id.name, nameSpan, span, true);
    if (isNew) {
      d.doc = doc;
      d.init = { kind: 'function' };
    }
    return d.id;
  }

  private setParams(target: Definition, fn: lp.FunctionDeclaration, doc: DocBlock | undefined): void {
    const p = paramsOf(fn, doc);
    const outer = this.isOuter(target);
    if (outer && !this.rec?.paramsSet.has(target))
      this.rec?.inputs.paramChecks.push([target, target.params !== undefined]);
    if (!target.params) {
      target.params = p.params;
      target.isVararg = p.vararg;
      if (outer) this.effect({ k: 'params', def: target, params: p.params, vararg: p.vararg });
    }
  }

  /** The implicit `self` of `function a:m()`. */
  private declareSelf(fn: lp.FunctionDeclaration, nameSpan: Span, span: Span): void {
    const id = fn.identifier;
    const selfDef = this.newDef('self', 'self', nameSpan, span, mk(nameSpan.end, span.end));
    this.occurrences.pop();
    selfDef.refs = [];
    selfDef.reads = 1;
    if (id?.type === 'MemberExpression' && id.base.type === 'Identifier')
      selfDef.init = { kind: 'chain', chain: [{ name: id.base.name, sep: '', called: false }] };
    this.scope.names.set('self', selfDef);
  }

  private declareParams(fn: lp.FunctionDeclaration, doc: DocBlock | undefined, span: Span): void {
    for (const p of fn.parameters) {
      if (p.type !== 'Identifier') continue;
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
          type: pd.optional && !pd.type.endsWith('?') ? `${pd.type}?` : pd.type,
          span: sp(p),
        };
    }
  }

  // ---- expressions -------------------------------------------------------------------------

  /**
   * Resolve an expression; returns its name chain (`exprChain(e)`), built bottom-up so a long
   * `a.b:c():d()` costs linear, not quadratic, work.
   */
  expr(e: Expr | null | undefined): ChainItem[] | undefined {
    if (!e) return undefined;
    if (this.nodeSpans && SPAN_NODE_TYPES.has(e.type)) this.nodeSpans.push(sp(e));
    switch (e.type) {
      case 'Identifier':
        return this.identifier(e);
      case 'MemberExpression':
        return this.member(e);
      case 'IndexExpression':
        this.expr(e.base);
        this.expr(e.index);
        return undefined;
      case 'CallExpression':
      case 'StringCallExpression':
      case 'TableCallExpression':
        return this.call(e);
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

  private identifier(e: lp.Identifier): ChainItem[] {
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

  private member(e: lp.MemberExpression): ChainItem[] | undefined {
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

  private call(e: CallExpr): ChainItem[] | undefined {
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

  private findOccurrenceAt(start: number): Occurrence | undefined {
    for (let i = this.occurrences.length - 1; i >= 0 && i >= this.occurrences.length - 64; i--) {
      if (this.occurrences[i].span.start === start) return this.occurrences[i];
    }
    return undefined;
  }
}
