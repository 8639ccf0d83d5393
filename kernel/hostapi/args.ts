import type { HostModule } from '../runtime/types';
import { hostLua } from './lua';

/**
 * The ARGS global: the arguments of `llmspell run FILE ARGS...`. Positional arguments at 1..n,
 * `--key value` and `--key=value` by name (a `--flag` without a value is "true"). It reads the
 * current `arg` table on every access, so it always describes the script that is running.
 */

export function argsModule(): HostModule {
  return { name: 'args', lua: hostLua('args'), handlers: {} };
}
