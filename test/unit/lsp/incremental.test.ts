import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLua, reparse } from '../../../server/analysis/parse';
import { analyzeFile, type FileAnalysis } from '../../../server/analysis/resolve';

const BASE = [
  '---A module.',
  'local M = {}',
  '',
  '---@param n number',
  'function M.double(n) return n * 2 end',
  '',
  'local function helper(a, b)',
  '  -- add them',
  '  local s = a + b',
  '  if s > 10 then',
  '    print(string.format("%d", s))',
  '  end',
  '  return s',
  'end',
  '',
  'for i = 10, 1 do print(i) end',
  'Global = helper(1, 2)',
  '--[[ a long',
  'comment ]]',
  'local t <const> = { x = 1, y = M.double(2) }',
  'return M',
  '',
].join('\n');

/** [find, replace]: edits applied one after another, each checked against a fresh analysis */
const EDITS: [string, string][] = [
  ['local s = a + b', 'local s = a + b + 1'],
  ['  -- add them\n', ''],
  ['Global = helper(1, 2)', 'Global = helper(1, 2)\nlocal unused = 3'],
  ['local unused = 3', 'local unused = ('],
  ['local unused = (', 'local unused = (4)'],
  ['---A module.\n', ''],
  ['comment ]]', 'comment ]]\nprint(M)'],
  [
    'function M.double(n) return n * 2 end',
    'function M.double(n) return n * 3 end\nfunction M.half(n) return n / 2 end',
  ],
  ['return M', 'return M\nprint(1)'],
  ['\nprint(1)', ''],
  ['local t <const>', 'local tt <const>'],
  ['end\n\nfor', 'end\n(print)(1)\nfor'],
  ['--[[ a long', '--[[ a longer'],
];

function comparable(fa: FileAnalysis): unknown {
  const { parseState: _p, lines: _l, ...rest } = fa;
  void _p;
  void _l;
  return JSON.parse(
    JSON.stringify(rest, (_k, v: unknown) => (v instanceof Map ? [...(v as Map<string, unknown>)] : v)),
  );
}

describe('lsp analysis: incremental re-parse', () => {
  it('gives the same analysis as a full parse after each edit', () => {
    let text = BASE;
    let reused = 0;
    for (const [find, replace] of EDITS) {
      assert.ok(text.includes(find), find);
      const basis = analyzeFile('file:///ws/a.lua', text, { keepParseState: true, keepNodeSpans: true });
      text = text.replace(find, replace);
      const inc = analyzeFile('file:///ws/a.lua', text, {
        keepParseState: true,
        keepNodeSpans: true,
        previous: basis.parseState,
      });
      if (basis.parseState?.consumed) reused++;
      const fresh = analyzeFile('file:///ws/a.lua', text, { keepNodeSpans: true });
      assert.deepEqual(comparable(inc), comparable(fresh), `after replacing ${JSON.stringify(find)}`);
    }
    assert.ok(reused >= 7, `only ${reused} edits were incremental`);
  });

  it('a chain of incremental versions stays equal to full parses', () => {
    let text = BASE;
    let fa = analyzeFile('file:///ws/a.lua', text, { keepParseState: true, keepNodeSpans: true });
    for (const [find, replace] of EDITS) {
      text = text.replace(find, replace);
      fa = analyzeFile('file:///ws/a.lua', text, {
        keepParseState: true,
        keepNodeSpans: true,
        previous: fa.parseState,
      });
      assert.deepEqual(
        comparable(fa),
        comparable(analyzeFile('file:///ws/a.lua', text, { keepNodeSpans: true })),
      );
    }
  });

  it('a state is used once', () => {
    const a = parseLua(BASE);
    assert.ok(a.state);
    assert.ok(reparse(BASE.replace('a + b', 'a - b'), a.state));
    assert.equal(reparse(BASE.replace('a + b', 'a * b'), a.state), undefined);
  });
});
