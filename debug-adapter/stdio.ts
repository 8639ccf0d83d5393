/** `llmspell dap`: one debug session over stdin/stdout. stdout carries only protocol messages. */
import { LlmspellDebugSession, type DapLog } from './session';
import type { RuntimeHandle } from '../kernel/runtime/types';

export interface StdioOptions {
  attachRuntime?: RuntimeHandle;
  log?: DapLog;
}

export function runStdioAdapter(options: StdioOptions = {}): LlmspellDebugSession {
  const log: DapLog = options.log ?? ((m) => process.stderr.write(`llmspell dap: ${m}\n`));
  const session = new LlmspellDebugSession({ attachRuntime: options.attachRuntime, log });
  process.stdin.on('end', () => {
    void session.shutdownDebuggee().finally(() => process.exit(0));
  });
  session.start(process.stdin, process.stdout);
  return session;
}
