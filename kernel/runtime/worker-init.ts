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
