import type { z as Zod } from 'zod';
import type { AnalysisConfig } from './analysis/project';
import type { Severity } from './analysis/types';

const SEVERITY: Record<string, Severity | undefined> = {
  error: 'error',
  warning: 'warning',
  information: 'information',
  hint: 'hint',
};

/** `diagnostics.severity` values -> our severities; unknown names are skipped. */
export function severities(raw: Record<string, string> | undefined): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  for (const [code, name] of Object.entries(raw ?? {})) {
    const s = SEVERITY[name.replace(/!$/, '').toLowerCase()];
    if (s) out[code] = s;
  }
  return out;
}

// zod is loaded on first use: a client that sends no settings and has no .luarc.json never pays
// for it at start-up (docs/ARCHITECTURE.md, "Start-up").
function buildSchemas(z: typeof Zod) {
  /** LuaLS severity names (`"Warning!"` forces the level; we treat it the same). */
  const SeverityName = z.string();
  /** Client settings under the `llmspell` section (see the guide's nvim-lspconfig snippet). */
  const settings = z
    .object({
      /** call snippets in completion (default true) */
      enableSnippets: z.boolean().default(true),
      /** "Run file" / "Run selection" / "Debug file" code lenses (default false) */
      enableDebug: z.boolean().default(false),
      /** opened documents larger than this many KB (UTF-8) are not analysed (default 5000) */
      maxFileSize: z.number().int().positive().default(5000),
      diagnostics: z
        .object({
          globals: z.array(z.string()).default([]),
          disable: z.array(z.string()).default([]),
          severity: z.record(z.string(), SeverityName).default({}),
        })
        .partial()
        .default({}),
    })
    .partial();
  /** The `.luarc.json` keys LuaLS users already have (flat "a.b" keys or nested objects). */
  const luarc = z
    .object({
      'diagnostics.globals': z.array(z.string()),
      'diagnostics.disable': z.array(z.string()),
      'diagnostics.severity': z.record(z.string(), SeverityName),
      'runtime.version': z.string(),
      'runtime.path': z.array(z.string()),
      'workspace.library': z.array(z.string()),
      diagnostics: z
        .object({
          globals: z.array(z.string()),
          disable: z.array(z.string()),
          severity: z.record(z.string(), SeverityName),
        })
        .partial(),
      runtime: z.object({ version: z.string(), path: z.array(z.string()) }).partial(),
      workspace: z.object({ library: z.array(z.string()) }).partial(),
    })
    .partial()
    .passthrough();
  return { settings, luarc };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;
function getSchemas(): Schemas {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  schemas ??= buildSchemas((require('zod') as { z: typeof Zod }).z);
  return schemas;
}

export type Settings = Zod.infer<Schemas['settings']>;
export type Luarc = Zod.infer<Schemas['luarc']>;

/** What the schema makes of no settings at all (its defaults), without loading zod. */
function defaultSettings(): Settings {
  return { enableSnippets: true, enableDebug: false, maxFileSize: 5000, diagnostics: {} };
}

export function parseSettings(raw: unknown): { settings: Settings; error?: string } {
  if (raw === undefined || raw === null) return { settings: defaultSettings() };
  if (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0)
    return { settings: defaultSettings() };
  const r = getSchemas().settings.safeParse(raw);
  return r.success ? { settings: r.data } : { settings: {}, error: r.error.message };
}

/** VS Code-style keys (`"Lua.diagnostics.globals"`, `{ "Lua": { ... } }`) as LuaLS also reads them. */
function withoutLuaPrefix(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'Lua' && v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v);
    else out[k.startsWith('Lua.') ? k.slice(4) : k] = v;
  }
  return out;
}

/** `.luarc.json` text (JSON with comments tolerated) -> partial analysis config. */
export function parseLuarc(text: string, root: string): { config: Partial<AnalysisConfig>; error?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''));
  } catch (e) {
    return { config: {}, error: `.luarc.json: ${e instanceof Error ? e.message : String(e)}` };
  }
  const r = getSchemas().luarc.safeParse(withoutLuaPrefix(raw));
  if (!r.success) return { config: {}, error: `.luarc.json: ${r.error.message}` };
  const l = r.data;
  const lib = [...(l['workspace.library'] ?? []), ...(l.workspace?.library ?? [])].map((p) =>
    (p.startsWith('/') ? p : `${root}/${p}`).replace(/\/+$/, ''),
  );
  return {
    config: {
      globals: [...(l['diagnostics.globals'] ?? []), ...(l.diagnostics?.globals ?? [])],
      disabled: [...(l['diagnostics.disable'] ?? []), ...(l.diagnostics?.disable ?? [])],
      runtimeVersion: l['runtime.version'] ?? l.runtime?.version ?? 'Lua 5.4',
      library: lib,
      runtimePath: l['runtime.path'] ?? l.runtime?.path,
      severity: severities({ ...l['diagnostics.severity'], ...l.diagnostics?.severity }),
    },
  };
}
