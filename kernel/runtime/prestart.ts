/**
 * Start the VM worker before the CLI has loaded (issue 17: "start the worker while the main thread
 * still parses flags"). bin/llmspell calls prestartWorker() for `run`, `exec` and `kernel start`
 * before it loads anything else; the worker thread boots and loads its modules (wasmoon, the breakpoint book)
 * while the main thread loads commander, parses flags and builds the host modules. The first
 * LuaRuntime.create() whose options the boot did not depend on adopts it and sends its WorkerInit;
 * worker-boot.ts then runs worker.ts with it. An unused worker is unref'd and never delays exit.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import { currentBundle } from '../shared/code-cache';
import { interrupter } from './interrupter';
import type { BundledWorkerData } from './worker-entry';
import { wasmBaselineOnly } from './wasm-flags';
import type { WorkerInit } from './protocol';
import type { RuntimeOptions } from './types';

/** The VM worker's thread name for RuntimeOptions.name. */
export function workerName(name?: string): string {
  return name ? `llmspell-lua-${name}` : 'llmspell-lua';
}

let warm: { worker: Worker; name?: string; failed: boolean; fail: () => void } | undefined;

/** The build's bundle of worker-boot.js (kernel/build/bundle.ts). */
export const WORKER_BUNDLE = path.join(__dirname, 'worker-boot.bundle.js');

/** worker-boot.js, or its bundle with the code cache while they are current (worker-entry.ts). */
function bootEntry(makeCache?: string): { file: string; workerData: object } {
  const current = currentBundle(WORKER_BUNDLE);
  if (!current) return { file: path.join(__dirname, 'worker-boot.js'), workerData: { prestarted: true } };
  // The cache is made under run/exec's wasm flags; V8 would reject it under others.
  const cache = wasmBaselineOnly() && !makeCache ? current.cache : undefined;
  const data: BundledWorkerData = { prestarted: true, bundle: current.bundle, cache, makeCache };
  return { file: path.join(__dirname, 'worker-entry.js'), workerData: data };
}

/**
 * Start a VM worker now; `name` is the RuntimeOptions.name the runtime that adopts it will have.
 * `makeCodeCache` (build step): the file to write the bundle's code cache to.
 */
export function prestartWorker(name?: string, makeCodeCache?: string): void {
  if (warm) return;
  interrupter.prepare(); // the inspector must see the worker start (interrupter.ts)
  const entry = bootEntry(makeCodeCache);
  const worker = new Worker(entry.file, {
    workerData: entry.workerData,
    name: workerName(name),
    stdout: false,
    stderr: false,
  });
  const fail = (): void => {
    slot.failed = true;
  };
  const slot = { worker, name, failed: false, fail };
  worker.on('error', fail);
  worker.on('exit', fail);
  worker.unref();
  warm = slot;
}

/** The prestarted worker, now running `init`; undefined when there is none or it cannot serve `options`. */
export function adoptPrestartedWorker(
  options: Omit<RuntimeOptions, 'hostModules'>,
  init: WorkerInit,
): Worker | undefined {
  const slot = warm;
  warm = undefined;
  if (!slot) return undefined;
  if (slot.failed || options.name !== slot.name) {
    void slot.worker.terminate();
    return undefined;
  }
  slot.worker.off('error', slot.fail);
  slot.worker.off('exit', slot.fail);
  slot.worker.ref();
  slot.worker.postMessage({ init }, [init.port]);
  return slot.worker;
}
