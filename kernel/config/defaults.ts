import type { LoadOptions } from './config';
import type { HostSettings, ProviderConfig, ProviderType } from './host-schema';

/**
 * The parts of the config that start-up needs without loading the validator (zod, smol-toml):
 * the builtin host settings, the environment variables that set keys, and whether any layer beyond
 * the defaults is present. `llmspell run`/`exec` with no profile, no config file and no
 * LLMSPELL_* setting use defaultHostSettings() as is; anything else goes through
 * loadServiceConfig() (config.ts) and is validated as before.
 */

/** Environment variables that set a key (between the file and the flags). */
export const ENV_KEYS: Record<string, string> = {
  LLMSPELL_PORT: 'kernel.port',
  LLMSPELL_DAP_PORT: 'kernel.dap_port',
  LLMSPELL_CONNECTION_FILE: 'kernel.connection_file',
  LLMSPELL_PID_FILE: 'daemon.pid_file',
  LLMSPELL_LOG_FILE: 'logging.log_file',
  LLMSPELL_LOG: 'logging.log_level',
  LLMSPELL_HMAC_KEY: 'security.hmac_key',
  LLMSPELL_AUTH_TOKEN: 'security.auth_token',
};

/** Variables that select or add a whole layer (profile, file, the PostgreSQL URL). */
const LAYER_ENV = ['LLMSPELL_PROFILE', 'LLMSPELL_CONFIG', 'LLMSPELL_POSTGRES_URL'];

/**
 * True when loadServiceConfig() would read nothing but the defaults: no profile, no config file
 * and no variable it reads (empty values count as unset, as there).
 */
export function onlyDefaults(opts: Pick<LoadOptions, 'profile' | 'configFile' | 'env' | 'flags'>): boolean {
  if (opts.profile !== undefined || opts.configFile !== undefined || opts.flags !== undefined) return false;
  const env = opts.env ?? process.env;
  return [...LAYER_ENV, ...Object.keys(ENV_KEYS)].every((name) => !env[name]);
}

/** Settings every provider has unless a layer sets them (builtin or added by a config). */
export const PROVIDER_DEFAULTS: Pick<ProviderConfig, 'enabled' | 'timeout_secs' | 'max_retries'> = {
  enabled: true,
  timeout_secs: 120,
  max_retries: 3,
};

/** Builtin providers: known wire formats, endpoints and key variables. Gemini goes through Google's
 *  OpenAI-compatible endpoint (the native generateContent API is not supported). */
export function defaultHostSettings(): HostSettings {
  const p = (type: ProviderType, base_url: string, default_model: string, api_key_env?: string) => ({
    ...PROVIDER_DEFAULTS,
    type,
    base_url,
    default_model,
    api_key_env,
  });
  return {
    default_provider: 'openai',
    providers: {
      openai: p('openai', 'https://api.openai.com/v1', 'gpt-4o-mini', 'OPENAI_API_KEY'),
      anthropic: p('anthropic', 'https://api.anthropic.com', 'claude-3-5-haiku-latest', 'ANTHROPIC_API_KEY'),
      ollama: p('ollama', 'http://localhost:11434', 'llama3.2'),
      gemini: p(
        'openai',
        'https://generativelanguage.googleapis.com/v1beta/openai',
        'gemini-2.0-flash',
        'GEMINI_API_KEY',
      ),
    },
    storage: {
      backend: 'embedded',
      postgres: { pool_size: 5, auto_migrate: true, enforce_tenant_isolation: false, tenant: 'default' },
    },
    tools: { http_allowed_hosts: [] },
  };
}

/** A connection URL with its password replaced by "***" (for logs and --dry-run). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
