import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The Jupyter kernelspec (`kernel.json`) and where `install-kernelspec` writes it. */

export interface KernelspecOptions {
  /** Install for the current user (the default). */
  user?: boolean;
  /** Install under PREFIX/share/jupyter/kernels (e.g. a virtualenv or a test JUPYTER_PATH). */
  prefix?: string;
  /** Kernel name (directory name); default "llmspell". */
  name?: string;
  /** Advertise the Jupyter debugger (metadata.debugger). */
  debugger?: boolean;
  /** Command that runs llmspell; default: this node binary and this package's bin/llmspell. */
  command?: string[];
}

export interface Kernelspec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'message' | 'signal';
  metadata: { debugger: boolean };
}

/** Absolute command for bin/llmspell: node is named explicitly so Jupyter's PATH does not matter. */
export function llmspellCommand(): string[] {
  const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'llmspell');
  return [process.execPath, bin];
}

export function kernelspecJson(opts: KernelspecOptions = {}): Kernelspec {
  return {
    argv: [
      ...(opts.command ?? llmspellCommand()),
      'kernel',
      'start',
      '--connection-file',
      '{connection_file}',
    ],
    display_name: 'LLMSpell',
    language: 'lua',
    interrupt_mode: 'message',
    metadata: { debugger: opts.debugger ?? true },
  };
}

/** The user's Jupyter data dir (JUPYTER_DATA_DIR, then the platform default). */
export function userJupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'jupyter');
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

export function kernelspecDir(opts: KernelspecOptions = {}): string {
  const name = opts.name ?? 'llmspell';
  if (opts.prefix) return path.join(path.resolve(opts.prefix), 'share', 'jupyter', 'kernels', name);
  return path.join(userJupyterDataDir(), 'kernels', name);
}

/** Write kernel.json (and nothing else); returns the kernelspec directory. */
export async function installKernelspec(opts: KernelspecOptions = {}): Promise<string> {
  const dir = kernelspecDir(opts);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'kernel.json'), JSON.stringify(kernelspecJson(opts), null, 2) + '\n');
  return dir;
}
