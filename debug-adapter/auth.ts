/**
 * Authentication of DAP clients on the kernel's TCP port. The Jupyter channels are protected by
 * the connection file's HMAC key; the DAP port runs Lua for whoever talks to it, so it needs a
 * secret too. Clients present it as `token` in the arguments of `attach` or `launch` (or of
 * `initialize`, for clients that can only add fields there). Until then only `initialize` and
 * `disconnect` are served; everything else gets an error response and never reaches the runtime.
 * `llmspell dap` on stdio has no token: the editor that spawned it owns the process.
 */
import { createHmac, randomBytes, timingSafeEqual, createHash } from 'crypto';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Error response id for refused requests. */
export const DAP_AUTH_ERROR = 4401;

/**
 * The DAP secret of a kernel: `[security] auth_token` when configured (one secret for the HTTP
 * control port and the DAP port), else derived from the connection key, else random.
 */
export function dapToken(opts: { configured?: string; connectionKey?: string }): string {
  if (opts.configured) return opts.configured;
  if (opts.connectionKey)
    return createHmac('sha256', opts.connectionKey).update('llmspell-dap-token').digest('hex').slice(0, 32);
  return randomBytes(16).toString('hex');
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const OPEN_BEFORE_AUTH = new Set(['initialize', 'disconnect']);

/** Per-connection state: authenticated once a request carried the right token. */
export class DapAuth {
  private ok: boolean;

  constructor(private readonly token: string | undefined) {
    this.ok = !token;
  }

  get authenticated(): boolean {
    return this.ok;
  }

  /** Undefined when the request may proceed, else the message of the error response. */
  check(request: DebugProtocol.Request): string | undefined {
    if (this.ok || !this.token) return undefined;
    const presented = (request.arguments as { token?: unknown } | undefined)?.token;
    if (typeof presented === 'string' && sameSecret(presented, this.token)) {
      this.ok = true;
      return undefined;
    }
    if (presented !== undefined) return 'authentication failed: wrong token';
    if (OPEN_BEFORE_AUTH.has(request.command)) return undefined;
    return (
      `authentication required: pass the kernel's DAP token as "token" in the ${request.command === 'launch' ? 'launch' : 'attach'} ` +
      'arguments (`llmspell kernel status --json` shows it as dap_token)'
    );
  }
}
