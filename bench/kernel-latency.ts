/**
 * Kernel execute round trip through jupyter_client, llmspell vs ipykernel, interleaved in one run.
 * Usage: node dist/bench/kernel-latency.js [ROUNDS] [STARTS]. Bar: llmspell median <= 0.5x ipykernel's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installKernelspec } from '../kernel/jupyter/kernelspec';

interface KernelNumbers {
  reply_median_ms: number;
  reply_p99_ms: number;
  idle_median_ms: number;
  idle_p99_ms: number;
  start_to_ready_median_ms: number;
}

interface BenchResult {
  rounds: number;
  code: string;
  llmspell: KernelNumbers;
  python3: KernelNumbers;
  ratio_reply_median: number;
  ratio_idle_median: number;
}

async function main(): Promise<void> {
  const rounds = process.argv[2] ?? '300';
  const starts = process.argv[3] ?? '3';
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-bench-'));
  try {
    await installKernelspec({ prefix: dir });
    const script = path.resolve(__dirname, '..', '..', 'bench', 'kernel-latency.py');
    const r = spawnSync('/usr/bin/python3', [script, rounds, starts], {
      env: {
        ...process.env,
        JUPYTER_PATH: path.join(dir, 'share', 'jupyter'),
        JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
        LLMSPELL_HOME: path.join(dir, 'home'),
      },
      encoding: 'utf8',
      timeout: 600000,
    });
    if (r.status !== 0) throw new Error(`kernel-latency.py failed: ${r.stderr}`);
    const res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as BenchResult;
    const f = (n: number) => n.toFixed(2).padStart(8);
    const lines = [
      `kernel execute round trip via jupyter_client (${res.rounds} interleaved rounds, code: ${res.code})`,
      `                       reply med   reply p99   idle med   idle p99   start-to-ready`,
      `llmspell             ${f(res.llmspell.reply_median_ms)} ms ${f(res.llmspell.reply_p99_ms)} ms ${f(res.llmspell.idle_median_ms)} ms ${f(res.llmspell.idle_p99_ms)} ms ${f(res.llmspell.start_to_ready_median_ms)} ms`,
      `ipykernel            ${f(res.python3.reply_median_ms)} ms ${f(res.python3.reply_p99_ms)} ms ${f(res.python3.idle_median_ms)} ms ${f(res.python3.idle_p99_ms)} ms ${f(res.python3.start_to_ready_median_ms)} ms`,
      `ratio llmspell/ipykernel (median): reply ${res.ratio_reply_median.toFixed(3)}x, idle ${res.ratio_idle_median.toFixed(3)}x (bar <= 0.5x)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    process.stdout.write(JSON.stringify(res) + '\n');
    if (res.ratio_reply_median > 0.5) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
