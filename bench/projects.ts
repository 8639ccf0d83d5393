/**
 * A real-project check for the language server: a generated workspace in the shape of a LuaRocks
 * project (`src/` modules, a rockspec with `build.modules`, `spec/` tests, no `.luarc.json`)
 * written with the optional-argument idioms real code uses. Prints the diagnostics per code over
 * the whole workspace and the cross-file definition hit rate of sampled `require` call sites
 * (the string, and the first use of a field of the module) through the real server over stdio.
 * Run: npx tsc -p tsconfig.json && node dist/bench/projects.js
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';

const BIN = path.join(__dirname, '..', '..', 'bin', 'llmspell');

interface RequireSite {
  file: string;
  /** offset of a character inside the module string */
  at: number;
  /** offset of a character inside the first `alias.field` use after it */
  fieldAt: number;
  expect: string;
}

const MODULES = [
  'luax.core.cfg',
  'luax.core.path',
  'luax.core.fs',
  'luax.core.log',
  'luax.core.deps',
  'luax.core.manif',
  'luax.util.strings',
  'luax.util.tables',
  'luax.util.args',
  'luax.cmd.install',
  'luax.cmd.remove',
  'luax.cmd.search',
  'luax.fetch',
  'luax.build',
];

/** The file a module lives in (LuaRocks layout: src/<dotted path>.lua; `luax` is src/luax/init.lua). */
function fileOf(m: string): string {
  if (m === 'luax') return 'src/luax/init.lua';
  if (m === 'luax.compat') return 'src/compat54.lua';
  return `src/${m.replace(/\./g, '/')}.lua`;
}

function moduleText(name: string, deps: string[]): { text: string; sites: Omit<RequireSite, 'file'>[] } {
  const lines: string[] = [];
  const sites: Omit<RequireSite, 'file'>[] = [];
  const aliases: string[] = [];
  deps.forEach((d, i) => {
    const alias = `dep${i}`;
    aliases.push(alias);
    // three spellings of require, as real code mixes them
    const call = i % 3 === 0 ? `require("${d}")` : i % 3 === 1 ? `require "${d}"` : `require('${d}')`;
    lines.push(`local ${alias} = ${call}`);
  });
  lines.push('', 'local M = {}', '');
  lines.push(
    '--- Pads a value; width and fill are optional.',
    'function M.pad(value, width, fill)',
    '  width = width or 10',
    '  fill = fill or " "',
    '  local s = tostring(value)',
    '  return s .. string.rep(fill, width - #s)',
    'end',
    '',
    'function M.run(opts, verbose)',
    '  opts = opts or {}',
    '  if verbose then print("running", opts.name) end',
    ...aliases.map((a) => `  local r_${a} = ${a}.pad(opts.name or "${name}")`),
    ...aliases.map((a) => `  if r_${a} == nil then return nil, "failed" end`),
    '  local cmd = arg and arg[1]',
    '  return M.pad(opts.value or cmd or 1)',
    'end',
    '',
    'function M.each(t, fn, ...)',
    '  for k, v in pairs(t or {}) do fn(k, v, ...) end',
    'end',
    '',
    'return M',
    '',
  );
  const text = lines.join('\n');
  deps.forEach((d, i) => {
    const at = text.indexOf(d, text.indexOf(`local dep${i} = `)) + 2;
    const fieldAt = text.indexOf(`dep${i}.pad(`) + `dep${i}.`.length + 1;
    sites.push({ at, fieldAt, expect: fileOf(d) });
  });
  return { text, sites };
}

function generate(root: string, rockspec: boolean): { files: string[]; sites: RequireSite[] } {
  const files: string[] = [];
  const sites: RequireSite[] = [];
  const write = (rel: string, text: string) => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    files.push(rel);
  };
  const all = [...MODULES, 'luax', 'luax.compat'];
  for (let i = 0; i < all.length; i++) {
    const deps = [all[(i + 3) % all.length], all[(i + 7) % all.length]].filter((d) => d !== all[i]);
    const m = moduleText(all[i], deps);
    write(fileOf(all[i]), m.text);
    for (const s of m.sites) sites.push({ ...s, file: fileOf(all[i]) });
  }
  for (let i = 0; i < 5; i++) {
    const deps = [MODULES[i * 2], MODULES[i * 2 + 1]];
    const m = moduleText(`spec${i}`, deps);
    write(`spec/mod${i}_spec.lua`, m.text);
    for (const s of m.sites) sites.push({ ...s, file: `spec/mod${i}_spec.lua` });
  }
  // one file with findings a user should see (each code once): the table must list them
  write(
    'src/luax/legacy.lua',
    [
      'local M = {}',
      'local unused = 1',
      'function M.run(opts)',
      '  opts = opts or {}',
      '  return pirnt(opts.name) ',
      'end',
      'for i = 10, 1 do M.run({ name = i }) end',
      'return M',
      '',
    ].join('\n'),
  );
  const bin = moduleText('main', ['luax', 'luax.cmd.install']);
  write('bin/luax.lua', bin.text);
  for (const s of bin.sites) sites.push({ ...s, file: 'bin/luax.lua' });
  const mods = all.map((m) => `    ["${m}"] = "${fileOf(m)}",`).join('\n');
  if (rockspec)
    fs.writeFileSync(
      path.join(root, 'luax-1.0-1.rockspec'),
      `package = "luax"\nversion = "1.0-1"\nbuild = {\n  type = "builtin",\n  modules = {\n${mods}\n  },\n}\n`,
    );
  return { files, sites };
}

function offsetToPos(text: string, off: number) {
  const before = text.slice(0, off).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

async function main(): Promise<void> {
  for (const rockspec of [true, false]) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-projects-'));
    try {
      const { files, sites } = generate(root, rockspec);
      const out = await check(root, files, sites);
      process.stdout.write(`\n## ${rockspec ? 'with the rockspec' : 'without a rockspec'}\n${out}\n`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
}

async function check(root: string, files: string[], sites: RequireSite[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'kernel', 'start', '--lsp'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const conn = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const diags = new Map<string, { code?: unknown }[]>();
  const waiters: (() => void)[] = [];
  conn.onNotification(
    'textDocument/publishDiagnostics',
    (p: { uri: string; diagnostics: { code?: unknown }[] }) => {
      diags.set(p.uri, p.diagnostics);
      for (const w of waiters.splice(0)) w();
    },
  );
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: 'file://' + root,
    capabilities: {},
  });
  await conn.sendNotification('initialized', {});
  const texts = new Map<string, string>();
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    texts.set(f, text);
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: 'file://' + path.join(root, f), languageId: 'lua', version: 1, text },
    });
  }
  // every file published at least once (bounded wait)
  const deadline = Date.now() + 20000;
  while (files.some((f) => !diags.has('file://' + path.join(root, f))) && Date.now() < deadline)
    await new Promise<void>((r) => {
      waiters.push(r);
      setTimeout(r, 200);
    });
  const perCode = new Map<string, number>();
  for (const d of diags.values())
    for (const x of d) perCode.set(String(x.code), (perCode.get(String(x.code)) ?? 0) + 1);
  // sample 20 require sites evenly
  const sample = Array.from({ length: 20 }, (_, i) => sites[Math.floor((i * sites.length) / 20)]);
  let reqHits = 0;
  let fieldHits = 0;
  const misses: string[] = [];
  for (const s of sample) {
    const text = texts.get(s.file) as string;
    const uri = 'file://' + path.join(root, s.file);
    const want = 'file://' + path.join(root, s.expect);
    const a = (await conn.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: offsetToPos(text, s.at),
    })) as { uri: string }[];
    if (a.some((l) => l.uri === want)) reqHits++;
    else misses.push(`${s.file}: ${text.slice(s.at - 2, text.indexOf('\n', s.at))}`);
    const b = (await conn.sendRequest('textDocument/definition', {
      textDocument: { uri },
      position: offsetToPos(text, s.fieldAt),
    })) as { uri: string }[];
    if (b.some((l) => l.uri === want)) fieldHits++;
  }
  const out = [text(files.length, perCode, reqHits, fieldHits)];
  for (const m of misses) out.push(`unresolved: ${m}`);
  for (const [uri, d] of diags)
    if (d.some((x) => x.code === 'syntax-error')) out.push(`syntax error in ${uri.slice(root.length + 8)}`);
  try {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
  } catch {
    /* gone */
  }
  child.kill();
  return out.join('\n');
}

function text(n: number, perCode: Map<string, number>, reqHits: number, fieldHits: number): string {
  const rows = [...perCode.entries()].sort((a, b) => b[1] - a[1]);
  return [
    `real-project check: ${n} files (src/ rockspec layout, no .luarc.json), ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| diagnostic code | count |',
    '|---|---|',
    ...(rows.length ? rows.map(([c, k]) => `| ${c} | ${k} |`) : ['| (none) | 0 |']),
    '',
    `require strings resolved (definition on the module name): ${reqHits}/20`,
    `module fields resolved (definition on alias.field): ${fieldHits}/20`,
  ].join('\n');
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
