import type { FileAnalysis } from '../fileAnalysis';
import type { Project } from '../project';
import type { Location } from '../types';
import { fileIndex, nameNodeAt } from './astIndex';
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
