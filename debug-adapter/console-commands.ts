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

/** Every console command once: its name, short aliases, usage and help text. */
export const CONSOLE_COMMANDS: ReadonlyArray<{
  name: Exclude<ConsoleCommand['kind'], 'error'>;
  aliases: readonly string[];
  usage: string;
  help: string;
}> = [
  {
    name: 'break',
    aliases: ['b'],
    usage: ':break LINE [if COND]',
    help: 'set a breakpoint in the current file',
  },
  { name: 'break', aliases: [], usage: ':break FILE:LINE [if COND]', help: 'set a breakpoint in FILE' },
  { name: 'watch', aliases: ['w'], usage: ':watch EXPR', help: 'show EXPR on every stop' },
  { name: 'locals', aliases: [], usage: ':locals', help: 'show the local variables of the selected frame' },
  { name: 'stack', aliases: [], usage: ':stack', help: 'show the call stack' },
  { name: 'continue', aliases: ['c'], usage: ':continue', help: 'resume' },
  { name: 'step', aliases: ['s'], usage: ':step', help: 'step into' },
  { name: 'next', aliases: ['n'], usage: ':next', help: 'step over' },
  { name: 'finish', aliases: [], usage: ':finish', help: 'step out' },
  { name: 'clear', aliases: [], usage: ':clear', help: 'remove console breakpoints and watches' },
  { name: 'help', aliases: ['?'], usage: ':help', help: 'this list' },
];

/** The command names, once each, in help order (for completion). */
export const CONSOLE_COMMAND_NAMES: readonly string[] = [...new Set(CONSOLE_COMMANDS.map((c) => c.name))];

export const CONSOLE_HELP = [
  'Debug console commands:',
  ...CONSOLE_COMMANDS.map((c) => `  ${c.usage.padEnd(28)}${c.help}`),
  'Anything else is evaluated as Lua in the selected frame.',
].join('\n');

const TAKES_ARGUMENTS = new Set(['break', 'watch']);
const SIMPLE: Record<string, ConsoleCommand['kind']> = {};
for (const c of CONSOLE_COMMANDS) {
  if (TAKES_ARGUMENTS.has(c.name)) continue;
  SIMPLE[c.name] = c.name;
  for (const a of c.aliases) SIMPLE[a] = c.name;
}

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
