import type { LuaErrorInfo } from '../runtime/types';

/**
 * Turns a runtime error into Jupyter's error content: ename, evalue and traceback lines with the
 * offending source lines shown under each frame. Cell paths are shown as `In [n]`.
 */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

const RED = '\x1b[0;31m';
const GREEN = '\x1b[0;32m';
const RESET = '\x1b[0m';

export function formatLuaError(
  err: LuaErrorInfo,
  sourceOf: (chunk: string) => string | undefined,
  displayName: (chunk: string) => string | undefined,
): ErrorContent {
  const rename = (text: string): string =>
    text.replace(/([^\s:'"]+\.lua)(?=:)/g, (p) => displayName(p) ?? p).replace(/\[string "([^"]*)"\]/g, '$1');
  const lines = [`${RED}${err.ename}${RESET}: ${rename(err.message)}`];
  const frames =
    err.traceback.length > 0
      ? err.traceback
      : err.location
        ? [`${err.location.path}:${err.location.line}:`]
        : [];
  if (frames.length > 0) lines.push('stack traceback:');
  let shownSource = false;
  for (const frame of frames) {
    lines.push(`  ${rename(frame.trim())}`);
    const m = /^(.*?):(\d+):/.exec(frame.trim());
    if (!m) continue;
    const src = sourceOf(m[1])?.split('\n')[Number(m[2]) - 1];
    if (src !== undefined) {
      lines.push(`    ${GREEN}${m[2]} |${RESET} ${src}`);
      shownSource = true;
    }
  }
  if (!shownSource && err.location) {
    const src = sourceOf(err.location.path)?.split('\n')[err.location.line - 1];
    if (src !== undefined) {
      lines.push(`    ${GREEN}${err.location.line} |${RESET} ${src}`);
      if (err.column)
        lines.push(`    ${' '.repeat(String(err.location.line).length)}   ${' '.repeat(err.column - 1)}^`);
    }
  }
  return { ename: err.ename, evalue: err.message, traceback: lines };
}
