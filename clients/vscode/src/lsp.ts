/** The LLMSpell language client for Lua files: `llmspell kernel start --lsp` on stdio. */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { type RunOutput, SERVER_RUN_COMMANDS } from './run';

export function serverOptions(command: string): ServerOptions {
  // No `transport` on purpose: with TransportKind.stdio the client would append `--stdio`.
  return { command, args: ['kernel', 'start', '--lsp'] };
}

export function clientOptions(run: RunOutput, output?: vscode.OutputChannel): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: 'file', language: 'lua' },
      { scheme: 'untitled', language: 'lua' },
    ],
    synchronize: { configurationSection: 'llmspell' },
    outputChannel: output,
    middleware: {
      executeCommand: async (command, args, next) => {
        const result: unknown = await next(command, args);
        if (SERVER_RUN_COMMANDS.has(command)) run.serverResult(command, result);
        return result;
      },
    },
  };
}

export function createLanguageClient(
  command: string,
  run: RunOutput,
  output?: vscode.OutputChannel,
): LanguageClient {
  return new LanguageClient(
    'llmspell',
    'LLMSpell Language Server',
    serverOptions(command),
    clientOptions(run, output),
  );
}
