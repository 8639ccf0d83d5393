import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  type CommandRunner,
  installedCommand,
  installService,
  planService,
  ServiceInstallError,
  systemdQuote,
  uninstallService,
} from '../../../kernel/service/install';

function home(): string {
  return mkdtempSync(path.join(tmpdir(), 'llmspell-home-'));
}

/** systemd-analyze verify on a unit file; returns its diagnostics. */
function verify(unitFile: string, user: boolean): { status: number | null; output: string } {
  // the user manager needs a runtime directory; a temporary one keeps the host's out of it
  const xdg = mkdtempSync(path.join(tmpdir(), 'llmspell-xdg-'));
  chmodSync(xdg, 0o700);
  const r = spawnSync('systemd-analyze', [...(user ? ['--user'] : []), 'verify', unitFile], {
    encoding: 'utf8',
    env: { ...process.env, XDG_RUNTIME_DIR: xdg },
  });
  assert.equal(r.error, undefined, 'systemd-analyze must be installed (Debian package systemd)');
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Verify the unit, and prove the verifier really ran by breaking a copy of it. */
function verifyClean(unitFile: string, user: boolean, name: string): void {
  const v = verify(unitFile, user);
  assert.equal(v.status, 0, v.output);
  assert.deepEqual(ourProblems(v.output, name), [], v.output);
  const broken = path.join(mkdtempSync(path.join(tmpdir(), 'llmspell-broken-')), path.basename(unitFile));
  writeFileSync(broken, readFileSync(unitFile, 'utf8').replace(/^Type=.*$/m, 'Type=sometimes'));
  assert.match(verify(broken, user).output, /Failed to parse service type/);
}

/** Lines that concern our unit (systemd-analyze also reports on unrelated host units). */
function ourProblems(output: string, name: string): string[] {
  return output.split('\n').filter((l) => l.includes(name) && l.trim() !== '');
}

test('user systemd unit: path, Type=forking with --daemon, PIDFile, hardening; systemd-analyze verify is clean', () => {
  const h = home();
  const { plan, action } = installService({ serviceType: 'systemd', home: h, port: 9600 });
  assert.equal(action, 'written');
  assert.equal(plan.file, path.join(h, '.config/systemd/user/llmspell-kernel.service'));
  const text = readFileSync(plan.file, 'utf8');
  const cmd = installedCommand();
  assert.ok(path.isAbsolute(cmd.node) && path.isAbsolute(cmd.llmspell) && existsSync(cmd.llmspell));
  assert.match(text, /^Type=forking$/m);
  assert.match(
    text,
    new RegExp(
      `^ExecStart=${cmd.node} ${cmd.llmspell} kernel start --daemon --port 9600 --log-file ${h}/.llmspell/logs/llmspell-kernel.log --pid-file ${h}/.llmspell/run/llmspell-kernel.pid$`,
      'm',
    ),
  );
  assert.match(text, /^ExecStop=.* kernel stop --pid-file .*llmspell-kernel\.pid$/m);
  assert.match(text, new RegExp(`^PIDFile=${h}/.llmspell/run/llmspell-kernel.pid$`, 'm'));
  for (const line of [
    'Restart=on-failure',
    'PrivateTmp=yes',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    'WantedBy=default.target',
  ]) {
    assert.match(text, new RegExp(`^${line}$`, 'm'), line);
  }
  // ReadWritePaths: directories that exist (created by install)
  const rw = /^ReadWritePaths=(.*)$/m.exec(text)![1].split(' ');
  assert.ok(rw.length >= 2);
  for (const d of rw) assert.ok(!d.startsWith('-') && existsSync(d), d);
  verifyClean(plan.file, true, 'llmspell-kernel');
});

test('system systemd unit (written elsewhere with --dry-run) verifies clean too', () => {
  const { plan, action } = installService({
    serviceType: 'systemd',
    system: true,
    name: 'llmspell-test',
    dryRun: true,
    port: 9601,
  });
  assert.equal(action, 'printed');
  assert.equal(plan.file, '/etc/systemd/system/llmspell-test.service');
  assert.match(plan.content, /^WantedBy=multi-user\.target$/m);
  assert.match(plan.content, /^PIDFile=\/run\/llmspell\/llmspell-test\.pid$/m);
  assert.match(plan.content, /^Environment=LLMSPELL_HOME=\/var\/lib\/llmspell$/m);
  const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-unit-'));
  const file = path.join(dir, 'llmspell-test.service');
  writeFileSync(file, plan.content);
  verifyClean(file, false, 'llmspell-test');
});

test('--foreground gives Type=simple without --daemon or PIDFile', () => {
  const plan = planService({ serviceType: 'systemd', home: home(), foreground: true });
  assert.match(plan.content, /^Type=simple$/m);
  assert.doesNotMatch(plan.content, /--daemon|PIDFile=/);
});

test('launchd plist parses with plistlib; no --daemon; RunAtLoad and KeepAlive', () => {
  const h = home();
  const { plan } = installService({
    serviceType: 'launchd',
    home: h,
    port: 9602,
    config: '/etc/llmspell/kernel.toml',
  });
  assert.equal(plan.file, path.join(h, 'Library/LaunchAgents/com.llmspell.kernel.plist'));
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))',
      plan.file,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  const doc = JSON.parse(py.stdout) as Record<string, unknown>;
  const cmd = installedCommand();
  assert.equal(doc.Label, 'com.llmspell.kernel');
  assert.deepEqual((doc.ProgramArguments as string[]).slice(0, 6), [
    cmd.node,
    cmd.llmspell,
    'kernel',
    'start',
    '--port',
    '9602',
  ]);
  assert.ok(!(doc.ProgramArguments as string[]).includes('--daemon'));
  assert.equal(doc.RunAtLoad, true);
  assert.equal(doc.KeepAlive, true);
  assert.match(String(doc.StandardOutPath), /stdout\.log$/);
  assert.match(String(doc.StandardErrorPath), /stderr\.log$/);
  assert.deepEqual(doc.EnvironmentVariables, { LLMSPELL_CONFIG: '/etc/llmspell/kernel.toml' });
});

test('an existing different file needs --force; the same content is left unchanged', () => {
  const h = home();
  const first = installService({ serviceType: 'systemd', home: h });
  assert.equal(installService({ serviceType: 'systemd', home: h }).action, 'unchanged');
  assert.throws(
    () => installService({ serviceType: 'systemd', home: h, port: 9700 }),
    /already exists with different content; use --force/,
  );
  assert.equal(
    installService({ serviceType: 'systemd', home: h, port: 9700, force: true }).action,
    'overwritten',
  );
  assert.match(readFileSync(first.plan.file, 'utf8'), /--port 9700/);
});

test('--enable/--start run systemctl/launchctl and report their errors plainly', () => {
  const calls: string[] = [];
  const ok: CommandRunner = (c, a) => {
    calls.push([c, ...a].join(' '));
    return { status: 0, stderr: '' };
  };
  installService({ serviceType: 'systemd', home: home(), enable: true, start: true }, ok);
  assert.deepEqual(calls, [
    'systemctl --user daemon-reload',
    'systemctl --user enable llmspell-kernel',
    'systemctl --user start llmspell-kernel',
  ]);
  const failing: CommandRunner = () => ({ status: 1, stderr: 'Failed to connect to bus: No medium found\n' });
  assert.throws(
    () => installService({ serviceType: 'systemd', home: home(), enable: true }, failing),
    (err: unknown) =>
      err instanceof ServiceInstallError &&
      /`systemctl --user daemon-reload` failed \(exit 1\): Failed to connect to bus/.test(err.message),
  );
  const missing: CommandRunner = () => ({
    status: null,
    stderr: '',
    error: Object.assign(new Error('spawn launchctl ENOENT'), { code: 'ENOENT' }),
  });
  assert.throws(
    () => installService({ serviceType: 'launchd', home: home(), start: true }, missing),
    /launchctl not found: cannot start com\.llmspell\.kernel/,
  );
});

test('uninstall removes the file and reports service-manager problems as warnings', () => {
  const h = home();
  const { plan } = installService({ serviceType: 'systemd', home: h });
  const r = uninstallService({ serviceType: 'systemd', home: h }, () => ({ status: 1, stderr: 'no bus' }));
  assert.equal(r.file, plan.file);
  assert.ok(!existsSync(plan.file));
  assert.equal(r.warnings.length, 2);
  assert.throws(() => uninstallService({ serviceType: 'systemd', home: h }), /no service file at/);
});

test('systemdQuote escapes specifiers, variables and spaces', () => {
  assert.equal(systemdQuote('/usr/bin/node'), '/usr/bin/node');
  assert.equal(systemdQuote('/a b/c'), '"/a b/c"');
  assert.equal(systemdQuote('50%'), '50%%');
  assert.equal(systemdQuote('$HOME'), '"$$HOME"');
});
