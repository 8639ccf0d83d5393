/**
 * "Run file" output in the `LLMSpell Run` output channel: the client-side command spawns
 * `llmspell run FILE` and streams its output; the language server's code lens commands
 * (llmspell.runFile / runSelection) return their outcome, which is written here too.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import type * as vscode from 'vscode';

/** Code lens commands the language server executes (server/features/codeLens.ts). */
export const SERVER_RUN_COMMANDS = new Set([
  'llmspell.runFile',
  'llmspell.runSelection',
  'llmspell.debugFile',
]);

/** What the server returns for a run (server/features/run.ts RunCommandResult). */
interface ServerRunResult {
  ok?: boolean;
  message?: string;
  output?: string;
  values?: string[];
  error?: { traceback?: string[] };
}

export class RunOutput {
  constructor(private readonly channel: vscode.OutputChannel) {}

  /** Write a code lens command's outcome. */
  serverResult(command: string, result: unknown): void {
    if (!result || typeof result !== 'object') return;
    const r = result as ServerRunResult;
    if (command === 'llmspell.debugFile') {
      if (r.message) this.channel.appendLine(r.message);
      return;
    }
    this.channel.show(true);
    if (r.output) this.channel.append(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
    for (const v of r.values ?? []) this.channel.appendLine(v);
    if (r.error?.traceback?.length) this.channel.appendLine(r.error.traceback.join('\n'));
    if (r.message) this.channel.appendLine(`[${r.message}]`);
  }

  /** `llmspell run FILE`, output streamed; resolves with the exit status. */
  runFile(command: string, file: string): Promise<number> {
    this.channel.show(true);
    this.channel.appendLine(`$ ${command} run ${file}`);
    return new Promise((resolve) => {
      const child = spawn(command, ['run', file], {
        cwd: path.dirname(file),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (b: Buffer) => this.channel.append(b.toString()));
      child.stderr.on('data', (b: Buffer) => this.channel.append(b.toString()));
      child.on('error', (err) => {
        this.channel.appendLine(`[cannot start ${command}: ${err.message}]`);
        resolve(127);
      });
      child.on('close', (code) => {
        this.channel.appendLine(`[${path.basename(file)} exited with status ${code ?? 'signal'}]`);
        resolve(code ?? 1);
      });
    });
  }
}
