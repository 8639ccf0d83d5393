import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { waitFor } from '../../support/wait';

/** End to end through bin/llmspell with a temporary HOME (nothing touches the real ~/.llmspell). */

const BIN = path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'llmspell');
const started = new Set<number>();

after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function llmspell(args: string[], home: string, timeoutMs = 30_000): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.LLMSPELL_HOME;
  delete env.LLMSPELL_CONFIG;
  delete env.LLMSPELL_PROFILE;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      cwd: home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`llmspell ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function tempHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'llmspell-svc-e2e-'));
}

function getJson(url: string): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ code: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }),
        );
      })
      .on('error', reject);
  });
}

function logLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function startDaemon(home: string, extra: string[] = []) {
  const pidFile = path.join(home, 'run', 'kernel.pid');
  const logFile = path.join(home, 'log', 'kernel.log');
  const r = await llmspell(
    [
      'kernel',
      'start',
      '--daemon',
      '--port',
      '0',
      '--no-dap',
      '--pid-file',
      pidFile,
      '--log-file',
      logFile,
      ...extra,
    ],
    home,
  );
  assert.equal(r.code, 0, r.stderr);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  started.add(pid);
  const port = Number(/control: http:\/\/127\.0\.0\.1:(\d+)\/health/.exec(r.stdout)![1]);
  return { pidFile, logFile, pid, port, stdout: r.stdout };
}

test('daemon start -> status -> stop round trip', async () => {
  const home = tempHome();
  const d = await startDaemon(home);
  assert.match(d.stdout, /running as daemon \(pid \d+\)/);
  assert.notEqual(d.pid, process.pid);
  // new session, no controlling terminal
  const stat = readFileSync(`/proc/${d.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  assert.equal(Number(fields[3]), d.pid, 'session id = pid (setsid)');
  assert.equal(Number(fields[4]), 0, 'no controlling tty');

  const health = await getJson(`http://127.0.0.1:${d.port}/health`);
  assert.equal(health.code, 200);
  assert.equal(health.body.status, 'ok');
  assert.equal(health.body.pid, d.pid);

  const status = await llmspell(['kernel', 'status', '--json'], home);
  assert.equal(status.code, 0, status.stderr);
  const list = JSON.parse(status.stdout) as Array<{
    id: string;
    pid: number;
    ports: { http: number };
    connection_file: string;
    health: string;
    pid_file: string;
  }>;
  assert.equal(list.length, 1);
  assert.equal(list[0].pid, d.pid);
  assert.equal(list[0].ports.http, d.port);
  assert.equal(list[0].health, 'ok');
  assert.equal(list[0].pid_file, d.pidFile);
  assert.ok(existsSync(list[0].connection_file));
  const table = await llmspell(['kernel', 'status'], home);
  assert.match(table.stdout, new RegExp(`^${list[0].id.slice(0, 8)}\\s+${d.pid}\\s`, 'm'));

  const stop = await llmspell(['kernel', 'stop', list[0].id.slice(0, 8)], home);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, new RegExp(`stopped kernel ${list[0].id} \\(pid ${d.pid}\\)`));
  assert.ok(!existsSync(d.pidFile), 'pid file removed');
  assert.ok(!existsSync(list[0].connection_file), 'connection file removed');
  assert.ok(
    !existsSync(path.join(home, '.llmspell', 'kernels', `${list[0].id}.json`)),
    'registry entry removed',
  );
  started.delete(d.pid);
  const after = await llmspell(['kernel', 'status', '--json'], home);
  assert.deepEqual(JSON.parse(after.stdout), []);
  const none = await llmspell(['kernel', 'stop', '--all'], home);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no running kernels/);
});

test('a live pid file blocks a second start; a stale one is replaced', async () => {
  const home = tempHome();
  const d = await startDaemon(home);
  const again = await llmspell(
    ['kernel', 'start', '--daemon', '--port', '0', '--no-dap', '--pid-file', d.pidFile],
    home,
  );
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`names a running process \\(pid ${d.pid}\\)`));
  const stop = await llmspell(['kernel', 'stop', '--pid-file', d.pidFile], home);
  assert.equal(stop.code, 0, stop.stderr);
  started.delete(d.pid);

  // the stopped daemon's pid is now a stale entry
  writeFileSync(d.pidFile, `${d.pid}\n`);
  const stale = await llmspell(['kernel', 'stop', '--pid-file', d.pidFile], home);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /which is not running \(stale file removed\)/);
  writeFileSync(d.pidFile, `${d.pid}\n`);
  const d2 = await startDaemon(home);
  assert.notEqual(d2.pid, d.pid);
  assert.ok(logLines(d2.logFile).some((l) => l.msg === 'replaced a stale pid file' && l.stalePid === d.pid));
  assert.equal((await llmspell(['kernel', 'stop', '--pid-file', d2.pidFile], home)).code, 0);
  started.delete(d2.pid);
});

test('signals: SIGUSR1 statistics, SIGUSR2 debug toggle, SIGHUP reload, SIGTERM graceful stop', async () => {
  const home = tempHome();
  const config = path.join(home, 'kernel.toml');
  writeFileSync(config, '[logging]\nlog_level = "info"\n[security]\nrate_limit_per_minute = 100\n');
  const d = await startDaemon(home, ['--config', config]);
  const seen = (msg: string) => () => logLines(d.logFile).some((l) => l.msg === msg);

  process.kill(d.pid, 'SIGUSR1');
  await waitFor(seen('statistics'), 'statistics');
  const stats = logLines(d.logFile).find((l) => l.msg === 'statistics')!.stats as Record<string, unknown>;
  assert.equal(stats.httpPort, d.port);
  assert.ok((stats.memory as { rss: number }).rss > 0);

  process.kill(d.pid, 'SIGUSR2');
  await waitFor(seen('debug logging enabled'), 'debug on');
  process.kill(d.pid, 'SIGUSR2');
  await waitFor(seen('debug logging disabled'), 'debug off');

  writeFileSync(config, '[logging]\nlog_level = "debug"\n[security]\nrate_limit_per_minute = 2\n');
  process.kill(d.pid, 'SIGHUP');
  await waitFor(seen('configuration reloaded'), 'reload');
  const reload = logLines(d.logFile).find((l) => l.msg === 'configuration reloaded')!;
  assert.deepEqual((reload.changed as string[]).sort(), [
    'logging.log_level',
    'security.rate_limit_per_minute',
  ]);
  // the new limit applies: two requests pass, the third is refused
  const codes: number[] = [];
  for (let i = 0; i < 3; i++) codes.push((await getJson(`http://127.0.0.1:${d.port}/health`)).code);
  assert.deepEqual(codes, [200, 200, 429]);

  writeFileSync(config, '[logging]\nlog_levle = "debug"\n');
  process.kill(d.pid, 'SIGHUP');
  await waitFor(seen('configuration reload failed; keeping the old settings'), 'failed reload');
  assert.match(
    String(logLines(d.logFile).find((l) => l.msg?.toString().startsWith('configuration reload failed'))!.err),
    /unknown key \[logging\] log_levle/,
  );

  process.kill(d.pid, 'SIGTERM');
  await waitFor(seen('kernel service exited'), 'exit');
  await waitFor(() => !existsSync(d.pidFile), 'pid file removed');
  started.delete(d.pid);
});

test('a port in use: non-zero exit naming the port; --dry-run names a bad key', async () => {
  const home = tempHome();
  const blocker = http.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const r = await llmspell(['kernel', 'start', '--port', String(port), '--no-dap'], home);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`port ${port} is already in use`));
    const daemon = await llmspell(
      [
        'kernel',
        'start',
        '--daemon',
        '--port',
        String(port),
        '--no-dap',
        '--log-file',
        path.join(home, 'd.log'),
      ],
      home,
    );
    assert.notEqual(daemon.code, 0);
    assert.match(daemon.stderr, new RegExp(`port ${port} is already in use`));
  } finally {
    blocker.close();
  }
  const config = path.join(home, 'bad.toml');
  writeFileSync(config, '[daemon]\npid_fiel = "x"\n');
  const dry = await llmspell(['kernel', 'start', '--dry-run', '--config', config], home);
  assert.equal(dry.code, 2);
  assert.match(dry.stderr, /bad\.toml: unknown key \[daemon\] pid_fiel/);
  const ok = await llmspell(['-p', 'production', 'kernel', 'start', '--dry-run', '--port', '9600'], home);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^port = 9600 {2}# flag --port$/m);
  assert.match(ok.stdout, /^daemonize = true {2}# profile production$/m);
  const profiles = await llmspell(['profiles', 'show', 'production'], home);
  assert.match(profiles.stdout, /^daemonize = true$/m);
  const unknown = await llmspell(['profiles', 'show', 'nope'], home);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /known profiles: development/);
});
