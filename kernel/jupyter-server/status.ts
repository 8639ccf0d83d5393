import { VERSION } from '../shared/version';
import { type ApiRequest, type ApiResponse, methodNotAllowed } from './http-io';
import type { KernelManager } from './kernels';

/** /api (server version), /api/status (activity) and /api/me (identity) */
export function statusRoute(kernels: KernelManager, started: Date, req: ApiRequest): ApiResponse {
  if (req.method !== 'GET') methodNotAllowed(req, ['GET']);
  const [what] = req.segments;
  if (what === undefined || what === '') return { status: 200, body: { version: VERSION } };
  const models = kernels.list();
  if (what === 'me') {
    const identity = { username: 'llmspell', name: 'llmspell', display_name: 'llmspell', initials: 'L' };
    return {
      status: 200,
      body: { identity: { ...identity, avatar_url: null, color: null }, permissions: {} },
    };
  }
  const last =
    models
      .map((k) => k.last_activity)
      .sort()
      .pop() ?? started.toISOString();
  return {
    status: 200,
    body: {
      started: started.toISOString(),
      last_activity: last,
      kernels: models.length,
      connections: models.reduce((n, k) => n + k.connections, 0),
    },
  };
}
