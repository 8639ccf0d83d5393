import type * as http from 'http';

/** An error answered as Jupyter servers do: `{"message": ..., "reason": ...}` with the status code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string | null = null,
  ) {
    super(message);
  }
}

/** One REST request as the resource modules see it. */
export interface ApiRequest {
  method: string;
  /** Path segments after /api, e.g. ['kernels', ID, 'interrupt']. */
  segments: string[];
  query: URLSearchParams;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The JSON body of a request ({} when empty); ApiError 400 when it is not a JSON object. */
export function jsonBody(req: ApiRequest): Record<string, unknown> {
  const text = req.body.toString('utf8').trim();
  if (text === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'request body is not valid JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ApiError(400, 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

export function methodNotAllowed(req: ApiRequest, allowed: string[]): never {
  throw new ApiError(
    405,
    `${req.method} not allowed on /api/${req.segments.join('/')} (allowed: ${allowed.join(', ')})`,
  );
}

export function notFound(what: string): never {
  throw new ApiError(404, what);
}

/** Write an ApiResponse (JSON body; 204 has none). */
export function writeResponse(
  res: http.ServerResponse,
  out: ApiResponse,
  headers: Record<string, string>,
): void {
  const all: Record<string, string> = { 'Cache-Control': 'no-store', ...headers, ...(out.headers ?? {}) };
  if (out.status === 204 || out.body === undefined) {
    res.writeHead(out.status, all);
    res.end();
    return;
  }
  res.writeHead(out.status, { 'Content-Type': 'application/json', ...all });
  res.end(JSON.stringify(out.body));
}
