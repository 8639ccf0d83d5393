import type * as lp from 'luaparse';
import { spanOf } from './parse';
import type { Project } from './project';
import { expand } from './summary';
import { fileIndex } from './types/astIndex';
import type { Location } from './types';

/**
 * What a module gives to `require`, as LuaLS lists it for the local that holds it: the returned
 * expression of the module's main chunk, or for `return name`, the declaration of `name` and the
 * name in the return statement.
 */
export function moduleReturnLocations(project: Project, module: string, from: string): Location[] {
  const uri = project.moduleUri(module, from);
  const stored = uri ? project.files.get(uri) : undefined;
  if (!uri || !stored) return [];
  const mod = expand(stored);
  const rets = fileIndex(mod).returns.get(undefined) ?? [];
  const last: lp.ReturnStatement | undefined = rets[rets.length - 1];
  if (!last || last.arguments.length !== 1) return [];
  const arg = last.arguments[0];
  const at = spanOf(arg);
  if (arg.type !== 'Identifier') return [{ uri, span: at }];
  const defId = mod.moduleReturn?.defId;
  const def = defId === undefined ? undefined : mod.defs[defId];
  return def
    ? [
        { uri, span: def.span },
        { uri, span: at },
      ]
    : [{ uri, span: at }];
}
