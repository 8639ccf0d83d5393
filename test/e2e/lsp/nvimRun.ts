/**
 * Headless neovim against the language server: a workspace in a temporary folder (a `.git` marks
 * its root, `llmspell` on PATH as the guide's cmd), one of the Lua drivers in this folder run with
 * `luafile`, and the JSON it writes to LSP_OUT. Used by every LSP test that goes through neovim.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BIN, REPO } from './client';

const NVIM = spawnSync('sh', ['-c', 'command -v nvim']).stdout.toString().trim();

export interface NvimRun {
  /** the driver: a file name in test/e2e/lsp */
  driver: string;
  /** the workspace's files (relative path -> text) */
  files: Record<string, string>;
  /** the file neovim opens (LSP_FILE) */
  open: string;
  /** more environment for the driver (absolute paths of files written beside the workspace) */
  env?: (dir: string) => Record<string, string>;
  /** a safety net, not a measurement */
  timeoutMs?: number;
}

/** Runs the driver and returns what it wrote; fails with neovim's stderr when it wrote nothing. */
export async function runNvim<T>(run: NvimRun): Promise<T> {
  assert.ok(NVIM, 'neovim (Debian package `neovim`) is required for this test');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-nvim-'));
  try {
    const binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    fs.symlinkSync(BIN, path.join(binDir, 'llmspell'));
    fs.mkdirSync(path.join(dir, '.git'));
    for (const [name, text] of Object.entries(run.files)) fs.writeFileSync(path.join(dir, name), text);
    const out = path.join(dir, 'out.json');
    const script = path.join(REPO, 'test', 'e2e', 'lsp', run.driver);
    const child = spawn(NVIM, ['--headless', '--clean', '-c', `luafile ${script}`], {
      env: {
        ...process.env,
        PATH: `${binDir}:${process.env.PATH}`,
        LSP_FILE: path.join(dir, run.open),
        LSP_OUT: out,
        ...run.env?.(dir),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, run.timeoutMs ?? 90000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
    assert.ok(fs.existsSync(out), `nvim wrote no results (exit ${code}): ${stderr}`);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as T;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A request of test/e2e/lsp/nvimSteps.lua at a 0-based position of the opened file. */
export interface Step {
  method: string;
  line: number;
  character: number;
  newName?: string;
  apply?: boolean;
  /** ask again (bounded) until a returned location's file name is this (background indexing) */
  untilFile?: string;
}
export interface StepResult {
  result: unknown;
  lines?: string[];
}

/** Runs `steps` against `files[open]` through nvimSteps.lua; the raw result of each step. */
export async function nvimSteps(
  files: Record<string, string>,
  open: string,
  steps: Step[],
): Promise<StepResult[]> {
  const r = await runNvim<{ error?: string; client: boolean; steps: StepResult[] }>({
    driver: 'nvimSteps.lua',
    files: { ...files, 'steps.json': JSON.stringify(steps) },
    open,
    env: (dir) => ({ LSP_STEPS: path.join(dir, 'steps.json') }),
  });
  assert.equal(r.error, undefined);
  assert.ok(r.client);
  return r.steps;
}
