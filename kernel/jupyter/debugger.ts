/**
 * The kernel's debuggers: the DAP TCP server on --dap-port (clients `attach` to the kernel's
 * runtime, so breakpoints hit in cells run from Jupyter or the REPL) and JupyterLab's visual
 * debugger (debug_request on control, debug_event on iopub). Cells then run under the path
 * JupyterLab computes (tmpFilePrefix + murmur2(code, seed) + '.lua').
 */
import { startDapServer, type DapServer } from '../../debug-adapter/server';
import { JupyterDebugHandler, type DebugRequestContent } from '../../debug-adapter/jupyter-debug';
import type { RuntimeHandle } from '../runtime/types';
import type { CellPathScheme } from './cell-path';
import type { MessageHandler, RequestContext } from './handlers/context';
import type { KernelLogger } from './log';

export interface KernelDebuggerOptions {
  runtime: RuntimeHandle;
  ip: string;
  /** null/undefined: no DAP server. */
  dapPort: number | null | undefined;
  /** When the port was not asked for explicitly (the 9556 default), a busy port only logs a warning. */
  dapPortIsDefault: boolean;
  logger: KernelLogger;
  registerHandler: (channel: 'shell' | 'control', msgType: string, handler: MessageHandler) => void;
  chunkSource: (path: string) => string | undefined;
  /** The cells run so far (path and `In [n]` name), for the debugger's `modules` request. */
  cells?: () => Array<{ path: string; name: string }>;
  /** The secret DAP clients must present (debug-adapter/auth.ts). */
  dapToken: string;
}

export interface KernelDebugger {
  /** The bound DAP port, when the server runs. */
  readonly dapPort: number | undefined;
  /** The cell naming scheme JupyterLab's debugger expects. */
  readonly cellScheme: CellPathScheme;
  clients(): number;
  close(): Promise<void>;
}

export class DapPortInUseError extends Error {}

export async function startKernelDebugger(opts: KernelDebuggerOptions): Promise<KernelDebugger> {
  const log = (m: string): void => opts.logger.debug({ dap: m }, 'dap');
  let lastRequest: RequestContext | undefined;
  const jdebug = new JupyterDebugHandler({
    runtime: opts.runtime,
    log,
    emitEvent: (content) => lastRequest?.publish('debug_event', content),
    modules: opts.cells,
  });
  opts.registerHandler('control', 'debug_request', async (ctx) => {
    lastRequest = ctx;
    const reply = await jdebug.handle(ctx.msg.content as unknown as DebugRequestContent);
    ctx.reply('debug_reply', reply);
  });

  let server: DapServer | undefined;
  if (opts.dapPort !== null && opts.dapPort !== undefined) {
    try {
      server = await startDapServer({
        port: opts.dapPort,
        host: opts.ip,
        attachRuntime: opts.runtime,
        readSource: opts.chunkSource,
        log,
        authToken: opts.dapToken,
      });
      opts.logger.info({ port: server.port }, 'debug adapter listening');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!opts.dapPortIsDefault || !/in use/.test(message)) {
        throw new DapPortInUseError(message, { cause: err });
      }
      opts.logger.warn(
        { port: opts.dapPort },
        `${message}; the kernel runs without a debug adapter (pass --dap-port 0 for a free port)`,
      );
    }
  }
  return {
    dapPort: server?.port,
    cellScheme: jdebug.scheme,
    clients: () => server?.clients() ?? 0,
    close: async () => {
      await server?.close();
    },
  };
}
