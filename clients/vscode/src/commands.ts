/**
 * Commands: start a kernel (in a terminal), stop one, connect the REPL to one, open the REPL,
 * run the active Lua file into the `LLMSpell Run` output channel.
 */
import { execFile } from 'child_process';
import * as vscode from 'vscode';
import type { KernelEntry } from './registry';
import type { RunOutput } from './run';

export interface CommandEnvironment {
  command(): string;
  kernels(): KernelEntry[];
  run: RunOutput;
}

export const COMMANDS = {
  startKernel: 'llmspell.startKernel',
  stopKernel: 'llmspell.stopKernel',
  connectKernel: 'llmspell.connectKernel',
  openRepl: 'llmspell.openRepl',
  runActiveFile: 'llmspell.runActiveFile',
} as const;

function describe(k: KernelEntry): string {
  const dap = k.ports.dap !== undefined ? `, DAP ${k.ip}:${k.ports.dap}` : '';
  return `pid ${k.pid}${dap}, started ${k.started}`;
}

/** The kernel to act on: the only one, or the user's pick; undefined (with a message) when none. */
async function pickKernel(env: CommandEnvironment, purpose: string): Promise<KernelEntry | undefined> {
  const kernels = env.kernels();
  if (kernels.length === 0) {
    void vscode.window.showWarningMessage(
      'llmspell: no kernel is running (start one with "LLMSpell: Start Kernel")',
    );
    return undefined;
  }
  if (kernels.length === 1) return kernels[0];
  const items = kernels.map((k) => ({ label: k.id.slice(0, 8), description: describe(k), kernel: k }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Kernel to ${purpose}` });
  return picked?.kernel;
}

function terminal(env: CommandEnvironment, name: string, args: string[]): vscode.Terminal {
  const t = vscode.window.createTerminal({ name, shellPath: env.command(), shellArgs: args });
  t.show();
  return t;
}

export function registerCommands(context: vscode.ExtensionContext, env: CommandEnvironment): void {
  const reg = (id: string, fn: () => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg(COMMANDS.startKernel, () => terminal(env, 'LLMSpell Kernel', ['kernel', 'start']));
  reg(COMMANDS.openRepl, () => terminal(env, 'LLMSpell REPL', ['repl']));
  reg(COMMANDS.connectKernel, async () => {
    const k = await pickKernel(env, 'connect to');
    return k ? terminal(env, `LLMSpell REPL ${k.id.slice(0, 8)}`, ['repl', '--kernel', k.id]) : undefined;
  });
  reg(COMMANDS.stopKernel, async () => {
    const k = await pickKernel(env, 'stop');
    if (!k) return undefined;
    return new Promise<boolean>((resolve) => {
      execFile(env.command(), ['kernel', 'stop', k.id], (err, _stdout, stderr) => {
        if (err) void vscode.window.showErrorMessage(`llmspell: stopping ${k.id}: ${stderr || err.message}`);
        else void vscode.window.showInformationMessage(`llmspell: stopped kernel ${k.id.slice(0, 8)}`);
        resolve(!err);
      });
    });
  });
  reg(COMMANDS.runActiveFile, async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'lua' || doc.isUntitled) {
      void vscode.window.showErrorMessage('llmspell: open a saved Lua file to run it');
      return undefined;
    }
    if (doc.isDirty) await doc.save();
    return env.run.runFile(env.command(), doc.uri.fsPath);
  });
}
