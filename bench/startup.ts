/**
 * Start-up of whole processes, in one interleaved run (bench/startup.py does the measuring):
 * `node -e 0`, `llmspell exec 'return 1'`, `llmspell run hello.lua`, `llmspell kernel start --lsp`
 * to its `initialize` response, and kernel start-to-ready through jupyter_client against ipykernel.
 * Usage: `npm run bench:startup [-- REPS]` (default 7). Bars (issue 17): exec and run <= 2x node,
 * LSP <= 1.5x node, kernel <= 1x ipykernel.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { kernelspecJson } from '../kernel/jupyter/kernelspec';

interface Case {
  median_ms: number;
  min_ms: number;
  peak_rss_mb: number;
  /** Process CPU time (user + system), median; null where not measured (LSP, kernels). */
  cpu_ms: number | null;
}

interface StartupResult {
  reps: number;
  node: Case;
  exec: Case;
  run: Case;
  lsp: Case;
  kernel: Case;
  ipykernel: Case;
  ratios: {
    exec_to_node: number;
    run_to_node: number;
    lsp_to_node: number;
    kernel_to_ipykernel: number;
    exec_cpu_to_node: number;
    run_cpu_to_node: number;
  };
}

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'llmspell');

function writeKernelspec(dir: string): void {
  const spec = kernelspecJson();
  // Free ports, so the run does not depend on 9555/9556 being free on a shared machine.
  spec.argv.push('--port', '0', '--dap-port', '0');
  const kdir = path.join(dir, 'share', 'jupyter', 'kernels', 'llmspell');
  mkdirSync(kdir, { recursive: true });
  writeFileSync(path.join(kdir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
}

function report(res: StartupResult): string {
  const row = (name: string, c: Case, ratio: string) =>
    `${name.padEnd(34)}${c.median_ms.toFixed(1).padStart(9)} ms${c.min_ms.toFixed(1).padStart(9)} ms` +
    `${c.peak_rss_mb.toFixed(1).padStart(9)} MB` +
    `${c.cpu_ms === null ? '        -   ' : `${c.cpu_ms.toFixed(0).padStart(9)} ms`}   ${ratio}`;
  const x = (n: number, bar: number, base: string) =>
    `${n.toFixed(2)}x ${base} (bar <= ${bar}x: ${n <= bar ? 'met' : 'MISSED'})`;
  const r = res.ratios;
  return [
    `start-up, whole processes (median of ${res.reps}, interleaved)`,
    `${''.padEnd(34)}   median       min  peak RSS       CPU`,
    row('node -e 0', res.node, 'baseline'),
    row(
      "llmspell exec 'return 1'",
      res.exec,
      `${x(r.exec_to_node, 2, 'node')}, CPU ${r.exec_cpu_to_node.toFixed(2)}x`,
    ),
    row(
      'llmspell run hello.lua',
      res.run,
      `${x(r.run_to_node, 2, 'node')}, CPU ${r.run_cpu_to_node.toFixed(2)}x`,
    ),
    row('llmspell kernel start --lsp (init)', res.lsp, x(r.lsp_to_node, 1.5, 'node')),
    row('llmspell kernel (start-to-ready)', res.kernel, x(r.kernel_to_ipykernel, 1, 'ipykernel')),
    row('ipykernel (start-to-ready)', res.ipykernel, 'baseline'),
  ].join('\n');
}

function main(): void {
  const reps = process.argv[2] ?? '7';
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-startup-'));
  try {
    writeKernelspec(dir);
    const script = path.join(dir, 'hello.lua');
    writeFileSync(script, 'local name = ... or "world"\nprint("hello, " .. name)\n');
    const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'bench', 'startup.py'), BIN, reps, script], {
      cwd: dir,
      env: {
        ...process.env,
        JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
        JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
        LLMSPELL_HOME: path.join(dir, 'home'),
      },
      encoding: 'utf8',
      timeout: 600000,
    });
    if (r.status !== 0) throw new Error(`bench/startup.py failed (${r.status}): ${r.stderr}`);
    const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as StartupResult;
    process.stdout.write(`${report(res)}\n${JSON.stringify(res)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
