import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editSeries, randomLineEdits } from '../../support/edits';
import { analyzeFile, type FileAnalysis } from '../../../server/analysis/resolve';

/**
 * The walk cache (server/analysis/walkCache.ts) replays the scope walk of unchanged top-level
 * statements. After every edit of a series, the incremental analysis must equal a full one.
 */
const BASE = [
  '---@class Greeter',
  '---@field name string',
  'local M = {}',
  'local count = 0',
  'local req = require("lib.util")',
  '',
  '---Says hello.',
  '---@param who string',
  'function M.hello(who)',
  '  count = count + 1',
  '  return "hi " .. who .. M.suffix',
  'end',
  '',
  'function M:greet(n)',
  '  self.last = n',
  '  return self.name, helper and helper(n)',
  'end',
  '',
  'local function unused_fn(a, b) return a end',
  '',
  'local cfg = { debug = true, level = 3 }',
  'cfg.extra = M.hello("x")',
  'Global_Thing = cfg.level',
  'lowerglobal = 1',
  '',
  'local function user()',
  '  local agent = Agent.builder():model("m"):build()',
  '  local r = agent:execute({ prompt = tostring(count) })',
  '  print(string.format("%s", r.content), Global_Thing, later_global)',
  '  for i = 10, 1 do print(i) end',
  '  local x, y = 1',
  '  local x = 2',
  '  return M.hello("a", "b")',
  'end',
  '',
  'later_global = user',
  'M.suffix = "!"',
  'local t <const> = { a = req.x }',
  'return M',
  '',
].join('\n');

type Edit = [string, string];

/** edits aimed at each kind of dependency between top-level statements */
const EDITS: Edit[] = [
  // inside one function: only that statement changes
  ['  count = count + 1', '  count = count + 2'],
  // a new top-level local shadows a global used later
  ['lowerglobal = 1', 'lowerglobal = 1\nlocal print = print'],
  ['local print = print\n', ''],
  // a global defined earlier than its use now
  ['local cfg = {', 'helper = function(n) return n end\nlocal cfg = {'],
  ['helper = function(n) return n end\n', ''],
  // doc comment in the gap before a statement
  ['---Says hello.', '---Says hello loudly.'],
  ['---@param who string\n', '---@param who string\n---@return string\n'],
  ['---@param who string', '---@param who number'],
  ['---Says hello loudly.\n', ''],
  ['---@field name string', '---@field name string\n---@field age integer'],
  // a field on an outer table, defined / removed elsewhere
  ['M.suffix = "!"', 'M.suffix = "!"\nM.extra = cfg'],
  ['cfg.extra = M.hello("x")', 'cfg.extra = M.hello("x")\nM.suffix = 1'],
  ['M.suffix = 1\n', ''],
  ['local cfg = { debug = true, level = 3 }', 'local cfg = { debug = true, level = 3, extra = 0 }'],
  // a function assigned to an existing local (parameters come from it)
  ['local function unused_fn(a, b) return a end', 'local unused_fn\nfunction unused_fn(a, b) return a end'],
  // ... which an earlier statement now gives
  ['local unused_fn\n', 'local unused_fn = function(x) return x end\n'],
  ['local unused_fn = function(x) return x end\n', 'local unused_fn\n'],
  // an outer definition's parameters come from a statement in between
  ['local unused_fn\n', 'local unused_fn\nfunction unused_fn(z) return z end\nlocal sep = 1\n'],
  ['function unused_fn(z) return z end\n', ''],
  ['local sep = 1\n', ''],
  ['local unused_fn\nfunction unused_fn(a, b) return a end', 'local function unused_fn(a, b) return b end'],
  // line count changes before many statements
  ['local count = 0', 'local count = 0\n\n\n'],
  ['local count = 0\n\n\n', 'local count = 0'],
  // an unreachable top level
  ['later_global = user', 'error("stop")\nlater_global = user'],
  ['error("stop")\n', ''],
  // a syntax error and back (full parse, then incremental again)
  ['M.suffix = "!"', 'M.suffix = '],
  ['M.suffix = \n', 'M.suffix = "?"\n'],
  // rename a top-level local that functions use
  ['local count = 0', 'local counter = 0'],
  ['local counter = 0', 'local count = 0'],
  // module return
  ['return M', 'return cfg'],
  ['return cfg', 'return { a = 1 }'],
  ['return { a = 1 }', 'return M'],
  // attribute
  ['local t <const>', 'local t <close>'],
  // methods and self
  ['  self.last = n', '  self.last = n\n  self.name = "x"'],
];

function comparable(fa: FileAnalysis): unknown {
  const { parseState: _p, lines: _l, ...rest } = fa;
  void _p;
  void _l;
  return JSON.parse(
    JSON.stringify(rest, (_k, v: unknown) => (v instanceof Map ? [...(v as Map<string, unknown>)] : v)),
  );
}

const OPTS = { keepParseState: true, keepNodeSpans: true };

/** Analyse `texts` one after another incrementally; each must equal a full analysis. */
function checkSeries(texts: string[]): { replayed: number; statements: number } {
  let fa = analyzeFile('file:///ws/a.lua', texts[0], OPTS);
  let replayed = 0;
  let statements = 0;
  for (let i = 1; i < texts.length; i++) {
    const before = new Set(fa.parseState?.walk?.segments.values() ?? []);
    fa = analyzeFile('file:///ws/a.lua', texts[i], { ...OPTS, previous: fa.parseState });
    const fresh = analyzeFile('file:///ws/a.lua', texts[i], { keepNodeSpans: true });
    assert.deepEqual(comparable(fa), comparable(fresh), `version ${i}:\n${texts[i]}`);
    for (const seg of fa.parseState?.walk?.segments.values() ?? []) {
      statements++;
      if (before.has(seg)) replayed++;
    }
  }
  return { replayed, statements };
}

/** lines to insert at random places: declarations, uses, fields, docs, errors, blank lines */
const POOL = [
  'local count = 5',
  'count = count + 1',
  'M.suffix = nil',
  'local function helper(n) return n end',
  'helper = nil',
  'function later_global() return M end',
  '---@param n number',
  '---@diagnostic disable-next-line: undefined-global',
  'print(undefined_name)',
  'local M = { shadow = true }',
  'cfg.level = cfg.level + 1',
  '',
  '-- a comment',
  'do local count = 1 end',
  'local x = (',
  'end',
  'M.hello("a", "b", "c")',
  'os.exit(0)',
];

describe('lsp analysis: walk cache', () => {
  it('a series of edits gives the same analysis as a full one, and reuses statements', () => {
    const texts = editSeries(BASE, EDITS);
    const { replayed, statements } = checkSeries(texts);
    assert.ok(replayed > statements / 2, `only ${replayed} of ${statements} statements replayed`);
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random line edits stay equal to full analyses (seed ${seed})`, () => {
      const texts = randomLineEdits(
        BASE,
        POOL,
        seed,
        40,
        (t) => analyzeFile('file:///ws/a.lua', t).syntaxErrors.length > 0,
      );
      checkSeries(texts);
    });
  }

  it('an edit inside one function of many re-walks only that statement', () => {
    const fns = Array.from(
      { length: 50 },
      (_, i) => `local function f${i}(a)\n  local r = Agent.builder():build()\n  return r, a, ${i}\nend\n`,
    );
    const a = fns.join('');
    const b = a.replace('return r, a, 25', 'return r, a, 25 + 1');
    const { replayed, statements } = checkSeries([a, b]);
    assert.equal(statements, 50);
    assert.equal(replayed, 49);
  });
});
