import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoverCode } from '../../support/lsp';

const URI = 'file:///ws/std.lua';

const label = (src: string): string | undefined => hoverCode(src, URI);

describe('type inference: next() as LuaLS types it', () => {
  const cases: [string, string][] = [
    ['local k‸, v = next({1})', 'local k: integer?'],
    ['local k, v‸ = next({1})', 'local v: integer?'],
    ["local k, v‸ = next({ name = 'x' })", 'local v: string?'],
    ['local k, v‸ = next({})', 'local v: nil'],
  ];
  for (const [src, expected] of cases) it(src, () => assert.equal(label(src), expected));
});
