import * as fs from 'fs';
import * as path from 'path';
import { MessageType, type Range } from 'vscode-languageserver';
import { uriToPath } from '../analysis/project';
import {
  chooseTarget,
  debugInstructions,
  describeFailure,
  runningKernel,
  selectionCode,
  type RunOutcome,
} from '../bridge/run';
import { DEBUG_FILE_COMMAND, RUN_FILE_COMMAND, RUN_SELECTION_COMMAND } from './codeLens';
import type { FeatureContext } from './context';

export const RUN_COMMANDS = [RUN_FILE_COMMAND, RUN_SELECTION_COMMAND, DEBUG_FILE_COMMAND];

/** window/logMessage and window/showMessage, as the server sends them. */
export interface Messages {
  log(type: MessageType, text: string): void;
  show(type: MessageType, text: string): void;
}

export type RunCommandResult =
  | (RunOutcome & { file: string; message: string })
  | { ok: false; message: string }
  | { ok: true; port: number; kernelId?: string; message: string };

function fail(msgs: Messages, message: string): RunCommandResult {
  msgs.show(MessageType.Error, message);
  return { ok: false, message };
}

/** `[uri, range?]` or `[{ uri, range? }]` */
function parseArgs(args: unknown[]): { uri?: string; range?: Range } {
  const [a, b] = args;
  if (typeof a === 'string') return { uri: a, range: b as Range | undefined };
  if (a && typeof a === 'object') {
    const o = a as { uri?: unknown; range?: Range; textDocument?: { uri?: unknown } };
    const uri = typeof o.uri === 'string' ? o.uri : o.textDocument?.uri;
    return { uri: typeof uri === 'string' ? uri : undefined, range: o.range };
  }
  return {};
}

/**
 * llmspell.runFile / runSelection / debugFile. Output goes to window/logMessage as it comes, the
 * outcome (with file:line of an error) to window/showMessage; the result is also returned.
 */
export async function runCommand(
  ctx: FeatureContext,
  msgs: Messages,
  command: string,
  args: unknown[],
): Promise<RunCommandResult> {
  const { uri, range } = parseArgs(args);
  const file = uri ? uriToPath(uri) : undefined;
  if (!uri || !file) return fail(msgs, `${command}: expected a file: URI argument`);
  if (!ctx.settings().enableDebug)
    return fail(msgs, `${command}: Run/Debug commands are off; set llmspell.enableDebug = true`);
  if (command === DEBUG_FILE_COMMAND) {
    const entry = await runningKernel();
    const { message, port } = debugInstructions(file, entry);
    msgs.show(MessageType.Info, message);
    return { ok: true, port, kernelId: entry?.id, message };
  }
  let text = ctx.document(uri)?.getText();
  if (text === undefined) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      return fail(msgs, `cannot read ${file}: ${(e as Error).message}`);
    }
  }
  let code = text;
  let mode: 'file' | 'cell' = 'file';
  if (command === RUN_SELECTION_COMMAND) {
    if (!range) return fail(msgs, `${command}: expected a range argument`);
    const doc = ctx.document(uri);
    const offsetAt = (p: Range['start']) => {
      if (doc) return doc.offsetAt(p);
      const lines = text.split('\n');
      let off = 0;
      for (let i = 0; i < p.line && i < lines.length; i++) off += lines[i].length + 1;
      return off + p.character;
    };
    code = selectionCode(text, offsetAt(range.start), offsetAt(range.end), range.start.line);
    mode = 'cell';
  }
  const name = path.basename(file);
  let outcome: RunOutcome;
  try {
    const target = await chooseTarget();
    outcome = await target.run({ code, file, mode }, (o) =>
      msgs.log(o.stream === 'stderr' ? MessageType.Warning : MessageType.Log, o.text.replace(/\n$/, '')),
    );
  } catch (e) {
    return fail(msgs, `Run ${name} failed: ${(e as Error).message}`);
  }
  const where = outcome.target === 'kernel' ? `kernel ${outcome.kernelId}` : 'an embedded runtime';
  for (const v of outcome.values) msgs.log(MessageType.Log, v);
  let message: string;
  if (outcome.error) {
    message = `Run ${name} failed in ${where}: ${describeFailure(file, outcome.error)}`;
    if (outcome.error.traceback.length) msgs.log(MessageType.Error, outcome.error.traceback.join('\n'));
    msgs.show(MessageType.Error, message);
  } else {
    message = `Ran ${name} in ${where}`;
    msgs.show(MessageType.Info, message);
  }
  return { ...outcome, file, message };
}
