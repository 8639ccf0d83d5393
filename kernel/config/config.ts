import { readFileSync } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { findProfile } from './profiles';
import { defaultHostSettings, ENV_KEYS, redactUrl } from './defaults';
import { checkHost, isTable, mergeHost, type SourceMap, validateHostSection } from './host';
import { HOST_SECTIONS, type HostSettings, MEMORY_SCHEMA, type PartialHostSettings } from './host-schema';
import { describe, expandDeep } from './values';
// smol-toml ships a CommonJS build (dist/index.cjs) but its types are declared as ESM
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml, TomlError } = require('smol-toml') as typeof import('smol-toml', {
  with: { 'resolution-mode': 'import' },
});
import {
  DEFAULTS,
  type PartialServiceConfig,
  SECRET_KEYS,
  SECTION_SCHEMAS,
  SECTIONS,
  type SectionName,
  type ServiceConfig,
} from './schema';

// Zod-free parts (builtin host settings, ENV_KEYS) live in defaults.ts so start-up can skip this module.
export { defaultHostSettings, ENV_KEYS, onlyDefaults, redactUrl } from './defaults';

/**
 * Loading the service config: defaults < profile < file < env < flags. Each layer is validated
 * key by key; errors name the layer (file path, env variable, flag) and the `[section] key`.
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export type { SourceMap } from './host';
export type {
  HostSettings,
  PartialHostSettings,
  PostgresConfig,
  ProviderConfig,
  ProviderType,
  StorageConfig,
} from './host-schema';
export { PROVIDER_TYPES, STORAGE_BACKENDS, HOST_SECTIONS } from './host-schema';
export { expandEnv } from './values';
export interface LoadedConfig {
  config: ServiceConfig;
  /** [providers.NAME], [storage], [storage.postgres] and [tools]: settings of the script host API. */
  host: HostSettings;
  sources: SourceMap;
  /** The config file read, if any. */
  file?: string;
  profile?: string;
}

/** Command-line values, already named by section and key. `undefined` = not given. */
export interface FlagLayer {
  values: PartialServiceConfig;
  /** "kernel.port" -> "--port" (for messages and --dry-run). */
  names: Record<string, string>;
}

export interface LoadOptions {
  flags?: FlagLayer;
  /** Config file (--config / -c); LLMSPELL_CONFIG otherwise. */
  configFile?: string;
  /** Builtin profile (-p); LLMSPELL_PROFILE otherwise. */
  profile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const PATH_KEYS = new Set([
  'kernel.connection_file',
  'daemon.pid_file',
  'daemon.working_dir',
  'logging.log_file',
  'security.tls_cert',
  'security.tls_key',
]);

function keysOf(section: SectionName): string[] {
  return Object.keys(SECTION_SCHEMAS[section]);
}

function schemaFor(section: SectionName, key: string): z.ZodType | undefined {
  return (SECTION_SCHEMAS[section] as Record<string, z.ZodType>)[key];
}

/**
 * Validate one layer (a parsed TOML document, a profile or flags) against the schema.
 * `origin` prefixes every message; `keyName` renders a key for messages (flags use their names).
 */
export function validateLayer(
  raw: unknown,
  origin: string,
  opts: {
    env?: NodeJS.ProcessEnv;
    baseDir?: string;
    keyName?: (dotted: string) => string;
  } = {},
): { layer: PartialServiceConfig; problems: string[]; host: PartialHostSettings } {
  const problems: string[] = [];
  const layer: Record<string, Record<string, unknown>> = {};
  const host: PartialHostSettings = {};
  const keyName = opts.keyName ?? ((d: string) => `[${d.split('.')[0]}] ${d.split('.')[1]}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { layer: {}, problems: [`${origin}: expected a table of sections`], host };
  }
  for (const [section, table] of Object.entries(raw as Record<string, unknown>)) {
    if ((HOST_SECTIONS as readonly string[]).includes(section)) {
      if (!isTable(table)) problems.push(`${origin}: [${section}] must be a table`);
      else
        validateHostSection(section as (typeof HOST_SECTIONS)[number], table, origin, host, problems, opts);
      continue;
    }
    if (section === 'memory') {
      // The guide's [memory] settings (episodic memory, RAG) belong to the Rust runtime's memory
      // system, which this runtime does not have: validated so a copied config works, then unused.
      const parsed = MEMORY_SCHEMA.safeParse(table);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push(`${origin}: [memory] ${issue.path.join('.')}: ${issue.message}`);
        }
      }
      continue;
    }
    if (!(SECTIONS as string[]).includes(section)) {
      problems.push(
        `${origin}: unknown section [${section}] (known sections: ${[...SECTIONS, ...HOST_SECTIONS].join(', ')})`,
      );
      continue;
    }
    const sec = section as SectionName;
    if (typeof table !== 'object' || table === null || Array.isArray(table)) {
      problems.push(`${origin}: [${section}] must be a table`);
      continue;
    }
    for (const [key, value] of Object.entries(table as Record<string, unknown>)) {
      if (value === undefined) continue;
      const dotted = `${section}.${key}`;
      const schema = schemaFor(sec, key);
      if (!schema) {
        problems.push(`${origin}: unknown key [${section}] ${key} (known keys: ${keysOf(sec).join(', ')})`);
        continue;
      }
      const before = problems.length;
      const expanded = opts.env
        ? expandDeep(value, opts.env, `${origin}: ${keyName(dotted)}`, problems)
        : value;
      if (problems.length > before) continue;
      const parsed = schema.safeParse(expanded);
      if (!parsed.success) {
        const why = parsed.error.issues.map((i) => i.message).join('; ');
        const shown = SECRET_KEYS.has(dotted) ? '***' : describe(expanded);
        problems.push(`${origin}: ${keyName(dotted)}: ${why} (got ${shown})`);
        continue;
      }
      let out = parsed.data;
      if (PATH_KEYS.has(dotted) && typeof out === 'string' && opts.baseDir)
        out = path.resolve(opts.baseDir, out);
      (layer[section] ??= {})[key] = out;
    }
  }
  return { layer: layer as PartialServiceConfig, problems, host };
}

function coerceEnv(dotted: string, text: string): unknown {
  if (dotted === 'kernel.port' || dotted === 'kernel.dap_port') {
    if (dotted === 'kernel.dap_port' && text === 'false') return false;
    return /^\d+$/.test(text) ? Number(text) : text;
  }
  return text;
}

export function envLayer(
  env: NodeJS.ProcessEnv,
  cwd: string,
): { layer: PartialServiceConfig; problems: string[] } {
  const raw: Record<string, Record<string, unknown>> = {};
  const names: Record<string, string> = {};
  for (const [name, dotted] of Object.entries(ENV_KEYS)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const [section, key] = dotted.split('.');
    (raw[section] ??= {})[key] = coerceEnv(dotted, text);
    names[dotted] = name;
  }
  return validateLayer(raw, 'environment', {
    baseDir: cwd,
    keyName: (d) => `${names[d]} ([${d.replace('.', '] ')})`,
  });
}

export function readConfigFile(
  file: string,
  env: NodeJS.ProcessEnv,
): { layer: PartialServiceConfig; problems: string[]; host?: PartialHostSettings } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { layer: {}, problems: [`${file}: cannot read config file (${code ?? String(err)})`] };
  }
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0];
      return { layer: {}, problems: [`${file}:${err.line}:${err.column}: TOML syntax error: ${first}`] };
    }
    return { layer: {}, problems: [`${file}: TOML syntax error: ${String(err)}`] };
  }
  return validateLayer(doc, file, { env, baseDir: path.dirname(file) });
}

function merge(
  target: ServiceConfig,
  sources: SourceMap,
  layer: PartialServiceConfig,
  source: (dotted: string) => string,
): void {
  for (const section of SECTIONS) {
    const values = layer[section] as Record<string, unknown> | undefined;
    if (!values) continue;
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      (target[section] as Record<string, unknown>)[key] = value;
      sources[`${section}.${key}`] = source(`${section}.${key}`);
    }
  }
}

function cloneDefaults(): ServiceConfig {
  return JSON.parse(JSON.stringify(DEFAULTS)) as ServiceConfig;
}

/** Cross-key rules that a single key cannot check. */
function checkCombination(config: ServiceConfig, sources: SourceMap): string[] {
  const problems: string[] = [];
  const s = config.security;
  if (s.tls_enabled && (!s.tls_cert || !s.tls_key)) {
    const missing = [!s.tls_cert && 'tls_cert', !s.tls_key && 'tls_key'].filter(Boolean).join(' and ');
    problems.push(`${sources['security.tls_enabled']}: [security] tls_enabled = true needs ${missing}`);
  }
  return problems;
}

/** Resolve the effective config; throws ConfigError listing every problem. */
export function loadServiceConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const config = cloneDefaults();
  const sources: SourceMap = {};
  for (const section of SECTIONS) {
    for (const key of Object.keys(DEFAULTS[section])) sources[`${section}.${key}`] = 'default';
  }
  const problems: string[] = [];
  const host = defaultHostSettings();
  for (const [name, p] of Object.entries(host.providers))
    for (const key of Object.keys(p)) sources[`providers.${name}.${key}`] = 'default';

  const profileName = opts.profile ?? (env.LLMSPELL_PROFILE || undefined);
  if (profileName !== undefined) {
    try {
      const profile = findProfile(profileName);
      const { layer, host: hostLayer } = validateLayer(profile.settings, `profile ${profile.name}`);
      merge(config, sources, layer, () => `profile ${profile.name}`);
      mergeHost(host, sources, hostLayer, `profile ${profile.name}`);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }

  const fileArg = opts.configFile ?? (env.LLMSPELL_CONFIG || undefined);
  const file = fileArg !== undefined ? path.resolve(cwd, fileArg) : undefined;
  if (file) {
    const fromFile = readConfigFile(file, env);
    problems.push(...fromFile.problems);
    merge(config, sources, fromFile.layer, () => `file ${file}`);
    if (fromFile.host) mergeHost(host, sources, fromFile.host, `file ${file}`);
  }
  const pgUrl = env.LLMSPELL_POSTGRES_URL;
  if (pgUrl) {
    const fromPgEnv = validateLayer({ storage: { postgres: { url: pgUrl } } }, 'environment');
    problems.push(
      ...fromPgEnv.problems.map((p) => p.replace('[storage.postgres] url', 'LLMSPELL_POSTGRES_URL')),
    );
    mergeHost(host, sources, fromPgEnv.host, 'env LLMSPELL_POSTGRES_URL');
  }

  const fromEnv = envLayer(env, cwd);
  problems.push(...fromEnv.problems);
  merge(config, sources, fromEnv.layer, (d) => `env ${Object.keys(ENV_KEYS).find((k) => ENV_KEYS[k] === d)}`);

  if (opts.flags) {
    const names = opts.flags.names;
    const fromFlags = validateLayer(opts.flags.values, 'command line', {
      baseDir: cwd,
      keyName: (d) => names[d] ?? d,
    });
    problems.push(...fromFlags.problems);
    merge(config, sources, fromFlags.layer, (d) => `flag ${names[d] ?? d}`);
  }

  problems.push(...checkCombination(config, sources), ...checkHost(host, sources));
  if (problems.length) throw new ConfigError(problems);
  return { config, host, sources, file, profile: profileName };
}

function tomlValue(value: unknown, dotted: string): string {
  if (SECRET_KEYS.has(dotted)) return '"***"';
  if (dotted === 'daemon.umask' && typeof value === 'number')
    return `0o${value.toString(8).padStart(3, '0')}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => tomlValue(v, '')).join(', ')}]`;
  return String(value);
}

/** The effective settings as TOML with each value's source (`kernel start --dry-run`). */
export function formatConfig(loaded: LoadedConfig): string {
  const lines: string[] = [];
  lines.push(`# effective llmspell kernel settings`);
  lines.push(`# config file: ${loaded.file ?? '(none)'}`);
  lines.push(`# profile: ${loaded.profile ?? '(none)'}`);
  for (const section of SECTIONS) {
    lines.push('', `[${section}]`);
    const values = loaded.config[section] as Record<string, unknown>;
    for (const key of keysOf(section)) {
      const dotted = `${section}.${key}`;
      const value = values[key];
      if (value === undefined) lines.push(`# ${key} (not set)`);
      else lines.push(`${key} = ${tomlValue(value, dotted)}  # ${loaded.sources[dotted] ?? 'default'}`);
    }
  }
  const h = loaded.host;
  const src = (d: string) => loaded.sources[d] ?? 'default';
  lines.push(
    '',
    '[providers]',
    `default = ${JSON.stringify(h.default_provider)}  # ${src('providers.default')}`,
  );
  for (const [name, p] of Object.entries(h.providers)) {
    lines.push('', `[providers.${name}]`);
    for (const [key, value] of Object.entries(p))
      if (value !== undefined)
        lines.push(`${key} = ${tomlValue(value, '')}  # ${src(`providers.${name}.${key}`)}`);
  }
  lines.push('', '[storage]', `backend = "${h.storage.backend}"  # ${src('storage.backend')}`);
  if (h.storage.path) lines.push(`path = ${JSON.stringify(h.storage.path)}  # ${src('storage.path')}`);
  lines.push('', '[storage.postgres]');
  for (const [key, value] of Object.entries(h.storage.postgres)) {
    if (value === undefined) continue;
    const shown = key === 'url' ? JSON.stringify(redactUrl(String(value))) : tomlValue(value, '');
    lines.push(`${key} = ${shown}  # ${src(`storage.postgres.${key}`)}`);
  }
  lines.push('', '[tools]', `http_allowed_hosts = ${tomlValue(h.tools.http_allowed_hosts, '')}`);
  return lines.join('\n') + '\n';
}
