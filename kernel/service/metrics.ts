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
  private readonly otherClients: Record<'dap' | 'lsp', number> = { dap: 0, lsp: 0 };
  private readonly executions = this.counter(
    'llmspell_executions_total',
    'Executed cells and requests, by status (ok or error)',
    ['status'],
  );
  private readonly errors = this.counter(
    'llmspell_execution_errors_total',
    'Executions that raised an error',
  );
  private readonly interrupts = this.counter(
    'llmspell_interrupts_total',
    'Interrupts, by source (interrupt_request, signal)',
    ['source'],
  );
  private readonly aborted = this.counter(
    'llmspell_aborted_executions_total',
    'Queued execute requests aborted after an error (stop_on_error)',
  );
  private readonly messages = this.counter(
    'llmspell_messages_total',
    'Jupyter requests received, by message type and channel',
    ['type', 'channel'],
  );
  private readonly rejected = this.counter(
    'llmspell_messages_rejected_total',
    'Jupyter messages dropped (bad signature, malformed, replayed, too many clients, unknown type)',
    ['channel', 'reason'],
  );
  private readonly latency = new Histogram({
    name: 'llmspell_execute_duration_seconds',
    help: 'Execute request latency (runtime execution time)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly http = this.counter(
    'llmspell_http_requests_total',
    'HTTP control port requests, by path and status code',
    ['path', 'code'],
  );
  private readonly reloads = this.counter(
    'llmspell_config_reloads_total',
    'Configuration reloads (SIGHUP), by result',
    ['result'],
  );

  constructor(opts: { processMetrics?: boolean } = {}) {
    this.gauge('llmspell_kernel_busy', '1 while the kernel runs code', (k) => (k?.stats().busy ? 1 : 0));
    this.gauge(
      'llmspell_kernel_queued_requests',
      'Shell requests waiting behind the running one',
      (k) => k?.stats().queuedRequests ?? 0,
    );
    this.gauge(
      'llmspell_kernel_uptime_seconds',
      'Seconds since the kernel started',
      (k) => k?.stats().uptimeSec ?? 0,
    );
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'llmspell_connected_clients',
      help: 'Connected clients, by protocol (jupyter, dap, lsp)',
      labelNames: ['protocol'],
      registers: [this.registry],
      collect() {
        this.set({ protocol: 'jupyter' }, self.kernel?.stats().clients ?? 0);
        this.set({ protocol: 'dap' }, self.kernel?.stats().dapClients ?? self.otherClients.dap);
        this.set({ protocol: 'lsp' }, self.otherClients.lsp);
      },
    });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'llmspell_' });
  }

  private counter<L extends string = never>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge read from the kernel at each scrape. */
  private gauge(name: string, help: string, read: (k: MetricsKernel | undefined) => number): void {
    const kernel = () => this.kernel;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read(kernel()));
      },
    });
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
