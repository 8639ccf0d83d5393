import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { spawnServer, type Served } from './client';

/** Position of the first `needle` in `text` (plus `delta` characters), as LSP line/character. */
function pos(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in text`);
  const before = text.slice(0, i + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** A safety net only (a loaded machine can be slow); the waits end at the first matching publication. */
const WAIT = 30_000;

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

/** A real project over the protocol: a `src/` rockspec layout, no `.luarc.json`. */
describe('lsp on a src/ project through the protocol client', () => {
  let s: Served;
  let dir: string;
  const main =
    'local util = require("app.util")\nlocal t = {}\nt.name = util.greet("x")\nprint(t["name"], t.name, kong, arg[0])\n';
  let mainUri: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-lsp-proj-'));
    fs.mkdirSync(path.join(dir, 'src', 'app'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'src', 'app', 'util.lua'),
      'local M = {}\nfunction M.greet(name, greeting)\n  return (greeting or "hello") .. name\nend\nreturn M\n',
    );
    fs.writeFileSync(
      path.join(dir, 'app-1.0-1.rockspec'),
      'package = "app"\nbuild = { modules = { ["app.util"] = "src/app/util.lua" } }\n',
    );
    fs.writeFileSync(path.join(dir, 'main.lua'), main);
    mainUri = 'file://' + path.join(dir, 'main.lua');
    s = spawnServer(['kernel', 'start', '--lsp', '--stdio'], dir);
    await s.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: 'file://' + dir,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
      },
    });
    await s.conn.sendNotification('initialized', {});
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: mainUri, languageId: 'lua', version: 1, text: main },
    });
  });
  after(async () => {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('optional arguments are not missing; kong is undefined until a file defines it', async () => {
    const d = await s.waitDiagnostics(mainUri, (x) => x.some((y) => y.code === 'undefined-global'), WAIT);
    assert.deepEqual(
      d.map((x) => `${String(x.code)}: ${x.message.split(' ').slice(0, 3).join(' ')}`),
      ['undefined-global: Undefined global `kong`.'],
    );
  });

  it('a file created outside the editor (didChangeWatchedFiles) defines kong', async () => {
    const f = path.join(dir, 'src', 'kong_init.lua');
    fs.writeFileSync(f, '_G.kong = { log = print }\n');
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: 'file://' + f, type: 1 }],
    });
    await s.waitDiagnostics(mainUri, (x) => x.length === 0, WAIT);
    fs.rmSync(f);
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: 'file://' + f, type: 3 }],
    });
    await s.waitDiagnostics(mainUri, (x) => x.some((y) => y.code === 'undefined-global'), WAIT);
  });

  it('definition of a src/ module through require', async () => {
    const r = (await s.conn.sendRequest('textDocument/definition', {
      textDocument: { uri: mainUri },
      position: pos(main, 'greet', 2),
    })) as { uri: string }[];
    assert.deepEqual(
      r.map((l) => path.relative(dir, l.uri.replace('file://', ''))),
      ['src/app/util.lua'],
    );
  });

  it('rename follows string keys', async () => {
    const r = (await s.conn.sendRequest('textDocument/rename', {
      textDocument: { uri: mainUri },
      position: pos(main, 't.name', 3),
      newName: 'title',
    })) as { changes: Record<string, { range: Range; newText: string }[]> };
    const edits = r.changes[mainUri];
    assert.equal(edits.length, 3);
    const lines = main.split('\n');
    const texts = edits.map((e) =>
      lines[e.range.start.line].slice(e.range.start.character, e.range.end.character),
    );
    assert.deepEqual(texts.sort(), ['name', 'name', 'name']);
  });

  it('keyword pairs are highlighted', async () => {
    const text = 'if X then\n  print(1)\nelse\n  print(2)\nend\n';
    const uri = 'file://' + path.join(dir, 'kw.lua');
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'lua', version: 1, text },
    });
    const r = (await s.conn.sendRequest('textDocument/documentHighlight', {
      textDocument: { uri },
      position: pos(text, 'else', 1),
    })) as { range: Range }[];
    const lines = text.split('\n');
    assert.deepEqual(
      r.map((h) => lines[h.range.start.line].slice(h.range.start.character, h.range.end.character)),
      ['if', 'then', 'else', 'end'],
    );
  });

  it('document symbols keep nested table levels', async () => {
    const text = 'local t = {\n  a = {\n    b = 1,\n  },\n}\nreturn function() return t end\n';
    const uri = 'file://' + path.join(dir, 'sym.lua');
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'lua', version: 1, text },
    });
    type Sym = { name: string; children?: Sym[] };
    const r = (await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as Sym[];
    const flat = (xs: Sym[], d = 0): string[] =>
      xs.flatMap((x) => [`${d}:${x.name}`, ...flat(x.children ?? [], d + 1)]);
    assert.deepEqual(flat(r), ['0:t', '1:a', '2:b', '0:return']);
  });

  it('willRenameFiles rewrites the require strings', async () => {
    const oldUri = 'file://' + path.join(dir, 'src', 'app', 'util.lua');
    const newUri = 'file://' + path.join(dir, 'src', 'app', 'helpers.lua');
    const r = (await s.conn.sendRequest('workspace/willRenameFiles', {
      files: [{ oldUri, newUri }],
    })) as { changes: Record<string, { newText: string }[]> };
    assert.deepEqual(
      r.changes[mainUri].map((e) => e.newText),
      ['app.helpers'],
    );
  });

  it('a workspace folder added later joins the model', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-lsp-other-'));
    try {
      fs.writeFileSync(path.join(other, 'shared.lua'), 'SHARED_OTHER = {}\n');
      const uri = 'file://' + path.join(dir, 'uses_other.lua');
      await s.conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'lua', version: 1, text: 'print(SHARED_OTHER)\n' },
      });
      await s.waitDiagnostics(uri, (x) => x.some((y) => y.code === 'undefined-global'), WAIT);
      await s.conn.sendNotification('workspace/didChangeWorkspaceFolders', {
        event: { added: [{ uri: 'file://' + other, name: 'other' }], removed: [] },
      });
      await s.waitDiagnostics(uri, (x) => x.length === 0, WAIT);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
