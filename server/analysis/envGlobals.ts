import type { FileAnalysis } from './resolve';
import type { Span } from './types';

/** A global created through the environment table: `_G.x =`, `_ENV.x =`, `rawset(_G, 'x', v)`. */
export interface EnvGlobal {
  name: string;
  span: Span;
}

const ENV_GLOBAL_PATTERNS = [
  /(?<![\w.:])(?:_G|_ENV)(?:\s*\.\s*_G)*\s*\.\s*([A-Za-z_]\w*)\s*=(?!=)/g,
  /(?<![\w.:])(?:_G|_ENV)(?:\s*\.\s*_G)*\s*\[\s*["']([A-Za-z_]\w*)["']\s*\]\s*=(?!=)/g,
  /\brawset\s*\(\s*(?:_G|_ENV)\s*,\s*["']([A-Za-z_]\w*)["']/g,
  /\bfunction\s+(?:_G|_ENV)\s*[.:]\s*([A-Za-z_]\w*)\s*\(/g,
];

/** Globals a file creates through `_G`/`_ENV`/`rawset` (found in the text; comments included). */
export function envGlobals(text: string): EnvGlobal[] {
  const out: EnvGlobal[] = [];
  if (!text.includes('_G') && !text.includes('_ENV')) return out;
  for (const re of ENV_GLOBAL_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      // `rawset(_G, 'x', v)`: the call is the definition (as LuaLS shows it)
      const end = m[0].startsWith('rawset') ? callEnd(text, m.index + m[0].indexOf('(')) : undefined;
      if (end !== undefined) out.push({ name: m[1], span: { start: m.index, end } });
      else {
        const start = m.index + m[0].lastIndexOf(m[1]);
        out.push({ name: m[1], span: { start, end: start + m[1].length } });
      }
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** The offset after the `)` closing the `(` at `open` (strings skipped), or undefined. */
function callEnd(text: string, open: number): number | undefined {
  let depth = 0;
  let q: string | undefined;
  for (let i = open; i < text.length && i < open + 2000; i++) {
    const c = text[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return undefined;
}

const envCache = new WeakMap<FileAnalysis, EnvGlobal[]>();
export function envGlobalsOf(fa: FileAnalysis): EnvGlobal[] {
  let g = envCache.get(fa);
  if (!g) envCache.set(fa, (g = envGlobals(fa.text)));
  return g;
}
