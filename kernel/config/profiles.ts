import type { PartialServiceConfig } from './schema';

/**
 * Builtin profiles (`-p NAME`). A profile is a layer of settings between the defaults and the
 * config file. The guide's backend-specific names (postgres-prod, openai-prod, ...) select the
 * same service settings as their environment (development/staging/production) and also pick the
 * host API's default provider or storage backend: openai-prod -> OpenAI, claude-prod -> Anthropic,
 * gemini-prod -> Gemini through Google's OpenAI-compatible endpoint (the native Gemini API is not
 * supported), full-local-ollama -> Ollama on localhost:11434, postgres-prod -> PostgreSQL state.
 */
export interface Profile {
  name: string;
  summary: string;
  /** Longer explanation shown by `llmspell profiles show NAME`. */
  details: string;
  /** Service sections plus host API sections ([providers], [storage]) as in a config file. */
  settings: PartialServiceConfig & HostLayerToml;
}

/** Host API sections of a profile, written as they would be in TOML (validated when loaded). */
export interface HostLayerToml {
  providers?: Record<string, string | Record<string, unknown>>;
  storage?: Record<string, unknown>;
  tools?: Record<string, unknown>;
}

const developmentLogging = { logging: { log_level: 'debug' } } satisfies PartialServiceConfig;

const provider = (name: string, extra: Record<string, unknown> = {}): HostLayerToml => ({
  providers: { default: name, [name]: { enabled: true, ...extra } },
});

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
    settings: { ...developmentLogging, ...provider('openai'), storage: { backend: 'embedded' } },
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
    details:
      'The production service settings with State in PostgreSQL: set LLMSPELL_POSTGRES_URL ' +
      '(or [storage.postgres] url). Prerequisites (guide): PostgreSQL and API keys.',
    settings: { ...productionSettings, storage: { backend: 'postgres' } },
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
    details:
      'The production service settings; scripts use Ollama at http://localhost:11434 by default ' +
      '(prerequisites: `ollama serve` and a pulled model, default llama3.2).',
    settings: { ...productionSettings, ...provider('ollama', { base_url: 'http://localhost:11434' }) },
  },
  {
    name: 'openai-prod',
    summary: 'production service settings (guide: OpenAI backend)',
    details:
      'The production service settings; scripts use OpenAI by default (key from OPENAI_API_KEY, model gpt-4o-mini).',
    settings: { ...productionSettings, ...provider('openai') },
  },
  {
    name: 'claude-prod',
    summary: 'production service settings (guide: Anthropic backend)',
    details:
      'The production service settings; scripts use Anthropic by default (key from ANTHROPIC_API_KEY).',
    settings: { ...productionSettings, ...provider('anthropic') },
  },
  {
    name: 'gemini-prod',
    summary: 'production service settings (guide: Google Gemini backend)',
    details:
      "The production service settings; scripts use Gemini through Google's OpenAI-compatible endpoint " +
      '(key from GEMINI_API_KEY). The native Gemini API (generateContent) is not supported yet.',
    settings: { ...productionSettings, ...provider('gemini') },
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
