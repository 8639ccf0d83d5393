/**
 * The build steps after `tsc` (`npm run build`, `prepare`, `npm test`): Lua bytecode for the VM's
 * own chunks (bytecode.ts), the language server bundle and the VM worker bundle, each with its code
 * cache (bundle.ts).
 * Usage: node dist/kernel/build/index.js
 */
import * as fs from 'fs';
import { INPUTS_FILE } from '../cli/lsp-entry';
import { writeBytecode } from './bytecode';
import { bundleCompanions } from '../shared/code-cache';
import { WORKER_BUNDLE } from '../runtime/prestart';
import { bundleLanguageServer, bundleWorker } from './bundle';

function fail(what: string, err: unknown): never {
  process.stderr.write(
    `llmspell build: ${what} failed: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
}

async function main(): Promise<void> {
  await writeBytecode().catch((err: unknown) => fail('precompiling the Lua agent', err));
  await bundleLanguageServer().catch((err: unknown) => {
    fs.rmSync(INPUTS_FILE, { force: true }); // no half-built bundle is ever used
    fail('bundling the language server', err);
  });
  // last: it sets the wasm flags of `run`/`exec` in this process (bundleWorker)
  await bundleWorker().catch((err: unknown) => {
    fs.rmSync(bundleCompanions(WORKER_BUNDLE).inputs, { force: true });
    fail('bundling the VM worker', err);
  });
}

void main();
