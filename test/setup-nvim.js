#!/usr/bin/env node
'use strict';
// Installs a current neovim for the neovim-generation tests (test/e2e/clients/nvim.test.ts):
// Debian's own `neovim` package from Debian unstable (0.12 today), unpacked with its library
// closure (libc included) into a private prefix and run through that prefix's dynamic loader, so
// the system's packages (Debian stable's neovim 0.7, used by the other tests) stay untouched.
// Debian's package index and .debs come through apt-get with a private state directory.
// Prints the wrapper's path. Run by test/setup.js (npm pretest); idempotent. With --print it
// only prints the path of an installed one (exit 1 when there is none): what the tests call.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CACHE =
  process.env.LLMSPELL_NVIM_CACHE ||
  path.join(
    process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
    'llmspell-test',
    'nvim-debian-sid',
  );
const WRAPPER = path.join(CACHE, 'nvim');
const ARCH_LIB = 'usr/lib/x86_64-linux-gnu';
/** Changes when the wrapper's form changes, so an older install is redone. */
const WRAPPER_VERSION = 'wrapper v2';

const works = () =>
  fs.existsSync(WRAPPER) &&
  /NVIM v0\.(1[1-9]|[2-9]\d)\./.test(spawnSync(WRAPPER, ['--version']).stdout?.toString() ?? '');

function fail(msg) {
  process.stderr.write(`test setup (newer neovim): ${msg}\n`);
  process.exit(1);
}

function main() {
  if (works() && fs.readFileSync(WRAPPER, 'utf8').includes(WRAPPER_VERSION)) {
    process.stdout.write(WRAPPER + '\n');
    return;
  }
  // --print: only say where it is (tests call this; they never download)
  if (process.argv.includes('--print')) fail(`not installed at ${WRAPPER} (run: node test/setup-nvim.js)`);
  if (process.arch !== 'x64' || process.platform !== 'linux')
    fail(`only on linux x64 (this is ${process.platform} ${process.arch})`);
  const apt = path.join(CACHE, 'apt');
  for (const d of ['lists/partial', 'cache/archives/partial', 'debs'])
    fs.mkdirSync(path.join(apt, d), { recursive: true });
  const sources = path.join(apt, 'sources.list');
  fs.writeFileSync(sources, 'deb http://deb.debian.org/debian sid main\n');
  const opts = [
    `-o`,
    `Dir::Etc::sourcelist=${sources}`,
    `-o`,
    `Dir::Etc::sourceparts=-`,
    `-o`,
    `Dir::State::Lists=${path.join(apt, 'lists')}`,
    `-o`,
    `Dir::Cache=${path.join(apt, 'cache')}`,
    `-o`,
    `APT::Sandbox::User=root`,
  ];
  const run = (cmd, args, cwd) => {
    const r = spawnSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) fail(`${cmd} ${args.slice(-3).join(' ')} failed: ${r.stderr || r.error}`);
    return r.stdout;
  };
  run('apt-get', [...opts, '-qq', 'update']);
  const closure = run('apt-cache', [
    ...opts,
    'depends',
    '--recurse',
    '--no-recommends',
    '--no-suggests',
    '--no-conflicts',
    '--no-breaks',
    '--no-replaces',
    '--no-enhances',
    'neovim',
  ])
    .split('\n')
    .filter((l) => /^[a-z0-9][a-z0-9.+-]*$/.test(l));
  const pkgs = [...new Set(closure)];
  if (!pkgs.includes('neovim') || !pkgs.includes('neovim-runtime'))
    fail(`unexpected closure: ${pkgs.join(' ')}`);
  const debs = path.join(apt, 'debs');
  for (const f of fs.readdirSync(debs)) fs.rmSync(path.join(debs, f));
  run('apt-get', [...opts, '-qq', 'download', ...pkgs], debs);
  const root = path.join(CACHE, 'root');
  fs.rmSync(root, { recursive: true, force: true });
  for (const f of fs.readdirSync(debs)) run('dpkg-deb', ['-x', path.join(debs, f), root]);
  const lib = path.join(root, ARCH_LIB);
  if (!fs.existsSync(path.join(lib, 'ld-linux-x86-64.so.2'))) fail('the unpacked libc has no dynamic loader');
  fs.writeFileSync(
    WRAPPER,
    [
      '#!/bin/sh',
      `# Debian unstable neovim from a private prefix (written by test/setup-nvim.js, ${WRAPPER_VERSION})`,
      `VIMRUNTIME='${path.join(root, 'usr/share/nvim/runtime')}'`,
      `LUA_CPATH='${path.join(lib, 'lua/5.1/?.so')};;'`,
      'export VIMRUNTIME LUA_CPATH',
      // Debian's build has /usr/lib/nvim (tree-sitter parsers) on its runtimepath: the prefix's copy instead
      `exec '${path.join(lib, 'ld-linux-x86-64.so.2')}' --library-path '${lib}' '${path.join(root, 'usr/bin/nvim')}' --cmd 'set rtp+=${path.join(root, 'usr/lib/nvim')}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  if (!works()) fail(`${WRAPPER} does not run: ${spawnSync(WRAPPER, ['--version']).stderr}`);
  process.stdout.write(WRAPPER + '\n');
}

main();
