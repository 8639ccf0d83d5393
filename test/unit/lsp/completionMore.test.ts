import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete } from '../../../server/analysis/completion';
import { fixture, open, project } from '../../support/lsp';

const URI = 'file:///ws/complete.lua';

function items(src: string): [string, string][] {
  const f = fixture(src);
  const p = project();
  return complete(p, open(p, URI, f.text), f.text, f.cursor, f.cursor).items.map((i) => [i.label, i.kind]);
}
const labels = (src: string) => items(src).map((i) => i[0]);

describe('completion in LuaLS style', () => {
  it('matches names containing every typed character', () => {
    const l = labels('local counter_total = 0\ncnt‸');
    assert.ok(l.includes('counter_total'), l.join(','));
    assert.ok(!labels('local counter_total = 0\nzq‸').includes('counter_total'));
  });
  it('offers words of the file while a new local or parameter is named', () => {
    assert.deepEqual(labels('local wid‸\nprint(widget_count)'), ['widget_count']);
    assert.deepEqual(labels('local function f(wid‸)\n  return widget_count\nend'), ['widget_count']);
    assert.deepEqual(labels('local function f(a, ‸)\nend'), []);
  });
  it('offers `#t+1` to append and `#t` to read in an index', () => {
    assert.deepEqual(labels('queue.items[#‸]'), ['#queue.items+1']);
    assert.deepEqual(labels('local last = queue.items[#‸]'), ['#queue.items']);
  });
  it('offers the string keys inside `t["‸"]`', () => {
    assert.deepEqual(labels("local opts = { ['max-size'] = 1, name = 'x' }\nprint(opts['‸'])").sort(), [
      'max-size',
      'name',
    ]);
  });
  it('offers the literal values of a name typed as a literal union', () => {
    const src = "---@type 'red'|'green'\nlocal color\n";
    assert.deepEqual(labels(`${src}if color == ‸`), ["'red'", "'green'"]);
    assert.deepEqual(labels(`${src}color = '‸'`), ["'red'", "'green'"]);
  });
  it('lists annotation tags as events and parameters as interfaces', () => {
    assert.deepEqual(items('---@overl‸'), [['overload', 'event']]);
    assert.deepEqual(items('---@param ‸\nfunction paint(brush, canvas) end'), [
      ['brush, canvas', 'snippet'],
      ['brush', 'interface'],
      ['canvas', 'interface'],
    ]);
    assert.deepEqual(items('---@param brush Brush\n---@param canvas Canvas\nfunction paint(‸'), [
      ['brush, canvas', 'snippet'],
      ['brush', 'interface'],
      ['canvas', 'interface'],
    ]);
  });
});
