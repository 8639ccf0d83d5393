import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definition, references } from '../../../server/analysis/navigation';
import { renamedText, located, openFixture, MAIN_URI as URI } from '../../support/lsp';

/** `⟪...⟫` marks the expected locations, `‸` the cursor. */
function check(kind: 'definition' | 'references', src: string): void {
  const { f, p, fa } = openFixture(src);
  const found = kind === 'definition' ? definition(p, fa, f.cursor) : references(p, fa, f.cursor, true);
  assert.deepEqual(
    located(
      f.text,
      found.filter((l) => l.uri === URI).map((l) => l.span),
    ),
    located(f.text, f.spans),
  );
}

const renamed = renamedText;

const SHAPE = '---@class Shape\n---@field width number\nlocal Shape = {}\n';

describe('names inside ---@ annotations: definition, references, rename', () => {
  it('goes from a `---@param` name to its parameter and from a `---@field` name to itself', () => {
    check('definition', '---@param sh‸ape Shape\nlocal function grow(⟪shape⟫) return shape end');
    check('definition', '---@class Shape\n---@field ⟪wi‸dth⟫ number\nlocal Shape = {}');
  });
  it('lists a `---@field` name with the reads of the field through typed values', () => {
    check(
      'references',
      '---@class Shape\n---@field ⟪wi‸dth⟫ number\nlocal Shape = {}\n---@param s Shape\nlocal function f(s) return s.⟪width⟫ end',
    );
  });
  it('renames a field in its `---@field` line and in code', () => {
    const src = `${SHAPE}---@type Shape\nlocal sq\nprint(sq.wid‸th)`;
    assert.equal(
      renamed(src, 'size'),
      '---@class Shape\n---@field size number\nlocal Shape = {}\n---@type Shape\nlocal sq\nprint(sq.size)',
    );
  });
  it('renames a typed local alone: the class table and other values of the class keep their names', () => {
    const src = `${SHAPE}---@type Shape\nlocal sq‸ = Shape\n---@type Shape\nlocal other\nprint(sq, other)`;
    assert.equal(
      renamed(src, 'box'),
      `${SHAPE}---@type Shape\nlocal box = Shape\n---@type Shape\nlocal other\nprint(box, other)`,
    );
    // references still follow the class's values, as LuaLS lists them
    check('references', '---@class C\nlocal ⟪t⟫\n---@type C\nlocal ⟪x‸⟫\nprint(⟪t⟫, ⟪x⟫)');
  });
  it('renames a `---@param` name with its parameter', () => {
    assert.equal(
      renamed('---@param sh‸ape Shape\nlocal function grow(shape) return shape end', 'it'),
      '---@param it Shape\nlocal function grow(it) return it end',
    );
  });
});
