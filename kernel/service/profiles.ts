import type { PartialServiceConfig } from './schema';

/**
 * Builtin profiles (`-p NAME`). A profile is a layer of settings between the defaults and the
 * config file. The guide's backend-specific names (postgres-prod, openai-prod, ...) select the
 * same service settings as their environment (development/staging/production); this TypeScript
 * runtime has no LLM or database backends, so their prerequisites only matter for scripts.
 */
export interface Profile {
  name: string;
  summary: string;
  /** Longer explanation shown by `llmspell profiles show NAME`. */
  details: string;
  settings: PartialServiceConfig;
}

const developmentLogging = { logging: { log_level: 'debug' } } satisfies PartialServiceConfig;

const productionSettings = {
  kernel: { idle_timeout: 0 },
  daemon: { daemonize: true, umask: 0o077 },
  logging: { log_level: 'info', max_size_mb: 100, max_backups: 5, compress: true },
  security: { max_message_size_mb: 10, rate_limit_per_minute: 600 },
} satisfies PartialServiceConfig;

export const PROFILES: readonly Profile[] = [
  {
    name: 'development',
    summary: 'debug logging, foreground, no limits beyond the defaults',
    details:
      'Quick iteration: debug-level logs to stderr (or --log-file), the kernel stays in the foreground.',
    settings: developmentLogging,
  },
  {
    name: 'memory-development',
    summary: 'development settings (debug logs) for memory-system debugging',
    details: 'Same service settings as development. Prerequisites (guide): API keys for the scripts you run.',
    settings: developmentLogging,
  },
  {
    name: 'rag-dev',
    summary: 'development settings with trace-level (verbose) logs',
    details: 'Like development, but logs at trace level for the most verbose output.',
    settings: { logging: { log_level: 'trace' } },
  },
  {
    name: 'production',
    summary: 'info logs, daemon mode, rotation with gzip, umask 077, request limits',
    details:
      'Service defaults: daemonize, umask 0o077, info logs rotated at 100 MB keeping 5 gzip backups, ' +
      '10 MB request limit and 600 requests per minute on the HTTP control port. Never idles out.',
    settings: productionSettings,
  },
  {
    name: 'postgres-prod',
    summary: 'production service settings (guide: PostgreSQL backend; needs LLMSPELL_POSTGRES_URL)',
    details: 'The production service settings. Prerequisites (guide): PostgreSQL and API keys.',
    settings: productionSettings,
  },
  {
    name: 'rag-prod',
    summary: 'production service settings (guide: production RAG settings)',
    details: 'The production service settings, used in staging to test production RAG settings.',
    settings: productionSettings,
  },
  {
    name: 'full-local-ollama',
    summary: 'production service settings (guide: local LLM through Ollama)',
    details: 'The production service settings. Prerequisites (guide): `ollama serve` and local models.',
    settings: productionSettings,
  },
  {
    name: 'openai-prod',
    summary: 'production service settings (guide: OpenAI backend)',
    details: 'The production service settings. Prerequisites (guide): OPENAI_API_KEY.',
    settings: productionSettings,
  },
  {
    name: 'claude-prod',
    summary: 'production service settings (guide: Anthropic backend)',
    details: 'The production service settings. Prerequisites (guide): ANTHROPIC_API_KEY.',
    settings: productionSettings,
  },
  {
    name: 'gemini-prod',
    summary: 'production service settings (guide: Google Gemini backend)',
    details: 'The production service settings. Prerequisites (guide): a Gemini API key.',
    settings: productionSettings,
  },
];

export class UnknownProfileError extends Error {
  constructor(name: string) {
    super(`unknown profile '${name}'; known profiles: ${PROFILES.map((p) => p.name).join(', ')}`);
  }
}

export function findProfile(name: string): Profile {
  const profile = PROFILES.find((p) => p.name === name);
  if (!profile) throw new UnknownProfileError(name);
  return profile;
}
