/**
 * Programmatic entry of the llmspell package (`require('llmspell')`): embed the Lua runtime or a
 * whole kernel in a Node service without the CLI (the guide's "Programmatic Deployment").
 *
 *   const rt = await ScriptRuntime.create();
 *   const r = await rt.execute('return 1 + 1');   // { ok: true, values: ['2'], output: '' }
 *
 *   const k = await startEmbeddedKernel();        // Jupyter sockets + the same runtime
 *   await k.execute('x = 41'); (await k.execute('return x + 1')).values  // ['42']
 */
import { createRuntime } from './hostapi/factory';
import { startKernel, type KernelHandle, type KernelOptions } from './jupyter/kernel';
import { silentLogger } from './jupyter/log';
import type { LuaErrorInfo, RuntimeHandle } from './runtime/types';

export {
  ConfigError,
  formatConfig,
  loadServiceConfig,
  type LoadedConfig,
  type LoadOptions,
} from './config/config';
export { PROFILES, findProfile, type Profile } from './config/profiles';
export type { ServiceConfig, PartialServiceConfig } from './config/schema';
export type { KernelHandle, KernelOptions, KernelStats } from './jupyter/kernel';
export type { LuaErrorInfo } from './runtime/types';

/** The result of ScriptRuntime.execute(): values and printed output, or the Lua error. */
export type ScriptResult =
  | { ok: true; values: string[]; output: string; exitCode?: number }
  | { ok: false; error: LuaErrorInfo; output: string };

export interface ScriptRuntimeOptions {
  /** Name of the worker thread (diagnostics). */
  name?: string;
  /** Environment visible to os.getenv. */
  env?: Record<string, string | undefined>;
}

let chunkCounter = 0;

/**
 * One Lua 5.4 VM (wasmoon in a worker thread). Executions run one at a time, in call order;
 * globals persist between them. print/io.write output is collected per execution.
 */
export class ScriptRuntime {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly handle: RuntimeHandle) {}

  static async create(options: ScriptRuntimeOptions = {}): Promise<ScriptRuntime> {
    return new ScriptRuntime(await createRuntime({ globals: {} }, { name: options.name, env: options.env }));
  }

  /** Wrap an existing runtime (for example a kernel's). */
  static wrap(handle: RuntimeHandle): ScriptRuntime {
    return new ScriptRuntime(handle);
  }

  /** Run code; `1 + 1` style expressions return their value, as in a REPL. */
  execute(code: string, opts: { chunkName?: string; mode?: 'cell' | 'file' } = {}): Promise<ScriptResult> {
    const run = async (): Promise<ScriptResult> => {
      let output = '';
      const unsubscribe = this.handle.onEvent((e) => {
        if (e.type === 'output') output += e.text;
      });
      try {
        const r = await this.handle.execute(code, {
          chunkName: opts.chunkName ?? `embedded-${++chunkCounter}`,
          mode: opts.mode ?? 'cell',
        });
        return r.ok
          ? { ok: true, values: r.values, output, exitCode: r.exitCode }
          : { ok: false, error: r.error, output };
      } finally {
        unsubscribe();
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Interrupt the running execution (it fails with an "interrupted" error). */
  interrupt(): void {
    this.handle.interrupt();
  }

  dispose(): Promise<void> {
    return this.handle.dispose();
  }
}

export interface EmbeddedKernel {
  readonly kernel: KernelHandle;
  readonly runtime: ScriptRuntime;
  readonly connectionFile: string;
  execute(code: string): Promise<ScriptResult>;
  stop(): Promise<void>;
}

/**
 * Start a Jupyter kernel inside this process (sockets on 127.0.0.1, connection file written) and
 * return a handle that also executes code directly on the kernel's runtime. Not registered in
 * ~/.llmspell unless `register: true`; logs are discarded unless a logger is given.
 */
export async function startEmbeddedKernel(
  options: Omit<KernelOptions, 'runtime'> = {},
): Promise<EmbeddedKernel> {
  const runtime = await ScriptRuntime.create({ name: 'embedded' });
  let kernel: KernelHandle;
  try {
    kernel = await startKernel({
      register: false,
      dapPort: null,
      logger: silentLogger(),
      ...options,
      runtime: runtime.handle,
    });
  } catch (err) {
    await runtime.dispose();
    throw err;
  }
  return {
    kernel,
    runtime,
    connectionFile: kernel.connectionFile,
    execute: (code) => runtime.execute(code),
    async stop() {
      await kernel.stop('stop');
      await runtime.dispose();
    },
  };
}
