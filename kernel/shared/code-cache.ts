import * as fs from 'fs';
import { createRequire, Module } from 'module';
import * as path from 'path';
import * as vm from 'vm';

/**
 * esbuild bundles with a V8 code cache, used only while they match what they were built from:
 * the language server (kernel/cli/lsp-entry.ts) and the VM worker (kernel/runtime/worker-entry.ts).
 * Beside `NAME.bundle.js` the build writes `NAME.bundle.v8cache` and `NAME.bundle.inputs.json`
 * (kernel/build/bundle.ts); checking the recorded sizes and mtimes costs about a millisecond.
 */

export type Stamp = [size: number, mtimeMs: number];

/** What a bundle and its code cache were built from (paths relative to the bundle's folder). */
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

/** The code cache and inputs list that belong to `bundle` (`X.bundle.js`). */
export function bundleCompanions(bundle: string): { cache: string; inputs: string } {
  const base = bundle.replace(/\.js$/, '');
  return { cache: `${base}.v8cache`, inputs: `${base}.inputs.json` };
}

/**
 * `bundle` and its code cache when they match what they were built from (every input's size and
 * mtime, the bundle's, the cache's); undefined otherwise.
 */
export function currentBundle(bundle: string): { bundle: string; cache?: string } | undefined {
  const { cache, inputs: inputsFile } = bundleCompanions(bundle);
  let inputs: BundleInputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8')) as BundleInputs;
  } catch {
    return undefined;
  }
  const dir = path.dirname(bundle);
  const entries = Object.entries(inputs.files ?? {});
  if (entries.length === 0 || !same(stamp(bundle), inputs.bundle)) return undefined;
  if (!entries.every(([rel, st]) => same(stamp(path.join(dir, rel)), st))) return undefined;
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
