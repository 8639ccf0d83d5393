import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { positionIn } from '../../support/positions';
import { nvimSteps, type Step } from './nvimRun';

interface Loc {
  range: { start: { line: number; character: number } };
}

/** Runs `steps` against `source` (shapes.lua) in headless neovim. */
const inNvim = (source: string, steps: Step[]) => nvimSteps({ 'shapes.lua': source }, 'shapes.lua', steps);

const SRC = [
  '---@class Shape',
  '---@field width number',
  'local Shape = {}',
  '',
  '---@param shape Shape',
  'function Shape.grow(shape)',
  '  return shape.width * 2',
  'end',
  '',
  '---@type Shape',
  'local square = Shape',
  'print(square.width)',
  '---@type Sh',
  'local count = 0',
  'count++',
  '',
].join('\n');

/** The step at `needle` (+`delta` characters). */
const at = (method: string, needle: string, delta: number, extra: Partial<Step> = {}): Step => ({
  method,
  ...positionIn(SRC, needle, delta),
  ...extra,
});
const lines = (locs: unknown) => (locs as Loc[]).map((l) => l.range.start.line).sort((a, b) => a - b);
const lineOf = (text: string) => SRC.split('\n').findIndex((l) => l.includes(text));

describe('lsp e2e: names inside ---@ annotations through headless neovim', () => {
  it('definition, references, rename and completion of class, field and parameter names; postfix edits', async () => {
    const r = await inNvim(SRC, [
      at('textDocument/definition', '---@param shape', 11),
      at('textDocument/references', '---@field width', 11),
      at('textDocument/completion', '---@type Sh', 11),
      at('textDocument/completion', 'count++', 7, { apply: true }),
      at('textDocument/rename', '---@field width', 11, { newName: 'size', apply: true }),
      at('textDocument/rename', '---@class Shape', 11, { newName: 'Form', apply: true }),
      at('textDocument/rename', '---@param shape', 11, { newName: 'it', apply: true }),
    ]);
    // `---@param shape` -> the parameter
    assert.deepEqual(lines(r[0].result), [lineOf('function Shape.grow(shape)')]);
    // `---@field width` -> itself and both reads
    assert.deepEqual(lines(r[1].result), [
      lineOf('---@field width'),
      lineOf('shape.width'),
      lineOf('print(square.width)'),
    ]);
    const comp = r[2].result as { items: { label: string }[] };
    assert.ok(comp.items.some((i) => i.label === 'Shape'));
    // the postfix form replaced `count++` (its expression removed by the additional edit)
    assert.ok(r[3].lines?.includes('count = count + 1'), r[3].lines?.join('\n'));
    const renamed = r[6].lines ?? [];
    assert.ok(renamed.includes('---@field size number'), renamed.join('\n'));
    assert.ok(renamed.includes('  return it.size * 2') && renamed.includes('print(square.size)'));
    assert.ok(renamed.includes('---@class Form') && renamed.includes('---@type Form'));
    assert.ok(renamed.includes('---@param it Form') && renamed.includes('function Shape.grow(it)'));
    // the class's table and the typed local keep their names
    assert.ok(renamed.includes('local Shape = {}') && renamed.includes('local square = Shape'));
  });
});
