/**
 * Entry of a prestarted VM worker while the build's bundle of worker-boot.js is current
 * (prestart.ts): wasmoon and the runtime modules in one file, compiled with V8's code cache, so the
 * worker neither resolves ~10 modules nor compiles wasmoon's 150 KB of JavaScript from source
 * (docs/ARCHITECTURE.md, "Start-up"). The bundle then runs exactly as worker-boot.js does.
 */
import * as fs from 'fs';
import { parentPort, workerData } from 'worker_threads';
import { compileModule } from '../shared/code-cache';

/** workerData of a bundled worker (prestart.ts). */
export interface BundledWorkerData {
  prestarted: true;
  bundle: string;
  cache?: string;
  /** Build step only: write the code cache here before the first reply. */
  makeCache?: string;
}

const data = workerData as BundledWorkerData;
const { script } = compileModule(data.bundle, data.cache ? fs.readFileSync(data.cache) : undefined);
if (data.makeCache) {
  // The bundle now waits for its init; the cache is written before the first reply, so it holds
  // what boot, engine set-up, the agent and one execution compiled.
  const port = parentPort!;
  const post = port.postMessage.bind(port);
  let written = false;
  port.postMessage = (...args: Parameters<typeof post>): void => {
    if (!written && (args[0] as { t?: string }).t === 'reply') {
      written = true;
      fs.writeFileSync(data.makeCache!, script.createCachedData());
    }
    post(...args);
  };
}
