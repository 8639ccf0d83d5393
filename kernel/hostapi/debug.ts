import type { HostModule } from '../runtime/types';
import { type HostConfig, silentHostLogger } from './types';
import { hostLua } from './lua';

/**
 * The Debug global: Debug.log/debug (debug level), Debug.info, Debug.warn, Debug.error and
 * Debug.trace write to the kernel log with the script's file and line.
 */

export function debugModule(config: HostConfig): HostModule {
  const log = config.log ?? silentHostLogger;
  return {
    name: 'debug',
    lua: hostLua('debug'),
    handlers: {
      'debug.log': async (args) => {
        const { level, message, where } = (args ?? {}) as {
          level?: string;
          message?: string;
          where?: string;
        };
        const fields = { script: where, source: 'Debug' };
        const text = String(message ?? '');
        if (level === 'info') log.info(fields, text);
        else if (level === 'warn') log.warn(fields, text);
        else if (level === 'error') log.error(fields, text);
        else log.debug(fields, text);
        return {};
      },
    },
  };
}
