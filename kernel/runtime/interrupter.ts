/**
 * Asynchronous attention for a VM worker that is busy running Lua.
 *
 * A worker thread running WebAssembly runs no JavaScript of its own until the Lua call returns, so
 * a message cannot reach it. The inspector can: the main thread opens one inspector session, the
 * NodeWorker domain attaches to each VM worker, and a Runtime.evaluate sent to a busy worker runs at
 * V8's next interrupt check (within a millisecond, even inside `while true do end`). The evaluated
 * function only calls lua_sethook, which Lua documents as safe to call asynchronously; the hook
 * then runs the Lua agent at the next instruction boundary. No probes or counters are needed in the
 * user's code, so running without a debugger costs nothing.
 */
import * as inspector from 'inspector';
import type { Worker } from 'worker_threads';

interface AttachedParams {
  sessionId: string;
  workerInfo: { workerId: string; title?: string; url?: string };
}

class WorkerInterrupter {
  private session: inspector.Session | undefined;
  private readonly sessions = new Map<number, string>();
  private readonly waiters = new Map<number, Array<() => void>>();
  private nextId = 1;
  private failed = false;

  private ensure(): inspector.Session | undefined {
    if (this.session || this.failed) return this.session;
    try {
      const s = new inspector.Session();
      s.connect();
      s.on('NodeWorker.attachedToWorker', (msg: { params: AttachedParams }) => {
        const threadId = Number(msg.params.workerInfo.workerId);
        this.sessions.set(threadId, msg.params.sessionId);
        for (const w of this.waiters.get(threadId) ?? []) w();
        this.waiters.delete(threadId);
      });
      s.on('NodeWorker.detachedFromWorker', (msg: { params: { sessionId: string } }) => {
        for (const [tid, sid] of this.sessions) if (sid === msg.params.sessionId) this.sessions.delete(tid);
      });
      s.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
      this.session = s;
    } catch {
      this.failed = true;
    }
    return this.session;
  }

  /** Make sure the session is attached before the worker starts (call before creating it). */
  prepare(): boolean {
    return this.ensure() !== undefined;
  }

  /** Resolves when the inspector has attached to the worker (or after a short timeout). */
  whenAttached(worker: Worker, timeoutMs = 2000): Promise<boolean> {
    if (!this.ensure()) return Promise.resolve(false);
    if (this.sessions.has(worker.threadId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.sessions.has(worker.threadId)), timeoutMs);
      const list = this.waiters.get(worker.threadId) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
      this.waiters.set(worker.threadId, list);
    });
  }

  /** Ask the worker to run its attention function now. Returns false when no session is attached. */
  request(worker: Worker): boolean {
    const s = this.ensure();
    const sid = this.sessions.get(worker.threadId);
    if (!s || !sid) return false;
    const message = JSON.stringify({
      id: this.nextId++,
      method: 'Runtime.evaluate',
      params: { expression: 'globalThis.__llmspellAttention && globalThis.__llmspellAttention()' },
    });
    s.post('NodeWorker.sendMessageToWorker', { sessionId: sid, message });
    return true;
  }

  forget(worker: Worker): void {
    this.sessions.delete(worker.threadId);
  }
}

/** One inspector session per process, shared by every runtime. */
export const interrupter = new WorkerInterrupter();
