import type { FileAnalysis } from '../fileAnalysis';
import type { Project } from '../project';
import type { Location } from '../types';
import { wordChainAt } from '../context';
import { fileIndex, nameNodeAt } from './astIndex';
import { chainType } from './chain';
import { TypeEngine } from './engine';

/**
 * Go to definition of a member through the type engine: `obj:method()` on a metatable class,
 * `self.x`, fields of annotated classes and of values returned by functions or modules.
 */
export function memberDefinition(
  project: Project,
  fa: FileAnalysis,
  nameStart: number,
): Location | undefined {
  const node = nameNodeAt(fileIndex(fa), nameStart);
  if (node?.type !== 'MemberExpression') return undefined;
  const en = new TypeEngine(project);
  const base = en.exprType(fa, node.base);
  return en.member(base, node.identifier.name)?.location;
}

/** `t.x` on a line that does not parse yet: the member of the chain's type, read from the text. */
export function textDefinition(project: Project, fa: FileAnalysis, offset: number): Location[] {
  const at = wordChainAt(fa.text, offset);
  if (!at) return [];
  const { start, end, chain } = at;
  if (chain.length < 2 || chain[chain.length - 1].name !== fa.text.slice(start, end)) return [];
  const en = new TypeEngine(project);
  const base = chainType(en, fa, chain.slice(0, -1), start);
  const loc = en.member(base, chain[chain.length - 1].name)?.location;
  return loc ? [loc] : [];
}
