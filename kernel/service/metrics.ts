import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KernelEvents, KernelStats } from '../jupyter/kernel';

/**
 * Prometheus metrics for the HTTP control port, all named llmspell_*. The kernel feeds them
 * through its typed events; process metrics (memory, CPU, event loop) come from prom-client's
 * default collectors with the llmspell_ prefix. One Registry per service (no global state).
 */

/** What the metrics need from a kernel (KernelHandle satisfies it). */
export interface MetricsKernel {
  readonly id: string;
  stats(): KernelStats;
  on<E extends keyof KernelEvents>(event: E, listener: (...args: KernelEvents[E]) => void): unknown;
}

export type ClientProtocol = 'jupyter' | 'dap' | 'lsp';

export class ServiceMetrics {
  readonly registry = new Registry();
  private kernel?: MetricsKernel;
  private readonly executions: Counter<'status'>;
  private readonly errors: Counter;
  private readonly interrupts: Counter<'source'>;
  private readonly aborted: Counter;
  private readonly messages: Counter<'type' | 'channel'>;
  private readonly rejected: Counter<'channel' | 'reason'>;
  private readonly latency: Histogram;
  private readonly http: Counter<'path' | 'code'>;
  private readonly reloads: Counter<'result'>;
  private readonly otherClients: Record<'dap' | 'lsp', number> = { dap: 0, lsp: 0 };

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.executions = new Counter({
      name: 'llmspell_executions_total',
      help: 'Executed cells and requests, by status (ok or error)',
      labelNames: ['status'],
      registers,
    });
    this.errors = new Counter({
      name: 'llmspell_execution_errors_total',
      help: 'Executions that raised an error',
      registers,
    });
    this.interrupts = new Counter({
      name: 'llmspell_interrupts_total',
      help: 'Interrupts, by source (interrupt_request, signal)',
      labelNames: ['source'],
      registers,
    });
    this.aborted = new Counter({
      name: 'llmspell_aborted_executions_total',
      help: 'Queued execute requests aborted after an error (stop_on_error)',
      registers,
    });
    this.messages = new Counter({
      name: 'llmspell_messages_total',
      help: 'Jupyter requests received, by message type and channel',
      labelNames: ['type', 'channel'],
      registers,
    });
    this.rejected = new Counter({
      name: 'llmspell_messages_rejected_total',
      help: 'Jupyter messages dropped (bad signature, malformed, replayed, too many clients, unknown type)',
      labelNames: ['channel', 'reason'],
      registers,
    });
    this.latency = new Histogram({
      name: 'llmspell_execute_duration_seconds',
      help: 'Execute request latency (runtime execution time)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.http = new Counter({
      name: 'llmspell_http_requests_total',
      help: 'HTTP control port requests, by path and status code',
      labelNames: ['path', 'code'],
      registers,
    });
    this.reloads = new Counter({
      name: 'llmspell_config_reloads_total',
      help: 'Configuration reloads (SIGHUP), by result',
      labelNames: ['result'],
      registers,
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'llmspell_connected_clients',
      help: 'Connected clients, by protocol (jupyter, dap, lsp)',
      labelNames: ['protocol'],
      registers,
      collect() {
        this.set({ protocol: 'jupyter' }, self.kernel?.stats().clients ?? 0);
        this.set({ protocol: 'dap' }, self.kernel?.stats().dapClients ?? self.otherClients.dap);
        this.set({ protocol: 'lsp' }, self.otherClients.lsp);
      },
    });
    new Gauge({
      name: 'llmspell_kernel_busy',
      help: '1 while the kernel runs code',
      registers,
      collect() {
        this.set(self.kernel?.stats().busy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'llmspell_kernel_queued_requests',
      help: 'Shell requests waiting behind the running one',
      registers,
      collect() {
        this.set(self.kernel?.stats().queuedRequests ?? 0);
      },
    });
    new Gauge({
      name: 'llmspell_kernel_uptime_seconds',
      help: 'Seconds since the kernel started',
      registers,
      collect() {
        this.set(self.kernel?.stats().uptimeSec ?? 0);
      },
    });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'llmspell_' });
  }

  attachKernel(kernel: MetricsKernel): void {
    this.kernel = kernel;
    kernel.on('request', ({ channel, msgType }) => {
      this.messages.inc({ type: msgType, channel });
      if (msgType === 'interrupt_request') this.interrupts.inc({ source: 'interrupt_request' });
    });
    kernel.on('execution', ({ ok, durationMs }) => {
      this.executions.inc({ status: ok ? 'ok' : 'error' });
      if (!ok) this.errors.inc();
      this.latency.observe(durationMs / 1000);
    });
    kernel.on('aborted', () => this.aborted.inc());
    kernel.on('dropped', ({ channel, reason }) => this.rejected.inc({ channel, reason }));
  }

  setClients(protocol: 'dap' | 'lsp', count: number): void {
    this.otherClients[protocol] = count;
  }

  recordInterrupt(source: string): void {
    this.interrupts.inc({ source });
  }

  recordHttp(path: string, code: number): void {
    this.http.inc({ path, code: String(code) });
  }

  recordReload(ok: boolean): void {
    this.reloads.inc({ result: ok ? 'ok' : 'error' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
