/**
 * Soak test: CLIENTS concurrent jupyter_client clients execute cells against one kernel for SECONDS
 * with SIGHUP config reloads every 5 s; zero lost replies, RSS growth after a 20 s warm-up <= 50 MB.
 * Usage: npx tsc -p tsconfig.json && node dist/bench/soak.js [SECONDS] [CLIENTS] [--fixed-cells] [--keep] [--json]
 * Exit status 1 when a criterion fails. Loopback only; results in docs/SERVICE.md ("Soak test").
 */
import { formatSoak, runSoak } from './soak-lib';

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const seconds = Number(args[0] ?? 60);
  const clients = Number(args[1] ?? 50);
  if (!(seconds > 0) || !Number.isInteger(clients) || clients < 1) {
    process.stderr.write(
      'usage: node dist/bench/soak.js [SECONDS] [CLIENTS] [--fixed-cells] [--keep] [--json]\n',
    );
    process.exitCode = 2;
    return;
  }
  const report = await runSoak({
    seconds,
    clients,
    cells: process.argv.includes('--fixed-cells') ? 'fixed' : 'unique',
    keepDir: process.argv.includes('--keep'),
    onProgress: (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write(formatSoak(report) + '\n');
  if (process.argv.includes('--json')) {
    process.stdout.write(
      JSON.stringify({ ...report, rss: { ...report.rss, samples: report.rss.samples } }) + '\n',
    );
  }
  if (!report.passed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
