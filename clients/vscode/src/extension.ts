/**
 * LLMSpell for VS Code: the `llmspell` debugger (attach to a kernel's DAP port, or launch through
 * `llmspell dap`), the language client for Lua files, kernel/REPL commands and "Run file" output.
 * Bundled with esbuild (`npm run bundle`); `npm run package` builds the .vsix.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { defaultDebugEnvironment, registerDebugger } from './debug';
import { createLanguageClient } from './lsp';
import { runningKernels } from './registry';
import { RunOutput } from './run';

export { clientOptions, serverOptions } from './lsp';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

export function llmspellCommand(): string {
  return vscode.workspace.getConfiguration('llmspell').get<string>('path') || 'llmspell';
}

export interface Activated {
  client: LanguageClient | undefined;
  /** Settles when the language server has answered `initialize` (or failed to start). */
  started: Promise<void>;
}

export function activate(context: vscode.ExtensionContext): Activated {
  const runChannel = vscode.window.createOutputChannel('LLMSpell Run');
  context.subscriptions.push(runChannel);
  const run = new RunOutput(runChannel);
  registerDebugger(context, defaultDebugEnvironment(llmspellCommand));
  registerCommands(context, { command: llmspellCommand, kernels: () => runningKernels(), run });
  if (vscode.workspace.getConfiguration('llmspell').get<boolean>('lsp.enable', true)) {
    client = createLanguageClient(llmspellCommand(), run);
    starting = client.start().catch((err: Error) => {
      void vscode.window.showErrorMessage(`llmspell: the language server did not start: ${err.message}`);
    });
  }
  return { client, started: starting ?? Promise.resolve() };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  await starting;
  if (c?.isRunning()) await c.stop();
}
