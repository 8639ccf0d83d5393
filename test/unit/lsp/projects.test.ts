import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDiagnostics } from '../../../server/analysis/diagnostics';
import { rockspecModules, expandTemplate } from '../../../server/analysis/modules';
import { definition } from '../../../server/analysis/navigation';
import { envGlobals } from '../../../server/analysis/project';
import { requireEditsForRename } from '../../../server/analysis/fileRename';
import { parseLuarc } from '../../../server/config';
import { fixture, open, project, slice } from '../../support/lsp';

const URI = 'file:///ws/main.lua';

/** Diagnostics of one file: `⟪span⟫`s carry the codes, in order; `only` limits the codes looked at. */
function diags(src: string, files: Record<string, string> = {}, only?: string[]) {
  const f = fixture(src);
  const p = project(files);
  const fa = open(p, URI, f.text);
  const got = computeDiagnostics(p, fa)
    .filter((d) => !only || only.includes(d.code))
    .sort((a, b) => a.span.start - b.span.start)
    .map((d) => [d.code, slice(f.text, d.span)]);
  return { got, f };
}

describe('lsp projects: require finds modules', () => {
  const cases: { name: string; files: Record<string, string>; module: string; expect: string }[] = [
    {
      name: 'src/ layout',
      files: { 'file:///ws/src/app/util.lua': 'return {}' },
      module: 'app.util',
      expect: 'file:///ws/src/app/util.lua',
    },
    {
      name: 'lib/ layout',
      files: { 'file:///ws/lib/pl/path.lua': 'return {}' },
      module: 'pl.path',
      expect: 'file:///ws/lib/pl/path.lua',
    },
    {
      name: 'lua/ layout',
      files: { 'file:///ws/lua/plug/init.lua': 'return {}' },
      module: 'plug',
      expect: 'file:///ws/lua/plug/init.lua',
    },
    {
      name: '?/init.lua',
      files: { 'file:///ws/kong/init.lua': 'return {}' },
      module: 'kong',
      expect: 'file:///ws/kong/init.lua',
    },
    {
      name: 'any folder, by suffix (as LuaLS)',
      files: { 'file:///ws/deep/x/luarocks/core/cfg.lua': 'return {}' },
      module: 'luarocks.core.cfg',
      expect: 'file:///ws/deep/x/luarocks/core/cfg.lua',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = project(c.files);
      assert.equal(p.moduleUri(c.module, URI), c.expect);
    });
  }
  it('runtime.path templates from .luarc.json', () => {
    const p = project({ 'file:///ws/mods/a_b.lua': 'return {}' });
    p.config.runtimePath = ['mods/?.lua'];
    assert.equal(expandTemplate('mods/?.lua', 'a_b'), 'mods/a_b.lua');
    assert.equal(p.moduleUri('a_b', URI), 'file:///ws/mods/a_b.lua');
  });
  it('rockspec build.modules mappings', () => {
    const spec = `package = "x"\nbuild = {\n  type = "builtin",\n  modules = {\n    ["x.core"] = "src/x/core_impl.lua",\n    short = 'other/s.lua',\n  },\n}\n`;
    const m = rockspecModules(spec, '/ws');
    assert.equal(m.get('x.core'), '/ws/src/x/core_impl.lua');
    assert.equal(m.get('short'), '/ws/other/s.lua');
    const p = project({ 'file:///ws/src/x/core_impl.lua': 'return {}' });
    p.moduleMap = m;
    assert.equal(p.moduleUri('x.core', URI), 'file:///ws/src/x/core_impl.lua');
  });
  it('definition on a require string in a src/ project', () => {
    const f = fixture('local u = require("app.‸util")\nreturn u');
    const p = project({ 'file:///ws/src/app/util.lua': 'local M = {}\nreturn M' });
    const fa = open(p, URI, f.text);
    assert.deepEqual(
      definition(p, fa, f.cursor).map((l) => l.uri),
      ['file:///ws/src/app/util.lua'],
    );
  });
});

describe('lsp projects: cycles', () => {
  it('mutually defined globals across files: no stack overflow', () => {
    const p = project({ 'file:///ws/b.lua': 'b = a.x\nb.y = 1' });
    const f = fixture('a = b.y\na.x = b.‸y\nprint(a.x.z)');
    const fa = open(p, URI, f.text);
    assert.doesNotThrow(() => definition(p, fa, f.cursor));
    assert.doesNotThrow(() => computeDiagnostics(p, fa));
  });
  it('modules requiring each other', () => {
    const p = project({
      'file:///ws/src/a.lua': 'local b = require("b")\nlocal M = b\nreturn M',
      'file:///ws/src/b.lua': 'local a = require("a")\nlocal M = a\nreturn M',
    });
    const f = fixture('local a = require("a")\nprint(a.‸x)');
    const fa = open(p, URI, f.text);
    assert.doesNotThrow(() => definition(p, fa, f.cursor));
    assert.doesNotThrow(() => computeDiagnostics(p, fa));
  });
});

describe('lsp projects: globals (LuaLS semantics)', () => {
  it('every assignment form defines a global', () => {
    const { got } = diags(
      "T1 = 1\n_ENV.T2 = 1\n_G.T3 = 1\n_ENV._G.T4 = 1\n_G._G._G.T5 = 1\nrawset(_G, 'T6', 1)\nrawset(_ENV, 'T7', 1)\n_G['T8'] = 1\nfunction _G.T9() end\nprint(T1, T2, T3, T4, T5, T6, T7, T8, T9)",
      {},
      ['undefined-global'],
    );
    assert.deepEqual(got, []);
  });
  it('a global set in another workspace file through _G is known', () => {
    const { got } = diags('kong.log("x")', { 'file:///ws/kong/init.lua': '_G.kong = {}\nreturn {}' }, [
      'undefined-global',
    ]);
    assert.deepEqual(got, []);
  });
  it('definition of a global set through _G in another file', () => {
    const p = project({
      'file:///ws/kong/init.lua': 'local kong_global = {}\n_G.kong = kong_global\nreturn {}',
    });
    const f = fixture('ko‸ng.log("x")');
    const defs = definition(p, open(p, URI, f.text), f.cursor);
    assert.deepEqual(
      defs.map((d) => d.uri),
      ['file:///ws/kong/init.lua'],
    );
  });
  it('arg is the interpreter global', () => {
    assert.deepEqual(diags('print(arg[0], #arg)', {}, ['undefined-global']).got, []);
  });
  it('envGlobals finds names and spans', () => {
    const text = "_G.a = 1\nrawset(_G, 'b', 2)\n_G.c == 3";
    assert.deepEqual(
      envGlobals(text).map((g) => text.slice(g.span.start, g.span.end)),
      ['a', "rawset(_G, 'b', 2)"],
    );
  });
});

describe('lsp projects: missing-parameter and redundant-parameter (LuaLS semantics)', () => {
  const cases: { name: string; src: string; codes: string[] }[] = [
    { name: 'un-annotated: optional', src: 'local function x(a, b) return a, b end\nx(1)', codes: [] },
    {
      name: 'annotated: required',
      src: '---@param a integer\n---@param b integer\nlocal function x(a, b) return a, b end\n⟪x(1)⟫\n⟪x()⟫',
      codes: ['missing-parameter', 'missing-parameter'],
    },
    {
      name: 'optional forms',
      src: '---@param a integer\n---@param b? integer\n---@param c integer?\n---@param d integer|nil\nlocal function x(a, b, c, d) return a, b, c, d end\nx(1)',
      codes: [],
    },
    {
      name: 'a multi-value last argument may fill them',
      src: '---@param a integer\n---@param b integer\nlocal function f(a, b) return a, b end\nlocal function two() return 1, 2 end\nf(two())',
      codes: [],
    },
    {
      name: 'implicit self',
      src: 'local t = {}\nfunction t:init() end\n⟪t.init()⟫',
      codes: ['missing-parameter'],
    },
    {
      name: 'each extra argument',
      src: 'local function f(a, b) return a, b end\nf(1, 2, ⟪3⟫, ⟪4⟫)',
      codes: ['redundant-parameter', 'redundant-parameter'],
    },
    {
      name: 'method called with a dot',
      src: 'local m = {}\nfunction m.x(a, b) return a, b end\nm:x(1, ⟪2⟫, ⟪3⟫)',
      codes: ['redundant-parameter', 'redundant-parameter'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { got, f } = diags(c.src, {}, ['missing-parameter', 'redundant-parameter']);
      assert.deepEqual(
        got,
        c.codes.map((code, i) => [code, slice(f.text, f.spans[i])]),
      );
    });
  }
  it('diagnostics.severity overrides a code', () => {
    const p = project();
    p.config.severity = { 'undefined-global': 'error' };
    const d = computeDiagnostics(p, open(p, URI, 'print(foo)'));
    assert.equal(d[0].severity, 'error');
  });
});

describe('lsp projects: .luarc.json', () => {
  it('flat, nested and VS Code-style (Lua.) keys', () => {
    const flat = parseLuarc(
      JSON.stringify({
        'diagnostics.globals': ['vim'],
        'runtime.path': ['?.lua', 'src/?.lua'],
        'diagnostics.severity': { 'undefined-global': 'Error!', 'x-unknown': 'Loud' },
      }),
      '/ws',
    ).config;
    assert.deepEqual(flat.globals, ['vim']);
    assert.deepEqual(flat.runtimePath, ['?.lua', 'src/?.lua']);
    assert.deepEqual(flat.severity, { 'undefined-global': 'error' });
    const nested = parseLuarc(JSON.stringify({ diagnostics: { disable: ['trailing-space'] } }), '/ws').config;
    assert.deepEqual(nested.disabled, ['trailing-space']);
    const prefixed = parseLuarc(
      JSON.stringify({ 'Lua.diagnostics.globals': ['kong'], Lua: { workspace: { library: ['lib'] } } }),
      '/ws',
    ).config;
    assert.deepEqual(prefixed.globals, ['kong']);
    assert.deepEqual(prefixed.library, ['/ws/lib']);
  });
});

describe('lsp projects: moving modules (willRenameFiles)', () => {
  it('a file and a folder', () => {
    const p = project({
      'file:///ws/src/app/util.lua': 'return {}',
      'file:///ws/src/app/net/http.lua': 'return {}',
    });
    const f = fixture('local u = require("app.util")\nlocal h = require "app.net.http"\nreturn u, h');
    open(p, URI, f.text);
    const file = requireEditsForRename(p, [
      { oldUri: 'file:///ws/src/app/util.lua', newUri: 'file:///ws/src/app/helpers.lua' },
    ]);
    assert.deepEqual(
      file.map((e) => [e.uri, slice(f.text, e.span), e.newText]),
      [[URI, 'app.util', 'app.helpers']],
    );
    const folder = requireEditsForRename(p, [
      { oldUri: 'file:///ws/src/app/net', newUri: 'file:///ws/src/app/web' },
    ]);
    assert.deepEqual(
      folder.map((e) => [slice(f.text, e.span), e.newText]),
      [['app.net.http', 'app.web.http']],
    );
  });
});
