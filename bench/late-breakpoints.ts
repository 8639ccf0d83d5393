/**
 * bench/late-breakpoints: the attach path. The same workload (fib + a numeric loop, from
 * bench/fixtures/late-work.lua, called from a later cell as a kernel user would) in fresh runtimes:
 *   - plain: no debugger,
 *   - before load: a breakpoint (never hit) set before the file is loaded (the launch path),
 *   - after load (cell): the file ran as a cell, then the breakpoint was set (attach, JupyterLab),
 *   - after load (dofile): the file was loaded with dofile, then the breakpoint was set,
 *   - removed: after load, set and then removed again,
 * and a 200,000-deep recursion, plain and with a conditional breakpoint (never true) passed at every
 * level (a condition on a local, which gets a guarded probe, and one the general probe checks). Time is measured inside Lua (os.clock around the call). Prints medians and ratios.
 * Usage: node dist/bench/late-breakpoints.js [rounds] [fib] [loop] [depth]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LuaRuntime } from '../kernel/runtime/runtime';

const FIXTURE = path.resolve(__dirname, '..', '..', 'bench', 'fixtures', 'late-work.lua');
const rounds = Number(process.argv[2] ?? 5);
const scale = { fib: Number(process.argv[3] ?? 23), loop: Number(process.argv[4] ?? 600000) };
const depth = Number(process.argv[5] ?? 200000);

const source = fs.readFileSync(FIXTURE, 'utf8');
const lineOf = (marker: string): number => source.split('\n').findIndex((l) => l.includes(marker)) + 1;

type Setup = (rt: LuaRuntime, file: string) => Promise<void>;

async function must(p: Promise<{ ok: boolean; error?: { message: string } } | unknown>): Promise<void> {
  const r = (await p) as { ok: boolean; error?: { message: string }; values?: string[] };
  if (!r.ok) throw new Error(r.error?.message ?? 'failed');
}

const loadCell: Setup = (rt, file) =>
  must(rt.execute(fs.readFileSync(file, 'utf8'), { chunkName: file, mode: 'file' }));
const loadDofile: Setup = (rt, file) =>
  must(rt.execute(`dofile(${JSON.stringify(file)})`, { chunkName: '/bench/cell-0.lua', mode: 'cell' }));
const setNever = async (rt: LuaRuntime, file: string): Promise<void> => {
  const r = await rt.debugger.setBreakpoints(file, [{ line: lineOf('-- NEVER') }], 'bench');
  if (!r[0]?.verified) throw new Error(`breakpoint not verified: ${r[0]?.message}`);
};
// `n < 0` reads a local only: a guarded probe (kernel/runtime/probe-guard.ts). `n // 1 < 0` uses an
// operator the guard does not take: the general probe (frame lookup and pcall at every level).
const deepWith =
  (condition: string) =>
  async (rt: LuaRuntime, file: string): Promise<void> => {
    const r = await rt.debugger.setBreakpoints(file, [{ line: lineOf('-- DEEP'), condition }], 'bench');
    if (!r[0]?.verified) throw new Error(`breakpoint not verified: ${r[0]?.message}`);
  };
const setDeep = deepWith('n < 0');
const setDeepGeneral = deepWith('n // 1 < 0');

const CASES: Record<string, { setup: Setup; call: string }> = {
  plain: { setup: loadCell, call: 'run' },
  'before load': { setup: async (rt, f) => (await setNever(rt, f), loadCell(rt, f)), call: 'run' },
  'after load (cell)': { setup: async (rt, f) => (await loadCell(rt, f), setNever(rt, f)), call: 'run' },
  'after load (dofile)': { setup: async (rt, f) => (await loadDofile(rt, f), setNever(rt, f)), call: 'run' },
  'after load, removed': {
    setup: async (rt, f) => {
      await loadCell(rt, f);
      await setNever(rt, f);
      await rt.debugger.setBreakpoints(f, [], 'bench');
    },
    call: 'run',
  },
  'deep plain': { setup: loadCell, call: 'deep' },
  'deep + condition': { setup: async (rt, f) => (await loadCell(rt, f), setDeep(rt, f)), call: 'deep' },
  'deep + condition, late': { setup: async (rt, f) => (await loadCell(rt, f), setDeep(rt, f)), call: 'deep' },
  'deep + general condition': {
    setup: async (rt, f) => (await setDeepGeneral(rt, f), loadCell(rt, f)),
    call: 'deep',
  },
};
// The launch path for the deep case: the conditional breakpoint is there before the file loads.
CASES['deep + condition'].setup = async (rt, f) => (await setDeep(rt, f), loadCell(rt, f));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeCase(name: string, file: string): Promise<number> {
  const c = CASES[name];
  const rt = await LuaRuntime.create({ name: 'bench-late' });
  try {
    await c.setup(rt, file);
    const arg = c.call === 'deep' ? String(depth) : `{ fib = ${scale.fib}, loop = ${scale.loop} }`;
    // Warm up with the same call first: wasm tiers up its compiled code on background threads, whose
    // CPU time os.clock (process CPU time) would otherwise count. Then time the real one.
    const code = `${c.call}(${arg}); local t = os.clock(); ${c.call}(${arg}); return (os.clock() - t) * 1000`;
    const r = await rt.execute(code, {
      chunkName: `/bench/cell-${name.replace(/\W+/g, '-')}.lua`,
      mode: 'cell',
    });
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return Number(r.values[0]);
  } finally {
    await rt.dispose();
  }
}

async function main(): Promise<void> {
  // Each case loads its own copy of the file so no breakpoint state leaks between runtimes' paths.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-late-'));
  const file = path.join(dir, 'late-work.lua');
  fs.copyFileSync(FIXTURE, file);
  const times: Record<string, number[]> = {};
  const only = process.env.BENCH_ONLY;
  for (const k of Object.keys(CASES))
    if (!only || k === only || k.startsWith('deep plain') || k === 'plain') times[k] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      for (const name of Object.keys(times)) {
        times[name].push(await timeCase(name, file));
        if (process.env.BENCH_VERBOSE) process.stderr.write(`${name}: ${times[name].at(-1)}\n`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const out = (s: string): boolean => process.stdout.write(s + '\n');
  out(
    `late-breakpoints (${new Date().toISOString().slice(0, 10)}, ${rounds} rounds, fib(${scale.fib}) + loop(${scale.loop}), deep ${depth}; ms inside Lua)`,
  );
  out(`  ${'case'.padEnd(24)} ${'median'.padStart(9)}    ratio ${'best'.padStart(9)}    ratio`);
  for (const [k, v] of Object.entries(times)) {
    const baseline = times[k.startsWith('deep') ? 'deep plain' : 'plain'];
    const m = median(v);
    const b = Math.min(...v);
    const mr = (m / median(baseline)).toFixed(2);
    const br = (b / Math.min(...baseline)).toFixed(2);
    out(
      `  ${k.padEnd(24)} ${m.toFixed(1).padStart(9)} ${mr.padStart(7)}x ${b.toFixed(1).padStart(9)} ${br.padStart(7)}x`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(String(err) + '\n');
  process.exit(1);
});
