import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

/**
 * The Lua half of each host module lives in kernel/hostapi/lua/NAME.lua (checked by our own
 * language server like any Lua file); this reads it once per process.
 */
const cache = new Map<string, string>();

function luaDir(): string {
  const candidates = [
    path.join(__dirname, 'lua'),
    path.join(__dirname, '..', '..', '..', 'kernel', 'hostapi', 'lua'),
  ];
  for (const c of candidates) if (existsSync(path.join(c, 'json.lua'))) return c;
  throw new Error(`llmspell: cannot find the host API's Lua files (looked in ${candidates.join(', ')})`);
}

export function hostLua(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(luaDir(), `${name}.lua`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
