import { z } from 'zod';
import type { AnalysisConfig } from './analysis/project';
import type { Severity } from './analysis/types';

/** LuaLS severity names (`"Warning!"` forces the level; we treat it the same). */
const SeverityName = z.string();
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

/** Client settings under the `llmspell` section (see the guide's nvim-lspconfig snippet). */
export const SettingsSchema = z
  .object({
    /** call snippets in completion (default true) */
    enableSnippets: z.boolean().default(true),
    /** "Run file" / "Run selection" / "Debug file" code lenses (default false) */
    enableDebug: z.boolean().default(false),
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
export type Settings = z.infer<typeof SettingsSchema>;

/** The `.luarc.json` keys LuaLS users already have (flat "a.b" keys or nested objects). */
export const LuarcSchema = z
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
export type Luarc = z.infer<typeof LuarcSchema>;

export function parseSettings(raw: unknown): { settings: Settings; error?: string } {
  const r = SettingsSchema.safeParse(raw ?? {});
  return r.success ? { settings: r.data } : { settings: {}, error: r.error.message };
}

/** `.luarc.json` text (JSON with comments tolerated) -> partial analysis config. */
export function parseLuarc(text: string, root: string): { config: Partial<AnalysisConfig>; error?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''));
  } catch (e) {
    return { config: {}, error: `.luarc.json: ${e instanceof Error ? e.message : String(e)}` };
  }
  const r = LuarcSchema.safeParse(raw);
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
