/**
 * The VS Code extension as users get it: `npm run package` in clients/vscode builds the .vsix; the
 * test checks its manifest and file list, then loads the packaged bundle against the typed
 * `vscode` stand-in (./vscode-api.ts) and drives activation, the debug configuration provider and
 * adapter descriptor factory, the language client (a real `llmspell kernel start --lsp` child),
 * the kernel/REPL commands and "Run file" output.
 */
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Readable, Writable } from 'stream';
import { after, before, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { BIN, REPO, runProcess } from '../jupyter/helpers';
import type * as api from './vscode-api';
import { registryEntry } from '../../support/kernels';

const EXT_DIR = path.join(REPO, 'clients', 'vscode');

interface Extension {
  activate(ctx: vscode.ExtensionContext): { client: LanguageClient | undefined; started: Promise<void> };
  deactivate(): Promise<void>;
  serverOptions(command: string): { command: string; args?: string[] };
}

function python(code: string, ...args: string[]) {
  return runProcess('/usr/bin/python3', ['-c', code, ...args], { timeoutMs: 60000 });
}

/**
 * DAP requests over a stream pair (Content-Length framing), one after the other; resolves with
 * the responses (events are skipped).
 */
function dapRequests(
  input: Writable,
  output: Readable,
  requests: { command: string; arguments: Record<string, unknown> }[],
): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const responses: Record<string, unknown>[] = [];
    const timer = setTimeout(() => reject(new Error('no DAP response within 30 s')), 30000);
    const send = (i: number) => {
      const body = JSON.stringify({ seq: i + 1, type: 'request', ...requests[i] });
      input.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    output.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sep = buf.indexOf('\r\n\r\n');
        if (sep < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())?.[1]);
        if (buf.length < sep + 4 + len) return;
        const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString()) as Record<string, unknown>;
        buf = buf.subarray(sep + 4 + len);
        if (msg.type !== 'response') continue;
        responses.push(msg);
        if (responses.length === requests.length) {
          clearTimeout(timer);
          resolve(responses);
          return;
        }
        send(responses.length);
      }
    });
    send(0);
  });
}

const INITIALIZE = {
  command: 'initialize',
  arguments: { adapterID: 'llmspell', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' },
};

async function dapOverStdio(command: string, args: string[], cwd: string): Promise<Record<string, unknown>> {
  const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    return (await dapRequests(child.stdin, child.stdout, [INITIALIZE]))[0];
  } finally {
    child.kill('SIGTERM');
  }
}

/** initialize, then `attach` with the configuration's arguments (its token included). */
async function dapAttachOverTcp(
  host: string,
  port: number,
  configuration: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const socket = net.connect(port, host);
  try {
    return await dapRequests(socket, socket, [INITIALIZE, { command: 'attach', arguments: configuration }]);
  } finally {
    socket.destroy();
  }
}

describe('vscode extension: the packaged .vsix', { timeout: 240000 }, () => {
  let tmp: string;
  let home: string;
  let unpacked: string;
  let vsix: string;
  let stand: typeof api;
  let ext: Extension;
  const ctx = { subscriptions: [] as { dispose(): unknown }[] } as unknown as vscode.ExtensionContext;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-vsix-'));
    home = path.join(tmp, 'home');
    fs.mkdirSync(path.join(home, 'kernels'), { recursive: true });
    process.env.LLMSPELL_HOME = home;
    for (const f of fs.readdirSync(EXT_DIR)) if (f.endsWith('.vsix')) fs.rmSync(path.join(EXT_DIR, f));
    const r = await runProcess('npm', ['run', 'package'], { cwd: EXT_DIR, timeoutMs: 180000 });
    assert.equal(r.code, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    const built = fs.readdirSync(EXT_DIR).filter((f) => f.endsWith('.vsix'));
    assert.deepEqual(built, ['llmspell-vscode-0.1.0.vsix'], r.stdout);
    vsix = path.join(tmp, built[0]);
    fs.renameSync(path.join(EXT_DIR, built[0]), vsix);
    unpacked = path.join(tmp, 'vsix');
    const x = await python(
      'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])',
      vsix,
      unpacked,
    );
    assert.equal(x.code, 0, x.stderr);
    // `require('vscode')` from the bundle resolves to the typed stand-in.
    const shim = path.join(tmp, 'node_modules', 'vscode');
    fs.mkdirSync(shim, { recursive: true });
    fs.writeFileSync(
      path.join(shim, 'index.js'),
      `module.exports = require(${JSON.stringify(require.resolve('./vscode-api'))});\n`,
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same module instance the bundle gets
    stand = require(path.join(shim, 'index.js')) as typeof api;
  });

  after(async () => {
    await ext?.deactivate();
    for (const d of ctx.subscriptions) d.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('holds the manifest, the license, the icon and one bundled script, nothing else', async () => {
    const list = await python(
      'import sys, zipfile; print("\\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))',
      vsix,
    );
    assert.deepEqual(list.stdout.trim().split('\n'), [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/images/icon.png',
      'extension/package.json',
      'extension/readme.md',
    ]);
    const manifest = fs.readFileSync(path.join(unpacked, 'extension.vsixmanifest'), 'utf8');
    assert.match(manifest, /<Identity [^>]*Id="llmspell-vscode"[^>]*Publisher="llmspell"/);
    assert.match(manifest, /Microsoft\.VisualStudio\.Code\.Engine" Value="\^1\.82\.0"/);
    assert.match(manifest, /Path="extension\/images\/icon\.png"/);
    const icon = fs.readFileSync(path.join(unpacked, 'extension', 'images', 'icon.png'));
    assert.equal(icon.subarray(1, 4).toString(), 'PNG');
    assert.equal(icon.readUInt32BE(16), 128, 'icon width');
    assert.equal(icon.readUInt32BE(20), 128, 'icon height');

    const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, 'extension', 'package.json'), 'utf8')) as {
      engines: { vscode: string };
      main: string;
      contributes: {
        commands: { command: string }[];
        debuggers: {
          type: string;
          configurationAttributes: Record<string, { properties: Record<string, unknown> }>;
          configurationSnippets: { body: { request: string } }[];
        }[];
      };
    };
    // engines.vscode is at least what the bundled vscode-languageclient requires
    const lc = JSON.parse(
      fs.readFileSync(path.join(REPO, 'node_modules', 'vscode-languageclient', 'package.json'), 'utf8'),
    ) as { engines: { vscode: string } };
    const min = (range: string) =>
      range
        .replace(/^[\^~>=]+/, '')
        .split('.')
        .map(Number);
    const [a, b] = [min(pkg.engines.vscode), min(lc.engines.vscode)];
    assert.ok(
      a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2]))),
      `engines.vscode ${pkg.engines.vscode} is below vscode-languageclient's ${lc.engines.vscode}`,
    );
    assert.equal(pkg.main, './dist/extension.js');
    const dbg = pkg.contributes.debuggers.find((d) => d.type === 'llmspell');
    assert.ok(dbg, 'contributes the llmspell debugger');
    for (const key of ['program', 'host', 'port', 'pathMappings', 'stopOnEntry', 'token'])
      assert.ok(key in dbg.configurationAttributes.launch.properties, `launch.${key}`);
    for (const key of ['host', 'port', 'pathMappings', 'token'])
      assert.ok(key in dbg.configurationAttributes.attach.properties, `attach.${key}`);
    assert.deepEqual(dbg.configurationSnippets.map((s) => s.body.request).sort(), ['attach', 'launch']);
    assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), [
      'llmspell.connectKernel',
      'llmspell.openRepl',
      'llmspell.runActiveFile',
      'llmspell.startKernel',
      'llmspell.stopKernel',
    ]);
  });

  it('activates: debugger, commands and a language client that starts `llmspell kernel start --lsp`', async () => {
    // VS Code's settings start from the defaults the manifest contributes.
    const manifest = JSON.parse(
      fs.readFileSync(path.join(unpacked, 'extension', 'package.json'), 'utf8'),
    ) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    for (const [key, prop] of Object.entries(manifest.contributes.configuration.properties))
      stand.recorded.settings[key] = prop.default;
    stand.recorded.settings['llmspell.path'] = BIN;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the packaged bundle, loaded as VS Code does
    ext = require(path.join(unpacked, 'extension', 'dist', 'extension.js')) as Extension;
    const { client, started } = ext.activate(ctx);
    assert.ok(stand.recorded.adapterFactories.has('llmspell'));
    assert.ok(stand.recorded.configurationProviders.has('llmspell'));
    for (const id of ['startKernel', 'stopKernel', 'connectKernel', 'openRepl', 'runActiveFile'])
      assert.ok(stand.recorded.commands.has(`llmspell.${id}`), id);
    assert.ok(client, 'a language client was created');
    assert.deepEqual(ext.serverOptions(BIN), { command: BIN, args: ['kernel', 'start', '--lsp'] });
    const opts = client.clientOptions;
    assert.deepEqual(opts.documentSelector, [
      { scheme: 'file', language: 'lua' },
      { scheme: 'untitled', language: 'lua' },
    ]);
    assert.equal(opts.synchronize?.configurationSection, 'llmspell');

    // The real server answers initialize; its features are registered through the stand-in.
    await started;
    assert.deepEqual(stand.recorded.messages, []);
    assert.ok(client.isRunning(), 'the language client is running');
    const caps = client.initializeResult?.capabilities;
    assert.ok(caps?.hoverProvider && caps.completionProvider && caps.codeLensProvider);
    for (const kind of ['hoverProvider', 'completionItemProvider', 'definitionProvider', 'codeLensProvider'])
      assert.equal(stand.recorded.providers.get(kind), 1, `${kind} registered`);

    // The "▶ Run file" code lens runs llmspell.runFile in the server; its output lands in the
    // "LLMSpell Run" channel.
    const script = path.join(tmp, 'lens.lua');
    fs.writeFileSync(script, 'print("from the code lens")\nreturn 6 * 7\n');
    const run = stand.recorded.commands.get('llmspell.runFile');
    assert.ok(run, 'the server command llmspell.runFile is registered by the language client');
    await run(`file://${script}`);
    const out = stand.recorded.channels.get('LLMSpell Run')?.join('\n') ?? '';
    assert.match(out, /from the code lens/);
    assert.match(out, /\[Ran lens\.lua in an embedded runtime\]/);
  });

  it('debug configurations: attach goes to a DAP server (the registry supplies port and token), launch spawns `llmspell dap`', async () => {
    const provider = stand.recorded.configurationProviders.get('llmspell');
    const factory = stand.recorded.adapterFactories.get('llmspell');
    assert.ok(
      provider?.resolveDebugConfigurationWithSubstitutedVariables && provider.resolveDebugConfiguration,
    );
    assert.ok(factory);
    const descriptor = (configuration: vscode.DebugConfiguration) =>
      factory.createDebugAdapterDescriptor(
        {
          id: '1',
          type: 'llmspell',
          name: configuration.name,
          workspaceFolder: undefined,
          configuration,
        } as vscode.DebugSession,
        undefined,
      );

    // the guide's attach configuration, verbatim: a TCP server descriptor
    const attach = {
      type: 'llmspell',
      request: 'attach',
      name: 'Attach to LLMSpell',
      host: 'localhost',
      port: 9556,
      pathMappings: [{ localRoot: '/work', remoteRoot: '/workspace' }],
    };
    const resolved = await provider.resolveDebugConfigurationWithSubstitutedVariables(undefined, attach);
    assert.deepEqual(resolved, attach, 'no kernel registered: the configuration is used as written');
    const server = await descriptor(attach);
    assert.ok(server instanceof stand.DebugAdapterServer);
    assert.equal(server.port, 9556);
    assert.equal(server.host, 'localhost');

    // a running kernel in the registry: attach without host/port uses its DAP port and token
    const entry = {
      id: 'abcdef12-3456-7890-abcd-ef1234567890',
      pid: process.pid,
      ip: '127.0.0.1',
      ports: { shell: 1, iopub: 2, stdin: 3, control: 4, hb: 5, http: 6, dap: 47123 },
      connectionFile: path.join(home, 'kernel.json'),
      started: new Date().toISOString(),
      dapToken: 'sesame',
    };
    fs.writeFileSync(path.join(home, 'kernels', `${entry.id}.json`), JSON.stringify(entry));
    const bare = { type: 'llmspell', request: 'attach', name: 'Attach' };
    const filled = await provider.resolveDebugConfigurationWithSubstitutedVariables(undefined, bare);
    assert.deepEqual(filled, { ...bare, host: '127.0.0.1', port: 47123, token: 'sesame' });
    const given = await provider.resolveDebugConfigurationWithSubstitutedVariables(undefined, {
      ...bare,
      host: 'localhost',
      port: 47123,
      token: 'mine',
    });
    assert.equal(given?.token, 'mine', 'a token in launch.json wins');
    fs.rmSync(path.join(home, 'kernels', `${entry.id}.json`));

    // launch: `llmspell dap` on stdio, which answers a DAP initialize
    const launch = {
      type: 'llmspell',
      request: 'launch',
      name: 'Launch Lua script',
      program: path.join(tmp, 'lens.lua'),
      cwd: tmp,
      stopOnEntry: false,
    };
    assert.deepEqual(await provider.resolveDebugConfiguration(undefined, launch), launch);
    const exe = await descriptor(launch);
    assert.ok(exe instanceof stand.DebugAdapterExecutable);
    assert.equal(exe.command, BIN);
    assert.deepEqual(exe.args, ['dap']);
    assert.equal(exe.options?.cwd, tmp);
    const response = await dapOverStdio(exe.command, exe.args, tmp);
    assert.equal(response.command, 'initialize');
    assert.equal(response.success, true);
    // launch with a port goes through that kernel's DAP server
    const viaKernel = await descriptor({ ...launch, port: 9556 });
    assert.ok(viaKernel instanceof stand.DebugAdapterServer);
    // a launch without a program is refused with a message
    assert.equal(await provider.resolveDebugConfiguration(undefined, { ...launch, program: '' }), undefined);
    assert.match(stand.recorded.messages.pop()?.text ?? '', /set "program"/);
  });

  it('commands: kernel and REPL terminals, stop, and Run File into the output channel', async () => {
    const exec = (id: string) => stand.commands.executeCommand<unknown>(id);
    await exec('llmspell.startKernel');
    await exec('llmspell.openRepl');
    assert.deepEqual(
      stand.recorded.terminals.map((t) => [t.name, t.shellPath, t.shellArgs]),
      [
        ['LLMSpell Kernel', BIN, ['kernel', 'start']],
        ['LLMSpell REPL', BIN, ['repl']],
      ],
    );
    // no kernel registered: connect and stop say so
    await exec('llmspell.connectKernel');
    assert.match(stand.recorded.messages.pop()?.text ?? '', /no kernel is running/);

    const script = path.join(tmp, 'hello.lua');
    fs.writeFileSync(script, 'print("hello from run file")\nerror("boom")\n');
    stand.recorded.activeDocument = {
      languageId: 'lua',
      isUntitled: false,
      isDirty: false,
      uri: { fsPath: script },
    } as vscode.TextDocument;
    const status = await exec('llmspell.runActiveFile');
    assert.equal(status, 1, 'a Lua error gives a non-zero status');
    const out = stand.recorded.channels.get('LLMSpell Run')?.join('\n') ?? '';
    assert.match(out, /hello from run file/);
    assert.match(out, /hello\.lua:2: boom/);
    assert.match(out, /\[hello\.lua exited with status 1\]/);
  });

  it('with a running kernel: attach finds its DAP port, Connect opens its REPL, Stop stops it', async () => {
    const kernel = spawn(BIN, ['kernel', 'start', '--port', '0', '--dap-port', '0'], {
      env: { ...process.env, LLMSPELL_HOME: home },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => kernel.on('exit', (code) => resolve(code)));
    try {
      // readiness: the kernel's registry entry with its DAP port
      const entry = await registryEntry<{ id: string; ports: { dap?: number }; dapToken?: string }>(
        home,
        (e) => !!e.ports.dap,
      );
      assert.ok(entry?.ports.dap, 'the kernel registered its DAP port');
      const provider = stand.recorded.configurationProviders.get('llmspell');
      const factory = stand.recorded.adapterFactories.get('llmspell');
      assert.ok(provider?.resolveDebugConfigurationWithSubstitutedVariables && factory);
      const config = await provider.resolveDebugConfigurationWithSubstitutedVariables(undefined, {
        type: 'llmspell',
        request: 'attach',
        name: 'Attach',
      });
      assert.ok(config);
      assert.equal(config.port, entry.ports.dap);
      const server = await factory.createDebugAdapterDescriptor(
        {
          id: '2',
          type: 'llmspell',
          name: 'Attach',
          workspaceFolder: undefined,
          configuration: config,
        } as vscode.DebugSession,
        undefined,
      );
      assert.ok(server instanceof stand.DebugAdapterServer);
      // the kernel's DAP server accepts the attach with the token the extension read
      assert.equal(config.token, entry.dapToken, 'the token comes from the registry entry');
      const [init, attached] = await dapAttachOverTcp(server.host ?? 'localhost', server.port, config);
      assert.equal(init.success, true);
      assert.equal(attached.success, true, JSON.stringify(attached));

      await stand.commands.executeCommand('llmspell.connectKernel');
      assert.deepEqual(stand.recorded.terminals.at(-1)?.shellArgs, ['repl', '--kernel', entry.id]);
      const stopped = await stand.commands.executeCommand<boolean>('llmspell.stopKernel');
      assert.equal(stopped, true, JSON.stringify(stand.recorded.messages));
      assert.equal(await exited, 0);
      assert.match(stand.recorded.messages.pop()?.text ?? '', /stopped kernel/);
    } finally {
      if (kernel.exitCode === null && kernel.signalCode === null) kernel.kill('SIGKILL');
    }
  });

  it('vscode-languageclient refuses VS Code older than engines.vscode (why engines is ^1.82.0)', async () => {
    stand.setVersion('1.81.1');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the packaged bundle (cached)
      const lsp = require(path.join(unpacked, 'extension', 'dist', 'extension.js')) as Extension;
      const again = { subscriptions: [] as { dispose(): unknown }[] } as unknown as vscode.ExtensionContext;
      stand.recorded.commands.clear();
      stand.recorded.settings['llmspell.lsp.enable'] = true;
      assert.throws(() => lsp.activate(again), /VS Code version/);
      for (const d of again.subscriptions) d.dispose();
    } finally {
      stand.setVersion('1.82.0');
    }
  });
});
