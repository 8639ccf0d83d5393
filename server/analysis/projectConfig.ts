import { pathToFileURL, fileURLToPath } from 'url';
import { DEFAULT_RUNTIME_PATH } from './modules';
import type { Severity } from './types';

/** Settings that change analysis (from client settings and `.luarc.json`). */
export interface AnalysisConfig {
  /** extra known globals (`diagnostics.globals`) */
  globals: string[];
  /** disabled diagnostic codes (`diagnostics.disable`) */
  disabled: string[];
  /** `runtime.version`; only Lua 5.4 semantics are implemented, others are accepted */
  runtimeVersion: string;
  /** `workspace.library`: extra folders whose files define globals and modules */
  library: string[];
  /** `runtime.path`: `package.path`-style templates (`?.lua`, `?/init.lua`) */
  runtimePath: string[];
  /** `diagnostics.severity`: code -> severity override */
  severity: Record<string, Severity>;
  enableSnippets: boolean;
}

export const DEFAULT_CONFIG: AnalysisConfig = {
  globals: [],
  disabled: [],
  runtimeVersion: 'Lua 5.4',
  library: [],
  runtimePath: DEFAULT_RUNTIME_PATH,
  severity: {},
  enableSnippets: true,
};

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}
