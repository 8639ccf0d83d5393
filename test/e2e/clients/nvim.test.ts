/**
 * neovim clients, headless, on both generations this machine can install from Debian:
 * neovim 0.7 (Debian stable's `neovim`, with nvim-lspconfig v0.1.x and nvim-dap 0.6 APIs) and
 * neovim 0.12 (Debian unstable's `neovim`, unpacked by test/setup-nvim.js; vim.lsp.config /
 * vim.lsp.enable). nvim-lspconfig and nvim-dap are neither Debian nor npm packages, so the driver
 * registers stand-ins with their APIs (test/e2e/clients/nvim/standins). The README's snippets
 * are read from README.md (the blocks marked `<!-- tested: NAME -->`) and run as written.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { BIN, REPO } from '../jupyter/helpers';

const KERNEL_TOKEN = 'sesame';
const DRIVER = path.join(REPO, 'test', 'e2e', 'clients', 'nvim', 'driver.lua');
const NEW_NVIM = spawnSync(process.execPath, [path.join(REPO, 'test', 'setup-nvim.js'), '--print'], {
  encoding: 'utf8',
});

interface Generation {
  name: string;
  bin: string;
  version: RegExp;
  /** the README snippet for plain configuration on this generation */
  readme: string;
  standins: string[];
  /** neovim 0.10+ sets omnifunc (and K) itself when a server attaches */
  nvimSetsOmnifunc: boolean;
}

const GENERATIONS: Generation[] = [
  {
    name: "neovim 0.7 (Debian stable's neovim; nvim-lspconfig v0.1 API)",
    bin: 'nvim',
    version: /^0\.7$/,
    readme: 'nvim-0.7',
    standins: ['lspconfig'],
    nvimSetsOmnifunc: false,
  },
  {
    name: "neovim 0.12 (Debian unstable's neovim; vim.lsp.config)",
    bin: NEW_NVIM.stdout.trim(),
    version: /^0\.(1[1-9]|[2-9]\d)$/,
    readme: 'nvim-0.11',
    standins: [],
    nvimSetsOmnifunc: true,
  },
];

/** The Lua block after `<!-- tested: NAME -->` in README.md, with the repository path filled in. */
function readmeSnippet(name: string): string {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- tested: ${name} -->\\n\`\`\`lua\\n([\\s\\S]*?)\`\`\`\\n`).exec(readme);
  assert.ok(m, `README.md has a block marked <!-- tested: ${name} -->`);
  return m[1].replace(/\/path\/to\/llmspell/g, REPO);
}

interface Results {
  version: string;
  error?: string;
  attached?: boolean;
  clientNames?: string[];
  diagnostics?: boolean;
  omnifunc?: string;
  keymapK?: boolean;
  keymapGd?: boolean;
  hover?: string;
  lenses?: boolean;
  runBuffer?: boolean;
  runLines?: string[];
  runBufferShown?: boolean;
  stayedInSource?: boolean;
  quickfix?: boolean;
  qf?: { file: string; lnum: number; text: string }[];
  configurations?: { name: string; request: string }[];
  done?: boolean;
  adapter?: { type: string; command?: string; args?: string[]; port?: number };
  token?: string;
  program?: string;
  responses?: Record<string, { success: boolean; message?: string }>;
  output?: string;
  terminal?: boolean;
  prompt?: boolean;
  result?: boolean;
  exited?: boolean;
  screen?: string;
}

describe('neovim clients (headless)', { timeout: 600000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-nvim-clients-'));
    const binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    fs.symlinkSync(BIN, path.join(binDir, 'llmspell'));
    const project = path.join(dir, 'project');
    fs.mkdirSync(path.join(project, '.git'), { recursive: true });
    fs.writeFileSync(
      path.join(project, 'script.lua'),
      'local message = "hi"\nprint(message .. " from the code lens")\nprint(notDefinedAnywhere)\n',
    );
    fs.writeFileSync(path.join(project, 'bad.lua'), 'print("before")\nerror("boom")\n');
    fs.writeFileSync(path.join(project, 'prog.lua'), 'local n = 6 * 7\nprint("hello from nvim-dap " .. n)\n');
    fs.mkdirSync(path.join(dir, 'home'));
    env = {
      ...process.env,
      PATH: `${binDir}:${process.env.PATH}`,
      LLMSPELL_HOME: path.join(dir, 'home'),
      XDG_STATE_HOME: path.join(dir, 'state'),
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
    };
  });

  // one kernel for the "kernel running" cases, in its own LLMSPELL_HOME
  let kernel: ChildProcess | undefined;
  let kernelHome = '';
  let kernelDap = 0;
  let kernelToken = '';
  before(async () => {
    kernelHome = path.join(dir, 'kernel-home');
    fs.mkdirSync(kernelHome);
    const k = spawn(BIN, ['kernel', 'start', '--port', '0', '--dap-port', '0'], {
      env: { ...env, LLMSPELL_HOME: kernelHome },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    kernel = k;
    let log = '';
    const kernels = path.join(kernelHome, 'kernels');
    // readiness: the "ready" line, then the registry entry with the DAP port
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        log += d.toString();
        if (/ready/.test(log)) resolve();
      };
      k.stdout?.on('data', onData);
      k.stderr?.on('data', onData);
      k.on('exit', (code) => reject(new Error(`kernel exited (${code}):\n${log}`)));
    });
    const [entryFile] = fs.readdirSync(kernels).filter((f) => f.endsWith('.json'));
    const entry = JSON.parse(fs.readFileSync(path.join(kernels, entryFile), 'utf8')) as {
      ports: { dap: number };
      dapToken?: string;
    };
    kernelDap = entry.ports.dap;
    assert.ok(kernelDap > 0, 'the kernel registered its DAP port');
    // the token the DAP server expects (written by the kernel once it asks for one)
    if (!entry.dapToken) {
      entry.dapToken = KERNEL_TOKEN;
      fs.writeFileSync(path.join(kernels, entryFile), JSON.stringify(entry));
    }
    kernelToken = entry.dapToken;
  });

  after(async () => {
    if (kernel && kernel.exitCode === null && kernel.signalCode === null) {
      const k = kernel;
      const exited = new Promise((r) => k.once('exit', r));
      k.kill('SIGTERM');
      const t = setTimeout(() => k.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string) => path.join(dir, 'project', name);

  async function drive(
    gen: Generation,
    scenario: string,
    snippet: string,
    opts: { standins?: string[]; files: string[]; extra?: NodeJS.ProcessEnv },
  ): Promise<Results> {
    const snippetFile = path.join(dir, `snippet-${++n}.lua`);
    fs.writeFileSync(snippetFile, snippet);
    const out = path.join(dir, `out-${n}.json`);
    const child = spawn(gen.bin, ['--headless', '--clean', '-c', `luafile ${DRIVER}`], {
      cwd: path.join(dir, 'project'),
      env: {
        ...env,
        NVIM_SCENARIO: scenario,
        NVIM_OUT: out,
        NVIM_SNIPPET: snippetFile,
        NVIM_STANDINS: (opts.standins ?? []).join(','),
        NVIM_FILES: opts.files.join(','),
        ...opts.extra,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 120000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    assert.ok(fs.existsSync(out), `nvim wrote no results (exit ${code}): ${stderr}`);
    const r = JSON.parse(fs.readFileSync(out, 'utf8')) as Results;
    assert.match(r.version, gen.version, `${gen.bin} is ${r.version}`);
    assert.equal(r.error, undefined, `driver error: ${r.error}\n${stderr}`);
    return r;
  }

  for (const gen of GENERATIONS) {
    describe(gen.name, () => {
      before(() => {
        assert.ok(
          gen.bin && spawnSync(gen.bin, ['--version']).status === 0,
          `${gen.name} is not installed (${NEW_NVIM.stderr.trim()}); test/setup.js installs it`,
        );
      });

      it(`the README snippet for ${gen.readme}: attach, omnifunc and keymaps from on_attach, hover`, async () => {
        const r = await drive(gen, 'lsp', readmeSnippet(gen.readme), {
          standins: gen.standins,
          files: [file('script.lua')],
        });
        assert.equal(r.attached, true);
        assert.deepEqual(r.clientNames, ['llmspell']);
        assert.equal(r.diagnostics, true);
        assert.equal(r.omnifunc, 'v:lua.vim.lsp.omnifunc');
        assert.equal(r.keymapK, true);
        assert.equal(r.keymapGd, true);
        assert.match(String(r.hover), /local message: string/);
      });

      it('the bundled module: keymaps and omnifunc when asked, "Run file" code lens output in a scratch buffer, errors in quickfix', async () => {
        const r = await drive(gen, 'lsp', readmeSnippet('nvim-module'), {
          standins: gen.standins,
          files: [file('script.lua'), file('bad.lua')],
          extra: { NVIM_CODELENS: '1' },
        });
        assert.equal(r.attached, true);
        assert.deepEqual(r.clientNames, ['llmspell']);
        assert.equal(r.omnifunc, 'v:lua.vim.lsp.omnifunc');
        assert.equal(r.keymapK, true);
        assert.equal(r.lenses, true);
        assert.equal(r.runBuffer, true, JSON.stringify(r.runLines));
        assert.ok(r.runLines?.includes('hi from the code lens'), JSON.stringify(r.runLines));
        assert.equal(r.runBufferShown, true);
        assert.equal(r.stayedInSource, true, 'the cursor stays in the source window');
        assert.equal(r.quickfix, true);
        assert.ok(
          r.qf?.some((q) => q.file === 'bad.lua' && q.lnum === 2 && /boom/.test(q.text)),
          JSON.stringify(r.qf),
        );
      });

      it('the module with defaults sets no keymaps and no omnifunc (only when asked)', async () => {
        const r = await drive(
          gen,
          'defaults',
          `vim.opt.runtimepath:append('${path.join(REPO, 'clients', 'nvim')}')\nrequire('llmspell').setup()\n`,
          { files: [file('script.lua')] },
        );
        assert.equal(r.attached, true, 'attaches without nvim-lspconfig too');
        if (!gen.nvimSetsOmnifunc) assert.notEqual(r.omnifunc, 'v:lua.vim.lsp.omnifunc');
        assert.equal(r.keymapGd, false, 'no gd mapping');
      });

      it("run_output = 'quickfix': :LLMSpellRun puts the output and the error's file:line in the quickfix list", async () => {
        const r = await drive(
          gen,
          'quickfix',
          `vim.opt.runtimepath:append('${path.join(REPO, 'clients', 'nvim')}')\n` +
            `require('llmspell').setup({ run_output = 'quickfix' })\n`,
          { files: [file('bad.lua')] },
        );
        assert.equal(r.quickfix, true);
        assert.ok(
          r.qf?.some((q) => q.text === 'before'),
          JSON.stringify(r.qf),
        );
        assert.ok(
          r.qf?.some((q) => q.file === 'bad.lua' && q.lnum === 2 && q.text === 'boom'),
          JSON.stringify(r.qf),
        );
        assert.equal(r.runBuffer, false, 'no scratch buffer');
      });

      it(':LLMSpellREPL opens the REPL in a terminal; a cell runs and exit leaves', async () => {
        const r = await drive(
          gen,
          'repl',
          `vim.opt.runtimepath:append('${path.join(REPO, 'clients', 'nvim')}')\n` +
            `require('llmspell').setup({ lsp = false, dap = false })\n`,
          { files: [] },
        );
        assert.equal(r.terminal, true);
        assert.equal(r.prompt, true, r.screen);
        assert.equal(r.result, true, r.screen);
        assert.equal(r.exited, true, r.screen);
      });

      it('nvim-dap with no kernel running: the `llmspell dap` stdio adapter runs the program', async () => {
        const r = await drive(gen, 'dap', readmeSnippet('nvim-dap'), {
          standins: ['dap'],
          files: [file('prog.lua')],
        });
        assert.deepEqual(
          r.configurations?.map((c) => c.request),
          ['launch', 'launch', 'attach'],
        );
        assert.equal(r.done, true, JSON.stringify(r));
        assert.deepEqual(r.adapter, { type: 'executable', command: 'llmspell', args: ['dap'] });
        assert.equal(r.program, file('prog.lua'));
        assert.equal(r.responses?.launch?.success, true);
        assert.match(String(r.output), /hello from nvim-dap 42/);
      });

      it('the plain nvim-dap snippet: the stdio adapter runs ${file}', async () => {
        const r = await drive(gen, 'dap', readmeSnippet('nvim-dap-plain'), {
          standins: ['dap'],
          files: [file('prog.lua')],
        });
        assert.equal(r.done, true, JSON.stringify(r));
        assert.deepEqual(r.adapter, { type: 'executable', command: 'llmspell', args: ['dap'] });
        assert.equal(r.program, file('prog.lua'));
        assert.match(String(r.output), /hello from nvim-dap 42/);
      });

      it('nvim-dap with a kernel running: attach and launch go to its DAP port, with its token', async () => {
        assert.ok(kernelHome, 'the kernel started');
        for (const request of ['attach', 'launch']) {
          const r = await drive(gen, 'dap', readmeSnippet('nvim-dap'), {
            standins: ['dap'],
            files: [file('prog.lua')],
            extra: { LLMSPELL_HOME: kernelHome, NVIM_DAP_REQUEST: request },
          });
          assert.equal(r.done, true, JSON.stringify(r));
          assert.deepEqual(r.adapter, { type: 'server', port: kernelDap }, request);
          assert.equal(r.token, kernelToken, `${request}: the registry's token is added`);
          assert.equal(r.responses?.[request]?.success, true, JSON.stringify(r.responses));
          if (request === 'launch') assert.match(String(r.output), /hello from nvim-dap 42/);
        }
      });
    });
  }
});
