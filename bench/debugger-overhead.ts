/**
 * bench/debugger-overhead: the same CPU-bound script (recursive fib + numeric loop) run
 *   - plain: raw wasmoon doStringSync in a worker thread (the baseline),
 *   - llmspell: our runtime, no breakpoints,
 *   - llmspell + breakpoint elsewhere: one breakpoint in a function that never runs,
 *   - sethook: raw wasmoon with a Lua `debug.sethook` line hook (what Lua-level debuggers do).
 * Runs are interleaved; prints medians and ratios to plain. Usage: node dist/bench/debugger-overhead.js [rounds]
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { LuaRuntime } from '../kernel/runtime/runtime';

const FIXTURE = path.resolve(__dirname, '..', '..', 'bench', 'fixtures', 'cpu.lua');
const rounds = Number(process.argv[2] ?? 7);

const RAW_WORKER = `
const { parentPort, workerData } = require('worker_threads');
const { LuaFactory } = require(workerData.wasmoon);
(async () => {
  const f = new LuaFactory();
  parentPort.on('message', async (m) => {
    const e = await f.createEngine();
    const code = m.hook ? 'debug.sethook(function() end, "l") ' + m.code : m.code;
    const t = process.hrtime.bigint();
    e.doStringSync(code);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    e.global.close();
    parentPort.postMessage(ms);
  });
  parentPort.postMessage('ready');
})();`;

function rawRunner(): Promise<{
  run: (code: string, hook: boolean) => Promise<number>;
  close: () => Promise<number>;
}> {
  const w = new Worker(RAW_WORKER, { eval: true, workerData: { wasmoon: require.resolve('wasmoon') } });
  return new Promise((resolve) => {
    w.once('message', () =>
      resolve({
        run: (code, hook) =>
          new Promise((r) => {
            w.once('message', (ms: number) => r(ms));
            w.postMessage({ code, hook });
          }),
        close: () => w.terminate(),
      }),
    );
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const code = fs.readFileSync(FIXTURE, 'utf8');
  const raw = await rawRunner();
  const rtPlain = await LuaRuntime.create({ name: 'bench-plain' });
  const rtBp = await LuaRuntime.create({ name: 'bench-bp' });
  const bps = await rtBp.debugger.setBreakpoints(FIXTURE, [{ line: 3 }]);
  if (!bps[0]?.verified) throw new Error('breakpoint not verified');
  const times: Record<string, number[]> = {
    plain: [],
    llmspell: [],
    'llmspell+bp elsewhere': [],
    'sethook line hook': [],
  };
  const timed = async (f: () => Promise<unknown>): Promise<number> => {
    const t = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  for (let i = 0; i < rounds + 1; i++) {
    const p = await raw.run(code, false);
    const a = await timed(() => rtPlain.execute(code, { chunkName: FIXTURE, mode: 'file' }));
    const b = await timed(() => rtBp.execute(code, { chunkName: FIXTURE, mode: 'file' }));
    const h = i < 3 ? await raw.run(code, true) : undefined;
    if (i === 0) continue; // warm-up
    times.plain.push(p);
    times.llmspell.push(a);
    times['llmspell+bp elsewhere'].push(b);
    if (h !== undefined) times['sethook line hook'].push(h);
  }
  await raw.close();
  await rtPlain.dispose();
  await rtBp.dispose();
  const base = median(times.plain);
  process.stdout.write(
    `debugger-overhead (${new Date().toISOString().slice(0, 10)}, ${rounds} rounds, median ms, ratio to plain wasmoon)\n`,
  );
  for (const [k, v] of Object.entries(times)) {
    const m = median(v);
    process.stdout.write(`  ${k.padEnd(24)} ${m.toFixed(1).padStart(8)} ms  ${(m / base).toFixed(2)}x\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(String(err) + '\n');
  process.exit(1);
});
