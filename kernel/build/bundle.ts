/**
 * Build step: bundle the language server (dist/server/main.js and the vscode-languageserver
 * packages, ~150 modules) into dist/server/main.bundle.js with esbuild, so `kernel start --lsp`
 * resolves and reads one file instead of ~150 (docs/ARCHITECTURE.md, "Start-up").
 *
 * The bundle sits beside main.js, so `__dirname` in server code is unchanged. Kernel modules the
 * run bridge loads on demand (runtime, jupyter client) stay external, as do zod and StyLua. The
 * list of inputs with their size and mtime goes to main.bundle.inputs.json; kernel/cli/lsp-entry.ts
 * uses the bundle only while every input is unchanged, so a `tsc` without this step never runs
 * stale code. Without esbuild installed this step does nothing and main.js is used.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { bundleCompanions } from '../shared/code-cache';
import { LuaRuntime } from '../runtime/runtime';
import { prestartWorker, WORKER_BUNDLE } from '../runtime/prestart';
import { baselineWasmOnly } from '../runtime/wasm-flags';
import {
  BUNDLE_FILE,
  CODE_CACHE_FILE,
  compileModule,
  INPUTS_FILE,
  stamp,
  type BundleInputs,
} from '../cli/lsp-entry';

/** The part of esbuild's API used here (esbuild is a devDependency, loaded only by this script). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile?: { inputs: Record<string, unknown> } }>;
}
interface ResolveArgs {
  path: string;
  resolveDir: string;
}
interface PluginBuild {
  onResolve(
    options: { filter: RegExp },
    callback: (args: ResolveArgs) => { path: string; external: boolean } | undefined,
  ): void;
}

const DIST = path.resolve(__dirname, '..', '..');
const ROOT = path.dirname(DIST);
const SERVER = path.join(DIST, 'server');
/** Packages loaded only on demand (settings validation, formatting): not worth bundling. */
const ON_DEMAND_PACKAGES = ['zod', '@johnnymorganz/stylua'];
/** Kernel modules the server imports at start-up: pure code, bundled (no paths, no workers). */
const PURE_KERNEL_MODULES = [path.join('kernel', 'runtime', 'syntax.js')];

/** Requires that leave dist/server for dist/kernel (or anywhere else in dist) stay external. */
const keepKernelExternal = {
  name: 'llmspell-external-kernel',
  setup(build: PluginBuild): void {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      if (!target.startsWith(DIST + path.sep) || target.startsWith(SERVER + path.sep)) return undefined;
      if (
        PURE_KERNEL_MODULES.some(
          (m) => target === path.join(DIST, m) || target === path.join(DIST, m.replace(/\.js$/, '')),
        )
      )
        return undefined;
      const rel = path.relative(SERVER, target);
      return { path: rel.startsWith('.') ? rel : `./${rel}`, external: true };
    });
  },
};

type ServerModule = typeof import('../../server/main');

/** Answer one `initialize` over in-memory streams, so its code is compiled before the cache is made. */
async function initializeOnce(server: ServerModule): Promise<void> {
  const input = new PassThrough();
  const output = new PassThrough();
  const quiet = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const connection = server.startSession(input, output, quiet);
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { processId: null, rootUri: null, capabilities: {} },
  });
  const answered = new Promise<void>((resolve) => {
    let text = '';
    output.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('"id":1')) resolve();
    });
  });
  input.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await answered;
  connection.dispose();
}

/** Every input of an esbuild result with its size and mtime, relative to the bundle's folder. */
function inputsOf(result: { metafile?: { inputs: Record<string, unknown> } }, bundle: string): BundleInputs {
  const inputs: BundleInputs = { files: {} };
  for (const input of Object.keys(result.metafile?.inputs ?? {})) {
    const abs = path.resolve(ROOT, input);
    const st = fs.statSync(abs);
    inputs.files[path.relative(path.dirname(bundle), abs)] = [st.size, st.mtimeMs];
  }
  return inputs;
}

/** compileModule gives scripts no dynamic-import callback (Node 20 drops it with a code cache). */
function usesImport(bundle: string): boolean {
  return /[^\w$.]import\(/.test(fs.readFileSync(bundle, 'utf8'));
}

/** esbuild, or undefined (with a note) when it is not installed: then nothing is bundled. */
function loadEsbuild(what: string): Esbuild | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('esbuild') as Esbuild;
  } catch {
    process.stderr.write(`llmspell build: esbuild is not installed; ${what} runs unbundled\n`);
    return undefined;
  }
}

/** Write dist/server/main.bundle.js, its code cache and the list of inputs (or nothing, see above). */
export async function bundleLanguageServer(): Promise<void> {
  const esbuild = loadEsbuild('the language server');
  if (!esbuild) {
    fs.rmSync(INPUTS_FILE, { force: true });
    return;
  }
  const result = await esbuild.build({
    entryPoints: [path.join(SERVER, 'main.js')],
    outfile: BUNDLE_FILE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ON_DEMAND_PACKAGES,
    plugins: [keepKernelExternal],
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'warning',
  });
  const inputs = inputsOf(result, BUNDLE_FILE);
  if (usesImport(BUNDLE_FILE)) {
    // lsp-entry.ts compiles the bundle without a dynamic-import callback (see compileModule).
    process.stderr.write('llmspell build: the server uses import(); the language server runs unbundled\n');
    fs.rmSync(INPUTS_FILE, { force: true });
    return;
  }
  // V8 code cache of what start-up runs: the bundle's top level and one `initialize` round trip.
  const { exports, script } = compileModule(BUNDLE_FILE);
  await initializeOnce(exports as ServerModule);
  fs.writeFileSync(CODE_CACHE_FILE, script.createCachedData());
  inputs.bundle = stamp(BUNDLE_FILE);
  inputs.cache = stamp(CODE_CACHE_FILE);
  fs.writeFileSync(INPUTS_FILE, JSON.stringify(inputs));
}

/**
 * Write dist/kernel/runtime/worker-boot.bundle.js (worker-boot.js with the runtime modules and
 * wasmoon), its code cache and its inputs, or nothing without esbuild (prestart.ts then starts
 * worker-boot.js). The cache is made by a prestarted worker running one cell, with the wasm flags
 * of `run`/`exec` (V8 rejects a cache made under other flags), so call this last.
 */
export async function bundleWorker(): Promise<void> {
  const { cache, inputs: inputsFile } = bundleCompanions(WORKER_BUNDLE);
  fs.rmSync(inputsFile, { force: true });
  const esbuild = loadEsbuild('the VM worker');
  if (!esbuild) return;
  const result = await esbuild.build({
    entryPoints: [path.join(DIST, 'kernel', 'runtime', 'worker-boot.js')],
    outfile: WORKER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // wasmoon's `await import('module')` becomes a require (see usesImport)
    supported: { 'dynamic-import': false },
    external: ['wasmoon/dist/glue.wasm'], // located at run time (worker-init.ts)
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'warning',
  });
  const inputs = inputsOf(result, WORKER_BUNDLE);
  if (usesImport(WORKER_BUNDLE)) {
    process.stderr.write('llmspell build: the VM worker uses import(); it runs unbundled\n');
    return;
  }
  inputs.bundle = stamp(WORKER_BUNDLE);
  fs.writeFileSync(inputsFile, JSON.stringify(inputs)); // current without a cache: prestart uses it
  baselineWasmOnly();
  fs.rmSync(cache, { force: true });
  prestartWorker(undefined, cache);
  const rt = await LuaRuntime.create({});
  await rt.execute('return 1', { chunkName: '(exec)', mode: 'cell' });
  await rt.dispose();
  if (!fs.existsSync(cache)) throw new Error('the worker wrote no code cache');
  inputs.cache = stamp(cache);
  fs.writeFileSync(inputsFile, JSON.stringify(inputs));
}
