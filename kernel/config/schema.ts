import { z } from 'zod';
import { DEFAULT_CONTROL_PORT, DEFAULT_DAP_PORT } from '../shared/ports';

/**
 * The service config (kernel.toml): sections [kernel] [daemon] [logging] [security] as in the
 * guide. Every key is validated on its own so an error names the section and key.
 * Defaults are in DEFAULTS below; `undefined` means "not set" (for example no log file: stderr).
 */

const port = z.number().int().min(0).max(65535);
const path = z.string().min(1);
const positive = z.number().positive();
/** umask: an integer (TOML 0o077) or an octal string ("077", "0o077"). */
const umask = z.union([
  z.number().int().min(0).max(0o777),
  z
    .string()
    .regex(/^(0o|0)?[0-7]{1,3}$/, 'expected an octal string like "077"')
    .transform((s) => parseInt(s.replace(/^0o/, ''), 8)),
]);

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SECTION_SCHEMAS = {
  kernel: {
    /** HTTP control port (/health, /metrics); 0 = a free port. */
    port,
    /** Jupyter connection file (bound if it exists with ports and key, written otherwise). */
    connection_file: path,
    /** Stop after this many idle seconds; 0 = never. */
    idle_timeout: z.number().int().min(0),
    /** Debug Adapter TCP port; 0 = a free port; false = no DAP server. */
    dap_port: z.union([port, z.literal(false)]),
    /** Maximum concurrent Jupyter clients. */
    max_clients: z.number().int().min(1),
  },
  daemon: {
    /** Detach and run in the background (like --daemon). */
    daemonize: z.boolean(),
    pid_file: path,
    /** Working directory of the daemon. */
    working_dir: path,
    umask,
  },
  logging: {
    /** Log file; without one, logs go to stderr. */
    log_file: path,
    log_level: z.enum(LOG_LEVELS),
    /** Rotate the log file when it would grow past this size. */
    max_size_mb: positive,
    /** Rotated files kept (kernel.log.1 ... kernel.log.N). */
    max_backups: z.number().int().min(0).max(1000),
    /** gzip rotated files (kernel.log.1.gz). */
    compress: z.boolean(),
  },
  security: {
    /** HMAC key for Jupyter messages when the kernel writes its connection file. */
    hmac_key: z.string().min(1),
    /** Bearer token required on the HTTP control port (Authorization: Bearer TOKEN). */
    auth_token: z.string().min(1),
    /** Hosts or origins allowed to send requests with an Origin header; "*" allows any. */
    allowed_origins: z.array(z.string().min(1)),
    /** HTTP request bodies over this size are answered with 413. */
    max_message_size_mb: positive,
    /** Requests per minute per client address on the HTTP control port; 0 = unlimited. */
    rate_limit_per_minute: z.number().int().min(0),
    tls_enabled: z.boolean(),
    tls_cert: path,
    tls_key: path,
  },
} as const;

type Schemas = typeof SECTION_SCHEMAS;
export type SectionName = keyof Schemas;
export const SECTIONS = Object.keys(SECTION_SCHEMAS) as SectionName[];

export type ServiceConfig = {
  [S in SectionName]: { -readonly [K in keyof Schemas[S]]?: z.output<Schemas[S][K]> };
};

/** A layer (profile, file, env, flags): any subset of the keys. */
export type PartialServiceConfig = {
  [S in SectionName]?: { -readonly [K in keyof Schemas[S]]?: z.input<Schemas[S][K]> };
};

export const DEFAULTS: ServiceConfig = {
  kernel: { port: DEFAULT_CONTROL_PORT, idle_timeout: 0, dap_port: DEFAULT_DAP_PORT, max_clients: 50 },
  daemon: { daemonize: false },
  logging: { max_size_mb: 100, max_backups: 5, compress: true },
  security: {
    allowed_origins: ['localhost', '127.0.0.1', '::1'],
    max_message_size_mb: 10,
    rate_limit_per_minute: 0,
    tls_enabled: false,
  },
};

/** Keys whose values are secrets: shown as "***" by --dry-run and in logs. */
export const SECRET_KEYS = new Set(['security.hmac_key', 'security.auth_token']);
