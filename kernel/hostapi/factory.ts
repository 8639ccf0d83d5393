/**
 * The one place a runtime is built for a front end (`llmspell run`/`exec`, kernels, kernels started
 * through the Jupyter server API, DAP launch, the language server's Run, the embedded API).
 * Each runtime gets its own host modules (Agent, Tool, State, ...) and closes them when it is
 * disposed, so a PostgreSQL pool lives exactly as long as the runtime that uses it.
 */
import { LuaRuntime } from '../runtime/runtime';
import type { RuntimeFactory, RuntimeRequest } from '../runtime/types';
import { hostModules, loadHostConfig, type HostGlobals } from './index';
import type { HostConfig } from './types';

/**
 * Where a runtime's host settings come from: the CLI's globals (profile, config file, env; loaded
 * for the runtime's cwd and env), an already loaded configuration, or no host API at all.
 */
export type HostSource = { globals: HostGlobals } | { config: HostConfig } | 'none';

function configFor(source: HostSource, request: RuntimeRequest): HostConfig | undefined {
  if (source === 'none') return undefined;
  if ('config' in source) return source.config;
  const env = { ...(source.globals.env ?? process.env), ...request.env };
  return loadHostConfig({ ...source.globals, cwd: request.cwd ?? source.globals.cwd, env });
}

/** A runtime with the host API of `host`; `request` as for LuaRuntime.create. */
export function createRuntime(host: HostSource, request: RuntimeRequest = {}): Promise<LuaRuntime> {
  const config = configFor(host, request);
  return LuaRuntime.create({ ...request, hostModules: config ? hostModules(config) : [] });
}

/** A factory for fresh runtimes of the same kind (a kernel's restarts, each DAP launch). */
export function runtimeFactory(host: HostSource, defaults: RuntimeRequest = {}): RuntimeFactory {
  return (request = {}) => createRuntime(host, { ...defaults, ...request });
}
