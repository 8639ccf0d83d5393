import * as v8 from 'v8';

/**
 * Compile the VM's WebAssembly with Liftoff (V8's baseline compiler) only, for short-lived
 * processes (`llmspell run`/`exec`, see bin/llmspell). V8's optimizing tier recompiles Lua's
 * interpreter loop in the background, which costs more CPU than a short run takes, and WebAssembly
 * has no on-stack replacement, so a long-running chunk stays in the baseline code anyway
 * (docs/ARCHITECTURE.md, "Start-up"). Measured on the V8 of Node 20 (11.x) and 22 (12.x) only.
 * V8 keys code caches by its flags, so the build makes the worker's cache with this set too.
 */
export function baselineWasmOnly(): void {
  if (!/^1[12]\./.test(process.versions.v8)) return;
  v8.setFlagsFromString('--liftoff-only');
  baseline = true;
}

let baseline = false;

/** Whether baselineWasmOnly() set the flag in this process (the worker's code cache needs it). */
export function wasmBaselineOnly(): boolean {
  return baseline;
}
