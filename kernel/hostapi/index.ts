/**
 * The script host API: the globals Agent, Tool, State, JSON, ARGS and Debug (declared for editors
 * in kernel/runtime/meta/llmspell.lua). Each global is one HostModule (Lua run once in the VM plus
 * main-thread handlers); a runtime gets them with
 *
 *   LuaRuntime.create({ ..., hostModules: hostModules(loadHostConfig(globals)) })
 */
import type { HostModule } from '../runtime/types';
import type * as ConfigModule from '../config/config';
import { defaultHostSettings, onlyDefaults } from '../config/defaults';
import { agentModule } from './agent';
import { argsModule } from './args';
import { debugModule } from './debug';
import { jsonModule } from './json';
import { type StateBackend, stateModule } from './state';
import { toolModule } from './tool';
import type { HostConfig, HostLogger } from './types';

export type { HostConfig, HostLogger } from './types';
export { HostError } from './types';
export { migratePostgres, MIGRATIONS } from './state-postgres';

/** The host modules with the resources they hold (a PostgreSQL pool); close() releases them. */
export interface Host {
  modules: HostModule[];
  /** The State backend in use ("memory", "embedded" or "postgres"). */
  state: StateBackend;
  close(): Promise<void>;
}

/** Build the host API for one runtime. Order matters: Tool before Agent (agents use the registry). */
export function createHost(config: HostConfig): Host {
  const state = stateModule(config);
  return {
    modules: [
      jsonModule(),
      argsModule(),
      debugModule(config),
      toolModule(config),
      agentModule(config),
      state.module,
    ],
    state: state.backend,
    close: () => state.backend.close(),
  };
}

/** The host modules for `LuaRuntime.create({ hostModules })`. */
export function hostModules(config: HostConfig): HostModule[] {
  return createHost(config).modules;
}

/** What the CLI knows when it creates a runtime (the global flags and the surroundings). */
export interface HostGlobals {
  /** -p/--profile (LLMSPELL_PROFILE otherwise). */
  profile?: string;
  /** -c/--config (LLMSPELL_CONFIG otherwise). */
  config?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The kernel log for Debug.* and provider retries. */
  log?: HostLogger;
}

/**
 * The host settings from the same layers as the service config (defaults < profile < file < env).
 * Throws ConfigError naming the file and `[section] key` of a bad value.
 */
export function loadHostConfig(globals: HostGlobals = {}): HostConfig {
  const env = globals.env ?? process.env;
  const cwd = globals.cwd ?? process.cwd();
  const opts = { profile: globals.profile, configFile: globals.config, env, cwd };
  // Nothing but the defaults to validate: skip loading the validator (zod) at start-up.
  if (onlyDefaults(opts)) return { settings: defaultHostSettings(), env, cwd, log: globals.log };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadServiceConfig } = require('../config/config') as typeof ConfigModule;
  return { settings: loadServiceConfig(opts).host, env, cwd, log: globals.log };
}
