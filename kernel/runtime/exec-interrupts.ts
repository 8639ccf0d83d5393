/**
 * Which execution an interrupt is for (inside the VM worker). The runtime names the execution an
 * interrupt targets (its exec request id, `exec` on the command), so the worker can tell:
 *   - `now`: for the execution running, or for no execution in particular (an evaluation);
 *   - `later`: for an execution that has not started yet (the interrupt overtook it, e.g. a Jupyter
 *     client interrupting as soon as it sees execute_input): kept until that execution starts;
 *   - `stale`: for an execution that already finished: dropped, never applied to the next one.
 * Before this, the worker cleared the interrupt flag when a run started and lost interrupts that
 * arrived just before it (the kernel re-sent them every 100 ms to make up for it).
 */
import type { AgentCommand } from './protocol';

type Interrupt = Extract<AgentCommand, { cmd: 'interrupt' }>;

export class ExecInterrupts {
  /** The request id of the execution running (0: none) and of the last one that started. */
  private current = 0;
  private last = 0;
  private readonly later: Interrupt[] = [];

  route(cmd: Interrupt): 'now' | 'later' | 'stale' {
    if (cmd.exec === undefined || cmd.exec === this.current) return 'now';
    if (cmd.exec > this.last) return 'later';
    return 'stale';
  }

  /** File an interrupt; true when it is to be applied now. */
  take(cmd: Interrupt): boolean {
    const where = this.route(cmd);
    if (where === 'later') this.later.push(cmd);
    return where === 'now';
  }

  /** Execution `id` starts: the interrupts that were waiting for it. */
  begin(id: number): Interrupt[] {
    this.current = id;
    this.last = Math.max(this.last, id);
    const due = this.later.filter((c) => c.exec === id);
    const rest = this.later.filter((c) => (c.exec ?? 0) > id);
    this.later.length = 0;
    this.later.push(...rest);
    return due;
  }

  end(): void {
    this.current = 0;
  }
}
