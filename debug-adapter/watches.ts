/** The debug console's watch list (`:watch EXPR`): expressions shown on every stop. */
import type { RuntimeHandle } from '../kernel/runtime/types';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class Watches {
  private readonly list: string[] = [];

  add(expression: string): void {
    this.list.push(expression);
  }

  get size(): number {
    return this.list.length;
  }

  /** Forget every watch; returns how many there were. */
  clear(): number {
    const n = this.list.length;
    this.list.length = 0;
    return n;
  }

  /** The console text for a stop: each watch evaluated in the stopped frame, or undefined when none. */
  async render(rt: RuntimeHandle): Promise<string | undefined> {
    if (!this.list.length) return undefined;
    const lines: string[] = [];
    for (const w of this.list) {
      try {
        const r = await rt.debugger.evaluate(w);
        lines.push(`${w} = ${r.value}`);
      } catch (err) {
        lines.push(`${w} = <${message(err)}>`);
      }
    }
    return `[watch] ${lines.join('\n[watch] ')}\n`;
  }
}
