import type { FileAnalysis } from '../fileAnalysis';
import type { Project } from '../project';
import type { ChainItem } from '../types';
import { chainBefore } from '../context';
import { spanOf } from '../parse';
import { chainType, literalBaseBefore } from './chain';
import { TypeEngine } from './engine';
import { fileIndex, type FnNode } from './astIndex';
import { members, UNKNOWN, view, viewParam, type FnSig, type Ty, type TyParam } from './ty';

/**
 * Signature help as LuaLS shows it: one signature per overload (and per definition of a global
 * function defined several times), labels `function f(a: any, b: any)` or `(method) T:m(x: T)`,
 * the active parameter as an offset range in the label.
 */

export interface SignatureParam {
  label: string;
  start: number;
  end: number;
  doc?: string;
}

export interface SignatureInfo {
  label: string;
  doc?: string;
  params: SignatureParam[];
  activeParameter: number;
}

export interface SignatureHelpResult {
  signatures: SignatureInfo[];
  /** the parameters of each signature as types (self dropped or added as the call needs) */
  rawSigs: { params: TyParam[]; vararg?: Ty }[];
  activeSignature: number;
  activeParameter: number;
}

interface Callee {
  ty: Ty;
  name: string;
  sep: '' | '.' | ':';
  owner?: string;
}

function calleeOf(
  en: TypeEngine,
  fa: FileAnalysis,
  text: string,
  open: number,
  stale: number,
): Callee | undefined {
  const chain: ChainItem[] | undefined = chainBefore(text, open);
  if (chain) {
    const last = chain[chain.length - 1];
    if (chain.length === 1) {
      const ty = chainType(en, fa, chain, stale);
      return { ty: overloadsOfGlobal(en, fa, last.name, ty), name: last.name, sep: '' };
    }
    const baseChain = chain.slice(0, -1);
    const base = chainType(en, fa, baseChain, stale);
    const ty = en.member(base, last.name)?.ty ?? UNKNOWN;
    const isString = base.k === 'string' || (base.k === 'named' && base.name === 'string');
    const owner =
      isString && last.sep === ':'
        ? 'string'
        : baseChain.map((c, i) => (i ? c.sep : '') + c.name + (c.called ? '()' : '')).join('');
    return { ty, name: last.name, sep: last.sep, owner };
  }
  // `('x'):sub(` and `(function (a) end)(`
  const m = /([:.])\s*([A-Za-z_]\w*)\s*$/.exec(text.slice(Math.max(0, open - 80), open));
  if (m) {
    const base = literalBaseBefore(text, open - m[0].length);
    if (base) {
      const member = en.member(base, m[2]);
      return member ? { ty: member.ty, name: m[2], sep: m[1] as '.' | ':', owner: 'string' } : undefined;
    }
  }
  const close = text.slice(0, open).trimEnd();
  if (close.endsWith(')')) {
    const end = close.length - 1;
    const fn = fileIndex(fa).functions.find((f) => {
      const sp = spanOf(f);
      return sp.end <= end && /^\s*$/.test(fa.text.slice(sp.end, end));
    });
    if (fn) return { ty: en.functionType(fa, fn), name: '', sep: '' };
  }
  return undefined;
}

/** A global function defined several times in this file: every definition is a signature. */
function overloadsOfGlobal(en: TypeEngine, fa: FileAnalysis, name: string, ty: Ty): Ty {
  const def = fa.globals.get(name);
  if (!def || ty.k !== 'function') return ty;
  const idx = fileIndex(fa);
  const sites = def.refs.map((r) => idx.sites.get(r.start)).filter((s) => s?.kind === 'function' && s.fnNode);
  if (sites.length < 2) return ty;
  return { k: 'union', items: sites.map((s) => en.functionType(fa, s?.fnNode as FnNode)) };
}

function sigsOf(ty: Ty): FnSig[] {
  const out: FnSig[] = [];
  for (const t of members(ty)) {
    if (t.k !== 'function' || !t.fn) continue;
    const base = t.fn;
    const onlyVararg = base.params.length === 0 && !!base.vararg;
    if (!(base.overloads?.length && onlyVararg)) out.push(base);
    for (const o of base.overloads ?? []) out.push(o);
  }
  return out;
}

function labelOf(sig: FnSig, c: Callee, owner: string | undefined): { head: string; params: TyParam[] } {
  let params = sig.params;
  if (sig.method && c.sep === '.') params = [{ name: 'self', ty: { k: 'any' } }, ...params];
  if (!sig.method && c.sep === ':') params = params.slice(1);
  if (sig.declared && !sig.node) return { head: `function ${c.name}(`, params };
  if (c.sep === ':') return { head: `(method) ${owner ?? ''}:${c.name}(`, params };
  const qual = c.sep === '.' && owner ? `${owner}.${c.name}` : c.name;
  return { head: qual ? `function ${qual}(` : 'function (', params };
}

function build(sig: FnSig, c: Callee, active: number): SignatureInfo {
  const fnOwner =
    sig.node?.identifier?.type === 'MemberExpression' && sig.fa
      ? sig.fa.text.slice(spanOf(sig.node.identifier.base).start, spanOf(sig.node.identifier.base).end)
      : undefined;
  const { head, params } = labelOf(
    sig,
    c,
    c.sep === ':' && c.owner === 'string' ? 'string' : (fnOwner ?? c.owner),
  );
  let label = head;
  const out: SignatureParam[] = [];
  const all = params.map((p) => ({ label: viewParam(p), doc: sig.paramDocs?.[p.name] }));
  if (sig.vararg) all.push({ label: `...${view(sig.vararg)}`, doc: sig.paramDocs?.['...'] });
  all.forEach((p, i) => {
    if (i) label += ', ';
    out.push({ label: p.label, start: label.length, end: label.length + p.label.length, doc: p.doc });
    label += p.label;
  });
  label += ')';
  let act = active;
  if (sig.vararg && act >= all.length - 1) act = all.length - 1;
  return { label, doc: sig.doc, params: out, activeParameter: act };
}

/** Signature help for the call around `open` (the `(`), `commas` arguments before the cursor. */
export function signatures(
  project: Project,
  fa: FileAnalysis,
  text: string,
  open: number,
  active: number,
  argsTyped: number,
  stale: number,
): SignatureHelpResult | undefined {
  const en = new TypeEngine(project);
  const c = calleeOf(en, fa, text, open, stale);
  if (!c) return undefined;
  let sigs = sigsOf(c.ty);
  if (sigs.length > 1) {
    const fit = sigs.filter(
      (s) => !!s.vararg || s.params.length + (s.method && c.sep === '.' ? 1 : 0) >= argsTyped,
    );
    if (fit.length) sigs = fit;
  }
  if (!sigs.length) return undefined;
  const infos = sigs.map((s) => build(s, c, active));
  const rawSigs = sigs.map((s) => ({ params: labelOf(s, c, undefined).params, vararg: s.vararg }));
  return { signatures: infos, rawSigs, activeSignature: 0, activeParameter: infos[0].activeParameter };
}
