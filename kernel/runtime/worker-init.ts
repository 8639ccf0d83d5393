import { LuaFactory } from 'wasmoon';
import { workerData } from 'worker_threads';
import type { WorkerInit } from './protocol';

let received: WorkerInit | undefined;

/** worker-boot.ts: the init a prestarted worker received by message. */
export function setWorkerInit(init: WorkerInit): void {
  received = init;
}

/** The worker's init: from workerData, or by message for a prestarted worker (prestart.ts). */
export function workerInit(): WorkerInit {
  return received ?? (workerData as WorkerInit);
}

let prepared: LuaFactory | undefined;

/** wasmoon's WebAssembly, named explicitly: in the bundle (worker-entry.ts) wasmoon's own lookup
 * would search beside the bundle. */
function glueWasm(): string {
  return require.resolve('wasmoon/dist/glue.wasm');
}

/**
 * worker-boot.ts: start wasmoon's WebAssembly set-up (fetching, instantiating, wrapping ~200 C
 * functions: most of an engine's creation) while the main thread is still preparing the init.
 */
export function prepareFactory(): void {
  prepared = new LuaFactory(glueWasm());
  // Failures surface when the worker awaits the engine, as they would without preparing.
  prepared.getLuaModule().catch(() => undefined);
}

/** The prepared factory when `env` is the default (the worker's process.env), else a new one. */
export function takeFactory(env: Record<string, string> | undefined): LuaFactory {
  const factory = env === undefined && prepared ? prepared : new LuaFactory(glueWasm(), env);
  prepared = undefined;
  return factory;
}
