import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLua } from '../../../server/analysis/parse';
import { hoverCode } from '../../support/lsp';

/** What LuaLS's parser tolerates (server/analysis/parseTolerance.ts): still typed, still reported. */
const URI = 'file:///ws/tolerate.lua';

const label = (src: string): string | undefined => hoverCode(src, URI)?.split('\n')[0];

describe('statements after a return stay in their function', () => {
  const cases: [string, string][] = [
    ['local function x()\n  return 1\n  return nil\nend\nlocal y‸ = x()', 'local y: integer|nil'],
    ['local function x()\n  return nil\n  return f()\nend\nlocal y‸ = x()', 'local y: unknown|nil'],
    [
      'local function x()\n  return tostring(1)\n  print(1)\n  return #arg\nend\nlocal y‸ = x()',
      'local y: string|integer',
    ],
  ];
  for (const [src, expected] of cases)
    it(src.replace(/\n/g, ' ⏎ '), () => assert.equal(label(src), expected));

  it('still reports the statement after the return', () => {
    const r = parseLua('local function x()\n  return 1\n  return nil\nend\n');
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /'end' expected near 'return'/);
  });
});

describe('a goto without a visible label still ends the flow', () => {
  it('narrows after `if not x then goto L end`', () =>
    assert.equal(
      label('---@type integer?\nlocal x\nif not x then\n  goto nowhere\nend\nprint(x‸)'),
      'local x: integer',
    ));

  it('still reports the missing label, once', () => {
    const r = parseLua('local x\nif not x then\n  goto nowhere\nend\nprint(x)\n');
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /no visible label 'nowhere' for <goto>/);
  });
});
