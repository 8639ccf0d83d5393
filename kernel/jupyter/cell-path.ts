import { createHash } from 'crypto';
import * as os from 'os';
import * as path from 'path';

/**
 * The stable chunk name of a notebook cell. Stacks, errors and breakpoints refer to this path.
 * The debugger work may switch this to JupyterLab's scheme (tmpFilePrefix + murmur2(code, seed) +
 * tmpFileSuffix, announced in debugInfo); keep every caller going through this function.
 */
export interface CellPathScheme {
  /** Directory prefix, e.g. `/tmp/llmspell-cells/`. */
  prefix: string;
  suffix: string;
  hash(code: string): string;
}

export const defaultCellScheme: CellPathScheme = {
  prefix: path.join(os.tmpdir(), 'llmspell-cells') + path.sep,
  suffix: '.lua',
  hash: (code) => createHash('sha256').update(code, 'utf8').digest('hex').slice(0, 16),
};

export function cellPath(code: string, scheme: CellPathScheme = defaultCellScheme): string {
  return `${scheme.prefix}${scheme.hash(code)}${scheme.suffix}`;
}
