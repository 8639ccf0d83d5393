import type { HostSettings } from '../config/config';

/** The leveled logger host modules write to (pino's Logger fits). Never given secrets. */
export interface HostLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Everything the host API needs from its surroundings (injected so tests run it in-process). */
export interface HostConfig {
  /** [providers.*], [storage], [tools] from the effective config (see loadHostConfig). */
  settings: HostSettings;
  /** Where API keys, HOME and LLMSPELL_HOME are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Working directory of the file tools (default process.cwd()); files outside are refused. */
  cwd?: string;
  /** The kernel log (Debug.* and provider retries); silent when absent. */
  log?: HostLogger;
}

export const silentHostLogger: HostLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** An error whose message is shown to the Lua script as is. */
export class HostError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostError';
  }
}

/** A Lua string literal holding `text` (long bracket with a level that does not occur in it). */
export function luaLongString(text: string): string {
  let eq = '';
  while (text.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[\n${text}\n]${eq}]`;
}

export interface StateBackend {
  readonly kind: string;
  /** The stored JSON text, or undefined. */
  get(scope: string, key: string): Promise<string | undefined>;
  set(scope: string, key: string, json: string): Promise<void>;
  delete(scope: string, key: string): Promise<boolean>;
  list(scope: string): Promise<string[]>;
  close(): Promise<void>;
}
