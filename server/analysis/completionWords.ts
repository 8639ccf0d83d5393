import type { CompletionResult } from './completionItems';
import { matchKey, namingNew } from './completionNames';
import { LUA_KEYWORDS } from './stdlib';

/**
 * The words of the file as a last resort (LuaLS's `completion.showWord` "Fallback"): when nothing
 * else matches what is typed - a name used only later in the file, a word inside a string or a
 * comment - the file's other words that match, as plain text.
 */

function wordsOf(text: string): string[] {
  const set = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) if (set.size < 20000) set.add(m[0]);
  return [...set];
}

export function wordFallback(text: string, offset: number): CompletionResult | undefined {
  let s = offset;
  while (s > 0 && /\w/.test(text[s - 1])) s--;
  const prefix = text.slice(s, offset);
  if (!/^[A-Za-z_]/.test(prefix) || namingNew(text, s)) return undefined;
  // the word under the cursor is offered only when the file uses it elsewhere too
  const end = offset + (/^\w*/.exec(text.slice(offset))?.[0].length ?? 0);
  const others = wordsOf(text.slice(0, s) + ' ' + text.slice(end));
  const items = others
    .filter((w) => !LUA_KEYWORDS.includes(w) && matchKey(prefix, w))
    .slice(0, 100)
    .map((w) => ({ label: w, kind: 'text' as const, sortGroup: 5 }));
  return items.length ? { items, prefixStart: s } : undefined;
}
