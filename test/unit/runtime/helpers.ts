import * as path from 'path';
import * as fs from 'fs';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { ExecResult, RuntimeEvent, StoppedEvent } from '../../../kernel/runtime/types';
import { waitFor, withTimeout } from '../../support/wait';
import { lineOf } from '../../support/positions';
import { fixturePath } from '../../support/fixtures';

export { waitFor, withTimeout, lineOf };

export const FIXTURES = fixturePath('runtime', '');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** A runtime plus helpers to run a fixture and await stops and output. */
export class Harness {
  readonly events: RuntimeEvent[] = [];
  private stopWaiters: Array<(e: StoppedEvent) => void> = [];
  private stops: StoppedEvent[] = [];
  output = '';

  private constructor(readonly rt: LuaRuntime) {
    rt.onEvent((e) => {
      this.events.push(e);
      if (e.type === 'output') this.output += e.text;
      if (e.type === 'stopped') {
        const w = this.stopWaiters.shift();
        if (w) w(e);
        else this.stops.push(e);
      }
    });
  }

  static async create(): Promise<Harness> {
    return new Harness(await LuaRuntime.create({ name: 'test' }));
  }

  nextStop(ms = 5000): Promise<StoppedEvent> {
    const queued = this.stops.shift();
    if (queued) return Promise.resolve(queued);
    return withTimeout(new Promise<StoppedEvent>((r) => this.stopWaiters.push(r)), ms, 'a stopped event');
  }

  /** Resolves once the program has printed `text` (a readiness signal from inside a running loop). */
  waitOutput(text: string): Promise<void> {
    return waitFor(() => this.output.includes(text), `output '${text}'`);
  }

  runFile(file: string, args: string[] = []): Promise<ExecResult> {
    return this.rt.execute(fs.readFileSync(file, 'utf8'), { chunkName: file, mode: 'file', args });
  }

  async topFrame(): Promise<{ id: number; name: string; line: number; path?: string }> {
    const st = await this.rt.debugger.stackTrace(1);
    return st.frames[0];
  }

  async locals(frameId?: number): Promise<Record<string, string>> {
    const id = frameId ?? (await this.topFrame()).id;
    const scopes = await this.rt.debugger.scopes(id);
    const vars = await this.rt.debugger.variables(scopes[0].ref);
    return Object.fromEntries(vars.map((v) => [v.name, v.value]));
  }

  dispose(): Promise<void> {
    return this.rt.dispose();
  }
}
