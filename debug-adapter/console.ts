/**
 * The debug console interpreter: runs a parsed colon command (console-commands.ts) against the
 * runtime. It knows the session only through ConsoleContext, so it holds no DAP handles itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BreakpointResult, BreakpointSpec, RuntimeHandle, StepKind } from '../kernel/runtime/types';
import { CONSOLE_HELP, type ConsoleCommand } from './console-commands';
import type { Watches } from './watches';

export interface ConsoleContext {
  rt: RuntimeHandle;
  /** The DAP frame id the client selected (translated by rtFrame). */
  frameId?: number;
  /** The runtime frame id behind a DAP frame id (throws for stale ids). */
  rtFrame(frameId: number): number;
  /** The thread the program is stopped on; throws when it is not stopped. */
  stoppedThread(): number | undefined;
  /** A client path (file given to :break) as the runtime names it. */
  toRuntimePath(clientPath: string): string;
  toClientPath(runtimePath: string): string;
  /** The launched program's folder, when this is a launch session. */
  programDir?: string;
  /** The launched program's runtime path (the default file for :break). */
  programPath?: string;
  /** Add one console breakpoint at `path`; returns what the runtime made of it. */
  addBreakpoint(path: string, spec: BreakpointSpec): Promise<BreakpointResult>;
  /** Remove every console breakpoint; returns how many there were. */
  clearBreakpoints(): Promise<number>;
  watches: Watches;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const STEP: Partial<Record<ConsoleCommand['kind'], StepKind>> = { step: 'in', next: 'over', finish: 'out' };

function requireStopped(ctx: ConsoleContext): number {
  const t = ctx.stoppedThread();
  if (t === undefined) throw new Error('the program is not stopped');
  return t;
}

async function topFrame(ctx: ConsoleContext): Promise<number> {
  if (ctx.frameId !== undefined) return ctx.rtFrame(ctx.frameId);
  const { frames } = await ctx.rt.debugger.stackTrace(ctx.stoppedThread() ?? 1, 0, 1);
  if (!frames.length) throw new Error('no frames');
  return frames[0].id;
}

/** The file the user is looking at: the selected frame's, else the top user frame's, else the program. */
async function currentPath(ctx: ConsoleContext): Promise<string | undefined> {
  const thread = ctx.stoppedThread();
  if (thread !== undefined) {
    const { frames } = await ctx.rt.debugger.stackTrace(thread, 0, 0);
    const wanted = ctx.frameId !== undefined ? ctx.rtFrame(ctx.frameId) : undefined;
    const f = frames.find((x) => x.id === wanted) ?? frames.find((x) => x.path);
    if (f?.path) return f.path;
  }
  return ctx.programPath;
}

async function breakCommand(ctx: ConsoleContext, cmd: ConsoleCommand & { kind: 'break' }): Promise<string> {
  let p: string | undefined;
  if (cmd.file) {
    const base = (await currentPath(ctx)) ?? ctx.programDir ?? process.cwd();
    const dir = ctx.programDir && !path.isAbsolute(cmd.file) ? ctx.programDir : path.dirname(base);
    p = ctx.toRuntimePath(path.resolve(dir, cmd.file));
    if (!fs.existsSync(p) && fs.existsSync(path.resolve(path.dirname(base), cmd.file))) {
      p = path.resolve(path.dirname(base), cmd.file);
    }
  } else {
    p = await currentPath(ctx);
  }
  if (!p) return ':break: no current file; use :break FILE:LINE';
  const spec: BreakpointSpec = { line: cmd.line };
  if (cmd.condition) spec.condition = cmd.condition;
  const r = await ctx.addBreakpoint(p, spec);
  const where = `${path.basename(r.path)}:${r.line}`;
  if (!r.verified) return `breakpoint ${r.id} at ${where} not verified${r.message ? `: ${r.message}` : ''}`;
  const cond = cmd.condition ? ` if ${cmd.condition}` : '';
  const moved = r.line !== cmd.line ? ` (moved from line ${cmd.line})` : '';
  return `breakpoint ${r.id} at ${where}${cond}${moved}`;
}

/** Run one console command; returns the text shown in the console. */
export async function runConsoleCommand(ctx: ConsoleContext, cmd: ConsoleCommand): Promise<string> {
  const rt = ctx.rt;
  switch (cmd.kind) {
    case 'error':
      return cmd.message;
    case 'help':
      return CONSOLE_HELP;
    case 'break':
      return breakCommand(ctx, cmd);
    case 'watch': {
      ctx.watches.add(cmd.expression);
      if (ctx.stoppedThread() === undefined) return `watching ${cmd.expression}`;
      try {
        const v = await rt.debugger.evaluate(cmd.expression, await topFrame(ctx));
        return `watching ${cmd.expression} = ${v.value}`;
      } catch (err) {
        return `watching ${cmd.expression} (${message(err)})`;
      }
    }
    case 'clear': {
      const n = await ctx.clearBreakpoints();
      const w = ctx.watches.clear();
      return `cleared ${n} console breakpoint(s) and ${w} watch(es)`;
    }
    case 'locals': {
      requireStopped(ctx);
      const scopes = await rt.debugger.scopes(await topFrame(ctx));
      const locals = scopes.find((s) => s.kind === 'locals');
      if (!locals) return '(no locals)';
      const vars = await rt.debugger.variables(locals.ref);
      return vars.length ? vars.map((v) => `${v.name} = ${v.value}`).join('\n') : '(no locals)';
    }
    case 'stack': {
      const thread = requireStopped(ctx);
      const { frames } = await rt.debugger.stackTrace(thread, 0, 0);
      return frames
        .map((f, i) => `#${i} ${f.name}${f.path ? ` at ${ctx.toClientPath(f.path)}:${f.line}` : ' [C]'}`)
        .join('\n');
    }
    case 'continue':
      requireStopped(ctx);
      rt.debugger.resume();
      return 'continuing';
    case 'step':
    case 'next':
    case 'finish':
      rt.debugger.step(STEP[cmd.kind]!, requireStopped(ctx));
      return '';
  }
}
