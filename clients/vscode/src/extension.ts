/**
 * LLMSpell for VS Code: the `llmspell` debugger type (attach to a kernel's DAP port over TCP, or
 * spawn `llmspell dap` on stdio for launch) and the LLMSpell language server for Lua files.
 * Built separately from the root project: `npm install && npm run build` in clients/vscode.
 */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function llmspellPath(): string {
  return vscode.workspace.getConfiguration('llmspell').get<string>('path') || 'llmspell';
}

class LlmspellAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(
    session: vscode.DebugSession,
  ): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const c = session.configuration;
    // attach (or launch with an explicit port): the kernel's DAP server; launch: a private adapter on stdio.
    if (c.request === 'attach' || typeof c.port === 'number') {
      return new vscode.DebugAdapterServer(typeof c.port === 'number' ? c.port : 9556, c.host || 'localhost');
    }
    return new vscode.DebugAdapterExecutable(llmspellPath(), ['dap']);
  }
}

class LlmspellConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    // F5 without a launch.json: run the active Lua file.
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor && editor.document.languageId === 'lua') {
        return {
          type: 'llmspell',
          request: 'launch',
          name: 'Launch Lua script',
          program: '${file}',
          stopOnEntry: false,
        };
      }
    }
    if (config.request === 'launch' && !config.program) {
      return vscode.window
        .showInformationMessage('llmspell: set "program" in launch.json')
        .then(() => undefined);
    }
    return config;
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('llmspell', new LlmspellAdapterFactory()),
    vscode.debug.registerDebugConfigurationProvider('llmspell', new LlmspellConfigurationProvider()),
  );
  if (vscode.workspace.getConfiguration('llmspell').get<boolean>('lsp.enable', true)) {
    const serverOptions: ServerOptions = { command: llmspellPath(), args: ['kernel', 'start', '--lsp'] };
    const clientOptions: LanguageClientOptions = { documentSelector: [{ scheme: 'file', language: 'lua' }] };
    client = new LanguageClient('llmspell', 'LLMSpell Language Server', serverOptions, clientOptions);
    void client.start();
  }
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
