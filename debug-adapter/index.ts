/** Public surface of the debug adapter (what the kernel and the CLI import). */
export { startDapServer, type DapServer, type DapServerOptions } from './server';
export { runStdioAdapter } from './stdio';
export { LlmspellDebugSession, type SessionOptions, type DapLog } from './session';
export { capabilities } from './capabilities';
export {
  JupyterDebugHandler,
  jupyterCellScheme,
  DEFAULT_HASH_SEED,
  type DebugRequestContent,
  type DebugReplyContent,
  type JupyterDebugOptions,
} from './jupyter-debug';
export { murmur2 } from '../kernel/shared/murmur2';
