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
      const start = m.index + m[0].lastIndexOf(m[1]);
      out.push({ name: m[1], span: { start, end: start + m[1].length } });
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

const envCache = new WeakMap<FileAnalysis, EnvGlobal[]>();
export function envGlobalsOf(fa: FileAnalysis): EnvGlobal[] {
  let g = envCache.get(fa);
  if (!g) envCache.set(fa, (g = envGlobals(fa.text)));
  return g;
}
