/**
 * Which threads this client has been told about. The main Lua thread (id 1) is announced when the
 * program starts (launch) or the client attaches, and exits with the program. A coroutine is a
 * DAP thread while the program is stopped inside it or with it in the resume chain (what the
 * threads request lists), so it is announced (`thread started`) before the first stop or threads
 * response that shows it, and exits (`thread exited`) when the program runs on: while running,
 * the threads request lists the main thread only. Clients that keep a thread list from events
 * (nvim-dap) then pause the main thread without asking which one.
 */
import { ThreadEvent } from '@vscode/debugadapter';

export const MAIN_THREAD = 1;

export class ClientThreads {
  private readonly coroutines = new Set<number>();

  /** `thread started` events for the ids of a stop or a threads response the client does not know yet. */
  seen(ids: Iterable<number>): ThreadEvent[] {
    const out: ThreadEvent[] = [];
    for (const id of ids) {
      if (id === MAIN_THREAD || this.coroutines.has(id)) continue;
      this.coroutines.add(id);
      out.push(new ThreadEvent('started', id));
    }
    return out;
  }

  /** The program runs on: every coroutine thread the client knows exits. */
  resumed(): ThreadEvent[] {
    const out = [...this.coroutines].map((id) => new ThreadEvent('exited', id));
    this.coroutines.clear();
    return out;
  }
}
