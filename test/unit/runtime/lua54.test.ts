/**
 * The one Lua 5.4 syntax layer (kernel/syntax/lua54.ts) used by the runtime, the Jupyter handlers
 * and the language server: what Lua 5.4 accepts parses, what it rejects is rejected on the same
 * line (luac5.4 -p is the oracle), and offsets never move.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { lowerLua54 } from '../../../kernel/syntax/lua54';
import { parseChunk, LuaSyntaxErrorException } from '../../../kernel/runtime/syntax';
import { checkComplete } from '../../../kernel/jupyter/lua-syntax';
import { blankAttributes } from '../../../server/analysis/parse';

/** The line luac5.4 reports for a syntax error in `src`, or undefined when it accepts it. */
function luacErrorLine(src: string): number | undefined {
  const r = spawnSync('luac5.4', ['-p', '-'], { input: src });
  if (r.status === 0) return undefined;
  const m = /:(\d+): /.exec(r.stderr.toString());
  assert.ok(m, `luac5.4 message without a line: ${r.stderr.toString()}`);
  return Number(m[1]);
}

function ourErrorLine(src: string): number | undefined {
  try {
    parseChunk(src);
    return undefined;
  } catch (err) {
    if (err instanceof LuaSyntaxErrorException) return err.info.line;
    throw err;
  }
}

const VALID = [
  'local a <const>, b <close> = 1, nil',
  'local a <const>, b <const> = 1, 2\nreturn a + b',
  'local x<const> =5 local y <close> = nil',
  'local function f() end local t <const> = {}',
  '#!/usr/bin/env lua\nprint(1)',
  '# any first line\nlocal a <const> = 1',
  'return "\\u{7FFFFFFF}", "\\u{0}", "\\u{10FFFF}"',
  'return 0x.0p-3, 0xA.8p1, 0x.8P+2, 0X1p4, 0x.1',
  'local s = "<const>" -- local x <close>\nreturn s',
  'local a, b = 1, 2 return a<b, a < b and b > a',
  'return [==[ local x <const> = 1 ]==]',
  'goto done ::done::',
  'return 1 // 2, 3 & 5, ~0, 1 << 2',
];
const INVALID = [
  'local a <foo> = 1',
  'local x<const>=5',
  'return "\\u{80000000}"',
  'x = \n\n = 1',
  'local a <const> = 1\nlocal b = = 2',
  'return 0x',
  'print("unfinished)\nprint(2)',
];

test('what Lua 5.4 accepts parses; what it rejects fails on the same line', () => {
  for (const src of VALID) {
    assert.equal(luacErrorLine(src), undefined, `luac5.4 accepts: ${src}`);
    assert.equal(ourErrorLine(src), undefined, `we accept: ${src}`);
  }
  for (const src of INVALID) {
    const want = luacErrorLine(src);
    assert.notEqual(want, undefined, `luac5.4 rejects: ${src}`);
    assert.equal(ourErrorLine(src), want, `same error line: ${src}`);
  }
});

test('lowering keeps every offset and only touches 5.4-only forms', () => {
  for (const src of VALID) assert.equal(lowerLua54(src).text.length, src.length);
  const s = 'local s = "<const>" -- local x <close>\nreturn s';
  assert.equal(lowerLua54(s).text, s);
  const multi = lowerLua54('local a <const>, b <close> = 1, nil');
  assert.deepEqual(
    multi.attributes.map((a) => a.name),
    ['const', 'close'],
  );
  assert.equal(lowerLua54('#!x\nprint(1)').text, '   \nprint(1)');
});

test('the Jupyter handlers and the language server use the same layer', () => {
  assert.deepEqual(checkComplete('local a <const>, b <const> = 1, 2'), { status: 'complete' });
  assert.deepEqual(checkComplete('#!/usr/bin/env lua\nprint(1)'), { status: 'complete' });
  assert.deepEqual(checkComplete('return 0x.8p1'), { status: 'complete' });
  const b = blankAttributes('local a <const>, b <const> = 1, 2');
  assert.equal(b.attributes.length, 2);
  assert.equal(b.attributes[1].span.start, 'local a <const>, b '.length);
});
