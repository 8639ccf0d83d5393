/**
 * DAP benchmarks (a real DebugClient over TCP against startDapServer):
 * - breakpoint hit -> `stopped` at the client: continue to a breakpoint in a loop, p50/p95 (bar < 5 ms)
 * - step latency: `next` request -> `stopped` event, p50/p95
 * - a debugged run (DAP launch, a breakpoint in a function never called) against a plain run of the
 *   same script in a fresh runtime, medians of interleaved runs (bar <= 1.5x)
 * Usage: node dist/bench/dap.js [--runs N]
 */
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startDapServer } from '../debug-adapter/server';
import { LuaRuntime } from '../kernel/runtime/runtime';

const HERE = path.resolve(__dirname, '..', '..', 'bench');
const HOT = path.join(HERE, 'dap-fixture.lua');
const LOOP = path.join(HERE, 'dap-loop.lua');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const median = (xs: number[]): number => pct(xs, 50);
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

async function hitLatency(port: number): Promise<{ hit: number[]; step: number[] }> {
  const dc = new DebugClient('node', 'unused', 'llmspell');
  await dc.start(port);
  const initialized = dc.waitForEvent('initialized');
  await dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' });
  const stopped0 = dc.waitForEvent('stopped');
  const launched = dc.launchRequest({ program: LOOP } as DebugProtocol.LaunchRequestArguments);
  await initialized;
  await dc.setBreakpointsRequest({ source: { path: LOOP }, breakpoints: [{ line: 3 }] });
  await dc.configurationDoneRequest();
  await launched;
  await stopped0;
  const hit: number[] = [];
  for (let i = 0; i < 300; i++) {
    const stopped = dc.waitForEvent('stopped');
    const t0 = process.hrtime.bigint();
    void dc.continueRequest({ threadId: 1 });
    await stopped;
    hit.push(ms(t0));
  }
  await dc.setBreakpointsRequest({ source: { path: LOOP }, breakpoints: [] });
  const step: number[] = [];
  for (let i = 0; i < 300; i++) {
    const stopped = dc.waitForEvent('stopped');
    const t0 = process.hrtime.bigint();
    void dc.nextRequest({ threadId: 1 });
    await stopped;
    step.push(ms(t0));
  }
  await dc.disconnectRequest({});
  await dc.stop();
  return { hit, step };
}

async function debuggedRun(port: number): Promise<number> {
  // Clock: configurationDone -> terminated. The runtime is created at launch, before the clock starts
  // (as for the plain run); the clock includes the adapter's 15 ms settle delay and protocol traffic.
  const dc = new DebugClient('node', 'unused', 'llmspell');
  await dc.start(port);
  const initialized = dc.waitForEvent('initialized');
  await dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' });
  const launched = dc.launchRequest({ program: HOT } as DebugProtocol.LaunchRequestArguments);
  await initialized;
  await dc.setBreakpointsRequest({ source: { path: HOT }, breakpoints: [{ line: 9 }] });
  const terminated = dc.waitForEvent('terminated');
  const t0 = process.hrtime.bigint();
  await dc.configurationDoneRequest();
  await launched;
  await terminated;
  const t = ms(t0);
  await dc.stop();
  return t;
}

async function plainRun(): Promise<number> {
  const rt = await LuaRuntime.create({ name: 'bench-plain' });
  const code = fs.readFileSync(HOT, 'utf8');
  const t0 = process.hrtime.bigint();
  const r = await rt.execute(code, { chunkName: HOT, mode: 'file' });
  const t = ms(t0);
  await rt.dispose();
  if (!r.ok) throw new Error(r.error.message);
  return t;
}

async function main(): Promise<void> {
  const server = await startDapServer({ port: 0, host: '127.0.0.1', authToken: false });
  try {
    const { hit, step } = await hitLatency(server.port);
    const plain: number[] = [];
    const debugged: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(await plainRun());
      debugged.push(await debuggedRun(server.port));
    }
    const f = (x: number): string => x.toFixed(2);
    const lines = [
      `breakpoint hit -> stopped (client, n=${hit.length}): p50 ${f(median(hit))} ms, p95 ${f(pct(hit, 95))} ms (bar < 5 ms)`,
      `step (next -> stopped, n=${step.length}): p50 ${f(median(step))} ms, p95 ${f(pct(step, 95))} ms`,
      `debugged run with a breakpoint elsewhere: median ${f(median(debugged))} ms; plain run: median ${f(median(plain))} ms; ratio ${(median(debugged) / median(plain)).toFixed(2)}x (bar <= 1.5x, runs=${RUNS})`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await server.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench/dap failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
