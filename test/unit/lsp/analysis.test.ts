import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete } from '../../../server/analysis/completion';
import { computeDiagnostics } from '../../../server/analysis/diagnostics';
import { hover, signatureHelp } from '../../../server/analysis/hover';
import { definition, prepareRename, references, rename } from '../../../server/analysis/navigation';
import { blankAttributes, parseLua, syntaxErrors } from '../../../server/analysis/parse';
import {
  inlayHints,
  incomingCalls,
  outgoingCalls,
  selectionChain,
  functionAt,
} from '../../../server/analysis/structure';
import { fixture, open, project, slice } from '../../support/lsp';

const URI = 'file:///ws/main.lua';

/** Diagnostics: each `⟪span⟫` in the source must carry the code at the same index. */
const DIAGNOSTIC_CASES: {
  name: string;
  src: string;
  codes: string[];
  globals?: string[];
  disabled?: string[];
}[] = [
  { name: 'undefined global', src: 'print(⟪foo⟫)', codes: ['undefined-global'] },
  {
    name: 'std lib and host API are known',
    src: 'local s = string.format("%d", 1)\nprint(s, Agent.query("x").content, ARGS[1], JSON.stringify({}), math.pi)',
    codes: [],
  },
  { name: 'unused local', src: 'local ⟪x⟫ = 1', codes: ['unused-local'] },
  {
    name: 'unused function and parameter',
    src: 'local ⟪function ⟪f⟫(⟪a⟫) return 1 end⟫',
    codes: ['unused-function', 'unused-local', 'unused-local'],
  },
  {
    name: 'underscore names are exempt',
    src: 'local _x = 1\nlocal function g(_a) return 1 end\nprint(g(1))',
    codes: [],
  },
  {
    name: 'redefined local',
    src: 'local x = 1\nprint(x)\ndo\n  local ⟪x⟫ = 2\n  print(x)\nend',
    codes: ['redefined-local'],
  },
  { name: 'lowercase global', src: '⟪counter⟫ = 1\nprint(counter)', codes: ['lowercase-global'] },
  { name: 'unbalanced assignment', src: 'local a, ⟪b⟫ = 1\nprint(a, b)', codes: ['unbalanced-assignments'] },
  {
    name: 'a call may return several values',
    src: 'local a, b = string.find("x", "x")\nprint(a, b)',
    codes: [],
  },
  { name: 'missing parameter', src: '⟪Tool.execute()⟫', codes: ['missing-parameter'] },
  {
    name: 'redundant parameter',
    src: 'local v = JSON.parse("{}", ⟪2⟫)\nprint(v)',
    codes: ['redundant-parameter'],
  },
  {
    name: 'method parameters count self',
    src: 'local a = Agent.builder():model("m"):build()\nprint(a:execute({ prompt = "x" }))',
    codes: [],
  },
  {
    name: 'un-annotated parameters are optional (LuaLS)',
    src: 'local function add(a, b) return a + (b or 0) end\nprint(add(1, 2), add(1))',
    codes: [],
  },
  {
    name: 'unreachable code',
    src: 'local function f()\n  error("x")\n  ⟪print(1)⟫\nend\nf()',
    codes: ['unreachable-code'],
  },
  { name: 'count-down loop', src: 'for i = ⟪10, 1⟫ do print(i) end', codes: ['count-down-loop'] },
  { name: 'syntax error range', src: 'local x = ⟪)⟫', codes: ['syntax-error'] },
  {
    name: 'syntax error at the end points at the last token',
    src: 'local t = {}\nprint(t)\n⟪Agent.⟫\n',
    codes: ['syntax-error'],
  },
  {
    name: 'disable-next-line',
    src: '---@diagnostic disable-next-line: undefined-global\nprint(foo)\nprint(⟪bar⟫)',
    codes: ['undefined-global'],
  },
  { name: 'settings globals', src: 'print(vim)', codes: [], globals: ['vim'] },
  { name: 'settings disable', src: 'print(foo)', codes: [], disabled: ['undefined-global'] },
  { name: 'Lua 5.4 attributes', src: 'local x <const> = 5\nlocal f <close> = nil\nprint(x)', codes: [] },
  { name: 'methods have self', src: 'local M = {}\nfunction M:f() return self end\nreturn M', codes: [] },
  { name: 'repeat-until sees body locals', src: 'repeat local done = true until done', codes: [] },
  {
    name: 'globals defined later in the file',
    src: 'local function go() return Later() end\nfunction Later() return 1 end\nprint(go())',
    codes: [],
  },
];

describe('lsp analysis: diagnostics', () => {
  for (const c of DIAGNOSTIC_CASES) {
    it(c.name, () => {
      const f = fixture(c.src);
      const p = project();
      if (c.globals) p.config.globals = c.globals;
      if (c.disabled) p.config.disabled = c.disabled;
      const fa = open(p, URI, f.text);
      const diags = computeDiagnostics(p, fa).sort((a, b) => a.span.start - b.span.start);
      assert.deepEqual(
        diags.map((d) => [d.code, slice(f.text, d.span)]),
        c.codes.map((code, i) => [code, slice(f.text, f.spans[i])]),
      );
    });
  }
  it('unused diagnostics are hints tagged unnecessary', () => {
    const p = project();
    const d = computeDiagnostics(p, open(p, URI, 'local x = 1'))[0];
    assert.equal(d.severity, 'hint');
    assert.equal(d.unnecessary, true);
  });
  it('undefined global suggests the nearest name', () => {
    const p = project();
    const d = computeDiagnostics(p, open(p, URI, 'Agnet.query("x")'))[0];
    assert.equal(d.data?.suggestion, 'Agent');
  });
});

/** Syntax errors: each `⟪span⟫` is one reported error (line:column of its start), nothing else. */
const SYNTAX_CASES: { name: string; src: string; messages?: RegExp[] }[] = [
  {
    name: 'two independent errors in different functions',
    src: 'local function a()\n  local x = ⟪=⟫ 1\n  return x\nend\n\nlocal function b()\n  print(1 +⟪)⟫\nend\n\nlocal function c()\n  return 3\nend\nprint(a, b, c)\n',
    messages: [/<expression> expected/, /<expression> expected/],
  },
  {
    name: 'a missing end is reported once',
    src: 'local function f()\n  if X then\n    print(1)\n\nend\n\nlocal function g()\n  print(2)\nend\nlocal function h()\n  return 1\n⟪end⟫\n',
    messages: [/'end' expected/],
  },
  {
    name: 'an unterminated string, then an error further on',
    src: 'local s = ⟪"abc⟫\nprint(s)\nlocal function g()\n  X = ⟪=⟫ 1\nend\n',
    messages: [/unfinished string/, /<expression> expected/],
  },
  {
    name: 'a broken if does not cascade through its function',
    src: 'local function f()\n  if X ⟪=⟫ 1 then\n    print(1)\n  end\nend\nlocal function g() bad ⟪bad⟫ end\n',
  },
  {
    name: 'an unterminated long string points at its opener',
    src: 'local s = ⟪[[abc⟫\nprint(s)\n',
  },
  {
    name: 'a stray end and an unclosed call',
    src: 'local function f()\n  print(1)\nend\n⟪end⟫\nlocal function g()\n  print(\n⟪end⟫\n',
  },
  {
    name: 'at most 10 errors',
    src: Array.from({ length: 12 }, (_, i) => `local v${i} ${i < 10 ? '⟪=⟫' : '='}= 1\n`).join(''),
  },
];

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length}`;
}

describe('lsp analysis: several syntax errors', () => {
  for (const c of SYNTAX_CASES) {
    it(c.name, () => {
      const f = fixture(c.src);
      const p = project();
      const diags = computeDiagnostics(p, open(p, URI, f.text))
        .filter((d) => d.code === 'syntax-error')
        .sort((a, b) => a.span.start - b.span.start);
      assert.deepEqual(
        diags.map((d) => [lineCol(f.text, d.span.start), slice(f.text, d.span)]),
        f.spans.map((s) => [lineCol(f.text, s.start), slice(f.text, s)]),
      );
      c.messages?.forEach((m, i) => assert.match(diags[i].message, m));
      // the quick syntax-only pass of big files reports the same errors
      assert.deepEqual(syntaxErrors(f.text), parseLua(f.text).errors);
    });
  }
  it('keeps the structure of the statements around the errors', () => {
    const src =
      'local function f()\n  local v = 1\n  v = = 2\n  return v\nend\nlocal w = (\nlocal z = 3\nreturn f, z\n';
    const r = parseLua(src);
    assert.equal(r.errors.length, 2);
    // the function with the broken line is kept (line-blanked), the unfinished `local w` is dropped
    assert.deepEqual(
      r.chunk.body.map((s) => s.type),
      ['FunctionDeclaration', 'LocalStatement', 'ReturnStatement'],
    );
  });
});

describe('lsp analysis: parsing', () => {
  it('blanks Lua 5.4 attributes with the same length', () => {
    const src = 'local x <const>, y <close> = 1, nil';
    const b = blankAttributes(src);
    assert.equal(b.text.length, src.length);
    assert.equal(b.attributes.length, 2);
    assert.ok(!b.text.includes('<'));
  });
  it('recovers after a broken line and keeps later statements', () => {
    const r = parseLua('local a = 1\nlocal = = 2\nlocal b = 3\n');
    assert.equal(r.errors.length, 1);
    assert.equal(r.chunk.body.length, 2);
  });
  it('never throws on binary junk or deep nesting', () => {
    const junk = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    assert.ok(parseLua(junk).errors.length >= 1);
    assert.ok(parseLua('x = ' + '('.repeat(100000)).errors.length >= 1);
  });
});

/** Completion: labels that must (and must not) be offered at the cursor ‸. */
const COMPLETION_CASES: { name: string; src: string; has: string[]; not?: string[] }[] = [
  {
    name: 'host API members after a dot while the line is a syntax error',
    src: 'local x = 1\nAgent.‸\nprint(x)',
    has: ['query', 'builder', 'list', 'get'],
  },
  { name: 'std lib members', src: 'string.‸', has: ['format', 'sub', 'gsub'], not: ['query'] },
  {
    name: 'methods after a colon through the builder chain',
    src: 'local agent = Agent.builder():model("m"):build()\nagent:‸',
    has: ['execute', 'invokeStream'],
  },
  {
    name: 'builder methods',
    src: 'Agent.builder():‸',
    has: ['name', 'model', 'temperature', 'max_tokens', 'system_prompt', 'tool', 'build'],
  },
  {
    name: 'response fields',
    src: 'local r = Agent.query("x")\nprint(r.‸)',
    has: ['content', 'model', 'usage', 'finish_reason'],
  },
  {
    name: 'nested class fields',
    src: 'local r = Agent.query("x")\nprint(r.usage.‸)',
    has: ['input_tokens', 'output_tokens'],
  },
  {
    name: 'locals in scope, not out of scope',
    src: 'local alpha = 1\ndo local inner = 2 end\nlocal function beta() end\na‸',
    has: ['alpha', 'beta', 'assert', 'Agent', 'and'],
    not: ['inner'],
  },
  {
    name: 'keywords and their snippets',
    src: 'local x = 1\nfun‸',
    has: ['function', 'function ()'],
  },
  {
    name: 'upvalues and parameters inside a function',
    src: 'local up = 1\nlocal function f(param)\n  p‸\nend',
    has: ['up', 'param', 'print'],
  },
  { name: 'nothing before anything is typed', src: 'local up = 1\n‸', has: [] },
  { name: 'nothing right after a complete expression', src: 'local t = {}\nt ‸', has: [] },
  {
    name: 'table fields seen in the file',
    src: 'local cfg = { host = "h", port = 1 }\ncfg.extra = true\ncfg.‸',
    has: ['host', 'port', 'extra'],
  },
  { name: 'string methods on a string local', src: 'local s = "abc"\ns:‸', has: ['upper', 'format'] },
  {
    name: 'State and display',
    src: 'display.‸',
    has: ['html', 'markdown', 'png', 'json', 'update', 'clear'],
  },
  { name: 'annotation tags', src: '---@‸', has: ['param', 'return', 'class'] },
  { name: 'no completion inside a string', src: 'print("Agent.‸")', has: [], not: ['query'] },
];

describe('lsp analysis: completion', () => {
  for (const c of COMPLETION_CASES) {
    it(c.name, () => {
      const f = fixture(c.src);
      const p = project();
      const fa = open(p, URI, f.text);
      const labels = complete(p, fa, f.text, f.cursor, f.cursor).items.map((i) => i.label);
      for (const h of c.has)
        assert.ok(labels.includes(h), `missing ${h} in ${labels.slice(0, 40).join(',')}`);
      for (const n of c.not ?? []) assert.ok(!labels.includes(n), `unexpected ${n}`);
      if (!c.has.length) assert.equal(labels.length, 0);
    });
  }
  it('require module names from the workspace', () => {
    const p = project({ 'file:///ws/lib/util.lua': 'local M = {}\nreturn M' });
    const f = fixture('local u = require("li‸")');
    const fa = open(p, URI, f.text);
    assert.deepEqual(
      complete(p, fa, f.text, f.cursor, f.cursor).items.map((i) => i.label),
      ['lib.util', 'main'],
    );
  });
  it('call snippets when enabled', () => {
    const p = project();
    const f = fixture('Agent.‸');
    const item = complete(p, open(p, URI, f.text), f.text, f.cursor, f.cursor).items.find(
      (i) => i.label === 'query',
    );
    assert.equal(item?.snippet, 'query(${1:prompt})$0');
    p.config.enableSnippets = false;
    const item2 = complete(p, open(p, URI, f.text), f.text, f.cursor, f.cursor).items.find(
      (i) => i.label === 'query',
    );
    assert.equal(item2?.snippet, undefined);
  });
});

describe('lsp analysis: hover and signature help', () => {
  it('hover shows the host API signature and docs', () => {
    const f = fixture('local r = Agent.qu‸ery("hi")');
    const p = project();
    const h = hover(p, open(p, URI, f.text), f.cursor);
    assert.ok(h);
    assert.match(
      h.markdown,
      /function Agent\.query\(prompt: string, opts\?: AgentQueryOptions\)\n {2}-> response: AgentResponse/,
    );
    assert.match(h.markdown, /Ask a model once/);
  });
  it('hover on a local function uses its annotations', () => {
    const f = fixture(
      '---Adds two numbers.\n---@param a number first\n---@param b number\n---@return number\nlocal function add(a, b) return a + b end\nprint(ad‸d(1, 2))',
    );
    const p = project();
    const h = hover(p, open(p, URI, f.text), f.cursor);
    assert.match(h?.markdown ?? '', /function add\(a: number, b: number\)\n {2}-> number/);
    assert.match(h?.markdown ?? '', /Adds two numbers/);
  });
  it('signature help with the active parameter', () => {
    const f = fixture('JSON.stringify({}, ‸');
    const p = project();
    const s = signatureHelp(p, open(p, URI, f.text), f.text, f.cursor, f.cursor);
    assert.equal(s?.activeParameter, 1);
    assert.deepEqual(
      s?.signatures[0].params.map((x) => x.label),
      ['value: any', 'opts?: JsonStringifyOptions'],
    );
  });
  it('signature help for a method drops self', () => {
    const f = fixture('local s = "x"\nprint(s:sub(1, ‸))');
    const p = project();
    const s = signatureHelp(p, open(p, URI, f.text), f.text, f.cursor, f.cursor);
    assert.deepEqual(
      s?.signatures[0].params.map((x) => x.label.split(':')[0]),
      ['i', 'j?'],
    );
    assert.equal(s?.activeParameter, 1);
  });
});

describe('lsp analysis: navigation', () => {
  it('definition of a local', () => {
    const f = fixture('local ⟪value⟫ = 1\nprint(val‸ue)');
    const p = project();
    const d = definition(p, open(p, URI, f.text), f.cursor);
    assert.deepEqual(d, [{ uri: URI, span: f.spans[0] }]);
  });
  it('definition across files via require', () => {
    const mod = fixture('local M = {}\nfunction M.⟪greet⟫(name) return "hi " .. name end\nreturn M');
    const p = project({ 'file:///ws/lib/greeter.lua': mod.text });
    const f = fixture('local g = require("lib.greeter")\nprint(g.gre‸et("x"))');
    const d = definition(p, open(p, URI, f.text), f.cursor);
    assert.deepEqual(d, [{ uri: 'file:///ws/lib/greeter.lua', span: mod.spans[0] }]);
  });
  it('definition of a host API function goes to the meta file', () => {
    const f = fixture('Tool.exi‸sts("x")');
    const p = project();
    const d = definition(p, open(p, URI, f.text), f.cursor);
    assert.equal(d[0]?.uri, 'file:///host/llmspell.lua');
  });
  it('references and rename are scope-correct (a shadowed local is untouched)', () => {
    const f = fixture('local ⟪x⟫ = 1\nprint(⟪x⟫)\ndo\n  local x = 2\n  print(x)\nend\nprint(⟪x‸⟫)');
    const p = project();
    const fa = open(p, URI, f.text);
    const refs = references(p, fa, f.cursor).map((l) => l.span);
    assert.deepEqual(refs, f.spans);
    const r = rename(p, fa, f.cursor, 'y');
    assert.ok('edits' in r);
    assert.deepEqual(
      r.edits.map((e) => e.span),
      f.spans,
    );
  });
  it('rename of a module field across files', () => {
    const mod = fixture('local M = {}\nfunction M.⟪greet⟫(n) return n end\nreturn M');
    const p = project({ 'file:///ws/greeter.lua': mod.text });
    const f = fixture('local g = require("greeter")\nprint(g.⟪gre‸et⟫(1), g.⟪greet⟫(2))');
    const r = rename(p, open(p, URI, f.text), f.cursor, 'hello');
    assert.ok('edits' in r);
    const byFile = (u: string) => r.edits.filter((e) => e.uri === u).map((e) => e.span);
    assert.deepEqual(byFile('file:///ws/greeter.lua'), mod.spans);
    assert.deepEqual(byFile(URI), f.spans);
  });
  it('global references across workspace files', () => {
    const p = project({
      'file:///ws/a.lua': 'function Shared() return 1 end',
      'file:///ws/b.lua': 'print(Shared())',
    });
    const f = fixture('print(Sha‸red())');
    const refs = references(p, open(p, URI, f.text), f.cursor);
    assert.deepEqual([...new Set(refs.map((r) => r.uri))].sort(), [
      'file:///ws/a.lua',
      'file:///ws/b.lua',
      URI,
    ]);
  });
  it('prepareRename refuses the host API and std lib', () => {
    const p = project();
    const f = fixture('Agent.que‸ry("x")\nprint(1)');
    assert.ok('error' in prepareRename(p, open(p, URI, f.text), f.cursor));
    const g = fixture('pri‸nt(1)');
    assert.ok('error' in prepareRename(p, open(p, URI, g.text), g.cursor));
  });
  it('rename rejects keywords', () => {
    const p = project();
    const f = fixture('local a‸ = 1 print(a)');
    assert.ok('error' in rename(p, open(p, URI, f.text), f.cursor, 'end'));
  });
});

describe('lsp analysis: structure', () => {
  it('document symbols are hierarchical', () => {
    const p = project();
    const fa = open(
      p,
      URI,
      'local M = {}\nfunction M.run(a)\n  local function helper() end\n  return helper\nend\nreturn M',
    );
    const run = fa.symbols.find((s) => s.name === 'M.run');
    assert.ok(run);
    assert.deepEqual(
      run.children.map((c) => c.name),
      ['helper'],
    );
  });
  it('selection ranges grow from the word outwards', () => {
    const f = fixture('local function f()\n  return ⟪⟪⟪va‸lue⟫ + 1⟫⟫\nend');
    const p = project();
    const chain = selectionChain(open(p, URI, f.text), f.cursor);
    assert.deepEqual(chain[0], f.spans[0]);
    assert.ok(chain.length >= 4);
    for (let i = 1; i < chain.length; i++)
      assert.ok(chain[i].start <= chain[i - 1].start && chain[i].end >= chain[i - 1].end);
  });
  it('inlay hints name parameters', () => {
    const p = project();
    const text = 'local function area(width, height) return width * height end\nprint(area(2, 3))';
    const hints = inlayHints(p, open(p, URI, text), { start: 0, end: text.length });
    assert.deepEqual(
      hints.map((h) => h.label),
      ['width:', 'height:'],
    );
  });
  it('call hierarchy: incoming and outgoing', () => {
    const f = fixture(
      'local function leaf() return 1 end\nlocal function mid() return leaf() end\nlocal function top() return mid() end\nprint(top(), m‸id())',
    );
    const p = project();
    const fa = open(p, URI, f.text);
    const mid = functionAt(fa, f.cursor);
    assert.equal(mid?.name, 'mid');
    assert.deepEqual(
      outgoingCalls(p, fa, mid).map((e) => e.fn?.name),
      ['leaf'],
    );
    assert.deepEqual(
      incomingCalls(p, fa, mid)
        .map((e) => e.fn?.name ?? '(chunk)')
        .sort(),
      ['(chunk)', 'top'],
    );
  });
});
