import { z } from 'zod';
import type { AnalysisConfig } from './analysis/project';

/** Client settings under the `llmspell` section (see the guide's nvim-lspconfig snippet). */
export const SettingsSchema = z
  .object({
    /** call snippets in completion (default true) */
    enableSnippets: z.boolean().default(true),
    /** "Run file" / "Run selection" / "Debug file" code lenses (default false) */
    enableDebug: z.boolean().default(false),
    diagnostics: z
      .object({ globals: z.array(z.string()).default([]), disable: z.array(z.string()).default([]) })
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
    'runtime.version': z.string(),
    'workspace.library': z.array(z.string()),
    diagnostics: z.object({ globals: z.array(z.string()), disable: z.array(z.string()) }).partial(),
    runtime: z.object({ version: z.string() }).partial(),
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
    },
  };
}
