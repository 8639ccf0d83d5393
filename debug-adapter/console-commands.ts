/**
 * The debug console's colon commands (`:break 10`, `:watch x`, ...), parsed without side effects.
 * The session executes the parsed command; this module knows nothing of DAP or the runtime.
 */

export type ConsoleCommand =
  | { kind: 'break'; file?: string; line: number; condition?: string }
  | { kind: 'watch'; expression: string }
  | { kind: 'locals' }
  | { kind: 'stack' }
  | { kind: 'continue' }
  | { kind: 'step' }
  | { kind: 'next' }
  | { kind: 'finish' }
  | { kind: 'clear' }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const CONSOLE_HELP = [
  'Debug console commands:',
  '  :break LINE [if COND]       set a breakpoint in the current file',
  '  :break FILE:LINE [if COND]  set a breakpoint in FILE',
  '  :watch EXPR                 show EXPR on every stop',
  '  :locals                     show the local variables of the selected frame',
  '  :stack                      show the call stack',
  '  :continue                   resume',
  '  :step                       step into',
  '  :next                       step over',
  '  :finish                     step out',
  '  :clear                      remove console breakpoints and watches',
  '  :help                       this list',
  'Anything else is evaluated as Lua in the selected frame.',
].join('\n');

const SIMPLE: Record<string, ConsoleCommand['kind']> = {
  locals: 'locals',
  stack: 'stack',
  continue: 'continue',
  c: 'continue',
  step: 'step',
  s: 'step',
  next: 'next',
  n: 'next',
  finish: 'finish',
  clear: 'clear',
  help: 'help',
  '?': 'help',
};

/** True when the console input is a colon command rather than Lua. */
export function isConsoleCommand(input: string): boolean {
  return /^\s*:[A-Za-z?]/.test(input);
}

function parseBreak(rest: string): ConsoleCommand {
  let spec = rest.trim();
  let condition: string | undefined;
  const m = /^(\S+)\s+if\s+(.+)$/s.exec(spec);
  if (m) {
    spec = m[1];
    condition = m[2].trim();
  }
  if (!spec) return { kind: 'error', message: 'usage: :break LINE | :break FILE:LINE [if CONDITION]' };
  const lineOnly = /^(\d+)$/.exec(spec);
  if (lineOnly) return withCond({ kind: 'break', line: Number(lineOnly[1]) }, condition);
  const fileLine = /^(.+):(\d+)$/.exec(spec);
  if (fileLine) return withCond({ kind: 'break', file: fileLine[1], line: Number(fileLine[2]) }, condition);
  return { kind: 'error', message: `:break: expected LINE or FILE:LINE, got "${spec}"` };
}

function withCond(cmd: { kind: 'break'; file?: string; line: number }, condition?: string): ConsoleCommand {
  if (cmd.line < 1) return { kind: 'error', message: ':break: line numbers start at 1' };
  return condition ? { ...cmd, condition } : cmd;
}

/** Parse a colon command; returns undefined when the input is not one (evaluate it as Lua). */
export function parseConsoleCommand(input: string): ConsoleCommand | undefined {
  if (!isConsoleCommand(input)) return undefined;
  const m = /^\s*:(\S+)\s*(.*)$/s.exec(input);
  if (!m) return undefined;
  const name = m[1].toLowerCase();
  const rest = m[2];
  if (name === 'break' || name === 'b') return parseBreak(rest);
  if (name === 'watch' || name === 'w') {
    const expression = rest.trim();
    return expression ? { kind: 'watch', expression } : { kind: 'error', message: 'usage: :watch EXPR' };
  }
  const simple = SIMPLE[name];
  if (simple) {
    if (rest.trim()) return { kind: 'error', message: `:${name} takes no arguments` };
    return { kind: simple } as ConsoleCommand;
  }
  return { kind: 'error', message: `unknown command :${name} (try :help)` };
}
