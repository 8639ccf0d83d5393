import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signatureHelp } from '../../../server/analysis/hover';
import { fixture, open, project } from '../../support/lsp';

const URI = 'file:///ws/sig.lua';

/** The signature labels at the cursor, the active parameter wrapped in `[...]`. */
function sigs(src: string): string[] | undefined {
  const f = fixture(src);
  const p = project();
  const r = signatureHelp(p, open(p, URI, f.text), f.text, f.cursor, f.cursor);
  return r?.signatures.map((s) => {
    const a = s.params[s.activeParameter];
    return a
      ? `${s.label.slice(0, a.start)}[${s.label.slice(a.start, a.end)}]${s.label.slice(a.end)}`
      : s.label;
  });
}

const DEFS =
  'function draw() end\n---@param w number\nfunction draw(w) end\n---@param w number\n---@param h number\nfunction draw(w, h) end\n';

describe('signature help: which definitions fit the call', () => {
  it('shows every definition in an empty call', () => {
    assert.equal(sigs(DEFS + 'draw(‸)')?.length, 3);
  });
  it('drops definitions without a parameter for the argument under the cursor', () => {
    assert.deepEqual(sigs(DEFS + 'draw(‸40)'), [
      'function draw([w: number])',
      'function draw([w: number], h: number)',
    ]);
    assert.deepEqual(sigs(DEFS + 'draw(40, ‸)'), ['function draw(w: number, [h: number])']);
  });
  it('sees past a function literal passed as an earlier argument', () => {
    const src =
      '---@param cb fun(n: number)\n---@param times integer\nlocal function every(cb, times) end\nevery(function (n)\n  print(n)\nend, ‸)';
    assert.deepEqual(sigs(src), ['function every(cb: fun(n: number), [times: integer])']);
  });
  it('still shows nothing inside the body of a function literal argument', () => {
    assert.equal(sigs('local function run(f) end\nrun(function () if x then ‸ end end)'), undefined);
  });
});
