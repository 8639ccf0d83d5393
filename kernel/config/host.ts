import * as path from 'path';
import type { z } from 'zod';
import { PROVIDER_DEFAULTS } from './defaults';
import {
  DEFAULT_PROVIDER_KEY,
  type HOST_SECTIONS,
  type HostSettings,
  type PartialHostSettings,
  POSTGRES_KEYS,
  PROVIDER_KEYS,
  type ProviderConfig,
  type ProviderType,
  STORAGE_KEYS,
  TOOLS_KEYS,
} from './host-schema';
import { describe, expandDeep } from './values';

/** Validating and merging the host API sections of one layer (see host-schema.ts for the keys). */

/** Where an effective value came from: `default`, `profile NAME`, `file PATH`, `env VAR`, `flag --x`. */
export type SourceMap = Record<string, string>;

export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validate `[providers]`, `[storage]` or `[tools]` of one layer into `out`, same messages as the rest. */
export function validateHostSection(
  section: (typeof HOST_SECTIONS)[number],
  table: Record<string, unknown>,
  origin: string,
  out: PartialHostSettings,
  problems: string[],
  opts: { env?: NodeJS.ProcessEnv; baseDir?: string },
): void {
  const check = <T>(
    schemas: Record<string, z.ZodType>,
    where: string,
    key: string,
    value: unknown,
    secret = false,
  ): { ok: true; value: T } | { ok: false } => {
    const schema = schemas[key];
    if (!schema) {
      problems.push(
        `${origin}: unknown key ${where} ${key} (known keys: ${Object.keys(schemas).join(', ')})`,
      );
      return { ok: false };
    }
    const before = problems.length;
    const expanded = opts.env ? expandDeep(value, opts.env, `${origin}: ${where} ${key}`, problems) : value;
    if (problems.length > before) return { ok: false };
    const parsed = schema.safeParse(expanded);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      problems.push(`${origin}: ${where} ${key}: ${why} (got ${secret ? '***' : describe(expanded)})`);
      return { ok: false };
    }
    return { ok: true, value: parsed.data as T };
  };
  if (section === 'providers') {
    for (const [name, value] of Object.entries(table)) {
      if (name === 'default') {
        const r = check<string>(DEFAULT_PROVIDER_KEY, '[providers]', 'default', value);
        if (r.ok) out.default_provider = r.value;
        continue;
      }
      if (!/^[A-Za-z0-9_-]+$/.test(name) || !isTable(value)) {
        problems.push(`${origin}: [providers.${name}] must be a table of provider settings`);
        continue;
      }
      const prov: Record<string, unknown> = ((out.providers ??= {})[name] ??= {});
      for (const [key, v] of Object.entries(value)) {
        const r = check<unknown>(PROVIDER_KEYS, `[providers.${name}]`, key, v);
        if (r.ok) prov[key] = r.value;
      }
    }
    return;
  }
  if (section === 'tools') {
    for (const [key, v] of Object.entries(table)) {
      const r = check<string[]>(TOOLS_KEYS, '[tools]', key, v);
      if (r.ok) (out.tools ??= {}).http_allowed_hosts = r.value;
    }
    return;
  }
  const storage: Record<string, unknown> = (out.storage ??= {});
  for (const [key, v] of Object.entries(table)) {
    if (key === 'postgres') {
      if (!isTable(v)) {
        problems.push(`${origin}: [storage.postgres] must be a table`);
        continue;
      }
      const pg: Record<string, unknown> = (out.storage.postgres ??= {});
      for (const [k, pv] of Object.entries(v)) {
        const r = check<unknown>(POSTGRES_KEYS, '[storage.postgres]', k, pv, k === 'url');
        if (r.ok) pg[k] = r.value;
      }
      continue;
    }
    const r = check<unknown>(STORAGE_KEYS, '[storage]', key, v);
    if (r.ok)
      storage[key] = key === 'path' && opts.baseDir ? path.resolve(opts.baseDir, r.value as string) : r.value;
  }
}

export function mergeHost(
  target: HostSettings,
  sources: SourceMap,
  layer: PartialHostSettings,
  source: string,
): void {
  if (layer.default_provider !== undefined) {
    target.default_provider = layer.default_provider;
    sources['providers.default'] = source;
  }
  for (const [name, values] of Object.entries(layer.providers ?? {})) {
    const known: ProviderConfig | undefined = target.providers[name];
    const type: ProviderType =
      values.type ??
      known?.type ??
      (name === 'anthropic' || name === 'claude' ? 'anthropic' : name === 'ollama' ? 'ollama' : 'openai');
    const base: ProviderConfig = known ?? { ...PROVIDER_DEFAULTS, type, base_url: '' };
    target.providers[name] = { ...base, type, ...values };
    for (const key of Object.keys(values)) sources[`providers.${name}.${key}`] = source;
  }
  if (layer.storage) {
    const { postgres, ...rest } = layer.storage;
    Object.assign(target.storage, rest);
    for (const key of Object.keys(rest)) sources[`storage.${key}`] = source;
    if (postgres) {
      Object.assign(target.storage.postgres, postgres);
      for (const key of Object.keys(postgres)) sources[`storage.postgres.${key}`] = source;
    }
  }
  if (layer.tools?.http_allowed_hosts) {
    target.tools.http_allowed_hosts = layer.tools.http_allowed_hosts;
    sources['tools.http_allowed_hosts'] = source;
  }
}

/** Cross-key rules of the host settings. */
export function checkHost(host: HostSettings, sources: SourceMap): string[] {
  const problems: string[] = [];
  for (const [name, p] of Object.entries(host.providers)) {
    if (!p.base_url)
      problems.push(`${sources[`providers.${name}.type`] ?? 'config'}: [providers.${name}] needs base_url`);
  }
  return problems;
}
