#!/usr/bin/env node
'use strict';
// Runs every compiled test file (dist/test/**/*.test.js) with node's built-in test runner.
// Usage: node test/run.js [substring-filter...]
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..', 'dist', 'test');
const filters = process.argv.slice(2);
function walk(dir, out) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) walk(p, out);
    else if (ent.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
let files = fs.existsSync(root) ? walk(root, []).sort() : [];
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files found under ' + root);
  process.exit(1);
}
// A safety net, not a measurement: a test file whose process never exits (an open handle left by a
// failed test) would otherwise hang the whole run; the suite takes a few minutes even when loaded.
const LIMIT_MIN = Number(process.env.LLMSPELL_TEST_LIMIT_MIN || 40);
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  timeout: LIMIT_MIN * 60 * 1000,
  killSignal: 'SIGKILL',
});
if (r.error && r.error.code === 'ETIMEDOUT') {
  console.error(`test/run.js: the test run did not finish within ${LIMIT_MIN} minutes and was stopped`);
  process.exit(1);
}
process.exit(r.status === null ? 1 : r.status);
