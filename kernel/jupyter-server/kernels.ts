import type { KernelHandle } from '../jupyter/kernel';
import type { KernelLogger } from '../jupyter/log';
import { ApiError, type ApiRequest, type ApiResponse, jsonBody, methodNotAllowed, notFound } from './http-io';

/** The kernelspec name every kernel of this server has. */
export const KERNEL_NAME = 'llmspell';

/** Starts a fresh kernel (a new runtime) for POST /api/kernels and new sessions. */
export type KernelLauncher = () => Promise<KernelHandle>;

/** `GET /api/kernels/{id}` as Jupyter servers answer it. */
export interface KernelModel {
  id: string;
  name: string;
  last_activity: string;
  execution_state: string;
  connections: number;
}

export interface ManagedKernel {
  readonly handle: KernelHandle;
  /** The kernel `llmspell kernel start` runs (its stop ends the process). */
  readonly primary: boolean;
  /** Open WebSocket connections (each closes when the kernel goes away). */
  readonly channels: Set<{ close(code?: number, reason?: string): void }>;
  restarting: boolean;
}

/**
 * The kernels the Jupyter server lists: the CLI-started kernel plus the ones clients start (each a
 * fresh in-process kernel with its own runtime; see docs/ARCHITECTURE.md for why in-process).
 */
export class KernelManager {
  private readonly kernels = new Map<string, ManagedKernel>();
  private readonly removedListeners = new Set<(id: string) => void>();

  constructor(
    primary: KernelHandle | undefined,
    private readonly launch: KernelLauncher,
    private readonly logger: KernelLogger,
  ) {
    if (primary) this.adopt(primary, true);
  }

  private adopt(handle: KernelHandle, primary: boolean): ManagedKernel {
    const k: ManagedKernel = { handle, primary, channels: new Set(), restarting: false };
    this.kernels.set(handle.id, k);
    void handle.stopped.then(() => this.forget(handle.id));
    return k;
  }

  private forget(id: string): void {
    const k = this.kernels.get(id);
    if (!k) return;
    this.kernels.delete(id);
    for (const ch of [...k.channels]) ch.close(1001, 'kernel stopped');
    for (const l of this.removedListeners) l(id);
  }

  /** Called with a kernel's id when it stopped (sessions using it are removed). */
  onRemoved(listener: (id: string) => void): void {
    this.removedListeners.add(listener);
  }

  find(id: string): ManagedKernel | undefined {
    return this.kernels.get(id);
  }

  get(id: string): ManagedKernel {
    return this.kernels.get(id) ?? notFound(`Kernel does not exist: ${id}`);
  }

  list(): KernelModel[] {
    return [...this.kernels.values()].map((k) => this.model(k));
  }

  model(k: ManagedKernel): KernelModel {
    const s = k.handle.stats();
    return {
      id: k.handle.id,
      name: KERNEL_NAME,
      last_activity: s.lastActivity,
      execution_state: k.restarting ? 'restarting' : s.busy ? 'busy' : 'idle',
      connections: k.channels.size,
    };
  }

  async start(name: unknown): Promise<ManagedKernel> {
    if (name !== undefined && name !== null && name !== KERNEL_NAME) {
      throw new ApiError(404, `No such kernel: ${String(name)} (this server runs '${KERNEL_NAME}')`);
    }
    const handle = await this.launch();
    this.logger.info({ id: handle.id }, 'jupyter server: kernel started');
    return this.adopt(handle, false);
  }

  async shutdown(id: string): Promise<void> {
    const k = this.get(id);
    await k.handle.stop('shutdown');
    this.forget(id);
  }

  async restart(id: string): Promise<ManagedKernel> {
    const k = this.get(id);
    k.restarting = true;
    try {
      await k.handle.restart();
    } finally {
      k.restarting = false;
    }
    return k;
  }

  /** Stop every kernel this server started (the primary kernel is the service's to stop). */
  async closeAll(): Promise<void> {
    const started = [...this.kernels.values()].filter((k) => !k.primary);
    await Promise.all(started.map((k) => k.handle.stop('stop').catch(() => undefined)));
    for (const k of this.kernels.values())
      for (const ch of [...k.channels]) ch.close(1001, 'server stopping');
  }
}

/** /api/kernels[/{id}[/interrupt|/restart]] */
export async function kernelsRoute(mgr: KernelManager, req: ApiRequest): Promise<ApiResponse> {
  const [, id, action, ...rest] = req.segments;
  if (rest.length > 0) notFound(`no such endpoint: /api/${req.segments.join('/')}`);
  if (id === undefined || id === '') {
    if (req.method === 'GET') return { status: 200, body: mgr.list() };
    if (req.method === 'POST') {
      const k = await mgr.start(jsonBody(req).name);
      return { status: 201, body: mgr.model(k), headers: { Location: `/api/kernels/${k.handle.id}` } };
    }
    methodNotAllowed(req, ['GET', 'POST']);
  }
  if (action === undefined) {
    if (req.method === 'GET') return { status: 200, body: mgr.model(mgr.get(id)) };
    if (req.method === 'DELETE') {
      await mgr.shutdown(id);
      return { status: 204 };
    }
    methodNotAllowed(req, ['GET', 'DELETE']);
  }
  if (req.method !== 'POST') methodNotAllowed(req, ['POST']);
  if (action === 'interrupt') {
    mgr.get(id).handle.interrupt();
    return { status: 204 };
  }
  if (action === 'restart') return { status: 200, body: mgr.model(await mgr.restart(id)) };
  notFound(`no such endpoint: /api/${req.segments.join('/')}`);
}
