/**
 * Entry of a prestarted VM worker (prestart.ts): load what worker.ts needs while the main thread
 * is still busy, then wait for the WorkerInit and run worker.ts with it.
 */
import { parentPort } from 'worker_threads';
import type { WorkerInit } from './protocol';
import { prepareFactory, setWorkerInit } from './worker-init';

// Warm the module cache: these are worker.ts's dependencies, loaded in the same order.
/* eslint-disable @typescript-eslint/no-require-imports */
require('wasmoon');
require('./breakpoints');
require('./protocol');
require('./bytecode');
prepareFactory();
parentPort!.once('message', (m: { init: WorkerInit }) => {
  setWorkerInit(m.init);
  require('./worker');
});
/* eslint-enable @typescript-eslint/no-require-imports */
