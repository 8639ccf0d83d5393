/**
 * The launch lifecycle: validating a launch configuration, creating the program's own runtime,
 * running the program and turning its result into an exit code and error output. The session
 * decides when; this module knows how.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OutputEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runtimeFactory } from '../kernel/hostapi/factory';
import type { ExecResult, RuntimeFactory, RuntimeHandle } from '../kernel/runtime/types';
import type { Convert } from './convert';

export type { RuntimeFactory } from '../kernel/runtime/types';

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  stopOnEntry?: boolean;
  pathMappings?: unknown;
}

/** A validated launch configuration. */
export interface RunConfig {
  program: string;
  runtimePath: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  stopOnEntry: boolean;
}

/** Check a launch request's arguments (the path mappings must already be installed in `convert`). */
export function resolveLaunch(args: LaunchArguments | undefined, convert: Convert): RunConfig {
  if (!args?.program || typeof args.program !== 'string') throw new Error('launch: "program" is required');
  const cwd = path.resolve(args.cwd || path.dirname(path.resolve(args.program)));
  const program = path.resolve(cwd, args.program);
  if (!fs.existsSync(program)) throw new Error(`launch: program not found: ${program}`);
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [k, v] of Object.entries(args.env ?? {})) env[k] = v === null ? undefined : v;
  return {
    program,
    runtimePath: convert.pathToRuntime(program),
    args: (args.args ?? []).map(String),
    cwd,
    env,
    stopOnEntry: !!args.stopOnEntry,
  };
}

/** A fresh runtime for the program, with the host API configured from its folder. */
export function createLaunchRuntime(run: RunConfig, factory?: RuntimeFactory): Promise<RuntimeHandle> {
  const create = factory ?? runtimeFactory({ globals: {} });
  return Promise.resolve().then(() =>
    create({ cwd: run.cwd, env: run.env, packagePath: [path.dirname(run.program)], name: 'dap' }),
  );
}

/** Run the program once; resolves with its result (an unreadable file is a failed result). */
export async function runProgram(rt: RuntimeHandle, run: RunConfig): Promise<ExecResult> {
  if (run.stopOnEntry) rt.debugger.setStopOnEntry(true);
  let code: Buffer;
  try {
    code = fs.readFileSync(run.program);
  } catch (err) {
    const message = `cannot read ${run.program}: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, error: { ename: 'LuaError', message, traceback: [] } };
  }
  return rt.execute(code, {
    chunkName: run.runtimePath,
    mode: 'file',
    args: run.args,
    scriptName: run.program,
  });
}

/** The exit code of a result and, for an error, the stderr output event that reports it. */
export function describeResult(
  result: ExecResult,
  convert: Convert,
): { exitCode: number; output?: DebugProtocol.OutputEvent } {
  if (result.ok) return { exitCode: result.exitCode ?? 0 };
  const e = result.error;
  const tb = e.traceback.length ? `\nstack traceback:\n\t${e.traceback.join('\n\t')}` : '';
  const ev = new OutputEvent(`${e.message}${tb}\n`, 'stderr') as DebugProtocol.OutputEvent;
  if (e.location) {
    ev.body.source = convert.source(e.location.path);
    ev.body.line = convert.lineToClient(e.location.line);
  }
  return { exitCode: 1, output: ev };
}
