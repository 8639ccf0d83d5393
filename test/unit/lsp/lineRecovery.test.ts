import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hover } from '../../../server/analysis/hover';
import { parseLua } from '../../../server/analysis/parse';
import { fixture, hoverCode, open, project } from '../../support/lsp';

const URI = 'file:///ws/recover.lua';

const label = (src: string): string | undefined => hoverCode(src, URI);

describe('a statement with a stray token after it keeps its meaning', () => {
  const cases: [string, string][] = [
    ['local n‸ = 1 + 1--[[@as integer]])', 'local n: integer'],
    ['local fi‸le = io.open--[[@as integer]])', 'local file: integer'],
    ['local coun‸t = #arg)\nprint(count)', 'local count: integer'],
    ['local name = "x"\nlocal up‸per = name:upper() end', 'local upper: string'],
  ];
  for (const [src, expected] of cases)
    it(src.split('\n').pop() ?? src, () => assert.equal(label(src), expected));

  it('still reports the stray token as a syntax error', () => {
    const r = parseLua('local n = 1 + 1)\nlocal m = n\n');
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /unexpected symbol '\)'/);
  });

  it('falls back to blanking the whole line when the rest of the line is not the culprit', () => {
    const f = fixture('local t = {\nlocal y‸ = 2');
    const p = project();
    const h = hover(p, open(p, URI, f.text), f.cursor);
    assert.ok(h, 'the second line is still understood');
  });
});
