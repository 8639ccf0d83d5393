import type { RuntimeHandle } from '../../runtime/types';
import type { CommManager } from '../comms';
import type { ConnectionInfo } from '../connection';
import type { HistoryStore } from '../history';
import type { KernelLogger } from '../log';
import type { JsonObject, JupyterMessage } from '../wire';

/** What a message handler may use. Implemented by the kernel core (kernel.ts). */
export interface KernelServices {
  readonly runtime: RuntimeHandle;
  readonly history: HistoryStore;
  readonly comms: CommManager;
  readonly logger: KernelLogger;
  /** The bound ports and key (connect_request). */
  readonly connection: ConnectionInfo;
  /** Current execution counter (execute_reply, execute_input, execute_result). */
  executionCount: number;
  /** kernel_info_reply content. */
  kernelInfo(): JsonObject;
  /** Chunk name (stable cell path) for a cell's code; records source and label for tracebacks. */
  cellChunkName(code: string, executionCount: number): string;
  /** `In [n]` for a cell's chunk name, undefined for other chunks. */
  chunkLabel(chunkName: string): string | undefined;
  /** Source text of a chunk (cell or file) for traceback source lines. */
  chunkSource(chunkName: string): string | undefined;
  /** Begin routing runtime output/input events to this request. */
  beginExecution(req: JupyterMessage, opts: { silent: boolean; allowStdin: boolean }): void;
  endExecution(): void;
  /** Display ids created by the current or last execution (not shown as the cell's value). */
  readonly displayIds: ReadonlySet<string>;
  /** True when the last execution asked for input although the request had allow_stdin false. */
  readonly lastInputDenied: boolean;
  /**
   * Answer queued execute_requests with status "aborted" (stop_on_error); `errorAt` (ms since the
   * epoch, taken before the error reply went out) starts the window for requests still on their way.
   */
  abortQueuedExecutes(errorAt?: number): void;
  /** Interrupt running code (and a pending input request). */
  interrupt(): void;
  /**
   * How many interrupts arrived so far: an execution started after one arrived that followed its
   * request (the client interrupted as soon as it saw execute_input) is interrupted at its start.
   */
  readonly interrupts: number;
  /** Stop the kernel after the current reply went out. */
  requestShutdown(restart: boolean): void;
  /** Report a finished execution (stats, events). */
  recordExecution(ok: boolean, durationMs: number): void;
}

export interface RequestContext {
  readonly msg: JupyterMessage;
  readonly channel: 'shell' | 'control';
  readonly kernel: KernelServices;
  /** Send the reply (`*_reply`) to the requesting client on the request's channel. */
  reply(msgType: string, content: object, metadata?: JsonObject): void;
  /** Publish on iopub with this request as parent. */
  publish(msgType: string, content: object, metadata?: JsonObject): void;
  /** True once reply() was called. */
  readonly replied: boolean;
}

export type MessageHandler = (ctx: RequestContext) => Promise<void> | void;

/** Read a typed field from request content with a default. */
export function field<T>(content: JsonObject, name: string, check: (v: unknown) => v is T, dflt: T): T {
  const v = content[name];
  return check(v) ? v : dflt;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isObject = (v: unknown): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
