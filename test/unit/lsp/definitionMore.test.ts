import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definition } from '../../../server/analysis/navigation';
import { assertDefinitionHere, fixture, open, project, slice } from '../../support/lsp';

const URI = 'file:///ws/defs.lua';

const check = (src: string): void => assertDefinitionHere(src, URI);

describe('definition: labels, string keys, aliases and assignments', () => {
  it('goes from goto to its label, before or after it', () => {
    check('::⟪retry⟫::\nlocal n = 1\ngoto re‸try');
    check('do\n  goto fin‸ish\nend\n::⟪finish⟫::');
  });
  it('finds a field written with a string key, and a string key written as a field', () => {
    check('local box = {}\nbox[⟪"lid"⟫] = true\nprint(box["l‸id"])');
    check("local box = {}\nbox.⟪lid⟫ = true\nprint(box['l‸id'])");
  });
  it('follows a local that aliases a nested global table', () => {
    check('Cfg.db.⟪port⟫ = 5432\nlocal db = Cfg.db\nprint(db.po‸rt)');
  });
  it('lists every assignment of a local, except the one under the cursor', () => {
    check('local ⟪handler⟫ = function () end\n⟪handler⟫ = function () end\nhand‸ler()');
    check('local ⟪count⟫\ncou‸nt = 2');
  });
  it('adds the value that holds the class to a local typed with it', () => {
    check('---@class Shape\nlocal ⟪Shape⟫ = {}\n---@type Shape\nlocal ⟪s‸q⟫');
    check('---@class Shape\nlocal ⟪S⟫ = {}\n---@type Shape\nlocal ⟪sq⟫\ns‸q:area()');
  });
  it('goes from `---@see` to the class and its holder', () => {
    check('---@class ⟪Pen⟫\nlocal ⟪pen⟫ = {}\n---@see Pe‸n\nlocal x');
  });
});

describe('definition: modules and lines being typed', () => {
  function defsAcross(files: Record<string, string>, openName: string): string[] {
    const p = project();
    let cursor = -1;
    let openText = '';
    const want: string[] = [];
    for (const [name, src] of Object.entries(files)) {
      const f = fixture(src);
      for (const s of f.spans) want.push(`${name}:${slice(f.text, s)}@${s.start}`);
      if (name === openName) ({ cursor, text: openText } = f);
      else open(p, `file:///ws/${name}`, f.text);
    }
    const got = definition(p, open(p, `file:///ws/${openName}`, openText), cursor).map((l) => {
      const name = l.uri.slice('file:///ws/'.length);
      const f = fixture(files[name]);
      return `${name}:${slice(f.text, l.span)}@${l.span.start}`;
    });
    assert.deepEqual(got.sort(), want.sort());
    return got;
  }
  it('goes from a local holding a module to what the module returns', () => {
    defsAcross(
      {
        'shapes.lua': 'local ⟪Shapes⟫ = {}\nreturn ⟪Shapes⟫',
        'main.lua': 'local ⟪sh⟫ = require "shapes"\nprint(s‸h)',
      },
      'main.lua',
    );
    defsAcross(
      { 'make.lua': 'return ⟪function (n) return n end⟫', 'main.lua': 'local ⟪mk‸⟫ = require "make"' },
      'main.lua',
    );
  });
  it('follows a module field set from a local to that local', () => {
    defsAcross(
      {
        'util.lua': 'local function ⟪trim⟫(s) return s end\nreturn { ⟪trim⟫ = trim }',
        'main.lua': 'local util = require "util"\nutil.tr‸im(" a ")',
      },
      'main.lua',
    );
    check('local box = {}\nbox.⟪w⟫ = 1\nbox.⟪width⟫ = box.w\nprint(box.wid‸th)');
  });
  it('resolves a lone name on a line that does not parse yet', () => {
    check('local ⟪widget⟫ = {}\nwid‸get');
    check('local ⟪count⟫ = 1\nif true then\n  cou‸nt\nend');
  });
});
