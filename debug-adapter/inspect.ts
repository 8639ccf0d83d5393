/**
 * DAP handles valid while the program is stopped (frame ids, variablesReference) and the
 * translation of the runtime's frames, scopes, variables and completions into DAP bodies.
 * Ids only grow, so a stale id sent after a resume never aliases a new object.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EvalResult, FrameInfo, ScopeInfo, VariableInfo } from '../kernel/runtime/types';
import { CONSOLE_COMMAND_NAMES } from './console-commands';
import type { Convert } from './convert';
import { HandleTable } from './handles';

export class StopHandles {
  private readonly frames = new HandleTable<number>(1000);
  private readonly varRefs = new HandleTable<number>(1);

  constructor(private readonly convert: Convert) {}

  /** Forget every handle (on each stop and resume). */
  reset(): void {
    this.frames.clear();
    this.varRefs.clear();
  }

  /** The runtime frame behind a DAP frame id (undefined stays undefined; stale ids throw). */
  frame(frameId: number | undefined): number | undefined {
    if (frameId === undefined) return undefined;
    const f = this.frames.get(frameId);
    if (f === undefined) throw new Error('unknown or stale frame id');
    return f;
  }

  /** The runtime reference behind a variablesReference (stale references throw). */
  ref(variablesReference: number): number {
    const ref = this.varRefs.get(variablesReference);
    if (ref === undefined) throw new Error('unknown or stale variablesReference');
    return ref;
  }

  private refOf(runtimeRef: number): number {
    return runtimeRef ? this.varRefs.add(runtimeRef, String(runtimeRef)) : 0;
  }

  stackFrames(frames: FrameInfo[]): DebugProtocol.StackFrame[] {
    return frames.map((f) => {
      const sf: DebugProtocol.StackFrame = {
        id: this.frames.add(f.id, String(f.id)),
        name: f.name,
        line: f.path ? this.convert.lineToClient(f.line) : 0,
        column: f.path ? this.convert.firstColumn() : 0,
      };
      if (f.path) sf.source = this.convert.source(f.path);
      else sf.presentationHint = 'subtle';
      return sf;
    });
  }

  scopes(scopes: ScopeInfo[]): DebugProtocol.Scope[] {
    return scopes.map((s) => {
      const scope: DebugProtocol.Scope = {
        name: s.name,
        variablesReference: this.refOf(s.ref),
        expensive: s.expensive,
      };
      if (s.kind === 'locals') scope.presentationHint = 'locals';
      return scope;
    });
  }

  variables(vars: VariableInfo[]): DebugProtocol.Variable[] {
    return vars.map((v) => {
      const dv: DebugProtocol.Variable = {
        name: v.name,
        value: v.value,
        type: v.type,
        variablesReference: this.refOf(v.ref),
      };
      if (v.evaluateName) dv.evaluateName = v.evaluateName;
      return dv;
    });
  }

  /** A value with a handle to expand it (only while stopped). */
  value(r: EvalResult, stopped: boolean): { value: string; type: string; variablesReference: number } {
    return { value: r.value, type: r.type, variablesReference: stopped ? this.refOf(r.ref) : 0 };
  }
}

/** What the completions request completes: a console command name or a Lua expression's last word. */
export function completionInput(
  text: string,
  column: number,
): { command?: string; expression: string; partial: string; before: string } {
  const before = text.slice(0, Math.max(0, column - 1));
  if (/^\s*:\w*$/.test(before))
    return { command: before.trim().slice(1), expression: '', partial: '', before };
  const expression = /[A-Za-z_][\w]*(?:\s*[.:]\s*[A-Za-z_]?[\w]*)*$/.exec(before)?.[0] ?? '';
  return { expression, partial: /[\w]*$/.exec(expression)?.[0] ?? '', before };
}

/** Console command names starting with `partial`, as completion targets. */
export function commandTargets(
  partial: string,
  before: string,
  base: number,
): DebugProtocol.CompletionItem[] {
  return CONSOLE_COMMAND_NAMES.filter((n) => n.startsWith(partial)).map((n) => ({
    label: n,
    start: before.length - partial.length + base,
    length: partial.length,
  }));
}
