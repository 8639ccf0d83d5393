import { randomUUID } from 'crypto';
import { type ApiRequest, type ApiResponse, ApiError, jsonBody, methodNotAllowed, notFound } from './http-io';
import { type KernelManager, type KernelModel, type ManagedKernel } from './kernels';

/** `GET /api/sessions/{id}`: a notebook (or console, file) bound to a kernel. */
export interface SessionModel {
  id: string;
  path: string;
  name: string;
  type: string;
  kernel: KernelModel;
  notebook: { path: string; name: string };
}

interface Session {
  id: string;
  path: string;
  name: string;
  type: string;
  kernelId: string;
}

const str = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);

/**
 * Sessions map a path (notebook, console) to a kernel, as jupyter_server's SessionManager does.
 * Deleting a session shuts its kernel down, except the CLI-started kernel, which belongs to the
 * service and only stops through DELETE /api/kernels/{id} or shutdown_request.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly kernels: KernelManager) {
    kernels.onRemoved((kernelId) => {
      for (const [id, s] of this.sessions) if (s.kernelId === kernelId) this.sessions.delete(id);
    });
  }

  model(s: Session): SessionModel {
    return {
      id: s.id,
      path: s.path,
      name: s.name,
      type: s.type,
      kernel: this.kernels.model(this.kernels.get(s.kernelId)),
      notebook: { path: s.path, name: s.name },
    };
  }

  list(): SessionModel[] {
    return [...this.sessions.values()].filter((s) => this.kernels.find(s.kernelId)).map((s) => this.model(s));
  }

  get(id: string): Session {
    return this.sessions.get(id) ?? notFound(`Session not found: ${id}`);
  }

  /** The kernel a create/patch request names: an existing id, else a fresh kernel. */
  private async kernelFor(spec: unknown): Promise<ManagedKernel> {
    const k = spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : {};
    if (typeof k.id === 'string' && k.id !== '') return this.kernels.get(k.id);
    return this.kernels.start(k.name);
  }

  async create(body: Record<string, unknown>): Promise<SessionModel> {
    const nb = (body.notebook ?? {}) as Record<string, unknown>;
    const path = str(body.path, str(nb.path, ''));
    if (path === '') throw new ApiError(400, 'session path missing');
    const type = str(body.type, 'notebook');
    const existing = [...this.sessions.values()].find(
      (s) => s.path === path && this.kernels.find(s.kernelId),
    );
    if (existing) return this.model(existing);
    const kernel = await this.kernelFor(body.kernel);
    const s: Session = {
      id: randomUUID(),
      path,
      name: str(body.name, str(nb.name, '')),
      type,
      kernelId: kernel.handle.id,
    };
    this.sessions.set(s.id, s);
    return this.model(s);
  }

  async patch(id: string, body: Record<string, unknown>): Promise<SessionModel> {
    const s = this.get(id);
    if (typeof body.path === 'string') s.path = body.path;
    if (typeof body.name === 'string') s.name = body.name;
    if (typeof body.type === 'string') s.type = body.type;
    if (body.kernel !== undefined && body.kernel !== null) {
      const spec = body.kernel as Record<string, unknown>;
      if (spec.id !== s.kernelId) {
        const previous = s.kernelId;
        s.kernelId = (await this.kernelFor(spec)).handle.id;
        await this.release(previous, s.id);
      }
    }
    return this.model(s);
  }

  async delete(id: string): Promise<void> {
    const s = this.get(id);
    this.sessions.delete(id);
    await this.release(s.kernelId, id);
  }

  /** A kernel no other session uses is shut down (never the CLI-started one). */
  private async release(kernelId: string, sessionId: string): Promise<void> {
    const k = this.kernels.find(kernelId);
    if (!k || k.primary) return;
    const used = [...this.sessions.values()].some((x) => x.kernelId === kernelId && x.id !== sessionId);
    if (!used) await this.kernels.shutdown(kernelId);
  }
}

/** /api/sessions[/{id}] */
export async function sessionsRoute(store: SessionStore, req: ApiRequest): Promise<ApiResponse> {
  const [, id, ...rest] = req.segments;
  if (rest.length > 0) notFound(`no such endpoint: /api/${req.segments.join('/')}`);
  if (id === undefined || id === '') {
    if (req.method === 'GET') return { status: 200, body: store.list() };
    if (req.method === 'POST') {
      const model = await store.create(jsonBody(req));
      return { status: 201, body: model, headers: { Location: `/api/sessions/${model.id}` } };
    }
    methodNotAllowed(req, ['GET', 'POST']);
  }
  if (req.method === 'GET') return { status: 200, body: store.model(store.get(id)) };
  if (req.method === 'PATCH') return { status: 200, body: await store.patch(id, jsonBody(req)) };
  if (req.method === 'DELETE') {
    await store.delete(id);
    return { status: 204 };
  }
  methodNotAllowed(req, ['GET', 'PATCH', 'DELETE']);
}
