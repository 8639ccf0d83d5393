import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { capabilities } from '../../../server/capabilities';
import { spawnServer, writeRaw, type Served } from './client';
import { waitFor } from '../../support/wait';
import { positionIn } from '../../support/positions';

const EXPECTED_CAPABILITIES = [
  'callHierarchyProvider',
  'codeActionProvider',
  'codeLensProvider',
  'completionProvider',
  'definitionProvider',
  'documentFormattingProvider',
  'documentHighlightProvider',
  'documentRangeFormattingProvider',
  'documentSymbolProvider',
  'executeCommandProvider',
  'foldingRangeProvider',
  'hoverProvider',
  'inlayHintProvider',
  'positionEncoding',
  'referencesProvider',
  'renameProvider',
  'selectionRangeProvider',
  'semanticTokensProvider',
  'signatureHelpProvider',
  'textDocumentSync',
  'workspace',
  'workspaceSymbolProvider',
];

describe('lsp capabilities', () => {
  it('snapshot (push diagnostics client)', () => {
    const caps = capabilities({ pullDiagnostics: false }) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(caps)
        .filter((k) => caps[k] !== undefined)
        .sort(),
      EXPECTED_CAPABILITIES,
    );
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.deepEqual((caps.completionProvider as { triggerCharacters: string[] }).triggerCharacters, [
      '.',
      ':',
      '"',
      "'",
      '@',
    ]);
  });
  it('declares pull diagnostics only when the client supports them', () => {
    assert.ok(capabilities({ pullDiagnostics: true }).diagnosticProvider);
    assert.equal(capabilities({ pullDiagnostics: false }).diagnosticProvider, undefined);
  });
});

describe('lsp over stdio (llmspell kernel start --lsp)', () => {
  let s: Served;
  let dir: string;
  let uri: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-lsp-'));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(
      path.join(dir, 'lib', 'util.lua'),
      'local M = {}\n---Double a number.\nfunction M.double(n) return n * 2 end\nreturn M\n',
    );
    fs.writeFileSync(path.join(dir, '.luarc.json'), JSON.stringify({ 'diagnostics.globals': ['vim'] }));
    uri = 'file://' + path.join(dir, 'main.lua');
    s = spawnServer(['kernel', 'start', '--lsp', '--stdio'], dir);
    const init = (await s.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: 'file://' + dir,
      capabilities: { workspace: { configuration: true } },
    })) as { capabilities: Record<string, unknown> };
    assert.ok(init.capabilities.completionProvider);
    await s.conn.sendNotification('initialized', {});
  });
  after(async () => {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes diagnostics, then clears one after an incremental edit', async () => {
    const text = 'local u = require("lib.util")\nprint(u.double(2), vim, undefinedName)\n';
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'lua', version: 1, text },
    });
    const d = await s.waitDiagnostics(uri, (x) => x.some((y) => y.code === 'undefined-global'));
    assert.deepEqual(
      d.map((x) => x.code),
      ['undefined-global'],
    );
    assert.match(d[0].message, /undefinedName/);
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 1, character: 24 }, end: { line: 1, character: 37 } }, text: '"ok"' },
      ],
    });
    await s.waitDiagnostics(uri, (x) => x.length === 0);
  });

  it('completes host API members while the line is a syntax error', async () => {
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ text: 'local u = require("lib.util")\nAgent.\n' }],
    });
    const r = (await s.conn.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 1, character: 6 },
    })) as { items: { label: string; filterText?: string; data: unknown }[] };
    // functions are labelled with their parameters as LuaLS labels them; typing filters on the name
    const names = r.items.map((i) => i.filterText ?? i.label);
    assert.ok(names.includes('query') && names.includes('builder'), names.join(','));
    const query = r.items.find((i) => i.filterText === 'query');
    assert.match(query?.label ?? '', /^query\(\w/);
    assert.equal(r.items.find((i) => i.filterText === 'builder')?.label, 'builder()');
    const resolved = (await s.conn.sendRequest('completionItem/resolve', query)) as {
      documentation?: { value: string };
    };
    assert.match(resolved.documentation?.value ?? '', /Ask a model once/);
  });

  it('types through the real client: hover, overloads, literal options, metatable members', async () => {
    const tUri = 'file://' + path.join(dir, 'types.lua');
    const text = [
      'local Acc = {}',
      'Acc.__index = Acc',
      'function Acc:deposit(n) self.total = n end',
      'local a = setmetatable({}, Acc)',
      'a:deposit(1)',
      'local count = 40 + 2',
      '---@overload fun(s: string)',
      '---@param n integer',
      'local function conv(n) end',
      'conv()',
      "collectgarbage('')",
      'a:',
    ].join('\n');
    const pos = (needle: string, delta = 0) => positionIn(text, needle, delta);
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: tUri, languageId: 'lua', version: 1, text },
    });
    const h = (await s.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: tUri },
      position: pos('count = 40', 1),
    })) as { contents: { value: string } };
    assert.match(h.contents.value, /local count: integer = 42/);
    const sig = (await s.conn.sendRequest('textDocument/signatureHelp', {
      textDocument: { uri: tUri },
      position: pos('conv()', 5),
    })) as { signatures: { label: string; parameters: { label: [number, number] }[] }[] };
    assert.deepEqual(
      sig.signatures.map((x) => x.label),
      ['function conv(n: integer)', 'function conv(s: string)'],
    );
    assert.deepEqual(sig.signatures[0].parameters[0].label, [14, 24]);
    const opts = (await s.conn.sendRequest('textDocument/completion', {
      textDocument: { uri: tUri },
      position: pos("collectgarbage('')", 16),
    })) as { items: { label: string; textEdit?: { newText: string } }[] };
    assert.ok(opts.items.some((i) => i.label === "'count'" && i.textEdit?.newText === "'count'"));
    const members = (await s.conn.sendRequest('textDocument/completion', {
      textDocument: { uri: tUri },
      position: pos('a:\n', 2).line ? { line: 11, character: 2 } : pos('a:', 2),
    })) as { items: { label: string; filterText?: string }[] };
    assert.ok(
      members.items.some((i) => i.filterText === 'deposit' && i.label.startsWith('deposit(')),
      JSON.stringify(members.items.map((i) => i.label)),
    );
    const def = (await s.conn.sendRequest('textDocument/definition', {
      textDocument: { uri: tUri },
      position: pos('a:deposit(1)', 3),
    })) as { range: { start: { line: number } } }[];
    assert.equal(def[0].range.start.line, 2);
  });

  it('generics, operators, callback parameters and LuaLS-style completion through the client', async () => {
    const gUri = 'file://' + path.join(dir, 'generic.lua');
    const text = [
      '---@class Vec',
      '---@operator add(Vec): Vec',
      '---@type Vec',
      'local v',
      'local sum = v + v',
      '---@generic T',
      '---@param list T[]',
      '---@param each fun(item: T)',
      'local function walk(list, each) end',
      '---@type string[]',
      'local names',
      'walk(names, function(item) end)',
      "---@type 'on'|'off'",
      'local state',
      'if state == ',
      'queue[#]',
    ].join('\n');
    const pos = (needle: string, delta = 0) => positionIn(text, needle, delta);
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: gUri, languageId: 'lua', version: 1, text },
    });
    const hover = async (needle: string, delta: number) =>
      (
        (await s.conn.sendRequest('textDocument/hover', {
          textDocument: { uri: gUri },
          position: pos(needle, delta),
        })) as { contents: { value: string } }
      ).contents.value;
    assert.match(await hover('sum =', 1), /local sum: Vec/);
    assert.match(await hover('function(item)', 10), /\(parameter\) item: string/);
    const complete = async (needle: string, delta: number) =>
      (
        (await s.conn.sendRequest('textDocument/completion', {
          textDocument: { uri: gUri },
          position: pos(needle, delta),
        })) as { items: { label: string }[] }
      ).items.map((i) => i.label);
    assert.deepEqual(await complete('if state == ', 12), ["'on'", "'off'"]);
    assert.deepEqual(await complete('queue[#]', 7), ['#queue+1']);
  });

  it('hover, definition across files, references, rename', async () => {
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 4 },
      contentChanges: [{ text: 'local u = require("lib.util")\nlocal n = u.double(2)\nprint(n)\n' }],
    });
    const h = (await s.conn.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 13 },
    })) as { contents: { value: string } };
    assert.match(h.contents.value, /Double a number/);
    const def = (await s.conn.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: { line: 1, character: 13 },
    })) as { uri: string; range: { start: { line: number } } }[];
    assert.equal(def[0].uri, 'file://' + path.join(dir, 'lib', 'util.lua'));
    assert.equal(def[0].range.start.line, 2);
    const refs = (await s.conn.sendRequest('textDocument/references', {
      textDocument: { uri },
      position: { line: 2, character: 6 },
      context: { includeDeclaration: true },
    })) as unknown[];
    assert.equal(refs.length, 2);
    const edit = (await s.conn.sendRequest('textDocument/rename', {
      textDocument: { uri },
      position: { line: 1, character: 6 },
      newName: 'count',
    })) as { changes: Record<string, { newText: string }[]> };
    assert.equal(edit.changes[uri].length, 2);
    await assert.rejects(
      s.conn.sendRequest('textDocument/prepareRename', {
        textDocument: { uri },
        position: { line: 0, character: 11 },
      }),
    );
  });

  it('symbols, folding, semantic tokens, formatting, code actions', async () => {
    const text = 'local M = {}\nfunction M.run(a)\n  if a then\n    return 1\n  end\nend\nreturn M\n';
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 5 },
      contentChanges: [{ text }],
    });
    const syms = (await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as {
      name: string;
    }[];
    assert.deepEqual(
      syms.map((x) => x.name),
      ['M', 'M.run'],
    );
    const folds = (await s.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } })) as {
      startLine: number;
    }[];
    assert.ok(folds.some((f) => f.startLine === 1));
    const toks = (await s.conn.sendRequest('textDocument/semanticTokens/full', {
      textDocument: { uri },
    })) as { data: number[] };
    assert.ok(toks.data.length > 0 && toks.data.length % 5 === 0);
    const fmt = (await s.conn.sendRequest('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    })) as { newText: string }[];
    assert.ok(Array.isArray(fmt));
    const ws = (await s.conn.sendRequest('workspace/symbol', { query: 'double' })) as { name: string }[];
    assert.ok(ws.some((x) => x.name === 'M.double'));
    const actions = (await s.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 15 }, end: { line: 1, character: 16 } },
      context: {
        diagnostics: [
          {
            range: { start: { line: 1, character: 15 }, end: { line: 1, character: 16 } },
            message: 'x',
            code: 'unused-parameter',
            source: 'llmspell',
          },
        ],
      },
    })) as { title: string }[];
    assert.ok(actions.some((a) => /Disable `unused-parameter`/.test(a.title)));
  });

  it('answers a malformed message with an error and keeps serving', async () => {
    const errors: unknown[] = [];
    s.child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('-32700')) errors.push(b.toString());
    });
    writeRaw(s.child, '{"jsonrpc": "2.0", "id": 99, "method": ');
    await waitFor(() => errors.length > 0, 'the parse error response');
    assert.equal(errors.length, 1);
    const h = await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(Array.isArray(h));
    await assert.rejects(s.conn.sendRequest('llmspell/noSuchMethod', {}), /Unhandled method|not found/i);
  });

  it('binary junk and a 5 MB file do not crash or hang the server', async () => {
    const junkUri = 'file://' + path.join(dir, 'junk.lua');
    const junk = Array.from({ length: 20000 }, (_, i) => String.fromCharCode((i * 7919 + 13) % 65536)).join(
      '',
    );
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: junkUri, languageId: 'lua', version: 1, text: junk },
    });
    await s.waitDiagnostics(junkUri, (x) => x.length >= 1);
    await s.conn.sendRequest('textDocument/completion', {
      textDocument: { uri: junkUri },
      position: { line: 0, character: 5 },
    });
    // over the default llmspell.maxFileSize (5000 KB): refused with a message, not analysed
    const bigUri = 'file://' + path.join(dir, 'big.lua');
    const line = 'local value_abc = string.format("%d", 12345) -- filler comment to grow the file\n';
    const big = line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: bigUri, languageId: 'lua', version: 1, text: big },
    });
    const refused = await s.waitDiagnostics(bigUri, () => true, 30000);
    assert.deepEqual(
      refused.map((d) => d.code),
      ['file-too-large'],
    );
    assert.match(refused[0].message, /maxFileSize \(5000 KB\)/);
    const r = await s.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: bigUri },
      position: { line: 10, character: 8 },
    });
    assert.equal(r, null);
    const js = 'file://' + path.join(dir, 'x.js');
    await s.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: js, languageId: 'javascript', version: 1, text: 'const a = 1;' },
    });
    const c = (await s.conn.sendRequest('textDocument/completion', {
      textDocument: { uri: js },
      position: { line: 0, character: 3 },
    })) as { items: unknown[] };
    assert.equal(c.items.length, 0);
    await s.conn.sendNotification('textDocument/didClose', { textDocument: { uri: bigUri } });
  });
});

describe('lsp --port', () => {
  it('also serves LSP on the TCP port when free, and only stdio when it is taken', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const s = spawnServer(['kernel', 'start', '--lsp', '--port', String(port)]);
    let stderr = '';
    s.child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    try {
      await s.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      await waitFor(() => stderr.includes('listening on tcp'), 'the TCP listener log line');
      const { createMessageConnection, SocketMessageReader, SocketMessageWriter } =
        await import('vscode-jsonrpc/node');
      const sock = net.connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      const tcp = createMessageConnection(new SocketMessageReader(sock), new SocketMessageWriter(sock));
      tcp.listen();
      const init = (await tcp.sendRequest('initialize', {
        processId: null,
        rootUri: null,
        capabilities: {},
      })) as { capabilities: object };
      assert.ok('hoverProvider' in init.capabilities);
      // any local process can reach the TCP port: it analyses, it never runs code
      await tcp.sendNotification('workspace/didChangeConfiguration', {
        settings: { llmspell: { enableDebug: true } },
      });
      const ran = (await tcp.sendRequest('workspace/executeCommand', {
        command: 'llmspell.runFile',
        arguments: ['file:///tmp/x.lua'],
      })) as { ok: boolean; message: string };
      assert.equal(ran.ok, false);
      assert.match(ran.message, /only offered over stdio/);
      await tcp.sendRequest('shutdown');
      await tcp.sendNotification('exit');
      tcp.dispose();
      sock.destroy();
      // the stdio session survives a TCP client's exit
      const again = await s.conn.sendRequest('workspace/symbol', { query: '' });
      assert.ok(Array.isArray(again));
      // a second server on the same port: stdio only, with a log line
      const s2 = spawnServer(['kernel', 'start', '--lsp', '--port', String(port)]);
      let err2 = '';
      s2.child.stderr!.on('data', (b: Buffer) => (err2 += b.toString()));
      await s2.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      await waitFor(() => err2.includes('in use'), 'the port-in-use log line');
      assert.match(err2, new RegExp(`${port}.*in use`));
      await s2.stop();
    } finally {
      await s.stop();
    }
  });
});
