import type * as lp from 'luaparse';
import type { Candidate } from './completionItems';
import { matchKey } from './completionNames';
import type { Project } from './project';
import type { FileAnalysis } from './resolve';
import { spanOf } from './parse';
import { fileIndex, findAround } from './types/astIndex';
import { TypeEngine } from './types/engine';
import { expectedTypeOf } from './types/expected';
import { membersOf } from './types/members';
import { members, view } from './types/ty';

/**
 * Field names inside a table constructor whose type is known from where it is written
 * (`---@type C` on the local, a `---@param x C` argument, a `---@vararg C` argument, a field of a
 * declared table): the class's fields not yet set in the constructor, as LuaLS offers them
 * (kind Property).
 */

/** The `{` of the constructor whose field list the cursor is at the start of a field in. */
function braceBefore(text: string, prefixStart: number): number | undefined {
  let i = prefixStart;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  const c = text[i - 1];
  if (c === '{') return i - 1;
  if (c !== ',' && c !== ';') return undefined;
  let depth = 0;
  for (let j = i - 2, n = 0; j >= 0 && n < 20000; j--, n++) {
    const ch = text[j];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '(' || ch === '[' || ch === '{') {
      if (depth === 0) return ch === '{' ? j : undefined;
      depth--;
    }
  }
  return undefined;
}

function ctorAt(fa: FileAnalysis, start: number): lp.TableConstructorExpression | undefined {
  return findAround(fileIndex(fa).chunk.body, start, (node) =>
    node.type === 'TableConstructorExpression' && node.range?.[0] === start
      ? (node as lp.TableConstructorExpression)
      : undefined,
  );
}

/** The names the constructor already sets (other than the one being typed). */
function setKeys(ctor: lp.TableConstructorExpression, prefixStart: number): Set<string> {
  const out = new Set<string>();
  for (const f of ctor.fields)
    if (f.type === 'TableKeyString' && spanOf(f.key).start !== prefixStart) out.add(f.key.name);
  return out;
}

/**
 * Property items for the constructor around the cursor, or undefined when the cursor is not at a
 * field of a constructor with a known class. `fa` may be stale: its text must agree up to the `{`.
 */
export function tableFieldItems(
  project: Project,
  fa: FileAnalysis,
  text: string,
  prefixStart: number,
  prefix: string,
): Candidate[] | undefined {
  const brace = braceBefore(text, prefixStart);
  if (brace === undefined || fa.text[brace] !== '{') return undefined;
  const ctor = ctorAt(fa, brace);
  if (!ctor) return undefined;
  const en = new TypeEngine(project);
  const t = expectedTypeOf(en, fa, ctor);
  if (!t) return undefined;
  const done = setKeys(ctor, prefixStart);
  const out: Candidate[] = [];
  for (const x of members(t)) {
    if (x.k !== 'named' && x.k !== 'record' && x.k !== 'table') continue;
    for (const [name, info] of membersOf(en, x)) {
      if (name.startsWith('[') || done.has(name) || !matchKey(prefix, name)) continue;
      if (out.some((o) => o.label === name)) continue;
      out.push({ label: name, kind: 'property', detail: view(info.ty), sortGroup: 0 });
    }
  }
  return out.length ? out : undefined;
}
