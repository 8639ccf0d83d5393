import * as fs from 'fs';
import { createRequire, Module } from 'module';
import * as path from 'path';
import * as vm from 'vm';

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

type Stamp = [size: number, mtimeMs: number];

/** What the bundle and its code cache were built from (paths relative to dist/server). */
export interface BundleInputs {
  files: Record<string, Stamp>;
  /** The bundle the code cache was made for (V8 itself checks only the source's length). */
  bundle?: Stamp;
  /** The code cache file as written. */
  cache?: Stamp;
}

export function stamp(file: string): Stamp | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? [st.size, st.mtimeMs] : undefined;
}

const same = (a: Stamp | undefined, b: Stamp | undefined): boolean =>
  a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];

/**
 * The bundle and its code cache in `serverDir` when they match what they were built from
 * (every input's size and mtime, the bundle's, the cache's); undefined otherwise.
 */
export function currentBundle(serverDir = SERVER): { bundle: string; cache?: string } | undefined {
  let inputs: BundleInputs;
  try {
    inputs = JSON.parse(
      fs.readFileSync(path.join(serverDir, path.basename(INPUTS_FILE)), 'utf8'),
    ) as BundleInputs;
  } catch {
    return undefined;
  }
  const bundle = path.join(serverDir, path.basename(BUNDLE_FILE));
  const entries = Object.entries(inputs.files ?? {});
  if (entries.length === 0 || !same(stamp(bundle), inputs.bundle)) return undefined;
  if (!entries.every(([rel, st]) => same(stamp(path.join(serverDir, rel)), st))) return undefined;
  const cache = path.join(serverDir, path.basename(CODE_CACHE_FILE));
  return { bundle, cache: same(stamp(cache), inputs.cache) ? cache : undefined };
}

/**
 * Compile and run a CommonJS file the way require() does (and list it in require.cache), with V8
 * cached data when given.
 */
export function compileModule(file: string, cachedData?: Buffer): { exports: unknown; script: vm.Script } {
  const source = fs.readFileSync(file, 'utf8');
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  // No importModuleDynamically: Node 20 drops it for scripts compiled from cached data, so the
  // build refuses to bundle code that uses import() (kernel/build/bundle.ts).
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const mod = new Module(file);
  mod.filename = file;
  const req = createRequire(file);
  fn.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  require.cache[file] = mod;
  return { exports: mod.exports as unknown, script };
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
