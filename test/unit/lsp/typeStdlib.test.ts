import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hover } from '../../../server/analysis/hover';
import { fixture, open, project } from '../../support/lsp';

const URI = 'file:///ws/std.lua';

/** The code block of the hover at `‸`. */
function label(src: string): string | undefined {
  const f = fixture(src);
  const p = project();
  const h = hover(p, open(p, URI, f.text), f.cursor);
  return h?.markdown.match(/```lua\n([\s\S]*?)\n```/)?.[1];
}

describe('type inference: next() as LuaLS types it', () => {
  const cases: [string, string][] = [
    ['local k‸, v = next({1})', 'local k: integer?'],
    ['local k, v‸ = next({1})', 'local v: integer?'],
    ["local k, v‸ = next({ name = 'x' })", 'local v: string?'],
    ['local k, v‸ = next({})', 'local v: nil'],
  ];
  for (const [src, expected] of cases) it(src, () => assert.equal(label(src), expected));
});
