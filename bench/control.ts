/**
 * bench/control: how fast pause and interrupt reach a busy VM, and what a stopped VM costs.
 *   - pause latency: `pause()` on `while true do ... end` until the `stopped` event (bar: 50 ms),
 *   - interrupt latency: `interrupt()` until the cell's Interrupted result (bar: 50 ms),
 *   - CPU while stopped: process CPU over a window with the VM stopped, against the baseline of
 *     the same window with the runtime idle (the worker blocks in Atomics.wait: ratio near 1).
 * These are timings, so they live here and not in test/ (test/unit/runtime/control.test.ts checks
 * the behaviour). Usage: node dist/bench/control.js [rounds]
 */
import { LuaRuntime } from '../kernel/runtime/runtime';
import type { StoppedEvent } from '../kernel/runtime/types';

const rounds = Number(process.argv[2] ?? 7);
const WINDOW_MS = 300;
const SPIN = 'local i = 0\nwhile true do i = i + 1 if i % 20000 == 0 then print(i) end end';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cpuOver(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  await sleep(ms);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

async function round(
  rt: LuaRuntime,
): Promise<{ pause: number; interrupt: number; idle: number; stopped: number }> {
  let printed = false;
  let onStop: ((e: StoppedEvent) => void) | undefined;
  const off = rt.onEvent((e) => {
    if (e.type === 'output') printed = true;
    if (e.type === 'stopped') onStop?.(e);
  });
  const idle = await cpuOver(WINDOW_MS);
  const run = rt.execute(SPIN, { chunkName: '/bench/spin.lua', mode: 'cell' });
  while (!printed) await sleep(2);
  const stopped = new Promise<StoppedEvent>((r) => (onStop = r));
  let t0 = performance.now();
  rt.debugger.pause();
  await stopped;
  const pause = performance.now() - t0;
  const stoppedCpu = await cpuOver(WINDOW_MS);
  rt.debugger.resume();
  await sleep(20);
  t0 = performance.now();
  rt.interrupt();
  await run;
  const interrupt = performance.now() - t0;
  off();
  return { pause, interrupt, idle, stopped: stoppedCpu };
}

async function main(): Promise<void> {
  const rt = await LuaRuntime.create({ name: 'bench' });
  const r: { pause: number[]; interrupt: number[]; idle: number[]; stopped: number[] } = {
    pause: [],
    interrupt: [],
    idle: [],
    stopped: [],
  };
  for (let i = 0; i < rounds; i++) {
    const x = await round(rt);
    r.pause.push(x.pause);
    r.interrupt.push(x.interrupt);
    r.idle.push(x.idle);
    r.stopped.push(x.stopped);
  }
  await rt.dispose();
  const f = (n: number) => n.toFixed(2);
  process.stdout.write(
    `control (${rounds} rounds, medians)\n` +
      `  pause -> stopped:        ${f(median(r.pause))} ms (max ${f(Math.max(...r.pause))}; bar 50 ms)\n` +
      `  interrupt -> result:     ${f(median(r.interrupt))} ms (max ${f(Math.max(...r.interrupt))}; bar 50 ms)\n` +
      `  CPU in ${WINDOW_MS} ms, idle runtime (baseline): ${f(median(r.idle))} ms\n` +
      `  CPU in ${WINDOW_MS} ms, VM stopped:              ${f(median(r.stopped))} ms ` +
      `(${f(median(r.stopped) / Math.max(median(r.idle), 0.01))}x the idle baseline)\n`,
  );
}

void main();
