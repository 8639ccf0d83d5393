/**
 * Soak test of one kernel service: N concurrent jupyter_client clients execute cells for S seconds
 * (test/e2e/python/soak_clients.py) while this side rewrites the config file and sends SIGHUP every
 * few seconds, samples the kernel's RSS every second and scrapes /health and /metrics at start and
 * end. Used by bench/soak.ts (60 s, 50 clients) and test/e2e/service/soak.test.ts (short variant).
 * Everything binds 127.0.0.1; every wait is bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'llmspell');
const DRIVER = path.join(REPO, 'test', 'e2e', 'python', 'soak_clients.py');
const PYTHON = '/usr/bin/python3';

export interface SoakOptions {
  /** Seconds of load (default 60). */
  seconds?: number;
  /** Concurrent Jupyter clients (default 50). */
  clients?: number;
  /** Rewrite the config and send SIGHUP this often during the load (default 5000 ms). */
  reloadEveryMs?: number;
  /**
   * RSS growth is measured from this many seconds into the load (default 20: under 50 clients the
   * V8 heaps grow for the first 20-35 s, then stay flat when the same cells are re-run).
   */
  warmupSeconds?: number;
  /** Allowed RSS growth after the warm-up, in MB (default 50). */
  rssGrowthBoundMb?: number;
  /** Progress lines (kernel start, driver progress, reloads). */
  onProgress?: (line: string) => void;
  /**
   * "unique" (default): print, table and error cells carry the iteration number, so most cells are
   * distinct code; "fixed": every client re-runs the same five cells.
   */
  cells?: 'unique' | 'fixed';
  /** Keep the temporary directory (kernel log, config) instead of removing it. */
  keepDir?: boolean;
}

/** What the Python driver reports (its last stdout line). */
export interface DriverReport {
  clients: number;
  seconds: number;
  cells: string;
  elapsed_s: number;
  connect_ms: number;
  sent: number;
  replied: number;
  lost: number;
  late: number;
  lost_unanswered: number;
  duplicate_replies: number;
  unexpected_replies: number;
  missing_idle: number;
  duplicate_status: number;
  wrong_output: number;
  wrong_status: number;
  aborted: number;
  error_cells: number;
  kinds: Record<string, number>;
  per_client_min: number;
  per_client_max: number;
  throughput_per_s: number;
  latency_ms: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  problems: string[];
  exceptions: string[];
}

export interface RssSample {
  /** Seconds since the load started (negative before it). */
  t: number;
  mb: number;
}

export interface Scrape {
  health: Record<string, unknown>;
  executions: number;
  executionErrors: number;
  reloadsOk: number;
  reloadsFailed: number;
  rejected: number;
  rssMb: number;
  openFds: number;
}

export interface Criterion {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SoakReport {
  date: string;
  seconds: number;
  clients: number;
  reloadEveryMs: number;
  warmupSeconds: number;
  rssGrowthBoundMb: number;
  kernelPid: number;
  driver: DriverReport;
  reloadsSent: number;
  reloadsLogged: number;
  reloadsLoggedWithChange: number;
  reloadFailuresLogged: number;
  droppedLogged: number;
  errorLinesLogged: number;
  rss: {
    startMb: number;
    warmMb: number;
    maxMb: number;
    maxAfterWarmMb: number;
    endMb: number;
    growthAfterWarmMb: number;
    endMinusWarmMb: number;
    slopeMbPerMin: number;
    samples: RssSample[];
  };
  start: Scrape;
  end: Scrape;
  stop: {
    exitCode: number | null;
    signal: string | null;
    killed: boolean;
    stopMs: number;
    cleanedUp: boolean;
  };
  criteria: Criterion[];
  passed: boolean;
  dir?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function httpGet(port: number, p: string): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${p} timed out`)));
    req.on('error', reject);
  });
}

/** Sum of a Prometheus series (all label sets, or those whose labels contain `labels`). */
export function metricValue(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name || (labels && !(m[2] ?? '').includes(labels))) continue;
    sum += Number(m[3]);
  }
  return sum;
}

async function scrape(port: number): Promise<Scrape> {
  const h = await httpGet(port, '/health');
  if (h.code !== 200) throw new Error(`/health answered ${h.code}: ${h.text}`);
  const m = await httpGet(port, '/metrics');
  if (m.code !== 200) throw new Error(`/metrics answered ${m.code}: ${m.text}`);
  return {
    health: JSON.parse(h.text) as Record<string, unknown>,
    executions: metricValue(m.text, 'llmspell_executions_total'),
    executionErrors: metricValue(m.text, 'llmspell_execution_errors_total'),
    reloadsOk: metricValue(m.text, 'llmspell_config_reloads_total', 'result="ok"'),
    reloadsFailed: metricValue(m.text, 'llmspell_config_reloads_total', 'result="error"'),
    rejected: metricValue(m.text, 'llmspell_messages_rejected_total'),
    rssMb: metricValue(m.text, 'llmspell_process_resident_memory_bytes') / 1024 / 1024,
    openFds: metricValue(m.text, 'llmspell_process_open_fds'),
  };
}

/** The config file; `k` changes the reloadable values (rate limit, rotation size) on every reload. */
function configText(k: number): string {
  return [
    '# written by bench/soak-lib.ts; rewritten before every SIGHUP',
    '[logging]',
    'log_level = "info"',
    `max_size_mb = ${k % 2 === 0 ? 100 : 90}`,
    '',
    '[security]',
    `rate_limit_per_minute = ${600 + k}`,
    '',
  ].join('\n');
}

interface LogSummary {
  reloads: number;
  reloadsWithChange: number;
  reloadFailures: number;
  dropped: number;
  errors: number;
}

function readLog(file: string): LogSummary {
  const out: LogSummary = { reloads: 0, reloadsWithChange: 0, reloadFailures: 0, dropped: 0, errors: 0 };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let rec: { msg?: string; level?: number; changed?: string[] };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      continue;
    }
    if (rec.msg === 'configuration reloaded') {
      out.reloads++;
      if (rec.changed?.includes('security.rate_limit_per_minute')) out.reloadsWithChange++;
    }
    if (rec.msg?.startsWith('configuration reload failed')) out.reloadFailures++;
    if (rec.msg === 'message dropped') out.dropped++;
    if ((rec.level ?? 0) >= 50) out.errors++;
  }
  return out;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Lines of a stream, one callback per complete line. */
function onLines(stream: NodeJS.ReadableStream, fn: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => {
    buf += c;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      fn(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf) fn(buf);
  });
}

function slope(samples: RssSample[]): number {
  if (samples.length < 2) return 0;
  const n = samples.length;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mm = samples.reduce((s, x) => s + x.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of samples) {
    num += (x.t - mt) * (x.mb - mm);
    den += (x.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

interface Kernel {
  child: ChildProcess;
  pid: number;
  httpPort: number;
  connectionFile: string;
  registryFile: string;
  output: () => string;
}

async function startKernel(
  dir: string,
  env: NodeJS.ProcessEnv,
  files: Record<string, string>,
): Promise<Kernel> {
  const args = [
    BIN,
    'kernel',
    'start',
    '--connection-file',
    files.connection,
    '--port',
    '0',
    '--dap-port',
    '0',
    '--config',
    files.config,
    '--log-file',
    files.log,
  ];
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the kernel');
  const registry = path.join(env.LLMSPELL_HOME as string, 'kernels');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the kernel exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`,
      );
    }
    if (existsSync(registry)) {
      for (const f of readdirSync(registry)) {
        try {
          const e = JSON.parse(readFileSync(path.join(registry, f), 'utf8')) as {
            pid: number;
            ports: { http?: number; shell?: number };
          };
          if (e.pid === pid && e.ports.http && e.ports.shell && existsSync(files.connection)) {
            return {
              child,
              pid,
              httpPort: e.ports.http,
              connectionFile: files.connection,
              registryFile: path.join(registry, f),
              output: () => output,
            };
          }
        } catch {
          // being written
        }
      }
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`the kernel was not ready within 30 s:\n${output}`);
}

/** SIGTERM, SIGKILL after 5 s; only the pid we spawned. */
async function stopKernel(k: Kernel): Promise<SoakReport['stop']> {
  const t0 = Date.now();
  let killed = false;
  if (k.child.exitCode === null && k.child.signalCode === null) {
    k.child.kill('SIGTERM');
    if (!(await waitExit(k.child, 5000))) {
      killed = true;
      k.child.kill('SIGKILL');
      await waitExit(k.child, 5000);
    }
  }
  return {
    exitCode: k.child.exitCode,
    signal: k.child.signalCode,
    killed,
    stopMs: Date.now() - t0,
    cleanedUp: !existsSync(k.connectionFile) && !existsSync(k.registryFile),
  };
}

function runDriver(
  kernel: Kernel,
  seconds: number,
  clients: number,
  cells: string,
  env: NodeJS.ProcessEnv,
  onReady: () => void,
  progress: (line: string) => void,
): Promise<DriverReport> {
  return new Promise((resolve, reject) => {
    const py = spawn(PYTHON, [DRIVER, kernel.connectionFile, String(seconds), String(clients), cells], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = '';
    let stderr = '';
    // connecting (up to 60 s) + load + the driver's 30 s reply timeout + margin
    const guard = setTimeout(() => py.kill('SIGKILL'), (seconds + 150) * 1000);
    onLines(py.stdout, (line) => {
      if (/^ready \d+$/.test(line)) {
        onReady();
      } else if (line.trim()) last = line;
    });
    onLines(py.stderr, (line) => {
      stderr += line + '\n';
      if (line.startsWith('soak:')) progress(line);
    });
    py.on('error', (err) => {
      clearTimeout(guard);
      reject(err);
    });
    py.on('close', (code, signal) => {
      clearTimeout(guard);
      try {
        resolve(JSON.parse(last) as DriverReport);
      } catch {
        reject(new Error(`soak driver failed (exit ${code ?? signal}):\n${stderr.slice(-4000)}\n${last}`));
      }
    });
  });
}

function fmt(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const seconds = options.seconds ?? 60;
  const clients = options.clients ?? 50;
  const reloadEveryMs = options.reloadEveryMs ?? 5000;
  const warmupSeconds = options.warmupSeconds ?? 20;
  const bound = options.rssGrowthBoundMb ?? 50;
  const progress = options.onProgress ?? (() => undefined);

  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-soak-'));
  const files = {
    config: path.join(dir, 'kernel.toml'),
    connection: path.join(dir, 'k.json'),
    log: path.join(dir, 'kernel.log'),
  };
  for (const d of ['home', 'llmspell', 'tmp']) mkdirSync(path.join(dir, d));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LLMSPELL_')) env[k] = v;
  Object.assign(env, {
    HOME: path.join(dir, 'home'),
    LLMSPELL_HOME: path.join(dir, 'llmspell'),
    TMPDIR: path.join(dir, 'tmp'),
    PYTHONDONTWRITEBYTECODE: '1',
  });
  let k = 0;
  writeFileSync(files.config, configText(k));

  let kernel: Kernel | undefined;
  const samples: RssSample[] = [];
  let sampler: NodeJS.Timeout | undefined;
  let reloader: NodeJS.Timeout | undefined;
  try {
    kernel = await startKernel(dir, env, files);
    const kk = kernel;
    progress(`kernel pid ${kk.pid}, control port ${kk.httpPort}, log ${files.log}`);
    const start = await scrape(kk.httpPort);
    const raw: Array<{ at: number; mb: number }> = [];
    let loadStart = 0;
    const sample = () => {
      const mb = rssMb(kk.pid);
      if (mb !== undefined) raw.push({ at: Date.now(), mb });
    };
    sample();
    const startMb = raw[0]?.mb ?? start.rssMb;
    sampler = setInterval(sample, 1000);
    let reloadsSent = 0;
    const driver = await runDriver(
      kk,
      seconds,
      clients,
      options.cells ?? 'unique',
      env,
      () => {
        loadStart = Date.now();
        reloader = setInterval(() => {
          const elapsed = Date.now() - loadStart;
          if (elapsed > seconds * 1000 - 1000) return;
          k++;
          writeFileSync(files.config, configText(k));
          if (kk.child.exitCode === null && kk.child.signalCode === null) {
            process.kill(kk.pid, 'SIGHUP');
            reloadsSent++;
            progress(`SIGHUP #${reloadsSent} at ${(elapsed / 1000).toFixed(1)} s`);
          }
        }, reloadEveryMs);
      },
      progress,
    );
    clearInterval(reloader);
    await sleep(1000);
    sample();
    clearInterval(sampler);
    sampler = undefined;
    const end = await scrape(kk.httpPort);
    const log = readLog(files.log);
    const stop = await stopKernel(kk);

    const d = driver;
    for (const x of raw) samples.push({ t: (x.at - loadStart) / 1000, mb: x.mb });
    const load = samples.filter((s) => s.t >= 0);
    const warm = load.find((s) => s.t >= warmupSeconds) ?? load[load.length - 1] ?? samples[0];
    const afterWarm = load.filter((s) => s.t >= warm.t);
    const maxAfterWarm = Math.max(...afterWarm.map((s) => s.mb));
    const endMb = samples[samples.length - 1].mb;
    const rss = {
      startMb,
      warmMb: warm.mb,
      maxMb: Math.max(...samples.map((s) => s.mb)),
      maxAfterWarmMb: maxAfterWarm,
      endMb,
      growthAfterWarmMb: maxAfterWarm - warm.mb,
      endMinusWarmMb: endMb - warm.mb,
      slopeMbPerMin: slope(afterWarm),
      samples,
    };
    const measuredRss = seconds >= warmupSeconds + 10;
    const criteria: Criterion[] = [
      {
        name: 'zero lost replies',
        ok: d.lost === 0 && d.lost_unanswered === 0 && d.sent === d.replied,
        detail: `sent ${d.sent}, replied ${d.replied}, lost ${d.lost} (late ${d.late})`,
      },
      {
        name: 'exactly one execute_reply per request, right parent',
        ok: d.duplicate_replies === 0 && d.unexpected_replies === 0,
        detail: `duplicates ${d.duplicate_replies}, unknown parent ${d.unexpected_replies}`,
      },
      {
        name: 'one busy and one idle status per request',
        ok: d.missing_idle === 0 && d.duplicate_status === 0,
        detail: `missing idle ${d.missing_idle}, wrong busy/idle counts ${d.duplicate_status}`,
      },
      {
        name: 'expected outputs and statuses',
        ok: d.wrong_output === 0 && d.wrong_status === 0 && d.aborted === 0 && d.exceptions.length === 0,
        detail: `wrong output ${d.wrong_output}, wrong status ${d.wrong_status}, aborted ${d.aborted}, client exceptions ${d.exceptions.length}`,
      },
      {
        name: 'kernel counted every execution (/metrics)',
        ok: end.executions - start.executions === d.replied,
        detail: `llmspell_executions_total +${end.executions - start.executions}`,
      },
      {
        name: 'every SIGHUP reload logged and applied',
        ok:
          reloadsSent > 0 &&
          log.reloads === reloadsSent &&
          log.reloadsWithChange === reloadsSent &&
          log.reloadFailures === 0 &&
          end.reloadsOk - start.reloadsOk === reloadsSent,
        detail: `sent ${reloadsSent}, logged ${log.reloads} (${log.reloadsWithChange} with the changed key), failures ${log.reloadFailures}, llmspell_config_reloads_total{result="ok"} +${end.reloadsOk - start.reloadsOk}`,
      },
      {
        name: 'no dropped messages or error log lines',
        ok: log.dropped === 0 && log.errors === 0 && end.rejected === start.rejected,
        detail: `message dropped ${log.dropped}, error lines ${log.errors}, rejected +${end.rejected - start.rejected}`,
      },
      {
        name: `RSS growth after ${warmupSeconds} s <= ${bound} MB`,
        ok: !measuredRss || rss.growthAfterWarmMb <= bound,
        detail: measuredRss
          ? `max ${fmt(rss.maxAfterWarmMb)} MB - ${fmt(rss.warmMb)} MB at ${warm.t.toFixed(0)} s = ${fmt(rss.growthAfterWarmMb)} MB`
          : `not judged: a ${seconds} s run is too short (informative: ${fmt(rss.growthAfterWarmMb)} MB)`,
      },
      {
        name: 'kernel healthy at the end and stopped cleanly by SIGTERM',
        ok: end.health.status === 'ok' && stop.exitCode === 0 && !stop.killed && stop.cleanedUp,
        detail: `health ${String(end.health.status)}, exit ${stop.exitCode ?? stop.signal} in ${stop.stopMs} ms, files removed ${stop.cleanedUp}`,
      },
    ];
    return {
      date: new Date().toISOString(),
      seconds,
      clients,
      reloadEveryMs,
      warmupSeconds,
      rssGrowthBoundMb: bound,
      kernelPid: kk.pid,
      driver: d,
      reloadsSent,
      reloadsLogged: log.reloads,
      reloadsLoggedWithChange: log.reloadsWithChange,
      reloadFailuresLogged: log.reloadFailures,
      droppedLogged: log.dropped,
      errorLinesLogged: log.errors,
      rss,
      start,
      end,
      stop,
      criteria,
      passed: criteria.every((c) => c.ok),
      dir: options.keepDir ? dir : undefined,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    if (reloader) clearInterval(reloader);
    if (kernel && kernel.child.exitCode === null && kernel.child.signalCode === null) {
      kernel.child.kill('SIGKILL');
      await waitExit(kernel.child, 5000);
    }
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSoak(r: SoakReport): string {
  const d = r.driver;
  const lines = [
    `soak: ${r.clients} clients x ${r.seconds} s against one kernel (pid ${r.kernelPid}), SIGHUP every ${r.reloadEveryMs / 1000} s`,
    `  duration          ${d.elapsed_s.toFixed(1)} s of load (clients connected in ${d.connect_ms.toFixed(0)} ms)`,
    `  executions        ${d.sent} sent, ${d.replied} replied (${d.throughput_per_s.toFixed(0)}/s; per client ${d.per_client_min}-${d.per_client_max}); ` +
      Object.entries(d.kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    `  lost replies      ${d.lost} (late ${d.late}, duplicates ${d.duplicate_replies}, unknown parent ${d.unexpected_replies}, missing idle ${d.missing_idle})`,
    `  latency           p50 ${fmt(d.latency_ms.p50)} ms, p90 ${fmt(d.latency_ms.p90)} ms, p99 ${fmt(d.latency_ms.p99)} ms, max ${fmt(d.latency_ms.max)} ms (send -> execute_reply)`,
    `  RSS               start ${fmt(r.rss.startMb)} MB, after warm-up (${r.warmupSeconds} s) ${fmt(r.rss.warmMb)} MB, max ${fmt(r.rss.maxMb)} MB, end ${fmt(r.rss.endMb)} MB`,
    `  RSS growth        ${fmt(r.rss.growthAfterWarmMb)} MB max after warm-up (bound ${r.rssGrowthBoundMb} MB), end - warm-up ${fmt(r.rss.endMinusWarmMb)} MB, trend ${fmt(r.rss.slopeMbPerMin)} MB/min`,
    `  reloads           ${r.reloadsSent} SIGHUPs, ${r.reloadsLogged} "configuration reloaded" lines, ${r.reloadFailuresLogged} failures`,
    `  /metrics          executions +${r.end.executions - r.start.executions}, errors +${r.end.executionErrors - r.start.executionErrors}, open fds ${r.start.openFds} -> ${r.end.openFds}, RSS ${fmt(r.start.rssMb)} -> ${fmt(r.end.rssMb)} MB`,
    `  stop              exit ${r.stop.exitCode ?? r.stop.signal} after SIGTERM in ${r.stop.stopMs} ms${r.stop.killed ? ' (SIGKILLed)' : ''}`,
    '',
    ...r.criteria.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`),
  ];
  if (d.problems.length) lines.push('', '  first problems:', ...d.problems.map((p) => `    ${p}`));
  if (d.exceptions.length) lines.push('', '  client exceptions:', ...d.exceptions.map((p) => `    ${p}`));
  if (r.dir) lines.push('', `  kept ${r.dir}`);
  lines.push('', r.passed ? 'soak: PASS' : 'soak: FAIL');
  return lines.join('\n');
}
