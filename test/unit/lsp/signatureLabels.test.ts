import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hover, signatureHelp } from '../../../server/analysis/hover';
import { fixture, open, project } from '../../support/lsp';

/** Signature labels at `‸`, the active parameter in `«»`. */
function labels(src: string): string[] | null {
  const f = fixture(src);
  const p = project();
  const s = signatureHelp(p, open(p, 'file:///ws/sig.lua', f.text), f.text, f.cursor, f.cursor);
  if (!s) return null;
  return s.signatures.map((x) => {
    const a = x.params[x.activeParameter];
    return a
      ? `${x.label.slice(0, a.start)}«${x.label.slice(a.start, a.end)}»${x.label.slice(a.end)}`
      : x.label;
  });
}

describe('signature help labels of the std lib (as LuaLS declares them)', () => {
  it('shows the type parameter of pairs and ipairs', () => {
    assert.deepEqual(labels('for k, v in pairs(‸) do end'), ['function pairs(«t: <T>»)']);
    assert.deepEqual(labels('for i, v in ipairs(‸) do end'), ['function ipairs(«t: <T>»)']);
  });
  it('still types the loop variables of pairs over a typed table', () => {
    const f = fixture(
      '---@type table<string, boolean>\nlocal seen\nfor k, v in pairs(seen) do print(v‸) end',
    );
    const p = project();
    const fa = open(p, 'file:///ws/sig.lua', f.text);
    assert.match(hover(p, fa, f.cursor)?.markdown ?? '', /local v: boolean/);
  });
});
