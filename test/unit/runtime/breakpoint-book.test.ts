import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { BreakpointBook } from '../../../kernel/runtime/breakpoints';
import type { BreakpointResult } from '../../../kernel/runtime/types';
import { lineIn } from '../../support/positions';

/** The worker's breakpoint bookkeeping without a worker: resolution, owners, probes at load. */

const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-bpbook-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CODE = [
  'local M = {}',
  '',
  '-- a comment',
  'local function add(a, b)',
  '  local sum = a + b',
  '  return sum',
  'end',
  '',
  'M.total = add(1, 2)',
  'return M',
].join('\n');

let n = 0;
function file(text = CODE): string {
  const p = path.join(dir, `m${++n}.lua`);
  writeFileSync(p, text);
  return p;
}

/** Lines of an instrumented text that carry a probe. */
function probedLines(text: string): number[] {
  return text
    .split('\n')
    .map((l, i) => (l.includes('__llmspell') ? i + 1 : 0))
    .filter((l) => l > 0);
}

describe('BreakpointBook', () => {
  it('resolves a breakpoint to the next statement line, or leaves it unverified with a reason', () => {
    const book = new BreakpointBook();
    const p = file();
    const blank = lineIn(CODE, '-- a comment');
    const sum = lineIn(CODE, 'local sum');
    const { results } = book.setBreakpoints(
      p,
      [
        { line: sum },
        { line: blank },
        { line: lineIn(CODE, 'return M') + 5 },
        { line: sum, hitCondition: 'sometimes' },
        { line: sum, condition: 'a ==' },
      ],
      'client',
    );
    const [exact, moved, beyond, badHit, badCondition] = results;
    assert.deepEqual([exact.verified, exact.line, exact.message], [true, sum, undefined]);
    assert.equal(moved.verified, true);
    assert.equal(
      moved.line,
      lineIn(CODE, 'local function add'),
      'a comment line moves to the next statement',
    );
    assert.match(moved.message ?? '', /moved from line/);
    assert.equal(beyond.verified, false);
    assert.match(beyond.message ?? '', /no statement at or after line/);
    assert.equal(badHit.verified, false);
    assert.match(badHit.message ?? '', /invalid hit condition 'sometimes'/);
    assert.equal(badCondition.verified, false);
    assert.match(badCondition.message ?? '', /invalid condition/);
  });

  it('a path neither loaded nor on disk is unverified until code with that name loads', () => {
    const changes: BreakpointResult[] = [];
    const book = new BreakpointBook((r) => changes.push(r));
    const p = path.join(dir, 'later.lua');
    const [r] = book.setBreakpoints(p, [{ line: 1 }], 'client').results;
    assert.equal(r.verified, false);
    assert.match(r.message ?? '', /not loaded and not on disk/);
    const text = book.prepare('local x = 1\nprint(x)', '@' + p);
    assert.equal(typeof text, 'string');
    assert.deepEqual(probedLines(text as string), [1]);
    assert.deepEqual(
      changes.map((c) => [c.id, c.verified, c.line]),
      [[r.id, true, 1]],
      'the client is told once the breakpoint bound',
    );
  });

  it('prepare leaves chunks without breakpoints untouched and probes only breakpoint lines, on the same lines', () => {
    const book = new BreakpointBook();
    const p = file();
    assert.equal(book.prepare(CODE, '@' + p), CODE, 'no breakpoints: the very same text');
    assert.equal(book.prepare(CODE, '=[string]'), CODE, 'chunks without a @ name are never instrumented');
    const sum = lineIn(CODE, 'local sum');
    const total = lineIn(CODE, 'M.total');
    book.setBreakpoints(p, [{ line: sum }, { line: total }], 'client');
    const text = book.prepare(CODE, '@' + p) as string;
    assert.equal(text.split('\n').length, CODE.split('\n').length, 'no line was added');
    assert.deepEqual(probedLines(text), [sum, total]);
  });

  it("owners' breakpoints are unioned; clearing one owner's keeps the other's", () => {
    const book = new BreakpointBook();
    const p = file();
    const sum = lineIn(CODE, 'local sum');
    const total = lineIn(CODE, 'M.total');
    book.setBreakpoints(p, [{ line: sum }], 'a');
    book.setBreakpoints(p, [{ line: total }], 'b');
    assert.deepEqual(probedLines(book.prepare(CODE, '@' + p) as string), [sum, total]);
    book.setBreakpoints(p, [], 'a');
    assert.deepEqual(probedLines(book.prepare(CODE, '@' + p) as string), [total]);
    book.setBreakpoints(p, [], 'b');
    assert.equal(book.prepare(CODE, '@' + p), CODE);
  });

  it('a breakpoint set after its code loaded asks the agent to re-instrument the live functions', () => {
    const book = new BreakpointBook();
    const p = file();
    book.prepare(CODE, '@' + p); // loaded without breakpoints
    const { results, commands } = book.setBreakpoints(p, [{ line: lineIn(CODE, 'local sum') }], 'client');
    assert.equal(results[0].verified, true);
    const relive = commands.find((c) => c.cmd === 'relive');
    assert.ok(relive && relive.cmd === 'relive', JSON.stringify(commands));
    const sum = lineIn(CODE, 'local sum');
    assert.deepEqual(relive.lines, [sum]);
    assert.deepEqual(
      relive.functions.map((f) => [f.line, f.last]),
      [[lineIn(CODE, 'local function add'), lineIn(CODE, 'end')]],
      'the function holding the line is compiled again, with the probe',
    );
    assert.match(relive.functions[0].text, /__llmspell\(\d+,/);
  });

  it('locations lists the statement lines of a range; isStatementLine agrees', () => {
    const book = new BreakpointBook();
    const p = file();
    const from = lineIn(CODE, 'local function add');
    const to = lineIn(CODE, 'M.total');
    const lines = book.locations(p, from, to);
    assert.deepEqual(lines, [from, lineIn(CODE, 'local sum'), lineIn(CODE, 'return sum'), to]);
    assert.equal(book.isStatementLine('@' + p, lineIn(CODE, '-- a comment')), false);
    assert.equal(book.isStatementLine('@' + p, to), true);
  });
});
