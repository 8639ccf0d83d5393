import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definition } from '../../../server/analysis/navigation';
import { summarize } from '../../../server/analysis/summary';
import { fixture, open, project, slice } from '../../support/lsp';

/**
 * Definition across files: `files` maps a workspace path to its text with `⟪⟫` around every
 * expected target and `‸` in the file the cursor is in; the other files are closed (summaries).
 */
function across(files: Record<string, string>): void {
  const p = project();
  const want: string[] = [];
  let at: { uri: string; text: string; cursor: number } | undefined;
  for (const [name, src] of Object.entries(files)) {
    const f = fixture(src);
    for (const s of f.spans) want.push(`${name}:${slice(f.text, s)}@${s.start}`);
    const uri = `file:///ws/${name}`;
    if (f.cursor >= 0) at = { uri, text: f.text, cursor: f.cursor };
    else p.setFile(summarize(p.analyze(uri, f.text)));
  }
  assert.ok(at, 'a file has the cursor');
  const texts = Object.fromEntries(Object.entries(files).map(([n, s]) => [n, fixture(s).text]));
  const got = definition(p, open(p, at.uri, at.text), at.cursor).map((l) => {
    const name = l.uri.slice('file:///ws/'.length);
    return `${name}:${slice(texts[name], l.span)}@${l.span.start}`;
  });
  assert.deepEqual([...new Set(got)].sort(), want.sort());
}

describe('definition across files (modules as LuaLS follows them)', () => {
  it('reads `---@module` above a local as a require of that module', () => {
    across({
      'conf.lua': 'local ⟪opts⟫ = {}\nreturn ⟪opts⟫',
      'main.lua': "---@module 'conf'\nlocal ⟪c‸fg⟫",
    });
  });

  it('never resolves a require to the requiring file itself', () => {
    across({
      'lib/codec.lua': 'return ⟪function (s) return s end⟫',
      'app/codec.lua': "local ⟪enc⟫ = require 'codec'\nen‸c('x')\nreturn function () end",
    });
  });

  it('follows a local taken from a module field to that field and its value', () => {
    across({
      'util.lua': 'local function ⟪trim⟫(s) return s end\nreturn {\n  ⟪trim⟫ = trim,\n}',
      'main.lua': "local u = require 'util'\nlocal ⟪trim⟫ = u.trim\ntr‸im(' x ')",
    });
  });

  it('follows a field set from a require to what that module returns', () => {
    across({
      'impl.lua': 'return ⟪function () end⟫',
      'facade.lua': "return {\n  ⟪run⟫ = require 'impl',\n}",
      'main.lua': "local f = require 'facade'\nprint(f.r‸un)",
    });
  });
});
