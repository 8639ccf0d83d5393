import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { editSeries, randomLineEdits } from '../../support/edits';
import { computeDiagnostics } from '../../../server/analysis/diagnostics';
import type { FileAnalysis } from '../../../server/analysis/resolve';
import { statementCacheStats } from '../../../server/analysis/statementDiagnostics';
import type { AnalysisDiagnostic } from '../../../server/analysis/types';
import { open, project } from '../../support/lsp';

/**
 * The per-statement diagnostics cache (server/analysis/statementDiagnostics.ts): after every edit
 * of a series, the diagnostics of the incrementally analysed document must equal those of a
 * from-scratch analysis in a fresh project, in the same order.
 */
const URI = 'file:///ws/main.lua';

/** A real file of the repository (the host API's agent module) and typed code after it. */
const AGENT = fs.readFileSync(
  path.join(__dirname, '..', '..', '..', '..', 'kernel', 'hostapi', 'lua', 'agent.lua'),
  'utf8',
);
const TYPED = [
  '---@alias Mode string|boolean',
  '---@class Point',
  '---@field x number',
  'local Point = {}',
  '',
  '---@param x number',
  '---@param y number',
  '---@return Point',
  'function Point.new(x, y) return setmetatable({ x = x, y = y }, Point) end',
  '',
  '---@param m Mode',
  '---@return integer',
  'local function open_mode(m)',
  '  if m == "r" then return 1 end',
  'end',
  '',
  'local make = Point.new',
  'local p1 = Point.new(1, 2)',
  'local p2 = make(true)',
  'local n = open_mode("r", 2)',
  '---@type Point',
  'local pt = p1',
  'print(pt.x, pt.z, p2)',
  '',
  '---@return string',
  'local function name() return 1, 2 end',
  'print(name())',
].join('\n');
const BASE = AGENT.replace(/\nreturn [^\n]*\n?$/, '\n') + '\n' + TYPED + '\n';

function diagnostics(fa: FileAnalysis, p: ReturnType<typeof project>): unknown[] {
  return computeDiagnostics(p, fa).map((d: AnalysisDiagnostic) => ({ ...d }));
}

/** Analyse `texts` one after another in one project; each must equal a fresh project's result. */
function checkSeries(texts: string[]): { reused: number; checked: number } {
  const p = project();
  let fa = open(p, URI, texts[0]);
  const q0 = project();
  assert.deepEqual(diagnostics(fa, p), diagnostics(open(q0, URI, texts[0]), q0));
  let reused = 0;
  let checked = 0;
  for (let i = 1; i < texts.length; i++) {
    fa = p.analyze(URI, texts[i], true, fa);
    p.setFile(fa);
    const got = diagnostics(fa, p);
    reused += statementCacheStats.reused;
    checked += statementCacheStats.checked;
    const q = project();
    const want = diagnostics(open(q, URI, texts[i]), q);
    assert.deepEqual(got, want, `version ${i}:\n${texts[i]}`);
  }
  return { reused, checked };
}

/** edits aimed at each way a statement's diagnostics depend on another statement */
const EDITS: [string, string][] = [
  // a function body only: the rest is reused
  ['  if m == "r" then return 1 end', '  if m == "w" then return 2 end'],
  // the parameters of a function called elsewhere
  ['function Point.new(x, y)', 'function Point.new(x)'],
  ['function Point.new(x)', 'function Point.new(x, y)'],
  // its annotations (in the comments before it)
  ['---@param y number', '---@param y string'],
  ['---@param y string', '---@param y number'],
  ['---@param m Mode\n', ''],
  ['local function open_mode(m)', '---@param m Mode\nlocal function open_mode(m)'],
  // an alias and a class field used by other statements
  ['---@alias Mode string|boolean', '---@alias Mode integer'],
  ['---@field x number', '---@field x number\n---@field z number'],
  // a local holding the function, through another local
  ['local make = Point.new', 'local make = open_mode'],
  ['local make = open_mode', 'local make = Point.new'],
  // shadowing a global by a new top-level local, and back
  ['local p1 = Point.new(1, 2)', 'local print = function(a) return a end\nlocal p1 = Point.new(1, 2)'],
  ['local print = function(a) return a end\n', ''],
  // declared returns
  ['---@return string\n', '---@return string, integer\n'],
  ['local function name() return 1, 2 end', 'local function name() end'],
  // lines before everything (all offsets move)
  ['local HOST = ...', '\n\nlocal HOST = ...'],
  // a syntax error and back
  ['print(name())', 'print(name('],
  ['print(name(', 'print(name())'],
  // a use of _G (the file is checked whole)
  ['print(name())', 'print(name())\n_G.open_mode = nil'],
  ['\n_G.open_mode = nil', ''],
];

/** lines to insert: declarations, calls with wrong arguments, annotations, returns, errors */
const POOL = [
  'local function open_mode(a, b) return a end',
  'open_mode("x", 1, 2)',
  'Point.new(1)',
  'Point.new = nil',
  'local make = Point.new',
  'make(1, 2, 3)',
  '---@param x string',
  '---@return number',
  '---@alias Mode boolean',
  '---@class Point',
  '---@type Point',
  'local q = 1',
  'function name(a) return a end',
  'print(pt.x, pt.w)',
  'local input_of = nil',
  'fail("x", 2)',
  '',
  '-- a comment',
  'local x = (',
  'end',
];

describe('lsp analysis: per-statement diagnostics cache', () => {
  it('a series of edits gives the diagnostics of a fresh analysis, and reuses statements', () => {
    const texts = editSeries(BASE, EDITS);
    const { reused, checked } = checkSeries(texts);
    assert.ok(reused > checked / 2, `only ${reused} of ${checked} statements reused`);
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`random line edits of a real file keep the diagnostics of a fresh analysis (seed ${seed})`, () => {
      const texts = randomLineEdits(
        BASE,
        POOL,
        seed,
        30,
        (t) => open(project(), URI, t).syntaxErrors.length > 0,
      );
      const { reused } = checkSeries(texts);
      assert.ok(reused > 0, 'no statement reused');
    });
  }
});
