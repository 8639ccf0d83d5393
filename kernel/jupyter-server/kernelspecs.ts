import { kernelspecJson } from '../jupyter/kernelspec';
import { type ApiRequest, type ApiResponse, methodNotAllowed, notFound } from './http-io';
import { KERNEL_NAME } from './kernels';

/** The one kernelspec this server offers, in the REST shape ({name, spec, resources}). */
export function kernelspecModel(): { name: string; spec: object; resources: Record<string, string> } {
  return { name: KERNEL_NAME, spec: { ...kernelspecJson(), env: {} }, resources: {} };
}

/** /api/kernelspecs[/{name}] */
export function kernelspecsRoute(req: ApiRequest): ApiResponse {
  if (req.method !== 'GET') methodNotAllowed(req, ['GET']);
  const [, name, ...rest] = req.segments;
  if (rest.length > 0) notFound(`no such endpoint: /api/${req.segments.join('/')}`);
  if (name === undefined || name === '') {
    return { status: 200, body: { default: KERNEL_NAME, kernelspecs: { [KERNEL_NAME]: kernelspecModel() } } };
  }
  if (name !== KERNEL_NAME) notFound(`Kernel spec ${name} not found`);
  return { status: 200, body: kernelspecModel() };
}
