import type { FileAnalysis } from '../fileAnalysis';
import type { Project } from '../project';
import { stdlib } from '../stdlib';
import type { ChainItem } from '../types';
import { chainType, literalBaseBefore } from './chain';
import { TypeEngine } from './engine';
import { membersOf, type MemberInfo } from './members';
import { signatures } from './signature';
import { members, quoteString, view, type Ty } from './ty';
import { stringValue } from './exprs';

/**
 * The type engine's side of completion: members of the value before `.`/`:` (tables seen in
 * code, metatable classes, `self` fields, annotated classes, string methods; never the `table`
 * library for a value that is just a `table`), and the literal options of the parameter being
 * typed (`collectgarbage('`, `---@alias` string unions).
 */

export interface TypedMember {
  name: string;
  info: MemberInfo;
  isFunction: boolean;
  isMethod: boolean;
}

/** Members of the chain's value, or undefined when its type is unknown. */
export function typedMembers(
  project: Project,
  fa: FileAnalysis,
  text: string,
  chain: ChainItem[] | undefined,
  sepOffset: number,
  stale: number,
): TypedMember[] | undefined {
  const en = new TypeEngine(project);
  let base: Ty | undefined;
  if (chain?.length === 1 && chain[0].name === '_G' && !chain[0].called)
    return globalsAsMembers(project, fa, en);
  if (chain) base = chainType(en, fa, chain, stale);
  else base = literalBaseBefore(text, sepOffset);
  if (!base || base.k === 'unknown') return undefined;
  const out: TypedMember[] = [];
  for (const [name, info] of membersOf(en, base)) {
    if (name.startsWith('[')) continue;
    const fnTy = members(info.ty).find((t) => t.k === 'function');
    out.push({
      name,
      info,
      isFunction: !!fnTy,
      isMethod: !!info.method || !!(fnTy?.k === 'function' && fnTy.fn?.method),
    });
  }
  return out;
}

/** `_G.`: the globals (standard library, host API, workspace). */
function globalsAsMembers(project: Project, fa: FileAnalysis, en: TypeEngine): TypedMember[] {
  const names = new Set<string>([
    ...stdlib().globals.keys(),
    ...project.globals().keys(),
    ...fa.globals.keys(),
  ]);
  const out: TypedMember[] = [];
  for (const name of names) {
    const ty = en.globalType(name, fa);
    out.push({ name, info: { name, ty }, isFunction: ty.k === 'function', isMethod: false });
  }
  return out;
}

export interface LiteralOption {
  label: string;
  detail: string;
  /** a function type the parameter expects: a `function (...) end` snippet (kind Function) */
  snippet?: string;
}

/** `function (a, b)\n\t$0\nend` for a parameter typed `fun(a, b)`. */
function functionSnippet(t: Ty): string | undefined {
  if (t.k !== 'function' || !t.fn?.declared) return undefined;
  const names = t.fn.params.map((p, i) => `\${${i + 1}:${p.name.replace(/[$}\\]/g, '\\$&')}}`);
  return `function (${names.join(', ')})\n\t$0\nend`;
}

/**
 * String/number options of the parameter at the cursor (`collectgarbage('‸')`, `io.open(f, ‸)`).
 * `quote` is the quote the user already typed (the options use it), undefined at a blank argument.
 */
export function literalOptions(
  project: Project,
  fa: FileAnalysis,
  text: string,
  open: number,
  active: number,
  stale: number,
  quote: string | undefined,
): LiteralOption[] {
  const help = signatures(project, fa, text, open, active, 0, stale);
  const en = new TypeEngine(project);
  const out: LiteralOption[] = [];
  const seen = new Set<string>();
  for (const sig of help?.rawSigs ?? []) {
    const params = sig.params;
    const p = params[active] ?? (sig.vararg ? { name: '...', ty: sig.vararg } : undefined);
    if (!p) continue;
    for (const t of members(p.ty)) {
      const lit = literalText(t, quote);
      if (lit && !seen.has(lit)) {
        seen.add(lit);
        out.push({ label: lit, detail: view(p.ty) });
      }
      const fn = quote ? undefined : functionSnippet(t);
      if (fn && !seen.has(view(t))) {
        seen.add(view(t));
        out.push({ label: view(t), detail: view(t), snippet: fn });
      }
    }
  }
  void en;
  return out;
}

/** Literal options of a name's type (`x == ‸` where `---@type 'a'|'b'`). */
export function valueOptions(
  project: Project,
  fa: FileAnalysis,
  chain: ChainItem[],
  stale: number,
  quote: string | undefined,
): LiteralOption[] {
  const en = new TypeEngine(project);
  const t = chainType(en, fa, chain, stale);
  const out: LiteralOption[] = [];
  for (const x of members(t)) {
    const lit = literalText(x, quote);
    if (lit && !out.some((o) => o.label === lit)) out.push({ label: lit, detail: view(t) });
  }
  return out;
}

function literalText(t: Ty, quote: string | undefined): string | undefined {
  if (t.k === 'literal') {
    const c = t.text[0];
    if (c === '"' || c === "'") {
      const raw = stringValue(t.text);
      // `'"aaa"'` (the old LuaLS spelling of a string literal) is the literal `aaa`
      const inner = /^(["'])(.*)\1$/.exec(raw);
      const value = inner ? inner[2] : raw;
      if (!quote) return inner ? raw : t.text;
      return quote === '"' ? quoteString(value) : `'${value.replace(/'/g, "\\'")}'`;
    }
    if (c === '`') return undefined;
    return quote ? undefined : t.text;
  }
  if (t.k === 'string' && t.lit !== undefined)
    return (quote ?? '"') === '"' ? quoteString(t.lit) : `'${t.lit}'`;
  return undefined;
}
