import * as fs from 'fs';
import * as path from 'path';
import { compileModule, currentBundle as currentBundleFile } from '../shared/code-cache';

export { compileModule, stamp, type BundleInputs } from '../shared/code-cache';

/**
 * How `kernel start --lsp` loads the language server: the esbuild bundle (kernel/build/bundle.ts)
 * with V8's code cache while both match what they were built from, else the compiled
 * server/main.js as usual. Checking ~150 sizes and mtimes costs about a millisecond; the bundle
 * and the cache save tens (docs/ARCHITECTURE.md, "Start-up").
 */

const SERVER = path.resolve(__dirname, '..', '..', 'server');
export const BUNDLE_FILE = path.join(SERVER, 'main.bundle.js');
export const INPUTS_FILE = path.join(SERVER, 'main.bundle.inputs.json');
export const CODE_CACHE_FILE = path.join(SERVER, 'main.bundle.v8cache');

/** The bundle and its code cache in `serverDir` when they match what they were built from. */
export function currentBundle(serverDir = SERVER): { bundle: string; cache?: string } | undefined {
  return currentBundleFile(path.join(serverDir, path.basename(BUNDLE_FILE)));
}

/** The language server module: from the bundle when it is current, else server/main.js. */
export function loadLanguageServer<T>(): T {
  const current = currentBundle();
  if (current) {
    const cachedData = current.cache ? fs.readFileSync(current.cache) : undefined;
    return compileModule(current.bundle, cachedData).exports as T;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(SERVER, 'main.js')) as T;
}
