/**
 * The `llmspell` debugger: `attach` connects to a running kernel's DAP server over TCP (host/port
 * from launch.json, else the newest kernel in the registry, else localhost:9556); `launch` spawns
 * `llmspell dap` (one session on stdio) unless it names a port, then it goes through that kernel.
 */
import * as vscode from 'vscode';
import { type KernelEntry, kernelForDap, runningKernels } from './registry';

export const DEFAULT_DAP_PORT = 9556;

export interface DebugEnvironment {
  /** The `llmspell` command (setting `llmspell.path`). */
  command(): string;
  kernels(): KernelEntry[];
}

function isLocalDefault(c: vscode.DebugConfiguration): boolean {
  return c.port === undefined && c.host === undefined;
}

export class LlmspellConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly env: DebugEnvironment) {}

  /** F5 without a launch.json runs the active Lua file; a launch without a program is refused. */
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'lua') {
        void vscode.window.showErrorMessage('llmspell: open a Lua file or add a launch.json configuration');
        return undefined;
      }
      return {
        type: 'llmspell',
        request: 'launch',
        name: 'Launch Lua script',
        program: '${file}',
        stopOnEntry: false,
      };
    }
    if (config.request === 'launch' && !config.program) {
      void vscode.window.showErrorMessage('llmspell: set "program" in the launch configuration');
      return undefined;
    }
    return config;
  }

  /**
   * attach without host/port: the newest running kernel's DAP port. Either request: the kernel's
   * DAP token from the registry when the configuration names none.
   */
  resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    const kernels = this.env.kernels();
    const out: vscode.DebugConfiguration = { ...config };
    if (out.request === 'attach' && isLocalDefault(out)) {
      const newest = kernels.find((k) => k.ports.dap !== undefined);
      out.host = newest?.ip ?? 'localhost';
      out.port = newest?.ports.dap ?? DEFAULT_DAP_PORT;
    }
    if (typeof out.port === 'number' && out.token === undefined) {
      const kernel = kernelForDap(String(out.host ?? 'localhost'), out.port, kernels);
      if (kernel?.dapToken) out.token = kernel.dapToken;
    }
    return out;
  }
}

export class LlmspellAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly env: DebugEnvironment) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const c = session.configuration;
    if (c.request === 'attach' || typeof c.port === 'number') {
      const port = typeof c.port === 'number' ? c.port : DEFAULT_DAP_PORT;
      return new vscode.DebugAdapterServer(port, typeof c.host === 'string' ? c.host : 'localhost');
    }
    const cwd = typeof c.cwd === 'string' && c.cwd !== '' ? c.cwd : undefined;
    return new vscode.DebugAdapterExecutable(this.env.command(), ['dap'], cwd ? { cwd } : {});
  }
}

export function registerDebugger(context: vscode.ExtensionContext, env: DebugEnvironment): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('llmspell', new LlmspellAdapterFactory(env)),
    vscode.debug.registerDebugConfigurationProvider('llmspell', new LlmspellConfigurationProvider(env)),
  );
}

export const defaultDebugEnvironment = (command: () => string): DebugEnvironment => ({
  command,
  kernels: () => runningKernels(),
});
