#!/usr/bin/env node
'use strict';
// `npm test` runs this first (pretest): on a fresh Debian machine it installs the tools the
// end-to-end tests drive, so `npm install && npm test` is all the set-up there is.
// Set LLMSPELL_SKIP_SETUP=1 to skip it.
const { spawnSync } = require('child_process');
const fs = require('fs');

if (process.env.LLMSPELL_SKIP_SETUP === '1') process.exit(0);

const ok = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
};
const hasPostgres = () => {
  try {
    return fs
      .readdirSync('/usr/lib/postgresql')
      .some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
};

const needs = [
  ['neovim', () => ok('nvim', ['--version'])],
  ['python3-jupyter-client', () => ok('/usr/bin/python3', ['-c', 'import jupyter_client'])],
  ['jupyter-console', () => ok('/usr/bin/python3', ['-c', 'import jupyter_console'])],
  ['python3-jupyter-kernel-test', () => ok('/usr/bin/python3', ['-c', 'import jupyter_kernel_test'])],
  ['python3-ipykernel', () => ok('/usr/bin/python3', ['-c', 'import ipykernel'])],
  ['python3-notebook', () => ok('/usr/bin/python3', ['-c', 'import notebook'])],
  ['python3-jupyter-server', () => ok('/usr/bin/python3', ['-c', 'import jupyter_server'])],
  ['systemd', () => ok('systemd-analyze', ['--version'])],
  ['openssl', () => ok('openssl', ['version'])],
  ['postgresql', hasPostgres],
  ['lua5.4', () => ok('lua5.4', ['-v'])],
];
// A current neovim for the neovim-generation tests: Debian unstable's package unpacked into a
// private prefix (test/setup-nvim.js); the system keeps Debian stable's neovim 0.7.
{
  const r = spawnSync(process.execPath, [require('path').join(__dirname, 'setup-nvim.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) process.stderr.write('test setup: the neovim 0.12 tests will fail (see above)\n');
}

const missing = needs.filter(([, check]) => !check()).map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !root && ok('sudo', ['-n', 'true']) ? ['sudo'] : [];
if (!ok('apt-get', ['--version']) || (!root && sudo.length === 0)) {
  process.stderr.write(
    `test setup: the end-to-end tests need these Debian packages: ${missing.join(' ')}\n` +
      'install them (apt-get install -y ...) or the tests that drive them will fail.\n',
  );
  process.exit(0);
}
process.stderr.write(`test setup: installing ${missing.join(' ')} with apt-get\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => {
  const cmd = sudo.length ? 'sudo' : args[0];
  const rest = sudo.length ? args : args.slice(1);
  return spawnSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
};
if (
  !run(['apt-get', 'update', '-qq']) ||
  !run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing])
) {
  process.stderr.write('test setup: apt-get failed; the tests that need those packages will fail\n');
}
