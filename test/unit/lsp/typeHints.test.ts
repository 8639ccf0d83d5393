import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { typeHints } from '../../../server/analysis/typeHints';
import { open, project } from '../../support/lsp';

const URI = 'file:///ws/hints.lua';

/** The hints of `text` as `name: T` pairs (the name is the text just before each hint). */
function hinted(text: string): string[] {
  const p = project();
  const fa = open(p, URI, text);
  return typeHints(p, fa, { start: 0, end: text.length }).map((h) => {
    const name = /[\w]+$/.exec(text.slice(0, h.offset))?.[0] ?? '?';
    return `${name}${h.label}`;
  });
}

describe('inlay type hints', () => {
  it('locals get the inferred type, integer and number apart, literals widened', () => {
    assert.deepEqual(hinted('local n = 1\nlocal x = 1.5\nlocal s = "abc"\nlocal y = n\nlocal len = #s'), [
      'n: integer',
      'x: number',
      's: string',
      'y: integer',
      'len: integer',
    ]);
  });
  it('loop variables of ipairs over an array', () => {
    assert.deepEqual(hinted("local names = { 'a', 'b' }\nfor i, v in ipairs(names) do print(i, v) end"), [
      'names: table',
      'i: integer',
      'v: string',
    ]);
  });
  it('nothing for written types, functions, unknown values and _', () => {
    assert.deepEqual(
      hinted(
        '---@type number\nlocal w = 1\nlocal function f(a) return a end\nlocal u = f\nlocal _ = 3\nlocal g = unknownGlobal',
      ),
      [],
    );
  });
  it('parameters of a callback typed by where the function is written', () => {
    const text =
      '---@param cb fun(x: string, n: integer)\nlocal function each(cb) end\neach(function(item, count) end)';
    assert.deepEqual(hinted(text), ['item: string', 'count: integer']);
  });
});
