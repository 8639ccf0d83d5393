import type { HostModule } from '../runtime/types';
import { hostLua } from './lua';

/**
 * The JSON global, pure Lua on top of the runtime's codec: JSON.parse (null becomes nil, empty
 * arrays keep a marker so they re-encode as []) and JSON.stringify (sorted keys; {pretty = true}
 * or {indent = n} for indented output).
 */

export function jsonModule(): HostModule {
  return { name: 'json', lua: hostLua('json'), handlers: {} };
}
