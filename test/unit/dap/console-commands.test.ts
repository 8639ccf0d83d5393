import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isConsoleCommand, parseConsoleCommand } from '../../../debug-adapter/console-commands';

const cases: Array<[string, unknown]> = [
  [':break 10', { kind: 'break', line: 10 }],
  [':break 10 if x > 3', { kind: 'break', line: 10, condition: 'x > 3' }],
  [':break lib/util.lua:42', { kind: 'break', file: 'lib/util.lua', line: 42 }],
  [
    ':break C:\\work\\a.lua:7 if n == 2',
    { kind: 'break', file: 'C:\\work\\a.lua', line: 7, condition: 'n == 2' },
  ],
  ['  :b 3', { kind: 'break', line: 3 }],
  [':watch myVar', { kind: 'watch', expression: 'myVar' }],
  [':watch t.x + #list', { kind: 'watch', expression: 't.x + #list' }],
  [':locals', { kind: 'locals' }],
  [':stack', { kind: 'stack' }],
  [':continue', { kind: 'continue' }],
  [':c', { kind: 'continue' }],
  [':step', { kind: 'step' }],
  [':next', { kind: 'next' }],
  [':finish', { kind: 'finish' }],
  [':clear', { kind: 'clear' }],
  [':help', { kind: 'help' }],
  [':HELP', { kind: 'help' }],
];

for (const [input, expected] of cases) {
  test(`parses ${JSON.stringify(input)}`, () => {
    assert.deepEqual(parseConsoleCommand(input), expected);
  });
}

test('errors are reported, not thrown', () => {
  assert.match((parseConsoleCommand(':break') as { message: string }).message, /usage/);
  assert.match((parseConsoleCommand(':break abc') as { message: string }).message, /expected LINE/);
  assert.match((parseConsoleCommand(':break 0') as { message: string }).message, /start at 1/);
  assert.match((parseConsoleCommand(':watch') as { message: string }).message, /usage/);
  assert.match((parseConsoleCommand(':locals x') as { message: string }).message, /no arguments/);
  assert.match((parseConsoleCommand(':nope') as { message: string }).message, /unknown command :nope/);
});

test('Lua is not a command', () => {
  for (const lua of ['x = 1', 'obj:method()', '  t.x', '::label::', '']) {
    assert.equal(isConsoleCommand(lua), false, lua);
    assert.equal(parseConsoleCommand(lua), undefined, lua);
  }
});
