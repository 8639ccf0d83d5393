import type { KernelStats } from './kernel-types';

/** What the kernel reads from its parts when statistics are asked for (SIGUSR1, /health, /metrics). */
export interface LiveKernelState {
  id: string;
  executionCount: number;
  messagesSent: number;
  clients: number;
  busy: boolean;
  queuedRequests: number;
  dapClients: number;
  dapPort: number | undefined;
}

/** The kernel's counters, its start time and last activity; stats() combines them with live state. */
export class KernelCounters {
  executions = 0;
  executionErrors = 0;
  aborted = 0;
  received = 0;
  dropped = 0;
  runtimeRestarts = 0;
  startupMs = 0;
  lastActivity = Date.now();
  readonly startedAt = new Date();

  /** A request arrived or a handler finished: the idle timeout counts from here. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  recordExecution(ok: boolean): void {
    this.executions++;
    if (!ok) this.executionErrors++;
  }

  stats(live: LiveKernelState): KernelStats {
    return {
      id: live.id,
      startedAt: this.startedAt.toISOString(),
      uptimeSec: (Date.now() - this.startedAt.getTime()) / 1000,
      executionCount: live.executionCount,
      executions: this.executions,
      executionErrors: this.executionErrors,
      abortedExecutions: this.aborted,
      messagesReceived: this.received,
      messagesDropped: this.dropped,
      messagesSent: live.messagesSent,
      clients: live.clients,
      busy: live.busy,
      queuedRequests: live.queuedRequests,
      lastActivity: new Date(this.lastActivity).toISOString(),
      startupMs: this.startupMs,
      dapClients: live.dapClients,
      dapPort: live.dapPort,
      runtimeRestarts: this.runtimeRestarts,
    };
  }
}
