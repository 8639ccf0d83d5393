import { z } from 'zod';

/**
 * The host API sections of the config: [providers.NAME], [storage], [storage.postgres], [tools]
 * (and the guide's [memory], accepted and unused). One schema per key, like schema.ts's service
 * sections; the setting types below are inferred from these schemas, and the defaults live once in
 * defaults.ts (zod-free, so start-up without config skips this module).
 */

/** Wire formats a provider can speak. */
export const PROVIDER_TYPES = ['openai', 'anthropic', 'ollama'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
export const STORAGE_BACKENDS = ['embedded', 'memory', 'postgres'] as const;

export const PROVIDER_KEYS = {
  /** A disabled provider is refused with a clear error. */
  enabled: z.boolean(),
  /** Wire format: "openai" (chat completions, also Ollama's /v1 and other compatible servers),
   *  "anthropic" (messages API) or "ollama" (native /api/chat). Defaults from the provider's name. */
  type: z.enum(PROVIDER_TYPES),
  /** Environment variable holding the API key (keys are never read from files). */
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'),
  base_url: z.string().regex(/^https?:\/\/\S+$/, 'expected an http:// or https:// URL'),
  /** Model used when a script names only the provider or no model at all. */
  default_model: z.string().min(1),
  /** Per-request timeout in seconds. */
  timeout_secs: z.number().positive(),
  /** Retries on 429 and 5xx (with backoff honouring Retry-After). */
  max_retries: z.number().int().min(0).max(10),
};
export const STORAGE_KEYS = {
  backend: z.enum(STORAGE_BACKENDS),
  /** Directory of the embedded store (default ~/.llmspell/state, or $LLMSPELL_HOME/state). */
  path: z.string().min(1),
};
export const POSTGRES_KEYS = {
  url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL'),
  pool_size: z.number().int().min(1).max(1000),
  /** Create or upgrade the tables on first use. */
  auto_migrate: z.boolean(),
  /** Row-level security: each connection sees only its tenant's rows. */
  enforce_tenant_isolation: z.boolean(),
  /** Tenant id of this kernel's state (with enforce_tenant_isolation). */
  tenant: z.string().min(1),
};
export const TOOLS_KEYS = {
  /** Hosts the http-request tool may reach ("*" = any); empty = the tool is disabled. */
  http_allowed_hosts: z.array(z.string().min(1)),
};
export const DEFAULT_PROVIDER_KEY = { default: z.string().min(1) };

/** The guide's [memory] section: accepted and checked for types, not used by this runtime. */
export const MEMORY_SCHEMA = z
  .object({
    enable_memory: z.boolean().optional(),
    enable_rag: z.boolean().optional(),
    episodic: z
      .object({
        hnsw: z
          .object({
            m: z.number().int().positive().optional(),
            ef_construction: z.number().int().positive().optional(),
            ef_search: z.number().int().positive().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const HOST_SECTIONS = ['providers', 'storage', 'tools'] as const;

/** Settings of a key map: every key set, except `Opt`, which may be absent. */
type Settings<T extends Record<string, z.ZodType>, Opt extends keyof T = never> = {
  -readonly [K in Exclude<keyof T, Opt>]: z.output<T[K]>;
} & { -readonly [K in Opt]?: z.output<T[K]> };

export type ProviderConfig = Settings<typeof PROVIDER_KEYS, 'api_key_env' | 'default_model'>;
export type PostgresConfig = Settings<typeof POSTGRES_KEYS, 'url'>;
export type StorageConfig = Settings<typeof STORAGE_KEYS, 'path'> & { postgres: PostgresConfig };
export interface HostSettings {
  /** Provider used when a model names none ([providers] default = "openai"). */
  default_provider: string;
  providers: Record<string, ProviderConfig>;
  storage: StorageConfig;
  tools: Settings<typeof TOOLS_KEYS>;
}

/** A layer of host settings (profile, file, env): any subset. */
export interface PartialHostSettings {
  default_provider?: string;
  providers?: Record<string, Partial<ProviderConfig>>;
  storage?: Partial<Omit<StorageConfig, 'postgres'>> & { postgres?: Partial<PostgresConfig> };
  tools?: Partial<HostSettings['tools']>;
}
