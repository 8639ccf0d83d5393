/**
 * LSP benchmarks against the bars in DESIGN.md: spawn-to-first-diagnostics and edit-to-diagnostics
 * on a generated 10,000-line file, completion p50/p95, and RSS with a 1,000-file workspace.
 * Run: npx tsc -p tsconfig.json && node dist/bench/lsp.js
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';

const BIN = path.join(__dirname, '..', '..', 'bin', 'llmspell');

function genFile(lines: number): string {
  const out: string[] = [];
  let i = 0;
  while (out.length < lines) {
    out.push(
      `local function handler_${i}(input, opts)`,
      `  local agent = Agent.builder():model("openai/gpt-4o-mini"):build()`,
      `  local r = agent:execute({ prompt = input .. tostring(opts and opts.n or ${i}) })`,
      `  if r.usage.input_tokens > ${i} then`,
      `    print(string.format("%s %d", r.content, r.usage.output_tokens))`,
      `  end`,
      `  for k, v in pairs(opts or {}) do State.set(k, v) end`,
      `  return r.content`,
      `end`,
      ``,
    );
    i++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function session(root: string, file: string, text: string) {
  const t0 = performance.now();
  // LSP_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server processes
  const nodeArgs = (process.env.LSP_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'kernel', 'start', '--lsp'], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const conn = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const uri = 'file://' + file;
  let waiter: ((n: number) => void) | undefined;
  // a big file gets its syntax errors first; "full" is the first publication with more than that
  let fullDiag = 0;
  conn.onNotification(
    'textDocument/publishDiagnostics',
    (p: { uri: string; version?: number; diagnostics: { code?: unknown }[] }) => {
      if (p.uri !== uri) return;
      if (!fullDiag && p.diagnostics.some((d) => d.code !== 'syntax-error'))
        fullDiag = performance.now() - t0;
      if (waiter) waiter(p.version ?? 0);
    },
  );
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.listen();
  const diagFor = (version: number) =>
    new Promise<number>((resolve) => {
      waiter = (v) => {
        if (v >= version) resolve(performance.now());
      };
    });
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: 'file://' + root,
    capabilities: {},
  });
  await conn.sendNotification('initialized', {});
  const first = diagFor(1);
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'lua', version: 1, text },
  });
  const firstDiag = (await first) - t0;
  return { child, conn, uri, firstDiag, fullDiag: () => fullDiag, diagFor };
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-bench-'));
  const big = path.join(root, 'big.lua');
  const text = genFile(10000);
  fs.writeFileSync(big, text);
  // 1) 10,000-line file in an otherwise empty workspace
  const s = await session(root, big, text);
  const until = Date.now() + 10000;
  while (!s.fullDiag() && Date.now() < until) await new Promise((res) => setTimeout(res, 5));
  const fullDiag = s.fullDiag();
  const lines = text.split('\n');
  const comp: number[] = [];
  for (let i = 0; i < 200; i++) {
    const line = (i * 47) % 9990;
    const col = lines[line].length;
    const t = performance.now();
    await s.conn.sendRequest('textDocument/completion', {
      textDocument: { uri: s.uri },
      position: { line, character: Math.min(col, 8) },
    });
    comp.push(performance.now() - t);
  }
  const compMember: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    await s.conn.sendRequest('textDocument/completion', {
      textDocument: { uri: s.uri },
      position: { line: 2, character: 20 },
    });
    compMember.push(performance.now() - t);
  }
  const edits: number[] = [];
  for (let v = 2; v < 22; v++) {
    const wait = s.diagFor(v);
    const t = performance.now();
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: s.uri, version: v },
      contentChanges: [
        {
          range: { start: { line: 5000, character: 0 }, end: { line: 5000, character: 0 } },
          text: v % 2 ? 'local zz = 1 ' : '',
        },
      ],
    });
    edits.push((await wait) - t);
  }
  await s.conn.sendRequest('shutdown');
  await s.conn.sendNotification('exit');
  // 2) RSS with a 1,000-file workspace (each file about 100 lines)
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-bench-ws-'));
  const small = genFile(100);
  for (let i = 0; i < 1000; i++) {
    const d = path.join(ws, `pkg${i % 20}`);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(
      path.join(d, `m${i}.lua`),
      `local M = {}\nfunction M.entry_${i}(x) return x end\n` + small + 'return M\n',
    );
  }
  const s2 = await session(
    ws,
    path.join(ws, 'pkg0', 'm0.lua'),
    fs.readFileSync(path.join(ws, 'pkg0', 'm0.lua'), 'utf8'),
  );
  // wait until indexing is done: workspace/symbol finds the last module
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const r = (await s2.conn.sendRequest('workspace/symbol', { query: 'entry_999' })) as unknown[];
    if (r.length) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const status = fs.readFileSync(`/proc/${s2.child.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  await s2.conn.sendRequest('shutdown');
  await s2.conn.sendNotification('exit');
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(ws, { recursive: true, force: true });

  const rows: [string, number, number | undefined][] = [
    ['first diagnostics from spawn, 10,000 lines (ms)', s.firstDiag, 400],
    ['full diagnostics from spawn, 10,000 lines (ms)', fullDiag, undefined],
    ['completion p50, names (ms)', pct(comp, 50), 20],
    ['completion p95, names (ms)', pct(comp, 95), 20],
    ['completion p95, `agent:` members (ms)', pct(compMember, 95), 20],
    ['edit-to-diagnostics median (ms)', pct(edits, 50), 100],
    ['edit-to-diagnostics p95 (ms)', pct(edits, 95), 100],
    ['RSS with 1,000-file workspace (MB)', rssMb, 150],
  ];
  process.stdout.write('| measure | value | bar | ratio to bar |\n|---|---|---|---|\n');
  for (const [name, v, bar] of rows)
    process.stdout.write(
      `| ${name} | ${v.toFixed(1)} | ${bar ?? '-'} | ${bar ? (v / bar).toFixed(2) : '-'} |\n`,
    );
}

main().catch((e: unknown) => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
